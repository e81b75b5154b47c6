"""Every episode's local_date is the local date of its start in its owner's time zone, after
every way an episode is written: the forms, the quick log, an edit, the night screen, the
diary file's import, the demo diary, a change of time zone and the migration that added it."""

import json
from datetime import UTC, date, datetime
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from diary.days import local_date
from diary.files.portability import merge_diary, read_upload
from diary.models import Episode, Profile
from tests.factories import make_episode, make_user, new_episode
from tests.portability_helpers import exported, json_copy

# UTC+14: its date is a day ahead of UTC's from 10:00 UTC on.
KIRITIMATI = "Pacific/Kiritimati"
# 22:30 UTC on the day Berlin moved to summer time: already 00:30 on the 30th there (UTC+2),
# though at winter time's UTC+1 it would still be the 29th.
AFTER_THE_CHANGE = datetime(2026, 3, 29, 22, 30, tzinfo=UTC)


pytestmark = pytest.mark.django_db


def local_dates(user) -> list[date]:
    """The user's episodes' local dates, oldest first, after checking each against its start
    in the zone of the user's profile as it is stored."""
    zone = Profile.objects.get(user=user).zone
    rows = (
        Episode.objects.for_user(user)
        .order_by("started_at")
        .values_list("started_at", "local_date")
    )
    assert [stored for _, stored in rows] == [local_date(started, zone) for started, _ in rows]
    return [stored for _, stored in rows]


def test_the_episode_form_places_the_episode_in_the_persons_zone(client):
    user = make_user("far", KIRITIMATI)
    client.force_login(user)
    form = {"started_at": "2026-01-10T03:15", "muscle": "calf", "side": "left", "intensity": "7"}
    response = client.post(reverse("diary:episode_new"), form | {"kind": "cramp"})
    assert response.status_code == 302
    # 03:15 on the 10th at UTC+14 is 13:15 on the 9th in UTC.
    assert local_dates(user) == [date(2026, 1, 10)]


def test_the_quick_log_places_the_episode_on_the_day_of_the_summer_time_change(
    auth_client, user, freeze_now
):
    freeze_now(AFTER_THE_CHANGE)
    response = auth_client.post(
        reverse("diary:quick_log"), {"muscle": "calf", "side": "left", "intensity": "5"}
    )
    assert response.status_code == 302
    assert local_dates(user) == [date(2026, 3, 30)]


def test_the_quick_log_reads_the_zone_from_the_requests_profile(auth_client, user):
    with CaptureQueriesContext(connection) as queries:
        auth_client.post(
            reverse("diary:quick_log"), {"muscle": "calf", "side": "left", "intensity": "5"}
        )
    reads = [
        sql
        for sql in (q["sql"] for q in queries.captured_queries)
        if 'FROM "diary_profile"' in sql and "FOR UPDATE" not in sql  # PostgreSQL's lock
    ]
    assert len(reads) == 1  # the middleware's
    assert len(local_dates(user)) == 1


def test_an_edit_across_midnight_moves_the_date_and_its_duration_alone_keeps_it(auth_client, user):
    episode = make_episode(user, started_at=datetime(2026, 1, 10, 22, 30, tzinfo=UTC))
    assert local_dates(user) == [date(2026, 1, 10)]  # 23:30 in Berlin
    edit = {
        "started_at": "2026-01-11T00:10",
        "muscle": "calf",
        "side": "left",
        "intensity": "7",
        "kind": "cramp",
    }
    auth_client.post(reverse("diary:episode_edit", args=[episode.pk]), edit)
    assert local_dates(user) == [date(2026, 1, 11)]
    episode.refresh_from_db()
    episode.duration_seconds = 60
    episode.save(update_fields=["duration_seconds", "updated_at"])
    assert local_dates(user) == [date(2026, 1, 11)]


def test_the_night_screen_places_its_cramps_on_the_mornings_date_far_from_utc(client, freeze_now):
    user = make_user("kiwi", "Pacific/Auckland")
    client.force_login(user)
    freeze_now(datetime(2026, 3, 9, 20, 30, tzinfo=UTC))  # 09:30 on the 10th in Auckland
    night = {"episodes": "2", "worst_intensity": "7", "sleep_disturbance": "4", "muscle": "calf"}
    response = client.post(reverse("diary:last_night"), night | {"side": "right"})
    assert response.status_code == 302
    # 03:00 on the 10th in Auckland is the 9th in UTC.
    assert local_dates(user) == [date(2026, 3, 10)] * 2


def test_bulk_create_places_each_episode_in_its_owners_zone_in_one_query(user):
    far = make_user("far", KIRITIMATI)
    started_at = datetime(2026, 1, 9, 22, 30, tzinfo=UTC)
    with CaptureQueriesContext(connection) as queries:
        Episode.objects.bulk_create(
            [new_episode(user, started_at=started_at), new_episode(far, started_at=started_at)]
        )
    assert len(queries) == 2  # the zones, the insert
    assert local_dates(user) == [date(2026, 1, 9)]
    assert local_dates(far) == [date(2026, 1, 10)]


