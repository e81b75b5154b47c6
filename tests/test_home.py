import re
from datetime import UTC, date, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from diary.dataversion import diary_changed
from diary.insights import diary_first_day
from diary.models import CheckIn, Episode, Profile
from diary.views.home import new_red_flag_codes
from tests.factories import make_checkin, make_episode, make_user

HOME = reverse("diary:home")
# 09:00 in Berlin on 10 March 2026.
MORNING = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)


def severe_episodes(user, count: int) -> None:
    for days in range(count):
        make_episode(user, started_at=timezone.now() - timedelta(days=days + 1), intensity=9)


def positions(page: str, *markers: str) -> list[int]:
    return [page.index(marker) for marker in markers]


def test_new_red_flags_are_the_codes_not_seen_before():
    assert new_red_flag_codes(["severe", "frequent"], ["severe"]) == ["frequent"]
    assert new_red_flag_codes(["severe"], ["severe", "frequent"]) == []
    assert new_red_flag_codes([], []) == []


def test_home_puts_the_quick_log_first_then_today_then_flags_then_recent_episodes(
    auth_client, user, freeze_now
):
    freeze_now(MORNING)
    severe_episodes(user, 1)

    page = auth_client.get(HOME).content.decode()
    main = page[page.index('<main id="main"') :]

    order = positions(
        main,
        "Log a spasm now",
        "Any cramps last night?",
        "Today's check-in is missing",
        "worth raising with a doctor",
        "Recent episodes",
    )
    assert order == sorted(order)


def test_the_red_flag_line_counts_the_flags_and_marks_a_new_one_once(auth_client, user):
    severe_episodes(user, 1)

    first = auth_client.get(HOME)
    second = auth_client.get(HOME)

    codes = [flag["code"] for flag in first.context["red_flags"]]
    assert len(codes) == 1
    assert re.search(
        r"1 thing worth raising with a doctor</a>\s*<span[^>]*>1 new</span>", first.content.decode()
    )
    assert "1 new" not in second.content.decode()
    assert Profile.objects.get(user=user).seen_red_flags == codes


def test_a_visit_showing_the_flags_already_recorded_writes_nothing(auth_client, user):
    severe_episodes(user, 1)
    with CaptureQueriesContext(connection) as first:
        auth_client.get(HOME)
    with CaptureQueriesContext(connection) as second:
        auth_client.get(HOME)

    def updates(queries) -> int:
        return sum(q["sql"].startswith('UPDATE "diary_profile"') for q in queries.captured_queries)

    assert updates(first) == 1
    assert updates(second) == 0
    assert Profile.objects.get(user=user).seen_red_flags == ["severe"]


def test_a_flag_that_appears_later_is_new_once_beside_the_old_ones(auth_client, user):
    severe_episodes(user, 1)
    auth_client.get(HOME)
    # Two night episodes a week over four weeks add the flag for disturbed sleep.
    for days in range(1, 25, 3):
        make_episode(
            user,
            started_at=timezone.now() - timedelta(days=days, hours=1),
            muscle="foot",
            intensity=4,
            activity="asleep",
        )
    diary_changed(user)  # as the app's write paths do

    response = auth_client.get(HOME)

    flags = response.context["red_flags"]
    assert len(flags) == 2
    assert "2 things worth raising with a doctor" in response.content.decode()
    assert response.context["new_red_flags"] == 1


def test_seeing_the_flags_does_not_change_the_insights_data_version(auth_client, user):
    severe_episodes(user, 1)
    before = Profile.objects.get(user=user).updated_at

    auth_client.get(HOME)

    assert Profile.objects.get(user=user).updated_at == before


