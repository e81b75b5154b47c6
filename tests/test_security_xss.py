"""Hostile text in notes, medication names and the "other condition" is shown as text on every
page, kept verbatim in JSON, and can't become a formula in a spreadsheet opening the CSV."""

import csv
import io
import json
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from diary.models import CheckIn, Episode, Profile
from tests.factories import make_checkin, make_episode, make_medication, make_user
from tests.portability_helpers import upload_and_confirm
from tests.security_routes import app_routes, body, fill, make_diary

pytestmark = pytest.mark.django_db

MARKUP = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "{{ 7*7 }}"]
FORMULAS = ['=HYPERLINK("http://example.invalid","x")', "+1+1", "-2+3", "@SUM(A1:A2)"]
# A formula after a ";": a spreadsheet splitting the cell there would run it.
SPLIT_FORMULAS = ["fine;=1+1", "=cmd|' /C calc'!A0"]
HOSTILE = MARKUP + FORMULAS + SPLIT_FORMULAS


def starts_a_formula(cell: str) -> bool:
    """Whether the cell, or any ";"-separated piece of it, starts like a formula."""
    return any(piece[:1] in ("=", "+", "-", "@") for piece in cell.split(";"))


@pytest.fixture
def hostile_diary(user):
    """Alice's diary with every hostile string in every free-text field the app has."""
    diary = make_diary(user, "xss")
    profile = Profile.objects.get(user=user)
    profile.other_condition = " ".join(MARKUP)
    profile.save()
    yesterday = timezone.now().date() - timedelta(days=1)
    # Started inside the diary, so that the insights name them ("since you started …").
    medications = [
        make_medication(
            user, name=text, kind="other", dose=text, started_on=yesterday - timedelta(days=2)
        )
        for text in HOSTILE
    ]
    for number, text in enumerate(HOSTILE):
        make_episode(user, started_at=timezone.now() - timedelta(hours=number + 2), notes=text)
        checkin = make_checkin(user, yesterday - timedelta(days=number + 5), notes=text)
        checkin.medications_taken.add(medications[number])
    return diary


def test_every_page_shows_hostile_text_as_text(auth_client, hostile_diary):
    pages, shown = 0, 0
    for route in app_routes():
        for path in fill(route, hostile_diary):
            response = auth_client.get(path)
            content_type = response.get("Content-Type", "")
            if response.status_code != 200 or not content_type.startswith(
                ("text/html", "image/svg")
            ):
                continue
            text = body(response)
            for markup in MARKUP[:2]:
                assert markup not in text, f"{route} puts {markup!r} into the page unescaped"
            assert "alert(1)</script>" not in text
            pages += 1
            shown += escape(MARKUP[0]) in text
    print(f"XSS: {pages} pages and charts, {shown} of them show the hostile text escaped")
    assert shown >= 3  # the point of the check: pages do show the text


@pytest.mark.parametrize("text", MARKUP)
def test_a_note_is_shown_literally_on_the_episode_page(auth_client, user, text):
    episode = make_episode(user, notes=text)
    page = body(auth_client.get(reverse("diary:episode_detail", args=[episode.pk])))
    assert escape(text) in page
    if text == "{{ 7*7 }}":
        assert "{{ 7*7 }}" in page and ">49<" not in page


def test_the_account_page_shows_medication_names_and_the_other_condition_escaped(
    auth_client, hostile_diary
):
    page = body(auth_client.get(reverse("diary:account")))
    for text in MARKUP:
        assert escape(text) in page
    assert MARKUP[0] not in page


def test_the_json_export_carries_hostile_text_verbatim(auth_client, hostile_diary):
    response = auth_client.get(reverse("diary:export_diary"))
    assert response["Content-Type"].startswith("application/json")
    assert response["X-Content-Type-Options"] == "nosniff"
    document = json.loads(body(response))
    assert {episode["notes"] for episode in document["episodes"]} >= set(HOSTILE)
    assert {checkin["notes"] for checkin in document["checkins"]} >= set(HOSTILE)
    assert {medication["name"] for medication in document["profile"]["medications"]} >= set(HOSTILE)
    assert document["profile"]["other_condition"] == " ".join(MARKUP)


def csv_rows(auth_client, name: str) -> list[dict[str, str]]:
    response = auth_client.get(reverse(name))
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(body(response).removeprefix("\ufeff"))))


@pytest.mark.parametrize("name", ["diary:export_episodes_csv", "diary:export_checkins_csv"])
def test_no_csv_cell_starts_a_formula(auth_client, hostile_diary, name):
    cells = [cell for row in csv_rows(auth_client, name) for cell in row.values()]
    assert not [cell for cell in cells if starts_a_formula(cell)]
    notes = [row["notes"] for row in csv_rows(auth_client, name)]
    for formula in FORMULAS:
        assert f"'{formula}" in notes  # neutralised, and otherwise unchanged
    for markup in MARKUP:
        assert markup in notes  # CSV is data: no HTML escaping


def test_the_check_in_csv_neutralises_medication_names_too(auth_client, hostile_diary):
    taken = [row["medications_taken"] for row in csv_rows(auth_client, "diary:export_checkins_csv")]
    assert "'=HYPERLINK" in "".join(taken)
    assert "'=cmd" in "".join(taken)  # a name in a ";"-joined list, not at the cell's start
    assert not [cell for cell in taken if starts_a_formula(cell)]


def test_a_neutralised_csv_reads_back_to_the_original_text(client, auth_client, hostile_diary):
    exported = body(auth_client.get(reverse("diary:export_episodes_csv"))).encode()
    bob = make_user("bob", "Europe/Berlin")
    client.force_login(bob)
    response = upload_and_confirm(client, exported, "episodes.csv")
    assert response.redirect_chain == [(reverse("diary:import"), 302)]
    assert set(Episode.objects.for_user(bob).values_list("notes", flat=True)) >= set(HOSTILE)


def test_hostile_text_entered_in_the_forms_is_stored_verbatim(auth_client, user):
    day = date(2026, 1, 9)
    # Each at its own minute: no two episodes share a start, muscle and side.
    for minute, text in enumerate(HOSTILE):
        auth_client.post(
            reverse("diary:episode_new"),
            {
                "started_at": f"2026-01-10T03:{minute:02d}",
                "muscle": "calf",
                "side": "left",
                "intensity": "5",
                "kind": "cramp",
                "notes": text,
            },
        )
    auth_client.post(reverse("diary:checkin_day", args=[day]), {"notes": MARKUP[1]})
    assert set(Episode.objects.for_user(user).values_list("notes", flat=True)) == set(HOSTILE)
    assert CheckIn.objects.for_user(user).get(date=day).notes == MARKUP[1]
