"""A diary holds at most MAX_EPISODES episodes and MAX_MEDICATIONS medications: the forms
refuse past them as the import does, so the diary file of every diary the app accepts imports
back. The caps are made small here; the slow test checks the real ones against the byte limit."""

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from diary.days import EARLIEST_DAY
from diary.files import diaryfile, portability
from diary.files.diaryfile import DiaryFileError, dumps
from diary.files.portability import export_document, merge_diary, read_upload
from diary.forms import episodes as episode_forms
from diary.forms import profile as profile_forms
from diary.limits import MAX_EPISODES
from diary.models import CheckIn, Episode, Medication
from tests.factories import make_checkin, make_medication, make_user, new_checkin, new_episode
from tests.portability_helpers import row_counts, without_exported_at

EPISODE_CAP = 4
MEDICATION_CAP = 2


@pytest.fixture
def small_caps(monkeypatch):
    for module in (diaryfile, portability, episode_forms):
        monkeypatch.setattr(module, "MAX_EPISODES", EPISODE_CAP)
    for module in (portability, profile_forms):
        monkeypatch.setattr(module, "MAX_MEDICATIONS", MEDICATION_CAP)


def add_episodes(user, count: int, first_day: date = date(2025, 3, 1)) -> None:
    Episode.objects.bulk_create(
        new_episode(
            user,
            started_at=datetime.combine(first_day + timedelta(days=n), datetime.min.time(), UTC),
        )
        for n in range(count)
    )


def add_medications(user, count: int) -> None:
    for n in range(count):
        make_medication(user, name=f"Drug {n}", kind="other", started_on=date(2025, 1, 1))


def exported_bytes(user) -> bytes:
    return dumps(export_document(user, timezone.now()))


def test_a_diary_at_the_caps_exports_and_imports_back_into_an_empty_account(small_caps, user):
    add_episodes(user, EPISODE_CAP)
    add_medications(user, MEDICATION_CAP)
    empty = make_user("empty", "Europe/Berlin")

    summary = merge_diary(empty, read_upload(empty, exported_bytes(user)))

    assert (summary.episodes.added, summary.medications.added) == (EPISODE_CAP, MEDICATION_CAP)
    restored = export_document(empty, timezone.now())
    assert without_exported_at(restored) == without_exported_at(
        export_document(user, timezone.now())
    )


def test_a_file_with_one_episode_more_than_the_cap_is_refused_whole(small_caps, user):
    source = make_user("source")
    add_episodes(source, EPISODE_CAP + 1)
    add_medications(source, 1)

    with pytest.raises(DiaryFileError) as error:
        merge_diary(user, read_upload(user, exported_bytes(source)))

    assert error.value.messages == [
        f"episodes: {EPISODE_CAP + 1} episodes; the most a diary holds is {EPISODE_CAP}. "
        "Nothing was imported."
    ]
    assert row_counts(user) == {"episodes": 0, "checkins": 0, "medications": 0, "taken": 0}


def test_a_file_that_would_take_the_diary_past_the_cap_is_refused_and_saves_nothing(
    small_caps, user
):
    add_episodes(user, EPISODE_CAP - 1)
    source = make_user("source")
    # One episode the diary already has (it merges) and two new ones: one too many.
    add_episodes(source, 3, first_day=date(2025, 3, 1) + timedelta(days=EPISODE_CAP - 2))
    make_checkin(source, date(2025, 6, 1), water_ml=1500)
    parsed = read_upload(user, exported_bytes(source))

    with pytest.raises(DiaryFileError) as error:
        merge_diary(user, parsed)

    assert error.value.messages == [
        f"With this file the diary would hold {EPISODE_CAP + 1} episodes; the most a diary "
        f"holds is {EPISODE_CAP}. Nothing was imported."
    ]
    assert row_counts(user) == {
        "episodes": EPISODE_CAP - 1,
        "checkins": 0,
        "medications": 0,
        "taken": 0,
    }


def test_a_diary_already_past_a_cap_still_imports_what_adds_nothing_to_it(small_caps, user):
    add_episodes(user, EPISODE_CAP + 1)  # from before the cap, or two saves at once
    document = json.loads(exported_bytes(user))
    document["episodes"] = document["episodes"][:1]
    document["episodes"][0]["intensity"] = 9
    document["checkins"] = [{"date": "2025-06-01", "water_ml": 1500}]

    summary = merge_diary(user, read_upload(user, json.dumps(document).encode()))

    assert (summary.episodes.added, summary.episodes.updated) == (0, 1)
    assert summary.checkins.added == 1
    assert Episode.objects.for_user(user).count() == EPISODE_CAP + 1


