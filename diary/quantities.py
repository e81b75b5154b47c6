"""Reading and writing the quantities people type half awake: durations and amounts of water.

Pure functions; a form calls them and turns the ValueError message into a field error.
"""

import re
from decimal import Decimal

from diary.limits import MAX_DURATION_SECONDS, MAX_WATER_ML

GLASS_ML = 250
# A metric cup; a US cup (237 ml) is within a few percent of it.
CUP_ML = 250
# A US fluid ounce; the imperial one (28.4 ml) is within 4 % of it.
FLUID_OUNCE_ML = Decimal("29.5735")

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
# A number as people write it, separators and all; read_number says what it means.
_NUMBER = r"\d(?:[\d.,' ]*\d)?|[.,]\d+"
_DURATION_PART = re.compile(rf"({_NUMBER})\s*([a-z]+)")
_CLOCK = re.compile(r"(?:(\d+):)?(\d+):(\d{1,2})")
_SPACES = re.compile(r"[\u00a0\u2009\u202f]")
_THOUSANDS_SEPARATORS = (",", ".", " ", "'")


def read_number(text: str) -> list[Decimal]:
    """What a typed number can mean: one reading, or two when it is truly ambiguous.

    "1,5" and "1.5" are one and a half; "1,500.5", "1.500,5" and "1 500" carry a thousands
    separator; "1,500" and "2.000" alone are fifteen hundred or one and a half, two thousand
    or two, and both readings come back (thousands first) for the caller to judge.
    Raises ValueError for anything else, such as "1,50,0" or "1.500.5".
    """
    cleaned = _SPACES.sub(" ", text.strip())
    if re.fullmatch(r"\d+", cleaned):
        return [Decimal(cleaned)]
    if re.fullmatch(r"\d*[.,]\d+", cleaned):
        decimal = Decimal(cleaned.replace(",", "."))
        if re.fullmatch(r"[1-9]\d{0,2}[.,]\d{3}", cleaned):
            return [Decimal(re.sub(r"\D", "", cleaned)), decimal]
        return [decimal]
    for separator in _THOUSANDS_SEPARATORS:
        grouped = re.fullmatch(
            rf"([1-9]\d{{0,2}}(?:{re.escape(separator)}\d{{3}})+)(?:([.,])(\d+))?", cleaned
        )
        if grouped and grouped.group(2) != separator:
            whole, _, fraction = grouped.groups()
            digits = re.sub(r"\D", "", whole)
            return [Decimal(f"{digits}.{fraction or 0}")]
    raise ValueError(f"Couldn't read {text.strip()!r} as a number.")


def _meant(
    text: str, readings: list[Decimal], factor: Decimal | int, least: int, most: int
) -> Decimal:
    """The one reading that gives an amount in [least, most] once multiplied by `factor`.

    Only an ambiguous number is judged this way: "1,500 ml" is 1500 ml because 1.5 ml is no
    one's day of water; when both readings make sense, or neither does, we ask.
    """
    if len(readings) == 1:
        return readings[0] * factor
    sensible = [reading * factor for reading in readings if least <= reading * factor <= most]
    if len(sensible) != 1:
        thousands, decimal = (f"{reading.normalize():f}" for reading in readings)
        raise ValueError(
            f"{text.strip()!r} could be {thousands} or {decimal}: write {thousands}, or "
            f"{decimal} with a decimal point."
        )
    return sensible[0]


# The shortest duration a cramp is logged with; below it a reading is not what was meant.
_SHORTEST_SECONDS = 1


def parse_duration(text: str) -> int:
    """Seconds from "30s", "2 min", "1 min 30 s", "1:30", "1:02:03" or a bare "90" (seconds).

    Raises ValueError with a message fit to show beside the field.
    """
    cleaned = text.strip().lower()
    if not cleaned:
        raise ValueError("Enter a duration such as 30s, 2 min or 1:30.")
    if clock := _CLOCK.fullmatch(cleaned):
        hours, minutes, secs = (int(part or 0) for part in clock.groups())
        if secs >= 60 or (clock.group(1) and minutes >= 60):
            raise ValueError(f"{text.strip()!r} is not a time on a clock face.")
        return hours * 3600 + minutes * 60 + secs
    if re.fullmatch(_NUMBER, cleaned):
        parts = [(cleaned, "s")]
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
        seconds += _meant(
            amount,
            read_number(amount),
            _DURATION_UNITS[unit],
            _SHORTEST_SECONDS,
            MAX_DURATION_SECONDS,
        )
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


_WATER = re.compile(rf"({_NUMBER})\s*([a-z][a-z. ]*)?")
_WATER_UNITS: dict[str, Decimal | int] = {
    "ml": 1,
    "millilitre": 1,
    "millilitres": 1,
    "milliliter": 1,
    "milliliters": 1,
    "cl": 10,
    "dl": 100,
    "l": 1000,
    "litre": 1000,
    "litres": 1000,
    "liter": 1000,
    "liters": 1000,
    "glass": GLASS_ML,
    "glasses": GLASS_ML,
    "gl": GLASS_ML,
    "cup": CUP_ML,
    "cups": CUP_ML,
    "oz": FLUID_OUNCE_ML,
    "floz": FLUID_OUNCE_ML,
    "ounce": FLUID_OUNCE_ML,
    "ounces": FLUID_OUNCE_ML,
    "fluidounce": FLUID_OUNCE_ML,
    "fluidounces": FLUID_OUNCE_ML,
}
# A bare number this small is almost surely litres or glasses; we ask instead of guessing.
# It is also the least water an ambiguous "2.000 ml" can mean.
_SMALLEST_BARE_ML = 50


def parse_water_ml(text: str) -> int:
    """Millilitres from "1500", "1,500 ml", "1.5 l", "1,5 L", "6 glasses" (250 ml each),
    "2 cups" (250 ml) or "16 fl oz" (US, 29.6 ml)."""
    cleaned = _SPACES.sub(" ", text.strip().lower())
    match = _WATER.fullmatch(cleaned)
    if not match:
        raise ValueError(
            f"Couldn't read {text.strip()!r}; try 1500 ml, 1.5 l, 6 glasses or 16 fl oz."
        )
    number, written_unit = match.group(1), match.group(2) or ""
    readings = read_number(number)
    # "fl oz", "fl. oz." and "floz" are one unit.
    unit = re.sub(r"[. ]", "", written_unit)
    if not unit:
        if len(readings) == 1 and 0 < readings[0] < _SMALLEST_BARE_ML:
            raise ValueError(
                f"Did you mean {number} litres or {number} glasses? "
                "Add the unit, for example 2 l or 8 glasses."
            )
        unit = "ml"
    if unit not in _WATER_UNITS:
        raise ValueError(
            f"Unknown unit {written_unit.strip()!r}; use ml, l, glasses, cups or fl oz."
        )
    ml = _meant(number, readings, _WATER_UNITS[unit], _SMALLEST_BARE_ML, MAX_WATER_ML)
    return int(ml.to_integral_value())


def explain_water(text: str, ml: int) -> str:
    """How a typed amount was read, for the page to say after saving: "1,500 ml = 1.5 L"."""
    return f"{text.strip()} = {format_water(ml)}"


def format_water(ml: int | None) -> str:
    """ "1.5 L" for 1500; "" when not recorded."""
    if ml is None:
        return ""
    litres = Decimal(ml) / 1000
    return f"{litres.normalize():f} L"
