"""The diary file: one person's whole diary as one JSON document (see docs/diary-format.md).

Pure functions over plain data. `build_document` turns rows (dicts keyed by the model field
names, which are also the file's keys) into the document, `dumps` gives its bytes, and
`parse_document` checks every record of an uploaded file and returns what to merge, or raises
one `DiaryFileError` that lists every problem with the record and key it concerns.

Each key has a `Kind` that knows how its value looks in the database, in JSON and in a CSV
cell, so the JSON file and the CSVs (diary/files/csvfiles.py) share one set of rules.
"""

import functools
import json
import re
import zoneinfo
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from django.db.models import TextChoices

from diary.days import EARLIEST_DAY, before_earliest_day
from diary.limits import (
    CUSTOM_FACTOR_NAME_LENGTH,
    LARGEST_ANSWER,
    MAX_CUSTOM_COUNT,
    MAX_CUSTOM_FACTORS,
    MAX_DRINKS,
    MAX_DURATION_SECONDS,
    MAX_EPISODES,
    MAX_EXERCISE_MINUTES,
    MAX_HOURS_IN_A_DAY,
    MAX_NOTE_LENGTH,
    MAX_RATING,
    MAX_WATER_ML,
    MEDICATION_DOSE_LENGTH,
    MEDICATION_NAME_LENGTH,
    OTHER_CONDITION_LENGTH,
    REPORT_NAME_LENGTH,
)
from diary.vocabularies import (
    EPISODE_IDENTITY,
    TIME_ZONES,
    Activity,
    CheckInQuestion,
    Condition,
    CustomFactorKind,
    Electrolyte,
    EpisodeKind,
    ExerciseIntensity,
    Hydration,
    MedicationKind,
    Muscle,
    Relief,
    ReliefEffect,
    Side,
    Symptom,
    medication_name_key,
)

FORMAT = "spasmlog-diary"
VERSION = 1
# Problems listed in one error; a file wrong throughout needs no more to be understood.
MAX_MESSAGES = 50


