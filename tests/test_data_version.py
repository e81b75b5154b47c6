"""Every change to a person's diary moves their data version on, in the change's own
transaction (diary/dataversion.py); the cached insights are keyed by it."""

import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from diary.dataversion import changes_diary, diary_changed
from diary.files.portability import export_document, merge_diary, read_upload
from diary.insights import data_version
from diary.models import CheckIn, CustomFactor, Episode, Medication, Profile
from tests.factories import (
    PASSWORD,
    make_checkin,
    make_episode,
    make_factor,
    make_medication,
    make_user,
)
from tests.test_episodes import VALID as EPISODE
from tests.test_profile import medication_data

DAY = date(2025, 6, 10)


def version(user) -> int:
    return Profile.objects.get(user=user).data_version


@pytest.fixture
def episode(user) -> Episode:
    return make_episode(user, started_at=timezone.now() - timedelta(minutes=2))


@pytest.fixture
def checkin(user) -> CheckIn:
    return make_checkin(user, DAY, water_ml=1500)


@pytest.fixture
def medication(user) -> Medication:
    return make_medication(user, started_on=date(2025, 1, 6))


@pytest.fixture
def own_factor(user) -> CustomFactor:
    return make_factor(user, name="Salty food", kind="yes_no")


# (name, fixtures it needs, how to make the URL, the form): each one a real change.
WRITES = [
    ("new episode", [], lambda f: reverse("diary:episode_new"), EPISODE),
    (
        "quick log",
        [],
        lambda f: reverse("diary:quick_log"),
        {"muscle": "calf", "side": "left", "intensity": "5"},
    ),
    (
        "edited episode",
        ["episode"],
        lambda f: reverse("diary:episode_edit", args=[f["episode"].pk]),
        EPISODE,
    ),
    (
        "episode over",
        ["episode"],
        lambda f: reverse("diary:episode_over", args=[f["episode"].pk]),
        {},
    ),
    (
        "deleted episode",
        ["episode"],
        lambda f: reverse("diary:episode_delete", args=[f["episode"].pk]),
        {},
    ),
    (
        "last night",
        [],
        lambda f: reverse("diary:last_night"),
        {"episodes": "0", "sleep_disturbance": "0"},
    ),
    ("check-in", [], lambda f: reverse("diary:checkin_day", args=[DAY]), {"water_ml": "1.5 l"}),
    (
        "own factor answered",
        ["own_factor"],
        lambda f: reverse("diary:checkin_day", args=[DAY]),
        {"water_ml": "1.5 l"},  # the answer is added below, by the factor's field name
    ),
    (
        "deleted check-in",
        ["checkin"],
        lambda f: reverse("diary:checkin_delete", args=[DAY]),
        {},
    ),
    (
        "new own factor",
        [],
        lambda f: reverse("diary:customfactor_new"),
        {"name": "Back pain", "kind": "yes_no"},
    ),
    (
        "edited own factor",
        ["own_factor"],
        lambda f: reverse("diary:customfactor_edit", args=[f["own_factor"].pk]),
        {"name": "Very salty food", "kind": "yes_no"},
    ),
    (
        "deleted own factor",
        ["own_factor"],
        lambda f: reverse("diary:customfactor_delete", args=[f["own_factor"].pk]),
        {},
    ),
    ("new medication", [], lambda f: reverse("diary:medication_new"), medication_data()),
    (
        "edited medication",
        ["medication"],
        lambda f: reverse("diary:medication_edit", args=[f["medication"].pk]),
        medication_data(dose="200 mg"),
    ),
    (
        "deleted medication",
        ["medication"],
        lambda f: reverse("diary:medication_delete", args=[f["medication"].pk]),
        {},
    ),
    (
        "deleted diary data",
        ["episode"],
        lambda f: reverse("diary:delete_data"),
        {"password": PASSWORD},
    ),
    (
        "time zone and conditions",
        [],
        lambda f: reverse("diary:account"),
        {"time_zone": "Asia/Tokyo", "conditions": ["diabetes"], "theme": "device"},
    ),
    (
        "check-in questions",
        [],
        lambda f: reverse("diary:checkin_questions"),
        {"shown": ["water"]},
    ),
]


def _diary_state(user) -> str:
    """What the insights read, to tell that the POST really changed something."""
    return json.dumps(
        export_document(user, datetime(2026, 1, 1, tzinfo=UTC)),
        default=str,
        sort_keys=True,
    )