def test_the_status_says_what_last_night_was(auth_client, user, freeze_now):
    freeze_now(MORNING)
    auth_client.post(
        reverse("diary:last_night"),
        {
            "episodes": "3",
            "worst_intensity": "6",
            "sleep_disturbance": "5",
            "muscle": "calf",
            "side": "left",
        },
    )
    CheckIn.objects.filter(user=user).update(water_ml=1000)
    make_checkin(user, date(2026, 3, 9), water_ml=1500)

    page = auth_client.get(HOME).content.decode()

    assert "Last night: 3 cramps, sleep disturbed 5/10." in page
    assert "Today's check-in is done." in page  # the night's answer alone would not be
    assert CheckIn.objects.get(user=user, date=date(2026, 3, 10)).sleep_disturbance == 5


# The quick log's start and "it's over".


@pytest.mark.parametrize("minutes", [0, 5, 15, 30])
def test_the_quick_log_takes_when_it_started(auth_client, user, freeze_now, minutes):
    freeze_now(MORNING)

    auth_client.post(
        reverse("diary:quick_log"),
        {"muscle": "calf", "side": "left", "intensity": "5", "started_minutes_ago": str(minutes)},
    )

    assert Episode.objects.get(user=user).started_at == MORNING - timedelta(minutes=minutes)


def test_the_quick_log_refuses_another_start_beside_the_field(auth_client, user):
    response = auth_client.post(
        reverse("diary:quick_log"),
        {"muscle": "calf", "side": "left", "intensity": "5", "started_minutes_ago": "45"},
    )

    assert response.status_code == 200
    assert "started_minutes_ago" in response.context["form"].errors
    assert not Episode.objects.exists()


def test_its_over_sets_the_duration_from_the_time_elapsed(auth_client, user, freeze_now):
    freeze_now(MORNING)
    auth_client.post(
        reverse("diary:quick_log"),
        {"muscle": "calf", "side": "left", "intensity": "5", "started_minutes_ago": "5"},
    )
    episode = Episode.objects.get(user=user)
    detail = auth_client.get(reverse("diary:episode_detail", args=[episode.pk]))
    assert "It's over" in detail.content.decode()

    freeze_now(MORNING + timedelta(seconds=75))
    response = auth_client.post(reverse("diary:episode_over", args=[episode.pk]))

    assert response.status_code == 302
    episode.refresh_from_db()
    assert episode.duration_seconds == 5 * 60 + 75
    again = auth_client.get(reverse("diary:episode_detail", args=[episode.pk]))
    assert "It's over" not in again.content.decode()


def test_its_over_keeps_a_duration_already_entered(auth_client, user):
    episode = make_episode(user, duration_seconds=40)

    auth_client.post(reverse("diary:episode_over", args=[episode.pk]))

    episode.refresh_from_db()
    assert episode.duration_seconds == 40


def test_its_over_is_not_offered_hours_later(auth_client, user):
    episode = make_episode(user, started_at=timezone.now() - timedelta(hours=3))

    assert "It's over" not in auth_client.get(episode.get_absolute_url()).content.decode()
    auth_client.post(reverse("diary:episode_over", args=[episode.pk]))
    episode.refresh_from_db()
    assert episode.duration_seconds is None


def test_its_over_on_another_persons_episode_is_a_404(auth_client, other_user):
    episode = make_episode(other_user)

    response = auth_client.post(reverse("diary:episode_over", args=[episode.pk]))

    assert response.status_code == 404
    episode.refresh_from_db()
    assert episode.duration_seconds is None


def test_its_over_refuses_get_whoever_owns_the_episode(auth_client, user, other_user):
    # A link or a prefetch must not end an episode; 405 for everyone, so it tells nothing.
    own = make_episode(user)
    other = make_episode(other_user)

    for episode in (own, other):
        response = auth_client.get(reverse("diary:episode_over", args=[episode.pk]))
        assert response.status_code == 405
        assert response["Allow"] == "POST"
        episode.refresh_from_db()
        assert episode.duration_seconds is None