class DiaryFileError(ValueError):
    """A file that can't be imported; `messages` says where and why, one line per problem."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("\n".join(messages))


class Kind:
    """How one key's value is stored, written to JSON, and written to a CSV cell.

    `from_json` raises ValueError with a reason fit to follow "episodes[3].intensity: ".
    A CSV cell becomes a JSON value first (`from_cell`), so both paths share `from_json`.
    """

    required = False

    def to_json(self, value: Any, zone: zoneinfo.ZoneInfo) -> Any:
        return value

    def from_json(self, value: Any) -> Any:
        raise NotImplementedError

    def to_cell(self, value: Any) -> str:
        return "" if value is None else str(value)

    def from_cell(self, text: str) -> Any:
        return text or None

    def _missing(self) -> Any:
        if self.required:
            raise ValueError("is required")
        return None


class Blankable(Kind):
    """Stored as "" when not recorded, and written null."""

    def to_json(self, value: str, zone: zoneinfo.ZoneInfo) -> str | None:
        return value or None

    def from_json(self, value: Any) -> str:
        if value is None or value == "":
            return self._missing() or ""
        return self.check(value)

    def check(self, value: Any) -> str:
        raise NotImplementedError


@dataclass(frozen=True)
class Text(Blankable):
    max_length: int
    required: bool = False

    def check(self, value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError(f"{_show(value)} is not text")
        if "\x00" in value:
            raise ValueError("contains a NUL character, which text can't hold")
        if len(value) > self.max_length:
            raise ValueError(f"is {len(value)} characters long; the most is {self.max_length}")
        return value


@dataclass(frozen=True)
class Choice(Blankable):
    choices: type[TextChoices]
    required: bool = False
    # What a missing value means where the diary has no "not recorded" (an episode's kind).
    default: str = ""

    def _missing(self) -> str | None:
        return self.default or super()._missing()

    def check(self, value: Any) -> str:
        if not _is_slug(value, self.choices):
            raise ValueError(f"{_show(value)} is not one of {', '.join(self.choices.values)}")
        return value


@dataclass(frozen=True)
class ChoiceList(Kind):
    """Distinct slugs. When `nullable`, None is "not recorded" and [] is "recorded, none"."""

    choices: type[TextChoices]
    nullable: bool = False

    def from_json(self, value: Any) -> list[str] | None:
        if value is None:
            return None if self.nullable else []
        if not isinstance(value, list):
            raise ValueError(f"{_show(value)} is not a list")
        unknown = [item for item in value if not _is_slug(item, self.choices)]
        if unknown:
            raise ValueError(
                f"{', '.join(_show(item) for item in unknown)} "
                f"{'is' if len(unknown) == 1 else 'are'} not one of "
                f"{', '.join(self.choices.values)}"
            )
        if len(set(value)) != len(value):
            raise ValueError("lists a choice twice")
        return value

    def to_cell(self, value: list[str] | None) -> str:
        if value == [] and self.nullable:
            return EMPTY_LIST_CELL
        return join_cell(value or [])

    def from_cell(self, text: str) -> list[str] | None:
        if not text:
            return None
        if text == EMPTY_LIST_CELL and self.nullable:
            return []
        return split_cell(text)


class NameList(Kind):
    """Medication names; whether each names a medication is checked across the whole file."""

    def from_json(self, value: Any) -> list[str]:
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
            raise ValueError(f"{_show(value)} is not a list of medication names")
        if len({medication_name_key(name) for name in value}) != len(value):
            raise ValueError("lists a medication twice")
        return value

    def to_cell(self, value: list[str]) -> str:
        return join_cell(value)

    def from_cell(self, text: str) -> list[str]:
        return split_cell(text) if text else []


@dataclass(frozen=True)
class Number(Kind):
    """A whole number, or a decimal with `places` digits after the point, in [least, most]."""

    least: int
    most: int
    places: int = 0
    required: bool = False

    def to_json(self, value: int | Decimal | None, zone: zoneinfo.ZoneInfo) -> int | float | None:
        # Decimals with one place print exactly as floats: 7.5 stays "7.5" in the file.
        return float(value) if isinstance(value, Decimal) else value

    def from_json(self, value: Any) -> int | Decimal | None:
        if value is None:
            return self._missing()
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            raise ValueError(f"{_show(value)} is not a number")
        number = Decimal(str(value))
        if not number.is_finite():
            raise ValueError(f"{_show(value)} is not a number")
        if not self.least <= number <= self.most:
            raise ValueError(f"{_show(value)} is not between {self.least} and {self.most}")
        if self.places == 0:
            if number != number.to_integral_value():
                raise ValueError(f"{_show(value)} is not a whole number")
            return int(number)
        if number != round(number, self.places):
            raise ValueError(f"{_show(value)} has more than {self.places} decimal place")
        return round(number, self.places)

    def to_cell(self, value: int | float | None) -> str:
        return "" if value is None else f"{value:g}" if isinstance(value, float) else str(value)

    @staticmethod
    def from_cell(text: str) -> Decimal | str | None:
        if not text:
            return None
        try:
            return Decimal(text)
        except InvalidOperation:
            return text  # from_json names the problem


@dataclass(frozen=True)
class Boolean(Kind):
    # What null or a missing key means where the diary has no "not recorded" (a setting).
    default: bool | None = None

    def from_json(self, value: Any) -> bool | None:
        if value is None:
            return self.default
        if isinstance(value, bool):
            return value
        raise ValueError(f"{_show(value)} is not true, false or null")

    def to_cell(self, value: bool | None) -> str:
        return "" if value is None else str(value).lower()

    def from_cell(self, text: str) -> bool | str | None:
        return {"": None, "true": True, "false": False}.get(text.lower(), text)


class Answers(Kind):
    """Answers to the person's own factors, {name: true/false or a whole number}; whether each
    name is a factor, and its answer of that factor's kind, is checked across the whole file."""

    def to_json(self, value: dict[str, int | bool], zone: zoneinfo.ZoneInfo) -> dict:
        return dict(sorted(value.items(), key=lambda item: item[0].casefold()))

    def from_json(self, value: Any) -> dict[str, bool | Decimal]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise ValueError(f"{_show(value)} is not an object of answers by factor name")
        for answer in value.values():
            if not isinstance(answer, bool | int | Decimal):
                raise ValueError(f"{_show(answer)} is not true, false or a whole number")
        if len({medication_name_key(name) for name in value}) != len(value):
            raise ValueError("answers a factor twice")
        return {
            name: answer if isinstance(answer, bool) else Decimal(answer)
            for name, answer in value.items()
        }

    def to_cell(self, value: dict[str, int | bool]) -> str:
        return join_cell(f"{name}={json.dumps(answer)}" for name, answer in value.items())

    def from_cell(self, text: str) -> dict[str, Any]:
        answers: dict[str, Any] = {}
        for item in split_cell(text) if text else []:
            name, _, answer = item.rpartition("=")
            booleans = {"true": True, "false": False}
            answers[name] = booleans[answer] if answer in booleans else Number.from_cell(answer)
        return answers


