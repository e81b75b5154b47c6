"""Health data stays out of logs and URLs: only ids, dates and choice slugs travel in a URL."""

import io
import logging
import re
import sys
from datetime import date
from urllib.parse import parse_qsl

import pytest
from django.urls import reverse

from diary.models import CheckIn, Episode
from tests.factories import make_episode
from tests.security_routes import (
    DATE_CONVERTERS,
    PUBLIC_ARGUMENTS,
    SHARED_ROUTE_NAMES,
    VOCABULARIES,
    app_routes,
    body,
    fill,
    is_object_id,
    make_diary,
    page_forms,
)

pytestmark = pytest.mark.django_db

SECRET = "LOGLEAK-7e21"
# What a value in a URL may look like: an id, a date or month, a page number, a choice slug.
URL_SAFE_VALUE = re.compile(r"^[A-Za-z0-9_\-]{0,40}$")


def test_every_url_argument_is_an_id_a_date_or_a_choice():
    for route in app_routes():
        for keyword, converter in route.arguments:
            assert (
                is_object_id(keyword, converter)
                or converter in DATE_CONVERTERS
                or (route.name, keyword) in VOCABULARIES
                or (route.is_public and keyword in PUBLIC_ARGUMENTS)
                # A random token naming a share link; it carries nothing of the diary.
                or (route.name in SHARED_ROUTE_NAMES and keyword == "share_token")
            ), f"{route}: <{converter}:{keyword}> may carry a health value in the URL"


ALLOWED_GET_INPUTS = {"date", "month", "radio", "checkbox", "submit", "button", "hidden"}


def test_get_forms_and_links_carry_only_dates_and_choices(auth_client, user):
    diary = make_diary(user, "url-check")
    for number in range(30):  # enough episodes for a second page of the list
        make_episode(user, intensity=number % 11)
    get_fields, queries = 0, 0
    for route in app_routes():
        for path in fill(route, diary):
            response = auth_client.get(path)
            if response.status_code != 200 or "html" not in response["Content-Type"]:
                continue
            page = page_forms(body(response))
            fields = [
                field for form in page.forms if form.method == "get" for field in form.controls
            ]
            for field in fields:
                assert field["tag"] == "select" or field.get("type") in ALLOWED_GET_INPUTS, (
                    f"{route}: a GET form has a free-text field {field}"
                )
                assert URL_SAFE_VALUE.match(field.get("value") or ""), (route, field)
            for query in page.link_queries:
                for name, value in parse_qsl(query, keep_blank_values=True):
                    assert URL_SAFE_VALUE.match(value), f"{route}: ?{name}={value!r}"
            get_fields += len(fields)
            queries += len(page.link_queries)
    print(f"URLs: {get_fields} GET-form fields and {queries} link queries hold no free text")
    assert get_fields >= 3  # the episode filter at least
    assert queries >= 1  # the list's next page at least


@pytest.fixture
def all_logs(caplog):
    """Every log record at DEBUG, from every logger the app and its libraries use."""
    for name in ("", "django", "django.request", "django.server", "axes", "diary"):
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


def logged_text(caplog) -> str:
    return "\n".join(
        f"{record.getMessage()} {record.args!r} {getattr(record, 'request', '')!r}"
        for record in caplog.records
    )


def test_requests_with_health_values_leave_none_in_the_logs(all_logs, client, user, other_user):
    other_episode = make_episode(other_user, intensity=3)
    client.force_login(user)
    client.post(
        reverse("diary:episode_new"),
        {
            "started_at": "2026-01-10T03:15",
            "muscle": "calf",
            "side": "left",
            "intensity": "7",
            "kind": "cramp",
            "notes": f"{SECRET} saved note",
        },
    )
    # Rejected: the values come back on the page, and must not go to a log either.
    client.post(
        reverse("diary:episode_new"),
        {"muscle": "calf", "side": "left", "intensity": "11", "notes": f"{SECRET} rejected"},
    )
    day = date(2026, 1, 9)
    client.post(
        reverse("diary:checkin_day", args=[day]),
        {"water_ml": f"{SECRET} buckets", "notes": f"{SECRET} check-in"},
    )
    client.post(reverse("diary:checkin_day", args=[day]), {"notes": f"{SECRET} check-in"})
    client.get(reverse("diary:episode_detail", args=[other_episode.pk]))  # a 404
    client.get(reverse("diary:episode_list"), {"muscle": SECRET})  # a bad filter
    client.post(reverse("logout"))
    client.post(reverse("login"), {"username": "alice", "password": f"{SECRET} wrong"})

    assert Episode.objects.filter(notes=f"{SECRET} saved note").exists()
    assert CheckIn.objects.filter(notes=f"{SECRET} check-in").exists()
    text = logged_text(all_logs)
    # The capture works: the 404 and the failed log-in were logged, without their values.
    assert f"Not Found: /episodes/{other_episode.pk}/" in text
    assert "AXES: New login failure" in text
    assert SECRET not in text
    print(f"logs: {len(all_logs.records)} records at DEBUG, none with a health value")


def test_the_server_log_never_holds_a_share_or_unsubscribe_token(client):
    token = "Sekr3t-token_value"
    [console] = [h for h in logging.getLogger().handlers if type(h) is logging.StreamHandler]
    stream = io.StringIO()
    console.setStream(stream)
    try:
        for path in (f"/shared/{token}/charts/nope.svg", f"/reminders/unsubscribe/{token}/"):
            assert client.get(path).status_code == 404  # Django logs "Not Found: <path>"
    finally:
        console.setStream(sys.stderr)
    written = stream.getvalue()
    assert "Not Found: /shared/…/charts/nope.svg" in written
    assert "/reminders/unsubscribe/…/" in written
    assert token not in written
