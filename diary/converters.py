from datetime import date

from diary.days import EARLIEST_DAY


class IsoDateConverter:
    """YYYY-MM-DD in a URL. A date that doesn't exist (2025-02-30), or comes before the diary's
    earliest day, doesn't match: 404."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> date:
        day = date.fromisoformat(value)
        if day < EARLIEST_DAY:
            raise ValueError(f"{value} is before {EARLIEST_DAY}")
        return day

    def to_url(self, value: date) -> str:
        return value.isoformat()


class AnyIsoDateConverter(IsoDateConverter):
    """Any date that exists, even before EARLIEST_DAY: only for reaching a row stored before
    that floor existed, to delete it."""

    def to_python(self, value: str) -> date:
        return date.fromisoformat(value)
