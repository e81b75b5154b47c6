"""Access control, CSRF and response headers on every URL the project serves.

The routes come from the resolver (tests/security_routes.py), so a new view is covered, or the
tests fail naming it, without anyone editing this file.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from diary.models import CheckIn, Episode
from tests.factories import make_user
from tests.security_routes import (
    CSRF_EXEMPT_ROUTE_NAMES,
    PUBLIC_ROUTE_NAMES,
    SHARED_ROUTE_NAMES,
    Diary,
    Route,
    UnfillableRoute,
    app_routes,
    body,
    discover_routes,
    fill,
    make_diary,
    owned_rows,
)

pytestmark = pytest.mark.django_db

ALICE_MARKER = "ALICE-OWN-5d1e"
MALLORY_MARKER = "MALLORY-SECRET-9c4b"
LOGIN_PATH = "/accounts/login/"


@pytest.fixture
def alice_diary(user) -> Diary:
    return make_diary(user, ALICE_MARKER, days_ago=(2,))


@pytest.fixture
def mallory_diary(other_user) -> Diary:
    # Also a check-in on alice's day, so a date page that forgot the owner would show it.
    return make_diary(other_user, MALLORY_MARKER, days_ago=(3, 2))


def filled(routes: list[Route], diary: Diary) -> list[tuple[Route, str]]:
    """(route, path) for every route; fails listing every route it can't fill."""
    paths, unfillable = [], []
    for route in routes:
        try:
            paths.extend((route, path) for path in fill(route, diary))
        except UnfillableRoute as error:
            unfillable.append(str(error))
    assert not unfillable, "\n".join(unfillable)
    return paths


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(f"{LOGIN_PATH}?next=")


def test_discovery_finds_the_diary_and_auth_routes():
    names = {route.name for route in discover_routes()}
    assert {"diary:home", "diary:quick_log", "diary:episode_detail", "login", "signup"} <= names
    assert names >= PUBLIC_ROUTE_NAMES, "an allow-listed public page no longer exists"
    assert any(route.is_admin for route in discover_routes())


def test_every_route_needs_a_login_except_the_public_auth_pages(client, mallory_diary):
    checked = 0
    urls = filled(app_routes(), mallory_diary)
    for route, path in urls:
        for method in (client.get, client.post):
            response = method(path)
            if route.is_public:
                assert response.status_code < 500, (route, method)
                assert not is_login_redirect(response), f"{route} is public but asks to log in"
            else:
                assert is_login_redirect(response), (
                    f"{route}: anonymous {method.__name__.upper()} answered "
                    f"{response.status_code}, not a redirect to the login page"
                )
            checked += 1
    patterns = len({route for route, _ in urls})
    print(f"anonymous access: {checked} requests to {len(urls)} URLs of {patterns} URL patterns")
    assert patterns >= len(PUBLIC_ROUTE_NAMES) + 7


def test_admin_has_its_own_staff_login(client, user):
    assert client.get("/admin/").url.startswith("/admin/login/")
    client.force_login(user)
    response = client.get("/admin/diary/episode/")
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


def test_another_persons_object_ids_answer_404_for_get_and_post(
    auth_client, alice_diary, mallory_diary
):
    before = owned_rows(mallory_diary.user)
    object_routes = [route for route in app_routes() if route.has_object_id]
    own_paths = dict(filled(object_routes, alice_diary))
    checked = 0
    for route, path in filled(object_routes, mallory_diary):
        for method, data in (("get", {}), ("post", {"notes": "x"})):
            status = getattr(auth_client, method)(path, data).status_code
            if status == 405:
                # The route takes no such method: refused before the id is looked at, as is
                # the owner's own id.
                own = getattr(auth_client, method)(own_paths[route], data).status_code
                assert own == 405, f"{method.upper()} {route}: 405 only for another's id"
            else:
                assert status == 404, f"{method.upper()} {route} with another's id: {status}"
        checked += 1
    print(f"object ids of another person: {checked} URL patterns answer 404 (or 405) to GET, POST")
    assert checked >= 3  # episode detail, edit, delete at least
    assert owned_rows(mallory_diary.user) == before