def test_the_status_links_to_the_check_ins_it_names(auth_client, user, freeze_now):
    freeze_now(MORNING)
    today = date(2026, 3, 10)
    make_checkin(user, today - timedelta(days=1), stress=2)
    user.date_joined = MORNING - timedelta(days=5)  # the diary's first day
    user.save(update_fields=["date_joined"])

    missing = auth_client.get(HOME).content.decode()
    fill_in = f'<a class="alert-link" href="{reverse("diary:checkin_day", args=[today])}">'
    assert f"Today's check-in is missing. {fill_in}Fill it in</a>" in missing

    make_checkin(user, today, stress=3)
    done = auth_client.get(HOME).content.decode()
    review = f'<a href="{reverse("diary:checkin_day", args=[today])}">Review it</a>'
    assert f"Today's check-in is done. {review}" in done


def test_the_red_flag_line_links_to_the_report(auth_client, user):
    severe_episodes(user, 1)
    page = auth_client.get(HOME).content.decode()
    assert (
        f'· <a class="alert-link" href="{reverse("diary:report")}">report for your doctor</a>'
        in page
    )


def test_the_navigation_marks_the_page_it_is_on(auth_client):
    page = auth_client.get(reverse("diary:episode_list")).content.decode()
    current = re.findall(r'<a class="nav-link active" aria-current="page" href="([^"]+)">', page)
    assert current == [reverse("diary:episode_list")]
    for name in ("diary:checkin_list", "diary:insights", "diary:report", "diary:account"):
        assert f'<a class="nav-link" href="{reverse(name)}">' in page
    assert 'aria-current="page"' not in auth_client.get(HOME).content.decode()


def test_home_nudges_for_missing_checkins_and_shows_recent_episodes(auth_client, user):
    user.date_joined -= timedelta(days=3)
    user.save()
    neck = make_episode(user, muscle="neck")
    response = auth_client.get(HOME)
    assert response.context["missing_checkins"] == [
        timezone.localdate(),
        timezone.localdate() - timedelta(days=1),
    ]
    assert "Today's check-in is missing" in response.content.decode()
    assert f'href="{reverse("diary:episode_detail", args=[neck.pk])}"' in response.content.decode()


def test_home_asks_only_for_todays_check_in_on_the_day_of_sign_up(auth_client, user):
    response = auth_client.get(HOME)
    assert response.context["missing_checkins"] == [timezone.localdate()]


def test_home_asks_for_yesterday_when_the_diary_was_backfilled_to_it(auth_client, user):
    make_episode(user, started_at=timezone.now() - timedelta(days=1, hours=1))
    response = auth_client.get(HOME)
    assert response.context["missing_checkins"] == [
        timezone.localdate(),
        timezone.localdate() - timedelta(days=1),
    ]


def test_home_reads_where_the_diary_begins_only_on_the_day_of_sign_up(auth_client, user):
    with mock.patch("diary.views.home.diary_first_day", wraps=diary_first_day) as read:
        auth_client.get(HOME)
        assert read.call_count == 1  # a backfilled entry may have begun it yesterday
        user.date_joined -= timedelta(days=1)
        user.save()
        response = auth_client.get(HOME)
        assert read.call_count == 1  # begun yesterday or earlier: both days count, no query
    assert response.context["missing_checkins"] == [
        timezone.localdate(),
        timezone.localdate() - timedelta(days=1),
    ]


def test_home_shows_red_flags_as_one_line_linking_to_the_insights(auth_client, user):
    make_episode(user, intensity=9, started_at=timezone.now() - timedelta(days=1))
    content = auth_client.get(HOME).content.decode()
    assert "1 thing worth raising with a doctor" in content
    assert f'href="{reverse("diary:insights")}#red-flags-heading"' in content
    assert "Worth talking to a doctor about" not in content  # the cards stay on the insights


def test_home_shows_no_red_flag_line_for_a_calm_diary(auth_client, user):
    make_episode(user, intensity=3)
    content = auth_client.get(HOME).content.decode()
    assert "worth raising with a doctor" not in content


def test_home_uses_the_persons_local_today(client, db):
    person = make_user("kiri", "Pacific/Auckland")
    client.force_login(person)
    response = client.get(HOME)
    assert response.context["today"] == datetime.now(ZoneInfo("Pacific/Auckland")).date()
