"""The diary as plain data, and the day table every trigger statistic is computed from.

A row of the day table is one local day that has a check-in: that day's answers and the number
of episodes that started on it. Days without a check-in have no row, because an unrecorded day
says nothing about its triggers (missing is not zero).
"""

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from diary.days import local_date

# A check-in as a mapping with the diary file's key names ("date", "water_ml", "electrolytes",
# …, "medications_taken" as a list of medication names, "custom_factors" as {name: answer}).
# A blank answer is None (or ""), or a custom factor's name missing from "custom_factors".
CheckInRecord = Mapping[str, Any]


@dataclass(frozen=True)
class EpisodeRecord:
    started_at: datetime
    muscle: str
    side: str
    intensity: int
    duration_seconds: int | None = None
    kind: str = "cramp"
    activity: str = ""
    hydration: str = ""
    relief: tuple[str, ...] = ()
    relief_effect: str = ""
    symptoms: tuple[str, ...] = ()
    time_estimated: bool = False  # the hour is a placeholder (see Episode.time_estimated)
    id: int | None = None
    created_at: datetime | None = None  # when it was entered
    imported: bool = False  # from a diary file: created_at is the import's time


@dataclass(frozen=True)
class MedicationRecord:
    name: str
    kind: str
    started_on: date | None = None
    stopped_on: date | None = None


@dataclass(frozen=True)
class CustomFactorRecord:
    """One of the person's own factors: "yes_no" (answers True/False), or "count" or "scale"
    (whole numbers; exposed from `threshold` on)."""

    name: str
    kind: str
    threshold: int | None = None


@dataclass(frozen=True)
class DayRow:
    day: date
    episodes: int
    checkin: CheckInRecord
    # The previous calendar day's check-in, for exposures that act overnight (lag 1).
    previous_checkin: CheckInRecord | None


def days_between(first_day: date, last_day: date) -> list[date]:
    """Every date from first_day to last_day, both included."""
    return [first_day + timedelta(days=n) for n in range((last_day - first_day).days + 1)]


def episodes_per_day(episodes: Iterable[EpisodeRecord], zone: ZoneInfo) -> Counter[date]:
    """How many episodes started on each local date."""
    return Counter(local_date(episode.started_at, zone) for episode in episodes)


def build_day_table(
    episodes: Iterable[EpisodeRecord],
    checkins: Iterable[CheckInRecord],
    zone: ZoneInfo,
    first_day: date,
    last_day: date,
) -> list[DayRow]:
    """One row per checked-in local day in first_day..last_day, oldest first.

    `checkins` may include the day before first_day: the first row's lag-1 exposure needs it.
    """
    by_date = {checkin["date"]: checkin for checkin in checkins}
    counts = episodes_per_day(episodes, zone)
    return [
        DayRow(
            day=day,
            episodes=counts[day],
            checkin=by_date[day],
            previous_checkin=by_date.get(day - timedelta(days=1)),
        )
        for day in days_between(first_day, last_day)
        if day in by_date
    ]
