"""The cramp history a clinician takes, answered from the diary of a window.

A cramp history (BMJ Best Practice "Muscle cramps"; NCBI Clinical Methods) asks how often, how
bad, how long, where, when, and how the cramps compare with ordinary nocturnal ones: only at
night, in the calf or foot, 10 minutes or less, on one side, relieved by stretching. These are
facts about the diary, each with the number of episodes it was recorded for, never a diagnosis.
"""

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from statistics import fmean, median
from typing import Any
from zoneinfo import ZoneInfo

from diary.analysis.daytable import CheckInRecord, EpisodeRecord
from diary.analysis.patterns import HELPED, is_night
from diary.analysis.redflags import PROLONGED_SECONDS
from diary.vocabularies import Activity, Muscle, Relief, Side

# An episode written down later than this after it began is counted as entered late.
LATE_ENTRY = timedelta(hours=24)
CALF_OR_FOOT = frozenset({Muscle.CALF, Muscle.FOOT, Muscle.TOES})
ONE_SIDE = frozenset({Side.LEFT, Side.RIGHT})
EXERCISE = frozenset({Activity.EXERCISING, Activity.JUST_AFTER_EXERCISE})
AT_REST = frozenset({Activity.RESTING, Activity.SITTING})
# A night runs from noon to noon: a cramp at 03:00 belongs to the night that began the evening
# before, so two cramps either side of midnight are one night with a cramp.
NIGHT_CHANGES_AT_HOUR = 12


def _count(count: int, of: int) -> dict[str, Any]:
    return {"count": count, "of": of, "share": count / of if of else None}


def night_of(episode: EpisodeRecord, zone: ZoneInfo) -> date:
    local = episode.started_at.astimezone(zone)
    return local.date() - timedelta(days=local.hour < NIGHT_CHANGES_AT_HOUR)


def _ordinary_features(episodes: Sequence[EpisodeRecord], zone: ZoneInfo) -> list[dict]:
    timed = [e for e in episodes if e.duration_seconds is not None]
    sided = [e for e in episodes if e.side != Side.NOT_APPLICABLE]
    stretched = [e for e in episodes if Relief.STRETCHING in e.relief and e.relief_effect]
    features = [
        ("night", "at night", sum(is_night(e, zone) for e in episodes), len(episodes)),
        (
            "calf_or_foot",
            "in the calf or foot",
            sum(e.muscle in CALF_OR_FOOT for e in episodes),
            len(episodes),
        ),
        (
            "short",
            "10 minutes or less",
            sum(e.duration_seconds <= PROLONGED_SECONDS for e in timed),  # type: ignore[operator]  # timed ones
            len(timed),
        ),
        ("one_side", "on one side", sum(e.side in ONE_SIDE for e in sided), len(sided)),
        (
            "stretching_helped",
            "eased by stretching",
            sum(e.relief_effect in HELPED for e in stretched),
            len(stretched),
        ),
    ]
    return [{"key": key, "label": label, **_count(count, of)} for key, label, count, of in features]


