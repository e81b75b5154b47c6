"""Descriptive patterns of the episodes in a window: when, where, how bad, what helped.

These are counts, not comparisons: activity and hydration at onset have no denominator (we
don't know how many hours were spent sitting without a cramp), so they are shares of episodes.
"""

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import TextChoices

from diary.analysis.daytable import EpisodeRecord, days_between
from diary.days import local_date
from diary.vocabularies import Activity, Hydration, Muscle, Relief, ReliefEffect, Side

# Local hours counted as night: 22:00 to 05:59.
NIGHT_HOURS = frozenset({22, 23, 0, 1, 2, 3, 4, 5})
MOVING_AVERAGE_WEEKS = 4
# The bins of the chart of episodes over time, by the window's length in days: weeks up to two
# years, months up to twenty, then years. A window that a single far-back entry stretches to a
# century (a check-in typed as 1926) draws a hundred-odd bars, not 5,000 weeks.
TIME_BINS: tuple[tuple[str, int | None], ...] = (
    ("week", 2 * 366),
    ("month", 20 * 366),
    ("year", None),
)
HELPED = (ReliefEffect.A_LOT, ReliefEffect.FULLY)
RELIEF_COLUMNS = ("Method", "Tried", "Helped a lot or fully", "Share")
DURATION_BINS: tuple[tuple[str, int, int | None], ...] = (
    ("< 30 s", 0, 30),
    ("30 s – 1 min", 30, 60),
    ("1–2 min", 60, 120),
    ("2–5 min", 120, 300),
    ("5–10 min", 300, 600),
    ("> 10 min", 600, None),
)


def is_night(episode: EpisodeRecord, zone: ZoneInfo) -> bool:
    return (
        episode.activity == Activity.ASLEEP
        or episode.started_at.astimezone(zone).hour in NIGHT_HOURS
    )


def weekly_counts(counts: Counter[date], first_day: date, last_day: date) -> list[dict[str, Any]]:
    """Episodes per Monday-to-Sunday week, with a moving average over the last 4 weeks.

    The first and last weeks may be cut by the window, so the average is per 7 days of diary
    rather than per week row.
    """
    week_start = first_day - timedelta(days=first_day.weekday())
    weeks: list[dict[str, Any]] = []
    while week_start <= last_day:
        in_window = days_between(
            max(first_day, week_start), min(last_day, week_start + timedelta(days=6))
        )
        weeks.append(
            {
                "week_start": week_start.isoformat(),
                "days": len(in_window),
                "episodes": sum(counts[d] for d in in_window),
            }
        )
        week_start += timedelta(days=7)
    for index, week in enumerate(weeks):
        recent = weeks[max(0, index - MOVING_AVERAGE_WEEKS + 1) : index + 1]
        enough = index + 1 >= MOVING_AVERAGE_WEEKS
        week["moving_average"] = (
            7 * sum(w["episodes"] for w in recent) / sum(w["days"] for w in recent)
            if enough
            else None
        )
    return weeks


def time_bin(first_day: date, last_day: date) -> str:
    """The bin of the chart of episodes over time for this window (TIME_BINS)."""
    length = (last_day - first_day).days + 1
    return next(name for name, longest in TIME_BINS if longest is None or length <= longest)


def _bin_start(day: date, bin_name: str) -> date:
    if bin_name == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1) if bin_name == "month" else day.replace(month=1, day=1)


def _next_bin(start: date, bin_name: str) -> date:
    if bin_name == "week":
        return start + timedelta(days=7)
    if bin_name == "year":
        return start.replace(year=start.year + 1)
    return (start + timedelta(days=31)).replace(day=1)


def episodes_over_time(counts: Counter[date], first_day: date, last_day: date) -> dict[str, Any]:
    """Episodes in each bin of the window (weeks, months or years by its length, TIME_BINS):
    `start`, `days` (of the bin in the window), `episodes`, `per_week` (7 · episodes / days),
    `full` (the window holds the whole bin) and, for weeks, the 4-week `moving_average`."""
    bin_name = time_bin(first_day, last_day)
    if bin_name == "week":
        rows = [
            {
                "start": week["week_start"],
                "days": week["days"],
                "episodes": week["episodes"],
                "per_week": 7 * week["episodes"] / week["days"],
                "full": week["days"] == 7,
                "moving_average": week["moving_average"],
            }
            for week in weekly_counts(counts, first_day, last_day)
        ]
        return {"bin": bin_name, "bins": rows}
    by_bin: Counter[date] = Counter()
    for day, count in counts.items():
        if first_day <= day <= last_day:
            by_bin[_bin_start(day, bin_name)] += count
    rows = []
    start = _bin_start(first_day, bin_name)
    while start <= last_day:
        end = _next_bin(start, bin_name)
        days = (min(end - timedelta(days=1), last_day) - max(start, first_day)).days + 1
        rows.append(
            {
                "start": start.isoformat(),
                "days": days,
                "episodes": by_bin[start],
                "per_week": 7 * by_bin[start] / days,
                "full": days == (end - start).days,
                "moving_average": None,
            }
        )
        start = end
    return {"bin": bin_name, "bins": rows}


