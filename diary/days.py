"""A day is the person's local day. These turn aware instants into local dates and back."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# The first day the diary accepts anywhere (forms, URLs, imports, insight windows). Python's
# dates end at year 1, and a day that close to the edge overflows once a zone shifts it.
EARLIEST_DAY = date(1900, 1, 1)


def before_earliest_day(instant: datetime, zone: ZoneInfo) -> bool:
    """Whether `instant` falls on a day before EARLIEST_DAY on the person's clock.

    The day in their zone, not the day written: "1900-01-01T00:00+05:45" is still 1899 in
    Berlin, and would be exported so. Every entry point refuses by this one rule.
    """
    return instant.astimezone(zone).date() < EARLIEST_DAY


def local_date(instant: datetime, zone: ZoneInfo) -> date:
    return instant.astimezone(zone).date()


def day_start(day: date, zone: ZoneInfo) -> datetime:
    """The first instant of `day` in `zone` (midnight, or the first valid time after a gap)."""
    return datetime.combine(day, time.min, tzinfo=zone)


def day_bounds(first_day: date, last_day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """[start, end) instants covering local dates first_day..last_day, both included.

    Built from local midnights, so a day with a daylight-saving change is 23 or 25 hours long.
    """
    return day_start(first_day, zone), day_start(last_day + timedelta(days=1), zone)