def test_a_user_without_a_profile_has_the_servers_zone_until_one_is_made(db, settings):
    settings.TIME_ZONE = KIRITIMATI
    person = User.objects.create_user("new")
    make_episode(person, started_at=datetime(2026, 1, 9, 22, 30, tzinfo=UTC))
    assert Episode.objects.get(user=person).local_date == date(2026, 1, 10)
    Profile.get_or_create_for(person)
    assert local_dates(person) == [date(2026, 1, 10)]
    Profile.objects.filter(user=person).delete()
    Profile.objects.create(user=person, time_zone="UTC")
    assert local_dates(person) == [date(2026, 1, 9)]


def test_a_change_of_zone_moves_the_episodes_in_the_same_save(auth_client, user):
    make_episode(user, started_at=datetime(2026, 1, 9, 22, 30, tzinfo=UTC))  # 23:30 in Berlin
    make_episode(user, started_at=AFTER_THE_CHANGE)
    assert local_dates(user) == [date(2026, 1, 9), date(2026, 3, 30)]
    version = Profile.objects.get(user=user).data_version

    auth_client.post(reverse("diary:account"), {"time_zone": KIRITIMATI})

    assert local_dates(user) == [date(2026, 1, 10), date(2026, 3, 30)]
    assert Profile.objects.get(user=user).data_version == version + 1
    auth_client.post(reverse("diary:account"), {"time_zone": "America/Los_Angeles"})
    assert local_dates(user) == [date(2026, 1, 9), date(2026, 3, 29)]


def test_a_stale_profile_saved_back_moves_the_episodes_back_too(user):
    make_episode(user, started_at=datetime(2026, 1, 9, 22, 30, tzinfo=UTC))
    stale = Profile.objects.get(user=user)
    fresh = Profile.objects.get(user=user)
    fresh.time_zone = KIRITIMATI
    fresh.save()
    assert local_dates(user) == [date(2026, 1, 10)]
    stale.save()  # writes Berlin back
    assert local_dates(user) == [date(2026, 1, 9)]


def test_the_import_places_its_episodes_in_the_zone_the_file_leaves(user):
    source = make_user("source", KIRITIMATI)
    make_episode(source, started_at=datetime(2026, 1, 9, 22, 30, tzinfo=UTC))
    make_episode(user, started_at=AFTER_THE_CHANGE, muscle="foot")
    document = json_copy(exported(source))

    merge_diary(user, read_upload(user, json.dumps(document).encode()))

    assert Profile.objects.get(user=user).time_zone == KIRITIMATI
    assert local_dates(user) == [date(2026, 1, 10), date(2026, 3, 30)]


def test_an_import_in_the_same_zone_places_the_new_episodes_and_updates_keep_theirs(user):
    make_episode(user, started_at=AFTER_THE_CHANGE, intensity=2)
    document = json_copy(exported(user))
    document["episodes"][0]["intensity"] = 8
    document["episodes"].append(
        {"started_at": "2026-01-09T22:30:00Z", "muscle": "calf", "side": "left", "intensity": 3}
    )

    summary = merge_diary(user, read_upload(user, json.dumps(document).encode()))

    assert (summary.episodes.added, summary.episodes.updated) == (1, 1)
    assert local_dates(user) == [date(2026, 1, 9), date(2026, 3, 30)]


def test_the_demo_diary_places_its_episodes_in_the_servers_zone(db, settings, freeze_now):
    settings.TIME_ZONE = KIRITIMATI
    freeze_now(AFTER_THE_CHANGE)
    call_command("seed_demo", "--days", "30", "--profile", "heavy", stdout=StringIO())
    demo = User.objects.get(username="demo")
    assert len(local_dates(demo)) > 30
    # As if the demo person had moved away: seeding again gives back the server's zone.
    Profile.objects.filter(user=demo).update(time_zone="UTC")
    call_command("seed_demo", "--days", "30", stdout=StringIO())
    assert len(local_dates(demo)) > 0


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_each_episode_from_its_owners_zone(settings):
    settings.TIME_ZONE = KIRITIMATI
    before, after = [("diary", "0015_name_keys_as_text")], [("diary", "0016_episode_local_date")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    users = old.get_model("auth", "User").objects
    berliner, newcomer = users.create(username="berliner"), users.create(username="newcomer")
    old.get_model("diary", "Profile").objects.create(user=berliner, time_zone="Europe/Berlin")
    OldEpisode = old.get_model("diary", "Episode")
    for person in (berliner, newcomer):
        for started_at in (datetime(2026, 1, 9, 22, 30, tzinfo=UTC), AFTER_THE_CHANGE):
            OldEpisode.objects.create(
                user=person, started_at=started_at, muscle="calf", side="left", intensity=5
            )
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(after)
        new = executor.loader.project_state(after).apps.get_model("diary", "Episode")
        placed = {
            username: list(
                new.objects.filter(user__username=username)
                .order_by("started_at")
                .values_list("local_date", flat=True)
            )
            for username in ("berliner", "newcomer")
        }
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    assert placed == {
        "berliner": [date(2026, 1, 9), date(2026, 3, 30)],
        "newcomer": [date(2026, 1, 10), date(2026, 3, 30)],  # the server's zone
    }
