"""The cramp history's numbers, on a hand-checked handful of episodes and check-ins."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from diary.analysis.daytable import EpisodeRecord
from diary.analysis.history import checkins_per_week, cramp_history, night_of, sleep_disturbance

ZONE = ZoneInfo("Europe/Berlin")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A local time in December 2026 (UTC+1 in Berlin)."""
    return datetime(2026, 12, day, hour, minute, tzinfo=ZONE)


def episode(started: datetime, **fields) -> EpisodeRecord:
    defaults = {"muscle": "calf", "side": "left", "intensity": 5, "created_at": started}
    return EpisodeRecord(started_at=started.astimezone(UTC), **(defaults | fields))


EPISODES = [
    # Two cramps either side of midnight: one night with a cramp.
    episode(at(1, 23, 30), duration_seconds=60, relief=("stretching",), relief_effect="fully"),
    episode(at(2, 2), duration_seconds=120, activity="asleep", side="right", intensity=7),
    # A long daytime one at exercise, on both sides, entered two days later.
    episode(
        at(3, 15),
        duration_seconds=900,
        activity="exercising",
        side="both",
        muscle="hamstring",
        intensity=9,
        relief=("stretching",),
        relief_effect="a_little",
        created_at=at(5, 16),
    ),
    # At rest, no duration, imported from a file long after.
    episode(at(6, 12), activity="sitting", muscle="foot", imported=True, created_at=at(20, 9)),
]


@pytest.fixture
def history():
    return cramp_history(EPISODES, ZONE, date(2026, 12, 1), date(2026, 12, 14), 10, 6)


def test_a_cramp_after_midnight_belongs_to_the_night_before():
    assert night_of(EPISODES[1], ZONE) == date(2026, 12, 1)
    assert night_of(EPISODES[0], ZONE) == date(2026, 12, 1)


def test_rates_are_per_week_of_the_days_recorded(history):
    assert history["days"] == 14
    assert history["episodes_per_week"] == pytest.approx(4 / 2)
    assert history["nights_with_episode"] == 1
    assert history["nights_with_episode_per_week"] == pytest.approx(0.5)


def test_intensity_and_duration_summaries(history):
    assert history["intensity"] == {"median": 6, "worst": 9}
    assert history["duration"] == {
        "recorded": 3,
        "median_seconds": 120,
        "longest_seconds": 900,
        "over_10_minutes": 1,
    }


def test_sides_and_when_count_only_the_episodes_that_recorded_them(history):
    assert history["one_sided"] == {"count": 3, "of": 4, "share": 0.75}
    assert history["when"]["night"]["count"] == 2
    # Three episodes have an activity: asleep, exercising, sitting.
    assert history["when"]["exercise"] == {"count": 1, "of": 3, "share": pytest.approx(1 / 3)}
    assert history["when"]["rest"] == {"count": 1, "of": 3, "share": pytest.approx(1 / 3)}


def test_the_five_features_of_ordinary_cramps(history):
    features = {f["key"]: (f["count"], f["of"]) for f in history["ordinary_features"]}
    assert features == {
        "night": (2, 4),
        "calf_or_foot": (3, 4),
        "short": (2, 3),
        "one_side": (3, 4),
        # Stretching was tried twice with an effect recorded; it helped fully once.
        "stretching_helped": (1, 2),
    }


def test_imported_episodes_are_counted_apart_from_late_ones(history):
    assert history["data_quality"] == {
        "checkin_days": 10,
        "confirmed_days": 6,
        "days": 14,
        "episodes": 4,
        "entered_late": 1,
        "imported": 1,
    }


def test_no_episodes_give_no_medians():
    history = cramp_history([], ZONE, date(2026, 12, 1), date(2026, 12, 7), 0, 0)
    assert history["episodes_per_week"] == 0
    assert history["intensity"] == {"median": None, "worst": None}
    assert history["duration"]["median_seconds"] is None
    assert all(f["share"] is None for f in history["ordinary_features"])


def test_checkins_per_week_average_what_was_recorded():
    monday = date(2026, 11, 30)
    checkins = [
        {"date": monday - timedelta(days=1), "water_ml": 9000},  # before the window
        {"date": monday, "water_ml": 1000, "sleep_hours": 6, "alcohol_drinks": 2, "stress": 4},
        {"date": monday + timedelta(days=1), "water_ml": 2000, "alcohol_drinks": None},
        {"date": monday + timedelta(days=8), "exercise_minutes": 30},
    ]
    weeks = checkins_per_week(checkins, monday, monday + timedelta(days=13))
    assert weeks == [
        {
            "week_start": "2026-11-30",
            "checkins": 2,
            "water_litres": 1.5,
            "sleep_hours": 6.0,
            "alcohol_drinks": 2,
            "exercise_minutes": None,
            "stress": 4.0,
        },
        {
            "week_start": "2026-12-07",
            "checkins": 1,
            "water_litres": None,
            "sleep_hours": None,
            "alcohol_drinks": None,
            "exercise_minutes": 30,
            "stress": None,
        },
    ]


def test_sleep_disturbance_is_split_by_whether_the_night_before_the_morning_had_a_cramp():
    checkins = [
        # The morning after the night of 1 December, which had two cramps (EPISODES[0:2]).
        {"date": date(2026, 12, 2), "sleep_disturbance": 6},
        # The night of 2 December had none: the 15:00 cramp on the 3rd is a day cramp.
        {"date": date(2026, 12, 3), "sleep_disturbance": 1},
        {"date": date(2026, 12, 4), "sleep_disturbance": None},  # not asked
        {"date": date(2026, 12, 5), "sleep_disturbance": 0},
        # A night cramp before the window's first day counts for the window's first morning.
        {"date": date(2026, 11, 30), "sleep_disturbance": 9},
        {"date": date(2026, 12, 15), "sleep_disturbance": 10},  # after the window
    ]
    earlier = episode(at(1, 0) - timedelta(days=1), activity="asleep")  # the night of 29 Nov

    nights = sleep_disturbance(
        checkins, [earlier, *EPISODES], ZONE, date(2026, 11, 30), date(2026, 12, 14)
    )

    assert nights == {
        "with_cramp": {"nights": 2, "median": 7.5, "worst": 9},
        "without_cramp": {"nights": 2, "median": 0.5, "worst": 1},
    }


def test_no_morning_answers_give_no_sleep_figures():
    nights = sleep_disturbance([], EPISODES, ZONE, date(2026, 12, 1), date(2026, 12, 14))
    assert nights["with_cramp"] == {"nights": 0, "median": None, "worst": None}