def check_answer(kind: str, answer: bool | Decimal) -> int | bool:
    """One answer of a factor of `kind`, as stored in the file: a bool for yes/no, else a
    whole number in range. Raises ValueError with the reason."""
    if kind == CustomFactorKind.YES_NO:
        if not isinstance(answer, bool):
            raise ValueError(f"{_show(answer)} is not true or false, as a yes/no factor needs")
        return answer
    most = LARGEST_ANSWER[CustomFactorKind(kind)]
    if isinstance(answer, bool):
        raise ValueError(f"{_show(answer)} is not a whole number from 0 to {most}")
    return Number(0, most).from_json(answer)  # type: ignore[return-value]  # whole, not None


class Flag(Boolean):
    """A yes/no fact that is never unknown: left out or null reads as false (older files)."""

    def from_json(self, value: Any) -> bool:
        return bool(super().from_json(value))


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Day(Kind):
    required: bool = False

    def to_json(self, value: date | None, zone: zoneinfo.ZoneInfo) -> str | None:
        return None if value is None else value.isoformat()

    def from_json(self, value: Any) -> date | None:
        if value is None:
            return self._missing()
        if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
            raise ValueError(f"{_show(value)} is not a date written YYYY-MM-DD")
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{_show(value)} is not a date that exists") from None
        _check_not_before_earliest_day(day, value)
        return day


class Instant(Kind):
    """A moment, written in the diary's zone with its UTC offset, so DST days are unambiguous."""

    required = True

    def to_json(self, value: datetime, zone: zoneinfo.ZoneInfo) -> str:
        return value.astimezone(zone).isoformat()

    def from_json(self, value: Any) -> datetime:
        if value is None:
            return self._missing()
        if not isinstance(value, str) or not _ISO_DATE.match(value):
            raise ValueError(f"{_show(value)} is not a time written YYYY-MM-DDTHH:MM:SS+HH:MM")
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{_show(value)} is not a time that exists") from None
        if moment.utcoffset() is None:
            raise ValueError(f"{_show(value)} has no UTC offset (such as +01:00)")
        # The date as written, as the episode form checks the time as entered.
        _check_not_before_earliest_day(moment.date(), value)
        try:
            return moment.astimezone(UTC)
        except OverflowError:
            raise ValueError(f"{_show(value)} is out of range") from None


def _check_not_before_earliest_day(day: date, value: str) -> None:
    # Dates near year 1 overflow once a time zone shifts them, in the charts and the insights.
    if day < EARLIEST_DAY:
        raise ValueError(f"{value} is before {EARLIEST_DAY.isoformat()}")


# In a CSV cell, list items are joined with ";"; a ";" or "\" inside an item gets a "\".
EMPTY_LIST_CELL = "none"
_CELL_ITEM = re.compile(r"(?:[^;\\]|\\.)+")


def join_cell(items: Iterable[str]) -> str:
    return ";".join(item.replace("\\", "\\\\").replace(";", "\\;") for item in items)


def split_cell(text: str) -> list[str]:
    return [re.sub(r"\\(.)", r"\1", item).strip() for item in _CELL_ITEM.findall(text)]


