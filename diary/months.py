"""The check-in calendar: a month of local dates, and which of them still lack a check-in.

Pure functions over dates; the month view fetches the recorded dates and renders the result.
"""

import calendar
import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from diary.days import EARLIEST_DAY

_MONTH = re.compile(r"(\d{4})-(\d{2})")


class DayState(StrEnum):
    RECORDED = "recorded"
    MISSING = "missing"
    # Before the diary began (sign-up, or the first entry if that is earlier): not a gap.
    BEFORE_DIARY = "before"
    FUTURE = "future"


@dataclass(frozen=True)
class CalendarDay:
    day: date
    state: DayState
    is_today: bool
    # The check-in says every episode of the day is logged: its count is confirmed.
    confirmed: bool = False


@dataclass(frozen=True)
class CheckInMonth:
    month: date
    # Monday to Sunday; None pads the days that belong to the neighbouring months.
    weeks: list[list[CalendarDay | None]]

    @property
    def days(self) -> list[CalendarDay]:
        return [day for week in self.weeks for day in week if day is not None]

    @property
    def recorded_count(self) -> int:
        return sum(day.state is DayState.RECORDED for day in self.days)

    @property
    def confirmed_count(self) -> int:
        return sum(day.confirmed for day in self.days)

    @property
    def expected_count(self) -> int:
        """Days that should have a check-in: from the diary's start up to today."""
        return sum(day.state in (DayState.RECORDED, DayState.MISSING) for day in self.days)

    @property
    def missing_days(self) -> list[date]:
        return [day.day for day in self.days if day.state is DayState.MISSING]


def parse_month(text: str) -> date:
    """The first day of the month written "YYYY-MM"; ValueError if it isn't one."""
    match = _MONTH.fullmatch(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not a month such as 2025-03.")
    month = date(int(match.group(1)), int(match.group(2)), 1)
    if month < EARLIEST_DAY:
        raise ValueError(f"{text!r} is before the diary's earliest day, {EARLIEST_DAY}.")
    return month


def last_day_of_month(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def previous_month(month: date) -> date | None:
    """The first day of the month before `month`, or None when that month is before the
    diary's earliest day (parse_month refuses it, so a link to it would be a 404)."""
    first = month.replace(day=1)
    return None if first <= EARLIEST_DAY else (first - timedelta(days=1)).replace(day=1)


def next_month(month: date) -> date | None:
    """The first day of the month after `month`, or None after the calendar's last month."""
    last = last_day_of_month(month)
    return None if last == date.max else last + timedelta(days=1)


def day_state(day: date, recorded: set[date], diary_start: date, today: date) -> DayState:
    if day > today:
        return DayState.FUTURE
    if day in recorded:
        return DayState.RECORDED
    if day < diary_start:
        return DayState.BEFORE_DIARY
    return DayState.MISSING


def check_in_month(
    month: date,
    recorded: set[date],
    diary_start: date,
    today: date,
    confirmed: Collection[date] = (),
) -> CheckInMonth:
    """The calendar of `month`: each day recorded, missing, before the diary, or in the future,
    and whether its episodes are confirmed all logged (`confirmed`, a subset of `recorded`)."""
    weeks = [
        [
            CalendarDay(
                day,
                day_state(day, recorded, diary_start, today),
                day == today,
                day in confirmed and day in recorded,
            )
            if day.month == month.month
            else None
            for day in week
        ]
        for week in calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(
            month.year, month.month
        )
    ]
    return CheckInMonth(month=month.replace(day=1), weeks=weeks)