def test_medications_past_the_cap_are_refused_by_the_import(small_caps, user):
    add_medications(user, MEDICATION_CAP)
    source = make_user("source")
    make_medication(source, name="New", kind="other", started_on=date(2025, 1, 1))

    with pytest.raises(DiaryFileError) as error:
        merge_diary(user, read_upload(user, exported_bytes(source)))

    assert error.value.messages == [
        f"With this file the diary would hold {MEDICATION_CAP + 1} medications; the most a "
        f"diary holds is {MEDICATION_CAP}. Nothing was imported."
    ]
    assert Medication.objects.for_user(user).count() == MEDICATION_CAP


def full_diary_message(held: int) -> str:
    return (
        f"Your diary holds {held} episodes and can hold {EPISODE_CAP} at most (so that its "
        "backup always imports back). Download your diary, then delete episodes you no longer "
        "need to make room."
    )


def test_the_episode_form_refuses_an_episode_past_the_cap(small_caps, auth_client, user):
    add_episodes(user, EPISODE_CAP)
    data = {"started_at": "2025-06-01T10:00", "muscle": "calf", "side": "left", "intensity": 5}
    data["kind"] = "cramp"

    response = auth_client.post(reverse("diary:episode_new"), data)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [full_diary_message(EPISODE_CAP)]
    assert Episode.objects.for_user(user).count() == EPISODE_CAP


def test_the_episode_form_saves_the_last_episode_that_fits(small_caps, auth_client, user):
    add_episodes(user, EPISODE_CAP - 1)
    data = {"started_at": "2025-06-01T10:00", "muscle": "calf", "side": "left", "intensity": 5}
    data["kind"] = "cramp"

    response = auth_client.post(reverse("diary:episode_new"), data)

    assert response.status_code == 302
    assert Episode.objects.for_user(user).count() == EPISODE_CAP


def test_the_quick_log_refuses_an_episode_past_the_cap(small_caps, auth_client, user):
    add_episodes(user, EPISODE_CAP)

    response = auth_client.post(
        reverse("diary:quick_log"),
        {"muscle": "calf", "side": "left", "intensity": 5},
        HTTP_ACCEPT="application/json",
    )

    assert response.status_code == 400
    assert response.json()["errors"]["__all__"] == [full_diary_message(EPISODE_CAP)]
    assert Episode.objects.for_user(user).count() == EPISODE_CAP


def test_the_night_form_refuses_cramps_that_would_not_fit(
    small_caps, freeze_now, auth_client, user
):
    add_episodes(user, EPISODE_CAP - 1)
    freeze_now(datetime(2025, 6, 2, 8, 0, tzinfo=UTC))
    data = {
        "episodes": 2,
        "worst_intensity": 6,
        "sleep_disturbance": 3,
        "muscle": "calf",
        "side": "left",
    }

    response = auth_client.post(reverse("diary:last_night"), data)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [full_diary_message(EPISODE_CAP - 1)]
    assert Episode.objects.for_user(user).count() == EPISODE_CAP - 1
    assert not CheckIn.objects.for_user(user).exists()


def test_the_medication_form_refuses_one_past_the_cap(small_caps, auth_client, user):
    add_medications(user, MEDICATION_CAP)
    data = {"name": "One more", "kind": "other", "started_on": "2025-01-01"}

    response = auth_client.post(reverse("diary:medication_new"), data)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        f"You have {MEDICATION_CAP} medications, the most a diary holds: delete one you no "
        "longer need first (a stopped one can stay with its stop date)."
    ]
    assert Medication.objects.for_user(user).count() == MEDICATION_CAP


@pytest.mark.slow
def test_a_diary_at_the_real_caps_exports_within_the_upload_limit(user):
    """Every episode the cap allows and a check-in on every day since 1900, each as full as
    an ordinary day (a few answers, a short note): the backup fits MAX_UPLOAD_BYTES."""
    start = datetime(2000, 1, 1, tzinfo=UTC)
    Episode.objects.bulk_create(
        (
            new_episode(
                user,
                started_at=start + timedelta(minutes=37 * n),
                intensity=n % 11,
                duration_seconds=90,
                kind="cramp",
                activity="asleep",
                relief=["stretching"],
                notes="woke me up, eased after stretching",
            )
            for n in range(MAX_EPISODES)
        ),
        batch_size=2000,
    )
    today = timezone.localdate()
    CheckIn.objects.bulk_create(
        (
            new_checkin(
                user,
                EARLIEST_DAY + timedelta(days=n),
                water_ml=1750,
                caffeine_drinks=2,
                alcohol_drinks=0,
                exercise_minutes=30,
                sleep_hours=7,
                stress=4,
                notes="an ordinary day",
            )
            for n in range((today - EARLIEST_DAY).days + 1)
        ),
        batch_size=2000,
    )

    size = len(exported_bytes(user))

    assert size <= settings.MAX_UPLOAD_BYTES
