"""Clocks that jump, days that don't exist, and a person who moves to another time zone."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from diary.days import local_date
from diary.models import CheckIn, Episode, Profile
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def full_episode(started_at: str, notes: str = "") -> dict[str, str]:
    return {
        "started_at": started_at,
        "muscle": "calf",
        "side": "left",
        "intensity": "6",
        "kind": "cramp",
        "notes": notes,
    }


def signed_in(client, zone: str):
    user = make_user("alice", zone)
    client.force_login(user)
    return user


# (zone, wall-clock time that never happened: the spring-forward gap)
SPRING_GAPS = [("Europe/Berlin", "2026-03-29T02:30"), ("America/New_York", "2026-03-08T02:30")]
# (zone, wall-clock time that happened twice, its first occurrence in UTC)
AUTUMN_REPEATS = [
    ("Europe/Berlin", "2026-10-25T02:30", datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
    ("America/New_York", "2026-11-01T01:30", datetime(2026, 11, 1, 5, 30, tzinfo=UTC)),
]


@pytest.mark.parametrize(("zone", "moment"), SPRING_GAPS)
def test_a_time_in_the_spring_forward_gap_is_refused_with_a_message(client, zone, moment):
    signed_in(client, zone)
    response = client.post(reverse("diary:episode_new"), full_episode(moment))
    assert response.status_code == 200
    assert f"did not happen on {moment[:10]} in {zone}" in response.content.decode()
    assert not Episode.objects.exists()


@pytest.mark.parametrize(("zone", "moment", "first_occurrence"), AUTUMN_REPEATS)
def test_a_repeated_autumn_time_is_read_as_its_first_occurrence(
    client, zone, moment, first_occurrence
):
    user = signed_in(client, zone)
    response = client.post(reverse("diary:episode_new"), full_episode(moment))
    assert response.status_code == 302
    episode = Episode.objects.for_user(user).get()
    assert episode.started_at == first_occurrence
    shown = client.get(reverse("diary:episode_detail", args=[episode.pk])).content.decode()
    assert f"{moment[11:]}" in shown
    assert local_date(episode.started_at, ZoneInfo(zone)) == date.fromisoformat(moment[:10])


@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/New_York"])
def test_an_episode_just_after_the_spring_gap_keeps_its_wall_clock_time(client, zone):
    user = signed_in(client, zone)
    day = dict(SPRING_GAPS)[zone][:10]
    assert (
        client.post(reverse("diary:episode_new"), full_episode(f"{day}T03:10")).status_code == 302
    )
    started = Episode.objects.for_user(user).get().started_at.astimezone(ZoneInfo(zone))
    assert (started.isoformat()[:16], started.hour) == (f"{day}T03:10", 3)


@pytest.mark.parametrize(
    ("zone", "clock", "moment", "stored"),
    [
        pytest.param(
            "Europe/Berlin",
            None,
            "2024-02-29T23:30",
            datetime(2024, 2, 29, 22, 30, tzinfo=UTC),
            id="last-leap-day",
        ),
        pytest.param(
            "America/New_York",
            datetime(2028, 3, 1, 9, 0, tzinfo=UTC),
            "2028-02-29T21:00",
            datetime(2028, 3, 1, 2, 0, tzinfo=UTC),
            id="next-leap-day-once-it-has-come",
        ),
    ],
)
def test_a_leap_day_check_in_and_episode_are_recorded(
    client, freeze_now, zone, clock, moment, stored
):
    if clock:
        freeze_now(clock)
    user = signed_in(client, zone)
    leap_day = date.fromisoformat(moment[:10])
    response = client.post(reverse("diary:checkin_day", args=[leap_day]), {"stress": "3"})
    assert response.status_code == 302
    assert CheckIn.objects.for_user(user).get().date == leap_day
    response = client.post(reverse("diary:episode_new"), full_episode(moment))
    assert response.status_code == 302
    assert Episode.objects.for_user(user).get().started_at == stored
    month = client.get(reverse("diary:checkin_list"), {"month": moment[:7]}).content.decode()
    assert reverse("diary:checkin_day", args=[leap_day]) in month


def test_the_next_leap_day_is_still_in_the_future_today(client):
    signed_in(client, "Europe/Berlin")
    response = client.post(reverse("diary:checkin_day", args=[date(2028, 2, 29)]), {})
    assert response.status_code == 404
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize("path", ["/checkins/2027-02-29/", "/checkins/2026-02-30/"])
def test_a_date_that_does_not_exist_is_a_404(client, path):
    signed_in(client, "Europe/Berlin")
    assert client.get(path).status_code == 404
    assert client.post(path, {"notes": "x"}).status_code == 404
    assert not CheckIn.objects.exists()


def test_moving_to_another_time_zone_keeps_past_check_ins_on_their_dates(client):
    user = signed_in(client, "Europe/Berlin")
    day = date(2026, 1, 20)
    client.post(reverse("diary:checkin_day", args=[day]), {"notes": "Berlin day"})
    # 00:30 in Berlin on the 21st is still the 20th in New York.
    client.post(reverse("diary:episode_new"), full_episode("2026-01-21T00:30"))
    episode = Episode.objects.for_user(user).get()
    assert episode.started_at == datetime(2026, 1, 20, 23, 30, tzinfo=UTC)

    response = client.post(
        reverse("diary:account"), {"time_zone": "America/New_York", "conditions": []}
    )
    assert response.status_code == 302
    assert Profile.objects.get(user=user).time_zone == "America/New_York"

    checkin = CheckIn.objects.for_user(user).get()
    assert checkin.date == day  # a check-in is about a local date, which does not move
    page = client.get(reverse("diary:checkin_day", args=[day])).content.decode()
    assert "Berlin day" in page
    episode.refresh_from_db()
    assert episode.started_at == datetime(2026, 1, 20, 23, 30, tzinfo=UTC)  # the instant stays
    shown = client.get(reverse("diary:episode_detail", args=[episode.pk])).content.decode()
    assert "Tuesday 20 January 2026, 18:30" in shown  # and is shown in the new zone
