"""The installable app's own URLs: the manifest, the service worker and the offline page."""

import json

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.templatetags.static import static
from django.test import override_settings
from django.urls import reverse
from PIL import Image

from diary.views.app import APP_SHELL, _shell_version
from tests.factories import make_user
from tests.security_routes import app_routes, fill, make_diary


def test_the_manifest_opens_the_quick_log_standalone_with_a_shortcut_to_it(client):
    response = client.get("/manifest.webmanifest")
    manifest = json.loads(response.content)
    assert response["Content-Type"] == "application/manifest+json"
    assert manifest["display"] == "standalone"
    assert manifest["start_url"] == reverse("diary:quick_log")
    assert manifest["scope"] == "/"
    assert [(s["name"], s["url"]) for s in manifest["shortcuts"]] == [
        ("Log a spasm now", reverse("diary:quick_log"))
    ]
    assert manifest["theme_color"] and manifest["background_color"]


def test_the_manifest_icons_are_pngs_of_the_sizes_it_names(client):
    icons = json.loads(client.get("/manifest.webmanifest").content)["icons"]
    found = set()
    for icon in icons:
        width, height = map(int, icon["sizes"].split("x"))
        with Image.open(finders.find(icon["src"].removeprefix("/static/"))) as image:
            assert (image.format, image.size) == ("PNG", (width, height))
        found.add((width, icon.get("purpose", "any")))
    assert found == {(192, "any"), (512, "any"), (192, "maskable"), (512, "maskable")}


def test_every_page_links_the_manifest(client, auth_client):
    for page in (client.get(reverse("login")), auth_client.get(reverse("diary:home"))):
        assert b'<link rel="manifest" href="/manifest.webmanifest">' in page.content


def test_the_service_worker_is_served_from_the_root_and_always_revalidated(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    for name in APP_SHELL:
        assert f'"/static/{name}"' in body
    assert '"/offline/"' in body


def test_the_csp_lets_only_this_site_provide_workers_and_the_manifest(client):
    policy = client.get(reverse("login"))["Content-Security-Policy"]
    assert "worker-src 'self'" in policy
    assert "manifest-src 'self'" in policy


def test_the_offline_page_needs_no_session_and_links_the_quick_log(client):
    response = client.get("/offline/")
    assert response.status_code == 200
    assert reverse("diary:quick_log").encode() in response.content


@pytest.mark.django_db
def test_with_the_production_static_storage_every_page_answers(client, tmp_path):
    """Production serves hashed static names from collectstatic's manifest; a `static()` call
    for a file that is not there is a 500 only then, so every route is asked with that storage."""
    user = make_user("alice", "Europe/Berlin")
    diary = make_diary(user, "static-check")
    storage = "whitenoise.storage.CompressedManifestStaticFilesStorage"
    storages = {**settings.STORAGES, "staticfiles": {"BACKEND": storage}}
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)
        _shell_version.cache_clear()
        try:
            worker = client.get("/sw.js")
            bootstrap_css = static(APP_SHELL[0])
            assert bootstrap_css != "/static/" + APP_SHELL[0]  # hashed
            assert bootstrap_css in worker.text
            for signed_in in (False, True):
                if signed_in:
                    client.force_login(user)
                for route in app_routes():
                    for path in fill(route, diary):
                        assert client.get(path).status_code < 500, path
        finally:
            _shell_version.cache_clear()