def test_date_pages_show_and_change_only_the_owners_day(auth_client, alice_diary, mallory_diary):
    # Mallory's day is one alice has no check-in for: every date page must treat it as empty.
    assert not CheckIn.objects.for_user(alice_diary.user).filter(date=mallory_diary.day).exists()
    before = owned_rows(mallory_diary.user)
    date_routes = [route for route in app_routes() if route.has_date]
    for route, path in filled(date_routes, mallory_diary):
        response = auth_client.get(path)
        assert response.status_code in (200, 404), route
        assert MALLORY_MARKER not in body(response), f"{route} shows another person's day"
        assert auth_client.post(path, {}).status_code < 500, route
    print(f"date pages: {len(date_routes)} URL patterns show only the owner's day")
    assert date_routes
    assert owned_rows(mallory_diary.user) == before


def test_deleting_a_day_only_alice_lacks_answers_404(auth_client, alice_diary, mallory_diary):
    path = reverse("diary:checkin_delete", args=[mallory_diary.day])
    assert auth_client.get(path).status_code == 404
    assert auth_client.post(path).status_code == 404
    assert CheckIn.objects.for_user(mallory_diary.user).filter(date=mallory_diary.day).exists()


def test_no_page_shows_another_persons_records(auth_client, alice_diary, mallory_diary):
    pages, own_marker_seen = 0, 0
    for route, path in filled(app_routes(), alice_diary):
        response = auth_client.get(path)
        assert response.status_code < 500, route
        if response.status_code != 200:
            continue
        text = body(response)
        assert MALLORY_MARKER not in text, f"{route} shows another person's records"
        pages += 1
        own_marker_seen += ALICE_MARKER in text
    print(f"no leak: {pages} pages read, {own_marker_seen} of them show the owner's own marker")
    # The check can fail: alice's own marked records are on her pages.
    assert own_marker_seen >= 2
    assert pages >= 5


def test_the_episode_list_filters_never_reach_another_persons_episodes(
    auth_client, alice_diary, mallory_diary
):
    # Both have a calf episode: the filter must still start from alice's own.
    response = auth_client.get(reverse("diary:episode_list"), {"muscle": "calf", "page": "1"})
    shown = list(response.context["page"].object_list)
    assert shown == list(Episode.objects.for_user(alice_diary.user)) != []


def csp_sources(policy: str) -> dict[str, str]:
    directives = (part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    return {name: sources for name, sources in directives}


def assert_security_headers(route, response) -> None:
    policy = csp_sources(response.headers.get("Content-Security-Policy", ""))
    assert policy.get("frame-ancestors") == "'none'", f"{route}: {policy}"
    assert policy.get("object-src") == "'none'", f"{route}: {policy}"
    if response["Content-Type"].startswith("image/svg+xml"):
        # A chart opened on its own: nothing may load or run; matplotlib's SVG styles its
        # shapes with style attributes, which can't execute anything.
        assert policy.get("default-src") == "'none'", f"{route}: {policy}"
        assert policy.get("script-src") == "'none'", f"{route}: {policy}"
    else:
        assert policy.get("default-src") == "'self'", f"{route}: {policy}"
        assert policy.get("script-src") == "'self'", f"{route}: {policy}"
        assert policy.get("style-src") == "'self'", f"{route}: {policy}"
    assert "unsafe-eval" not in str(policy), f"{route}: {policy}"
    assert response.headers.get("X-Frame-Options") == "DENY", route
    assert response.headers.get("X-Content-Type-Options") == "nosniff", route
    # A shared report's token is in its URL: no other site may be told it.
    shared = getattr(route, "name", "") in SHARED_ROUTE_NAMES
    expected = "no-referrer" if shared else "same-origin"
    assert response.headers.get("Referrer-Policy") == expected, route
    permissions = response.headers.get("Permissions-Policy", "")
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in permissions, f"{route}: {permissions!r}"


def test_every_page_sends_the_csp_and_security_headers(client, alice_diary):
    pages = 0
    for route, path in filled(app_routes(), alice_diary):
        if route.is_public:
            response = client.get(path)
            assert_security_headers(route, response)
            pages += 1
    client.force_login(alice_diary.user)
    for route, path in filled(app_routes(), alice_diary):
        response = client.get(path)
        if response.status_code in (200, 302, 404):
            assert_security_headers(route, response)
            pages += response.status_code == 200
        # Pages, downloads, JSON and charts of a signed-in person: the browser keeps none.
        assert response["Cache-Control"] == "no-store", f"{route}: {response['Cache-Control']}"
    assert_security_headers("admin login", client.get("/admin/login/"))
    print(f"security headers: {pages} pages checked")


def test_the_settings_forbid_inline_scripts_and_styles():
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]


