from collections import Counter
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from diary.analysis.daytable import EpisodeRecord
from diary.analysis.patterns import build_patterns, calendar_start, weekly_counts

ZONE = ZoneInfo("America/New_York")


def episode(day: date, hour: int = 12, **fields) -> EpisodeRecord:
    values = {"muscle": "calf", "side": "left", "intensity": 5} | fields
    return EpisodeRecord(started_at=datetime.combine(day, time(hour), tzinfo=ZONE), **values)


def test_weeks_run_monday_to_sunday_with_a_4_week_moving_average():
    # 1 Jan 2025 is a Wednesday; 1 Jan..4 Feb is 35 days over 6 week rows.
    counts = Counter({date(2025, 1, 1): 2, date(2025, 1, 8): 1, date(2025, 1, 27): 4})
    weeks = weekly_counts(counts, date(2025, 1, 1), date(2025, 2, 4))
    assert [(w["week_start"], w["days"], w["episodes"]) for w in weeks] == [
        ("2024-12-30", 5, 2),
        ("2025-01-06", 7, 1),
        ("2025-01-13", 7, 0),
        ("2025-01-20", 7, 0),
        ("2025-01-27", 7, 4),
        ("2025-02-03", 2, 0),
    ]
    assert weeks[2]["moving_average"] is None
    assert weeks[3]["moving_average"] == pytest.approx(7 * 3 / 26)
    assert weeks[5]["moving_average"] == pytest.approx(7 * 4 / 23)


def test_patterns_count_hours_in_the_persons_zone():
    episodes = [
        EpisodeRecord(datetime(2025, 3, 1, 7, tzinfo=ZoneInfo("UTC")), "calf", "left", 5),
        episode(date(2025, 3, 2), hour=23, activity="sitting"),
        episode(date(2025, 3, 3), hour=15, activity="asleep"),
    ]
    patterns = build_patterns(episodes, ZONE, date(2025, 3, 1), date(2025, 3, 31))
    hours = {row["hour"]: row["episodes"] for row in patterns["time_of_day"] if row["episodes"]}
    assert hours == {2: 1, 23: 1, 15: 1}  # 07:00 UTC is 02:00 in New York
    assert patterns["night_episodes"] == 3
    assert [row["night"] for row in patterns["time_of_day"]][:7] == [True] * 6 + [False]


def test_muscles_are_split_by_side_commonest_first():
    episodes = [
        episode(date(2025, 3, 1), muscle="foot", side="right"),
        episode(date(2025, 3, 2), muscle="calf", side="left"),
        episode(date(2025, 3, 3), muscle="calf", side="both"),
    ]
    muscles = build_patterns(episodes, ZONE, date(2025, 3, 1), date(2025, 3, 31))["muscles"]
    assert [(m["muscle"], m["episodes"]) for m in muscles] == [("calf", 2), ("foot", 1)]
    assert muscles[0]["sides"] == {"left": 1, "right": 0, "both": 1, "not_applicable": 0}
    assert muscles[1]["label"] == "Foot / arch"


def test_intensity_and_duration_distributions():
    episodes = [
        episode(date(2025, 3, 1), intensity=0, duration_seconds=29),
        episode(date(2025, 3, 1), intensity=10, duration_seconds=30),
        episode(date(2025, 3, 2), intensity=10, duration_seconds=600),
        episode(date(2025, 3, 2), intensity=3, duration_seconds=601),
        episode(date(2025, 3, 2), intensity=3),
    ]
    patterns = build_patterns(episodes, ZONE, date(2025, 3, 1), date(2025, 3, 31))
    assert [row["episodes"] for row in patterns["intensity"]] == [1, 0, 0, 2] + [0] * 6 + [2]
    assert [row["episodes"] for row in patterns["duration"]["bins"]] == [1, 1, 0, 0, 0, 2]
    assert patterns["duration"]["bins"][4]["label"] == "5–10 min"
    assert patterns["duration"]["not_recorded"] == 1


def test_activity_shares_count_only_episodes_where_it_was_recorded():
    episodes = [
        episode(date(2025, 3, 1), activity="asleep"),
        episode(date(2025, 3, 2), activity="asleep"),
        episode(date(2025, 3, 3), activity="walking"),
        episode(date(2025, 3, 4), activity=""),
    ]
    activity = build_patterns(episodes, ZONE, date(2025, 3, 1), date(2025, 3, 31))["activity"]
    assert (activity["recorded"], activity["not_recorded"]) == (3, 1)
    shares = {item["value"]: item["share"] for item in activity["items"]}
    assert shares["asleep"] == pytest.approx(2 / 3)
    assert shares["walking"] == pytest.approx(1 / 3)
    assert shares["sitting"] == 0


def test_relief_methods_are_ranked_by_how_often_they_helped_a_lot_or_fully():
    day = date(2025, 3, 1)
    episodes = [
        episode(day, relief=("stretching",), relief_effect="fully"),
        episode(day, relief=("stretching", "heat"), relief_effect="a_lot"),
        episode(day, relief=("stretching",), relief_effect="a_little"),
        episode(day, relief=("massage",), relief_effect="none"),
        episode(day, relief=("massage",), relief_effect=""),  # effect not recorded: left out
    ]
    relief = build_patterns(episodes, ZONE, day, day)["relief"]
    assert [(r["method"], r["uses"], r["helped"]) for r in relief] == [
        ("heat", 1, 1),
        ("stretching", 3, 2),
        ("massage", 1, 0),
    ]
    assert relief[1]["share_helped"] == pytest.approx(2 / 3)


def test_the_calendar_covers_12_months_and_episodes_outside_the_window():
    assert calendar_start(date(2025, 3, 15)) == date(2024, 4, 1)
    assert calendar_start(date(2025, 12, 31)) == date(2025, 1, 1)
    episodes = [episode(date(2024, 5, 1)), episode(date(2025, 3, 1)), episode(date(2025, 3, 1))]
    patterns = build_patterns(episodes, ZONE, date(2025, 3, 1), date(2025, 3, 15))
    days = {d["date"]: d["episodes"] for d in patterns["calendar"]["days"] if d["episodes"]}
    assert days == {"2024-05-01": 1, "2025-03-01": 2}
    assert len(patterns["calendar"]["days"]) == 349  # 1 Apr 2024 to 15 Mar 2025
    assert sum(row["episodes"] for row in patterns["intensity"]) == 2  # the window only