def cramp_history(
    episodes: Sequence[EpisodeRecord],
    zone: ZoneInfo,
    recorded_from: date,
    last_day: date,
    days_with_checkin: int,
    confirmed_days: int,
) -> dict[str, Any]:
    """How often, how bad, how long, where and when, for the window's `episodes`.

    `confirmed_days`: of the days with a check-in, those whose check-in confirmed that every
    episode of the day is logged, so that day's count is known to be whole.

    Rates are per week of the days recorded_from..last_day: days before the diary began are
    unknown, not days without cramps.
    """
    days = (last_day - recorded_from).days + 1
    weeks = days / 7
    intensities = [e.intensity for e in episodes]
    durations = [e.duration_seconds for e in episodes if e.duration_seconds is not None]
    nights = {night_of(e, zone) for e in episodes if is_night(e, zone)}
    with_activity = [e for e in episodes if e.activity]
    sided = [e for e in episodes if e.side != Side.NOT_APPLICABLE]
    imported = [e for e in episodes if e.imported]
    late = [
        e
        for e in episodes
        if not e.imported and e.created_at is not None and e.created_at - e.started_at > LATE_ENTRY
    ]
    return {
        "days": days,
        "episodes_per_week": len(episodes) / weeks,
        "nights_with_episode": len(nights),
        "nights_with_episode_per_week": len(nights) / weeks,
        "intensity": {
            "median": median(intensities) if intensities else None,
            "worst": max(intensities, default=None),
        },
        "duration": {
            "recorded": len(durations),
            "median_seconds": median(durations) if durations else None,
            "longest_seconds": max(durations, default=None),
            "over_10_minutes": sum(seconds > PROLONGED_SECONDS for seconds in durations),
        },
        "one_sided": _count(sum(e.side in ONE_SIDE for e in sided), len(sided)),
        "when": {
            "night": _count(sum(is_night(e, zone) for e in episodes), len(episodes)),
            "exercise": _count(
                sum(e.activity in EXERCISE for e in with_activity), len(with_activity)
            ),
            "rest": _count(sum(e.activity in AT_REST for e in with_activity), len(with_activity)),
        },
        "ordinary_features": _ordinary_features(episodes, zone),
        "data_quality": {
            "checkin_days": days_with_checkin,
            "confirmed_days": confirmed_days,
            "days": days,
            "episodes": len(episodes),
            "entered_late": len(late),
            "imported": len(imported),
        },
    }


def _ratings(values: Sequence[int]) -> dict[str, Any]:
    return {
        "nights": len(values),
        "median": median(values) if values else None,
        "worst": max(values, default=None),
    }


def sleep_disturbance(
    checkins: Iterable[CheckInRecord],
    episodes: Iterable[EpisodeRecord],
    zone: ZoneInfo,
    first_day: date,
    last_day: date,
) -> dict[str, Any]:
    """How much the nights disturbed sleep (0–10), from the mornings' answers of the window.

    The answer is on the morning's check-in, so it is about the night before it: the night of
    `night_of` that day minus one. A night "with a cramp" is one with a night episode (asleep,
    or 22:00–06:00), as `nights_with_episode` counts them; `episodes` may reach back before
    first_day, for the window's first night.
    """
    cramp_nights = {night_of(e, zone) for e in episodes if is_night(e, zone)}
    with_cramp: list[int] = []
    without_cramp: list[int] = []
    for checkin in checkins:
        rating = checkin.get("sleep_disturbance")
        if rating is None or not first_day <= checkin["date"] <= last_day:
            continue
        night = checkin["date"] - timedelta(days=1)
        (with_cramp if night in cramp_nights else without_cramp).append(rating)
    return {"with_cramp": _ratings(with_cramp), "without_cramp": _ratings(without_cramp)}


def _mean(values: Iterable[Any]) -> float | None:
    present = [float(value) for value in values if value is not None and value != ""]
    return fmean(present) if present else None


def _total(values: Iterable[Any]) -> int | None:
    present = [value for value in values if value is not None]
    return sum(present) if present else None


def checkins_per_week(
    checkins: Iterable[CheckInRecord], first_day: date, last_day: date
) -> list[dict[str, Any]]:
    """Monday-to-Sunday weeks of the window: how many check-ins, and their water, sleep,
    alcohol, exercise and stress, each over the check-ins that recorded it."""
    by_week: dict[date, list[CheckInRecord]] = {}
    for checkin in checkins:
        if first_day <= checkin["date"] <= last_day:
            monday = checkin["date"] - timedelta(days=checkin["date"].weekday())
            by_week.setdefault(monday, []).append(checkin)
    weeks = []
    monday = first_day - timedelta(days=first_day.weekday())
    while monday <= last_day:
        week = by_week.get(monday, [])
        water = _mean(c.get("water_ml") for c in week)
        weeks.append(
            {
                "week_start": monday.isoformat(),
                "checkins": len(week),
                "water_litres": None if water is None else water / 1000,
                "sleep_hours": _mean(c.get("sleep_hours") for c in week),
                "alcohol_drinks": _total(c.get("alcohol_drinks") for c in week),
                "exercise_minutes": _total(c.get("exercise_minutes") for c in week),
                "stress": _mean(c.get("stress") for c in week),
            }
        )
        monday += timedelta(days=7)
    return weeks