TEMPLATE_DIRS = [Path(settings.BASE_DIR) / "templates", Path(settings.BASE_DIR) / "diary"]
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)


def template_files() -> list[Path]:
    return sorted(path for folder in TEMPLATE_DIRS for path in folder.rglob("*.html"))


@pytest.mark.parametrize(
    ("pattern", "what"),
    [
        (INLINE_SCRIPT, "an inline <script> body"),
        (STYLE_ATTRIBUTE, "a style= attribute"),
        (EVENT_HANDLER, "an on…= event handler"),
        (STYLE_ELEMENT, "a <style> element"),
    ],
)
def test_no_template_needs_inline_code(pattern, what):
    files = template_files()
    assert len(files) >= 10
    offenders = [
        f"{path.relative_to(settings.BASE_DIR)}:{number}: {line.strip()}"
        for path in files
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if pattern.search(line)
    ]
    assert not offenders, f"{what} breaks the strict CSP:\n" + "\n".join(offenders)


@pytest.mark.parametrize(
    "line",
    [
        "<script>alert(1)</script>",
        '<div style="color:red">',
        '<button onclick="go()">',
        "<style>p{}</style>",
    ],
)
def test_the_template_check_catches_inline_code(line):
    patterns = (INLINE_SCRIPT, STYLE_ATTRIBUTE, EVENT_HANDLER, STYLE_ELEMENT)
    assert any(pattern.search(line) for pattern in patterns)
    assert not any(
        pattern.search('<script src="/static/js/a.js"></script>') for pattern in patterns
    )


def test_every_post_without_a_csrf_token_is_refused(alice_diary):
    browser = Client(enforce_csrf_checks=True)
    anonymous = 0
    for route, path in filled(app_routes(), alice_diary):
        if route.is_public:
            expected = 404 if route.name in CSRF_EXEMPT_ROUTE_NAMES else 403
            assert browser.post(path, {"username": "alice"}).status_code == expected, route
            anonymous += 1
    browser.force_login(alice_diary.user)
    before = owned_rows(alice_diary.user)
    signed_in = 0
    for route, path in filled(app_routes(), alice_diary):
        response = browser.post(path, {"muscle": "calf", "side": "left", "intensity": "5"})
        expected = 404 if route.name in CSRF_EXEMPT_ROUTE_NAMES else 403
        assert response.status_code == expected, f"{route} accepted a POST without a CSRF token"
        signed_in += 1
    assert owned_rows(alice_diary.user) == before
    print(f"CSRF: {anonymous + signed_in} POSTs without a token refused ({signed_in} signed in)")


def test_a_post_with_the_csrf_token_goes_through(user):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    browser.get(reverse("diary:quick_log"))
    token = browser.cookies[settings.CSRF_COOKIE_NAME].value
    response = browser.post(
        reverse("diary:quick_log"),
        {"muscle": "calf", "side": "left", "intensity": "5", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert Episode.objects.for_user(user).count() == 1


def test_logout_is_refused_by_get_and_works_by_post(auth_client):
    assert auth_client.get(reverse("logout")).status_code == 405
    assert SESSION_KEY in auth_client.session
    response = auth_client.post(reverse("logout"))
    assert response.status_code == 302
    assert SESSION_KEY not in auth_client.session


def test_a_new_route_without_a_rule_fails_instead_of_being_skipped():
    new_view = Route("diary:chart", "/insights/<slug:chart>.png", (("chart", "slug"),))
    with pytest.raises(UnfillableRoute, match="diary:chart"):
        fill(new_view, Diary(make_user("zoe"), "x", None, {}))


def test_a_vocabulary_argument_is_filled_with_every_value(user):
    chart = next(route for route in app_routes() if route.name == "diary:insights_chart")
    paths = fill(chart, make_diary(user, "x"))
    assert len(paths) == len(set(paths)) >= 5
    assert "/insights/charts/weekly.svg" in paths