MEDICATION_FIELDS: dict[str, Kind] = {
    "name": Text(MEDICATION_NAME_LENGTH, required=True),
    "kind": Choice(MedicationKind, required=True),
    "dose": Text(MEDICATION_DOSE_LENGTH),
    "started_on": Day(required=True),
    "stopped_on": Day(),
}
EPISODE_FIELDS: dict[str, Kind] = {
    "started_at": Instant(),
    "duration_seconds": Number(0, MAX_DURATION_SECONDS),
    "muscle": Choice(Muscle, required=True),
    "side": Choice(Side, required=True),
    "intensity": Number(0, MAX_RATING, required=True),
    "kind": Choice(EpisodeKind, default=EpisodeKind.CRAMP),
    "activity": Choice(Activity),
    "hydration": Choice(Hydration),
    "relief": ChoiceList(Relief),
    "relief_effect": Choice(ReliefEffect),
    "symptoms": ChoiceList(Symptom),
    "notes": Text(MAX_NOTE_LENGTH),
    "time_estimated": Flag(),
}
CHECKIN_FIELDS: dict[str, Kind] = {
    "date": Day(required=True),
    "water_ml": Number(0, MAX_WATER_ML),
    "electrolytes": ChoiceList(Electrolyte, nullable=True),
    "caffeine_drinks": Number(0, MAX_DRINKS),
    "alcohol_drinks": Number(0, MAX_DRINKS),
    "exercise_minutes": Number(0, MAX_EXERCISE_MINUTES),
    "exercise_intensity": Choice(ExerciseIntensity),
    "warmed_up": Boolean(),
    "stretched": Boolean(),
    "sleep_hours": Number(0, MAX_HOURS_IN_A_DAY, places=1),
    "stress": Number(0, MAX_RATING),
    "sitting_hours": Number(0, MAX_HOURS_IN_A_DAY, places=1),
    "cold_exposure": Boolean(),
    "sleep_disturbance": Number(0, MAX_RATING),
    "medications_taken": NameList(),
    "custom_factors": Answers(),
    "episodes_all_logged": Boolean(),
    "notes": Text(MAX_NOTE_LENGTH),
}
CUSTOM_FACTOR_FIELDS: dict[str, Kind] = {
    "name": Text(CUSTOM_FACTOR_NAME_LENGTH, required=True),
    "kind": Choice(CustomFactorKind, required=True),
    "threshold": Number(1, MAX_CUSTOM_COUNT),
    "on_checkin": Boolean(default=True),
}
PROFILE_FIELDS: dict[str, Kind] = {
    "conditions": ChoiceList(Condition),
    "other_condition": Text(OTHER_CONDITION_LENGTH),
    "hidden_checkin_questions": ChoiceList(CheckInQuestion),
    # For the doctor's report's header; not settings of the app (theme, reminder), which stay.
    "report_name": Text(REPORT_NAME_LENGTH),
    "date_of_birth": Day(),
}
TOP_LEVEL_KEYS = ("format", "version", "exported_at", "timezone", "profile", "episodes", "checkins")

Record = dict[str, Any]
# A parsed record also says which keys (or CSV columns) the file had: a key left out leaves a
# stored record's value alone, while null (an empty cell) clears it. A new record gets "not
# recorded" (or the kind's default) for what is left out.
PRESENT_KEYS = "present_keys"


@dataclass
class ParsedDiary:
    """A checked file, in database terms. `profile` is None for a CSV, which carries none."""

    profile: Record | None
    medications: list[Record]
    episodes: list[Record]
    checkins: list[Record]
    custom_factors: list[Record] = field(default_factory=list)


def build_document(
    *,
    time_zone: str,
    profile: Record,
    medications: Iterable[Record],
    episodes: Iterable[Record],
    checkins: Iterable[Record],
    exported_at: datetime,
    custom_factors: Iterable[Record] = (),
) -> dict:
    """The diary file for rows keyed by field name; a check-in's `medications_taken` is names."""
    zone = zoneinfo.ZoneInfo(time_zone)

    def encode(record: Record, fields: dict[str, Kind]) -> Record:
        return {key: kind.to_json(record[key], zone) for key, kind in fields.items()}

    checkins = [{**row, "medications_taken": sorted(row["medications_taken"])} for row in checkins]
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": exported_at.astimezone(zone).isoformat(timespec="seconds"),
        "timezone": time_zone,
        "profile": {
            **encode(profile, PROFILE_FIELDS),
            "medications": [
                encode(row, MEDICATION_FIELDS) for row in sorted(medications, key=_by("name"))
            ],
            "custom_factors": [
                encode(row, CUSTOM_FACTOR_FIELDS)
                for row in sorted(custom_factors, key=lambda row: row["name"].casefold())
            ],
        },
        "episodes": [
            encode(row, EPISODE_FIELDS) for row in sorted(episodes, key=_by(*EPISODE_IDENTITY))
        ],
        "checkins": [encode(row, CHECKIN_FIELDS) for row in sorted(checkins, key=_by("date"))],
    }


def date_span(parsed: ParsedDiary, zone: zoneinfo.ZoneInfo) -> tuple[date, date] | None:
    """The first and last local day the file's episodes and check-ins are on, if it has any."""
    days = [episode["started_at"].astimezone(zone).date() for episode in parsed.episodes]
    days += [checkin["date"] for checkin in parsed.checkins]
    return (min(days), max(days)) if days else None