@pytest.mark.parametrize(("name", "needs", "url", "form"), WRITES, ids=[w[0] for w in WRITES])
def test_each_kind_of_write_moves_the_version_on(
    request, auth_client, user, name, needs, url, form
):
    made = {fixture: request.getfixturevalue(fixture) for fixture in needs}
    form = dict(form)
    if "own_factor" in made and name == "own factor answered":
        form[f"custom_{made['own_factor'].pk}"] = "yes"
    before, state = version(user), _diary_state(user)
    response = auth_client.post(url(made), form)
    assert response.status_code == 302, response.content[:500]
    assert _diary_state(user) != state  # a real change, not a form with errors
    # Deleting the data bumps it twice, view and domain function alike: more is only a miss.
    assert version(user) > before


def test_the_quick_logs_script_moves_it_on_and_a_refused_post_does_not(auth_client, user):
    quick_log = reverse("diary:quick_log")
    tap = {"muscle": "calf", "side": "left", "intensity": "5"}
    before = version(user)
    refused = auth_client.post(
        quick_log, {**tap, "intensity": "11"}, HTTP_ACCEPT="application/json"
    )
    assert refused.status_code == 400 and version(user) == before
    form_again = auth_client.post(reverse("diary:episode_new"), {**tap, "intensity": "11"})
    assert form_again.status_code == 200 and version(user) == before
    saved = auth_client.post(quick_log, tap, HTTP_ACCEPT="application/json")
    assert saved.status_code == 200 and version(user) == before + 1
    assert Episode.objects.for_user(user).count() == 1


def test_a_write_locks_the_profile_row_only_where_rows_can_be_locked(auth_client, user):
    with CaptureQueriesContext(connection) as queries:
        response = auth_client.post(reverse("diary:quick_log"), EPISODE)
    assert response.status_code == 302
    statements = [query["sql"] for query in queries.captured_queries]
    profile_reads = [
        sql for sql in statements if sql.startswith("SELECT") and "diary_profile" in sql
    ]
    if connection.features.has_select_for_update:  # PostgreSQL
        assert [sql for sql in profile_reads if "FOR UPDATE" in sql]
    else:  # SQLite: BEGIN IMMEDIATE locks the database; the middleware's read is the one
        assert len(profile_reads) == 1
    assert version(user) == 1


def test_reading_pages_leaves_the_version_alone(auth_client, user, episode):
    before = version(user)
    for url in ("/", "/episodes/", "/insights/", reverse("diary:checkin_day", args=[DAY])):
        assert auth_client.get(url).status_code == 200
    assert version(user) == before


def test_an_import_moves_it_on_and_a_dry_run_does_not(user, episode):
    other = make_user("bob")
    make_episode(
        other,
        started_at=datetime(2025, 5, 1, 3, tzinfo=UTC),
        muscle="foot",
        side="right",
        intensity=4,
    )
    raw = json.dumps(export_document(other, timezone.now())).encode()
    before = version(user)
    merge_diary(user, read_upload(user, raw), dry_run=True)
    assert version(user) == before
    merge_diary(user, read_upload(user, raw))
    assert version(user) == before + 1


def test_the_demo_diary_moves_it_on(db):
    call_command("seed_demo", "--days", "5", stdout=io.StringIO())
    assert Profile.objects.get(user__username="demo").data_version >= 1


def test_a_write_that_fails_takes_its_bump_back(rf, user):
    @changes_diary
    def failing(request):
        make_episode(user, started_at=timezone.now(), intensity=3)
        raise RuntimeError("after the write")

    request = rf.post("/")
    request.user = user
    before = version(user)
    with pytest.raises(RuntimeError):
        failing(request)
    assert version(user) == before
    assert not Episode.objects.filter(user=user).exists()


def test_saving_a_profile_read_earlier_keeps_the_newer_version(user):
    stale = Profile.objects.get(user=user)
    with transaction.atomic():
        diary_changed(user)
    stale.time_zone = "Europe/Paris"
    stale.save()
    assert version(user) == stale.data_version + 1
    assert Profile.objects.get(user=user).time_zone == "Europe/Paris"


def test_the_insights_read_it_from_the_profile_with_no_query(user, django_assert_num_queries):
    profile = Profile.objects.get(user=user)
    with django_assert_num_queries(0):
        assert data_version(user, profile) == str(profile.data_version)


def test_edits_in_the_admin_move_it_on_too(admin_client, user, episode, checkin):
    before = version(user)
    episode_admin = admin.site._registry[Episode]
    episode.intensity = 9
    episode_admin.save_model(None, episode, None, True)
    assert version(user) == before + 1
    change_list = reverse("admin:diary_checkin_changelist")
    response = admin_client.post(
        change_list, {"action": "delete_selected", "_selected_action": [checkin.pk], "post": "yes"}
    )
    assert response.status_code == 302 and not CheckIn.objects.exists()
    assert version(user) == before + 2
    response = admin_client.post(
        reverse("admin:diary_episode_delete", args=[episode.pk]), {"post": "yes"}
    )
    assert response.status_code == 302 and not Episode.objects.exists()
    assert version(user) == before + 3
