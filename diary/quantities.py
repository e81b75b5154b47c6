"""Reading and writing the quantities people type half awake: durations and amounts of water.

Pure functions; a form calls them and turns the ValueError message into a field error.
"""

import re
from decimal import Decimal, InvalidOperation

GLASS_ML = 250

_DURATION_UNITS = {
    "s": 1,
    "sec": 1,
    "secs": 1,
    "second": 1,
    "seconds": 1,
    "m": 60,
    "min": 60,
    "mins": 60,
    "minute": 60,
    "minutes": 60,
    "h": 3600,
    "hr": 3600,
    "hrs": 3600,
    "hour": 3600,
    "hours": 3600,
}
_DURATION_PART = re.compile(r"(\d+(?:[.,]\d+)?)\s*([a-z]+)")
_CLOCK = re.compile(r"(?:(\d+):)?(\d+):(\d{1,2})")


def _number(text: str) -> Decimal:
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise ValueError(f"{text!r} is not a number.") from None


def parse_duration(text: str) -> int:
    """Seconds from "30s", "2 min", "1 min 30 s", "1:30", "1:02:03" or a bare "90" (seconds).

    Raises ValueError with a message fit to show beside the field.
    """
    cleaned = text.strip().lower()
    if not cleaned:
        raise ValueError("Enter a duration such as 30s, 2 min or 1:30.")
    if re.fullmatch(r"\d+(?:[.,]\d+)?", cleaned):
        seconds = _number(cleaned)
    elif clock := _CLOCK.fullmatch(cleaned):
        hours, minutes, secs = (int(part or 0) for part in clock.groups())
        if secs >= 60 or (clock.group(1) and minutes >= 60):
            raise ValueError(f"{text.strip()!r} is not a time on a clock face.")
        seconds = Decimal(hours * 3600 + minutes * 60 + secs)
    else:
        parts = _DURATION_PART.findall(cleaned)
        if not parts or _DURATION_PART.sub("", cleaned).strip(" ,and"):
            raise ValueError(
                f"Couldn't read {text.strip()!r} as a duration; try 30s, 2 min or 1:30."
            )
        seconds = Decimal(0)
        for amount, unit in parts:
            if unit not in _DURATION_UNITS:
                raise ValueError(f"Unknown unit {unit!r}; use s, min or h.")
            seconds += _number(amount) * _DURATION_UNITS[unit]
    return int(seconds.to_integral_value())


def format_duration(seconds: int | None) -> str:
    """ "1 min 30 s" for 90; "" for an unrecorded duration."""
    if seconds is None:
        return ""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [
        f"{hours} h" if hours else "",
        f"{minutes} min" if minutes else "",
        f"{secs} s" if secs or not (hours or minutes) else "",
    ]
    return " ".join(part for part in parts if part)


_WATER = re.compile(r"(\d+(?:[.,]\d+)?)\s*([a-z]*)")
_WATER_UNITS = {
    "ml": 1,
    "millilitre": 1,
    "millilitres": 1,
    "milliliter": 1,
    "milliliters": 1,
    "l": 1000,
    "litre": 1000,
    "litres": 1000,
    "liter": 1000,
    "liters": 1000,
    "glass": GLASS_ML,
    "glasses": GLASS_ML,
    "gl": GLASS_ML,
}
# A bare number this small is almost surely litres or glasses; we ask instead of guessing.
_SMALLEST_BARE_ML = 50


def parse_water_ml(text: str) -> int:
    """Millilitres from "1500", "1500 ml", "1.5 l", "1,5 L" or "6 glasses" (250 ml each)."""
    cleaned = text.strip().lower()
    match = _WATER.fullmatch(cleaned)
    if not match:
        raise ValueError(f"Couldn't read {text.strip()!r}; try 1500 ml, 1.5 l or 6 glasses.")
    amount, unit = _number(match.group(1)), match.group(2)
    if not unit:
        if 0 < amount < _SMALLEST_BARE_ML:
            raise ValueError(
                f"Did you mean {match.group(1)} litres or {match.group(1)} glasses? "
                "Add the unit, for example 2 l or 8 glasses."
            )
        unit = "ml"
    if unit not in _WATER_UNITS:
        raise ValueError(f"Unknown unit {unit!r}; use ml, l or glasses.")
    return int((amount * _WATER_UNITS[unit]).to_integral_value())


def format_water(ml: int | None) -> str:
    """ "1.5 L" for 1500; "" when not recorded."""
    if ml is None:
        return ""
    litres = Decimal(ml) / 1000
    return f"{litres.normalize():f} L"