def dumps(document: dict) -> bytes:
    """UTF-8 JSON with keys in the documented order: the same diary always gives the same bytes."""
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode()


def check_size(size: int, limit: int) -> None:
    if size > limit:
        raise DiaryFileError(
            [f"The file is {size / 2**20:.1f} MB; the largest accepted is {limit / 2**20:.0f} MB."]
        )


def stopped_upload_message(limit: int) -> str:
    """For an upload stopped at the limit, whose whole size was never counted."""
    return f"The file is larger than {limit / 2**20:g} MB, the largest accepted."


def parse_document(
    raw: bytes,
    *,
    now: datetime,
    known_medications: Collection[str] = (),
    known_factors: Mapping[str, str] | None = None,
) -> ParsedDiary:
    """Check a whole diary file; `known_medications` are names the account already has, and
    `known_factors` its own factors' names with their kinds."""
    document = _load_json(raw)
    errors = Errors()
    for key in sorted(document.keys() - set(TOP_LEVEL_KEYS)):
        errors.add(f"{key}: is not a key of a diary file")
    time_zone = document.get("timezone")
    if time_zone not in TIME_ZONES:
        errors.add(f"timezone: {_show(time_zone)} is not a known IANA time zone")
        time_zone = "UTC"  # check the rest as well, against some zone
    if document.get("exported_at") is not None:
        errors.check("exported_at", Instant().from_json, document["exported_at"])

    raw_profile = document.get("profile")
    # Without a profile the account's stays as it is: time zone, conditions and medications.
    profile, medications, custom_factors = None, [], []
    if raw_profile is not None and not isinstance(raw_profile, dict):
        errors.add(f"profile: {_show(raw_profile)} is not an object")
    elif raw_profile is not None:
        raw_medications = _records(raw_profile.get("medications"), "profile.medications", errors)
        raw_factors = _records(raw_profile.get("custom_factors"), "profile.custom_factors", errors)
        profile_fields = {**PROFILE_FIELDS, "medications": None, "custom_factors": None}
        profile = _parse_record(raw_profile, profile_fields, "profile", errors)
        if profile is not None:
            profile["time_zone"] = time_zone
            born = profile["date_of_birth"]
            # As the profile form: a birthday not yet reached, on the diary's own clock.
            if born is not None and born > now.astimezone(zoneinfo.ZoneInfo(time_zone)).date():
                errors.add(f"profile.date_of_birth: {born} is in the future")
        medications = _parse_medications(raw_medications, errors)
        custom_factors = parse_custom_factors(raw_factors, known_factors or {}, errors)
    medication_names = [row["name"] for row in medications] + list(known_medications)
    factor_kinds = {**(known_factors or {})}
    factor_kinds.update({row["name"]: row["kind"] for row in custom_factors})

    zone = zoneinfo.ZoneInfo(time_zone)
    episodes = parse_episodes(
        _records(document.get("episodes"), "episodes", errors),
        now,
        zone,
        _indexed("episodes"),
        errors,
    )
    checkins = parse_checkins(
        _records(document.get("checkins"), "checkins", errors),
        now.astimezone(zone).date(),
        medication_names,
        _indexed("checkins"),
        errors,
        factor_kinds,
    )
    errors.raise_if_any()
    return ParsedDiary(profile, medications, episodes, checkins, custom_factors)