def hours_of_day(episodes: Sequence[EpisodeRecord], zone: ZoneInfo) -> list[dict[str, Any]]:
    """Episodes per local hour of onset, leaving out those whose time was only estimated."""
    counts = Counter(
        episode.started_at.astimezone(zone).hour
        for episode in episodes
        if not episode.time_estimated
    )
    return [
        {"hour": hour, "episodes": counts[hour], "night": hour in NIGHT_HOURS} for hour in range(24)
    ]


def muscles_and_sides(episodes: Sequence[EpisodeRecord]) -> list[dict[str, Any]]:
    """Episodes per muscle, split by side, the commonest muscle first."""
    by_muscle: dict[str, Counter[str]] = {}
    for episode in episodes:
        by_muscle.setdefault(episode.muscle, Counter())[episode.side] += 1
    rows = [
        {
            "muscle": muscle,
            "label": Muscle(muscle).label,
            "episodes": sum(sides.values()),
            "sides": {side: sides[side] for side in Side.values},
        }
        for muscle, sides in by_muscle.items()
    ]
    return sorted(rows, key=lambda row: (-row["episodes"], row["label"]))


def intensities(episodes: Sequence[EpisodeRecord]) -> list[dict[str, int]]:
    counts = Counter(episode.intensity for episode in episodes)
    return [{"intensity": level, "episodes": counts[level]} for level in range(11)]


def durations(episodes: Sequence[EpisodeRecord]) -> dict[str, Any]:
    recorded = [e.duration_seconds for e in episodes if e.duration_seconds is not None]
    bins = [
        {
            "label": label,
            "min_seconds": low,
            "max_seconds": high,
            "episodes": sum(1 for s in recorded if s >= low and (high is None or s < high)),
        }
        for label, low, high in DURATION_BINS
    ]
    return {"bins": bins, "not_recorded": len(episodes) - len(recorded)}


def shares(
    episodes: Sequence[EpisodeRecord], field: str, choices: type[TextChoices]
) -> dict[str, Any]:
    """How episodes split over one single-choice answer, among those where it was recorded."""
    counts = Counter(getattr(episode, field) for episode in episodes)
    recorded = len(episodes) - counts[""]
    items = [
        {
            "value": value,
            "label": label,
            "episodes": counts[value],
            "share": counts[value] / recorded if recorded else None,
        }
        for value, label in choices.choices
    ]
    return {"recorded": recorded, "not_recorded": counts[""], "items": items}


def relief_methods(episodes: Sequence[EpisodeRecord]) -> list[dict[str, Any]]:
    """Each method tried, ranked by the share of its uses that helped a lot or fully.

    An episode has one answer to "how much it helped", so when several methods were tried
    together each of them is credited with it.
    """
    uses: Counter[str] = Counter()
    helped: Counter[str] = Counter()
    for episode in episodes:
        if not episode.relief_effect:
            continue
        for method in episode.relief:
            uses[method] += 1
            helped[method] += episode.relief_effect in HELPED
    rows = [
        {
            "method": method,
            "label": Relief(method).label,
            "uses": uses[method],
            "helped": helped[method],
            "share_helped": helped[method] / uses[method],
        }
        for method in uses
    ]
    return sorted(rows, key=lambda row: (-row["share_helped"], -row["uses"], row["label"]))


def calendar_start(last_day: date) -> date:
    """The first day of the 12 calendar months that end with last_day's month."""
    month_index = last_day.year * 12 + last_day.month - 1 - 11
    return date(month_index // 12, month_index % 12 + 1, 1)


def calendar(counts: Counter[date], last_day: date) -> dict[str, Any]:
    """Episodes on every day of the 12 months up to last_day, for a calendar heat map."""
    first_day = calendar_start(last_day)
    return {
        "start": first_day.isoformat(),
        "end": last_day.isoformat(),
        "days": [
            {"date": day.isoformat(), "episodes": counts[day]}
            for day in days_between(first_day, last_day)
        ],
    }


def build_patterns(
    episodes: Sequence[EpisodeRecord],
    zone: ZoneInfo,
    first_day: date,
    last_day: date,
    day_counts: Mapping[date, int] | None = None,
) -> dict[str, Any]:
    """Every pattern for first_day..last_day; the calendar reaches back 12 months regardless.
    `day_counts` (episodes per local date) if the database counted them, else from `episodes`."""
    counts = Counter(
        day_counts
        if day_counts is not None
        else (local_date(episode.started_at, zone) for episode in episodes)
    )
    in_window = [e for e in episodes if first_day <= local_date(e.started_at, zone) <= last_day]
    return {
        "episodes_per_week": weekly_counts(counts, first_day, last_day),
        "episodes_over_time": episodes_over_time(counts, first_day, last_day),
        "time_of_day": hours_of_day(in_window, zone),
        "time_estimated_episodes": sum(1 for e in in_window if e.time_estimated),
        "night_episodes": sum(1 for e in in_window if is_night(e, zone)),
        "muscles": muscles_and_sides(in_window),
        "intensity": intensities(in_window),
        "duration": durations(in_window),
        "activity": shares(in_window, "activity", Activity),
        "hydration": shares(in_window, "hydration", Hydration),
        "relief": relief_methods(in_window),
        "calendar": calendar(counts, last_day),
    }