class Errors:
    """Collects problems across a whole file, so one upload shows all of them; stops at
    MAX_MESSAGES, as a file that wrong is understood by then (and may be 20 MB of errors)."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def add(self, message: str) -> None:
        self.messages.append(message)
        if len(self.messages) == MAX_MESSAGES:
            raise DiaryFileError(
                [*self.messages, f"Checking stopped after {MAX_MESSAGES} problems."]
            )

    def check(self, where: str, convert: Callable[[Any], Any], value: Any) -> Any:
        try:
            return convert(value)
        except ValueError as error:
            self.add(f"{where}: {error}")
            return None

    def raise_if_any(self) -> None:
        if self.messages:
            raise DiaryFileError(self.messages)


# Where a record is: "episodes[41]" in a JSON file, "episodes.csv row 43" in a CSV.
Locate = Callable[[int], str]


def _indexed(name: str) -> Locate:
    return lambda index: f"{name}[{index}]"


def episode_identity(record: Record) -> tuple:
    """What tells two episodes apart, in the file and in the database."""
    return tuple(record[key] for key in EPISODE_IDENTITY)


def parse_episodes(
    rows: list[Any], now: datetime, zone: zoneinfo.ZoneInfo, locate: Locate, errors: Errors
) -> list[Record]:
    if len(rows) > MAX_EPISODES:
        # Not worth checking one by one: more than any diary holds (the merge counts the rest).
        errors.add(
            f"episodes: {len(rows):,} episodes; the most a diary holds is {MAX_EPISODES:,}. "
            "Nothing was imported."
        )
        return []
    episodes: list[Record] = []
    first_seen: dict[tuple, str] = {}
    # A minute of grace, as in the forms: a phone's clock may run a little ahead.
    latest = now + timedelta(minutes=1)
    for index, row in enumerate(rows):
        where = locate(index)
        episode = _parse_record(row, EPISODE_FIELDS, where, errors)
        if episode is None:
            continue
        if episode["started_at"] > latest:
            errors.add(f"{where}.started_at: {row['started_at']} is in the future")
        elif before_earliest_day(episode["started_at"], zone):
            errors.add(
                f"{where}.started_at: {row['started_at']} is before "
                f"{EARLIEST_DAY.isoformat()} in {zone.key}"
            )
        identity = episode_identity(episode)
        if identity in first_seen:
            errors.add(f"{where}: the same started_at, muscle and side as {first_seen[identity]}")
        first_seen.setdefault(identity, where)
        episodes.append(episode)
    return episodes


def parse_checkins(
    rows: list[Any],
    today: date,
    medication_names: Collection[str],
    locate: Locate,
    errors: Errors,
    factor_kinds: Mapping[str, str] | None = None,
) -> list[Record]:
    """`factor_kinds`: the kind of each custom factor answers may name (the file's and the
    account's)."""
    checkins: list[Record] = []
    first_seen: dict[date, str] = {}
    # Like the profile form, a medication's name is unique ignoring case.
    known = {medication_name_key(name) for name in medication_names}
    kinds = {medication_name_key(name): kind for name, kind in (factor_kinds or {}).items()}
    for index, row in enumerate(rows):
        where = locate(index)
        checkin = _parse_record(row, CHECKIN_FIELDS, where, errors)
        if checkin is None:
            continue
        day = checkin["date"]
        if day > today:
            errors.add(f"{where}.date: {day} is in the future")
        if day in first_seen:
            errors.add(f"{where}.date: a second check-in for {day}, as in {first_seen[day]}")
        first_seen.setdefault(day, where)
        for name in checkin["medications_taken"]:
            if medication_name_key(name) not in known:
                errors.add(
                    f"{where}.medications_taken: {_show(name)} is not one of this diary's "
                    "medications"
                )
        for name, answer in checkin["custom_factors"].items():
            where_answer = f"{where}.custom_factors.{_show(name)}"
            if medication_name_key(name) not in kinds:
                errors.add(f"{where_answer}: is not one of this diary's custom factors")
                continue
            checkin["custom_factors"][name] = errors.check(
                where_answer, partial(check_answer, kinds[medication_name_key(name)]), answer
            )
        checkins.append(checkin)
    return checkins


def parse_custom_factors(
    rows: list[Any], known_factors: Mapping[str, str], errors: Errors
) -> list[Record]:
    """The file's own factors: names unique ignoring case, a threshold that fits the kind, a
    kind that matches the account's factor of the same name, and no more than the most."""
    factors: list[Record] = []
    seen: set[str] = set()
    known = {medication_name_key(name): kind for name, kind in known_factors.items()}
    for index, row in enumerate(rows):
        where = f"profile.custom_factors[{index}]"
        factor = _parse_record(row, CUSTOM_FACTOR_FIELDS, where, errors)
        if factor is None:
            continue
        name, kind, threshold = factor["name"], factor["kind"], factor["threshold"]
        if medication_name_key(name) in seen:
            errors.add(f"{where}.name: {_show(name)} is listed twice")
        seen.add(medication_name_key(name))
        if kind == CustomFactorKind.YES_NO and threshold is not None:
            errors.add(f"{where}.threshold: a yes_no factor has no threshold; write null")
        elif kind != CustomFactorKind.YES_NO and threshold is None:
            errors.add(f"{where}.threshold: a {kind} factor needs its threshold")
        elif kind == CustomFactorKind.SCALE and threshold > MAX_RATING:
            errors.add(f"{where}.threshold: {threshold} is not between 1 and {MAX_RATING}")
        if known.get(medication_name_key(name), kind) != kind:
            errors.add(
                f"{where}.kind: {_show(kind)}, but this account's factor {_show(name)} is "
                f"{_show(known[medication_name_key(name)])}; rename one of them"
            )
        factors.append(factor)
    total = len(seen | set(known))
    if total > MAX_CUSTOM_FACTORS:
        errors.add(
            f"profile.custom_factors: with this account's, {total} custom factors; "
            f"the most is {MAX_CUSTOM_FACTORS}"
        )
    return factors


def _parse_medications(rows: list[Any], errors: Errors) -> list[Record]:
    medications: list[Record] = []
    seen: set[str] = set()
    for index, row in enumerate(rows):
        where = f"profile.medications[{index}]"
        medication = _parse_record(row, MEDICATION_FIELDS, where, errors)
        if medication is None:
            continue
        name = medication_name_key(medication["name"])
        if name in seen:
            errors.add(f"{where}.name: {_show(medication['name'])} is listed twice")
        seen.add(name)
        started, stopped = medication["started_on"], medication["stopped_on"]
        if started and stopped and stopped < started:
            errors.add(f"{where}.stopped_on: {stopped} is before started_on {started}")
        medications.append(medication)
    return medications


def _parse_record(
    row: Any, fields: Mapping[str, Kind | None], where: str, errors: Errors
) -> Record | None:
    """The record's values in database terms, or None (and errors added) when any is wrong.

    A key whose kind is None is allowed but read elsewhere (the profile's medications).
    """
    if not isinstance(row, dict):
        errors.add(f"{where}: {_show(row)} is not an object")
        return None
    before = len(errors.messages)
    for key in sorted(row.keys() - fields.keys()):
        errors.add(f"{where}.{key}: is not a key of this record")
    record = {
        key: errors.check(f"{where}.{key}", kind.from_json, row.get(key))
        for key, kind in fields.items()
        if kind is not None
    }
    record[PRESENT_KEYS] = frozenset(row.keys())
    return record if len(errors.messages) == before else None


def _records(value: Any, where: str, errors: Errors) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        errors.add(f"{where}: {_show(value)} is not a list")
        return []
    return value


def _load_json(raw: bytes) -> dict:
    try:
        document = json.loads(raw.decode("utf-8-sig"), parse_float=Decimal)
    except UnicodeDecodeError:
        raise DiaryFileError(["The file is not UTF-8 text."]) from None
    except json.JSONDecodeError as error:
        # Some of json's reasons end in "at" ("Unterminated string starting at"), waiting for
        # a position: ours follows with "on".
        reason = error.msg.removesuffix(" at")
        raise DiaryFileError(
            [f"The file is not valid JSON: {reason} on line {error.lineno}, column {error.colno}."]
        ) from None
    except RecursionError:
        raise DiaryFileError(["The file is not valid JSON: it is nested too deeply."]) from None
    except ValueError:  # a number with more digits than Python converts
        raise DiaryFileError(["The file is not valid JSON: it holds a number too long."]) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        found = document.get("format") if isinstance(document, dict) else None
        raise DiaryFileError(
            [f"format: {_show(found)} is not {FORMAT!r}; this is not a spasmlog diary file."]
        )
    version = document.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version > VERSION:
        raise DiaryFileError(
            [
                f"version: {version} is newer than this spasmlog reads ({VERSION}); "
                "update spasmlog to import it."
            ]
        )
    if version != VERSION or isinstance(version, bool):
        raise DiaryFileError([f"version: {_show(version)} is not a known version ({VERSION})."])
    return document


def _is_slug(value: Any, choices: type[TextChoices]) -> bool:
    return isinstance(value, str) and value in _slugs(choices)


@functools.cache
def _slugs(choices: type[TextChoices]) -> frozenset[str]:
    # TextChoices.values builds a new list on every call; a file checks it 300,000 times.
    return frozenset(choices.values)


def _by(*keys: str) -> Callable[[Record], tuple]:
    return lambda row: tuple(row[key] for key in keys)


def _show(value: Any) -> str:
    """A value as the file had it, shortened: a message must not echo a whole note back."""
    if isinstance(value, Decimal):
        text = str(value)
    else:
        text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 40 else text[:37] + "…"
