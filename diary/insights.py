"""One person's insights for a window of local dates: gathered with a fixed handful of queries,
computed by the pure modules (day table, triggers, patterns, red flags), returned as the JSON
document that /insights.json and `manage.py insights` emit and the dashboard renders."""

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone

from diary.analysis import charts
from diary.analysis.daytable import (
    CheckInRecord,
    CustomFactorRecord,
    EpisodeRecord,
    MedicationRecord,
    build_day_table,
    episodes_per_day,
)
from diary.analysis.doses import dose_response
from diary.analysis.history import checkins_per_week, cramp_history, sleep_disturbance
from diary.analysis.patterns import build_patterns, calendar_start
from diary.analysis.redflags import RED_FLAG_FIELDS, red_flags
from diary.analysis.triggers import (
    CORRELATION_NOTE,
    analyse_factors,
    medication_onsets,
    trend,
    trigger_factors,
)
from diary.days import EARLIEST_DAY, day_bounds, local_date
from diary.files.diaryfile import CHECKIN_FIELDS as DIARY_CHECKIN_FIELDS
from diary.files.diaryfile import EPISODE_FIELDS as DIARY_EPISODE_FIELDS
from diary.models import CheckIn, CustomAnswer, CustomFactor, Episode, Medication, Profile
from diary.signedin import User
from diary.vocabularies import CustomFactorKind

# The analysis reads the diary file's fields (the data contract), less the free text.
# The report also tells how many were entered late or imported.
EPISODE_FIELDS = (
    "id",
    "created_at",
    "imported",
    *(name for name in DIARY_EPISODE_FIELDS if name != "notes"),
)
CHECKIN_FIELDS = tuple(
    name
    for name in DIARY_CHECKIN_FIELDS
    if name not in {"date", "medications_taken", "custom_factors", "notes"}
)
# The window presets by their form value: the last 30, 90 or 365 days ("all" is the whole diary).
PRESETS = {"30": 30, "90": 90, "365": 365}
DEFAULT_PRESET = "90"
# Unless the person picks a window, the triggers are judged on at least this many days (or all
# of a shorter diary): fewer can't tell most triggers from chance.
TRIGGER_DAYS = 180
# Part of every cache key: bump it when the document or a chart changes.
CACHE_GENERATION = 4
# The default window moves on every day, so older entries are seldom asked for again.
CACHE_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class Diary:
    """Everything the insights need, as plain data."""

    zone: ZoneInfo
    first_day: date
    last_day: date
    diary_first_day: date | None  # see diary_first_day()
    # The episodes the window, the triggers' days and the 12-month calendar need (or more).
    episodes: list[EpisodeRecord]
    checkins: list[CheckInRecord]  # from the day before first_day
    medications: list[MedicationRecord]
    # The person's local date when loaded; None when last_day is long over.
    today: date | None = None
    # False: judge the triggers on at least TRIGGER_DAYS (checkins then reach back that far).
    judge_on_window: bool = True
    custom_factors: tuple[CustomFactorRecord, ...] = ()
    # Episodes per local date of the whole diary up to last_day, for the trend and medication
    # onsets, which reach back before the window; None: count `episodes` (then all of them).
    day_counts: dict[date, int] | None = None

    @property
    def counts(self) -> dict[date, int]:
        if self.day_counts is not None:
            return self.day_counts
        return episodes_per_day(self.episodes, self.zone)

    @property
    def last_complete_day(self) -> date:
        """The last day of the window that is over: today's cramps are not all in yet."""
        if self.today is not None and self.last_day >= self.today:
            return self.today - timedelta(days=1)
        return self.last_day

    @property
    def triggers_first_day(self) -> date:
        """The first day the triggers are judged on: the window's, or earlier to make up
        TRIGGER_DAYS, but never before the diary began."""
        if self.judge_on_window:
            return self.first_day
        widened = self.last_complete_day - timedelta(days=TRIGGER_DAYS - 1)
        return max(min(self.first_day, widened), self.diary_first_day or self.first_day)


# A first entry this long before the next one is asked about on the page: a year typed wrong
# (1926 for 2026) stretches "all" to a century.
LONE_FIRST_ENTRY_GAP = timedelta(days=365)


@dataclass(frozen=True)
class Entry:
    """One episode, check-in or medication (its start), by its local day: `kind` "episode" or
    "medication" (with its id), or "checkin"."""

    day: date
    kind: str
    row_id: int | None = None


def lone_first_entry(entries: list[Entry]) -> Entry | None:
    """The earliest episode or check-in when it lies more than LONE_FIRST_ENTRY_GAP before the
    next one (a medication may well have started long before the diary)."""
    ordered = sorted((e for e in entries if e.kind != "medication"), key=lambda e: e.day)
    if len(ordered) < 2 or ordered[1].day - ordered[0].day <= LONE_FIRST_ENTRY_GAP:
        return None
    return ordered[0]


def entry_to_question(entries: list[Entry]) -> tuple[Entry, bool] | None:
    """The entry the insights page asks about, and whether it is dated before EARLIEST_DAY.

    A row from before that floor existed (the forms and the import refuse one now) is asked
    about first: its diary file is refused by the import until it is corrected."""
    before_floor = sorted((e for e in entries if e.day < EARLIEST_DAY), key=lambda e: e.day)
    if before_floor:
        return before_floor[0], True
    lone = lone_first_entry(entries)
    return (lone, False) if lone else None


def earliest_entries(user: User, zone: ZoneInfo) -> list[Entry]:
    """The person's two earliest episodes and check-ins, and the medication that started
    first, in one query."""
    episodes = Episode.objects.filter(user=OuterRef("pk")).order_by("started_at", "id")
    checkins = CheckIn.objects.filter(user=OuterRef("pk")).order_by("date")
    medications = Medication.objects.filter(user=OuterRef("pk")).order_by("started_on", "id")
    # Named by the comprehensions, the columns are beyond what django-stubs can type.
    row = cast(
        dict[str, Any],
        get_user_model()
        .objects.filter(pk=user.pk)
        .values(
            **{f"episode{n}": Subquery(episodes.values("started_at")[n : n + 1]) for n in range(2)},
            **{f"episode{n}_id": Subquery(episodes.values("id")[n : n + 1]) for n in range(2)},
            **{f"checkin{n}": Subquery(checkins.values("date")[n : n + 1]) for n in range(2)},
            medication=Subquery(medications.values("started_on")[:1]),
            medication_id=Subquery(medications.values("id")[:1]),
        )
        .get(),
    )
    return [
        *(
            Entry(local_date(row[f"episode{n}"], zone), "episode", row[f"episode{n}_id"])
            for n in range(2)
            if row[f"episode{n}"] is not None
        ),
        *(Entry(row[f"checkin{n}"], "checkin") for n in range(2) if row[f"checkin{n}"]),
        *(
            [Entry(row["medication"], "medication", row["medication_id"])]
            if row["medication"]
            else []
        ),
    ]


def diary_first_day(user: User, zone: ZoneInfo) -> date:
    """The local date the diary begins: the day of sign-up, or an earlier first check-in or
    episode when someone backfilled (one query).

    From that day on a day without a check-in is a missing check-in, and a day without an
    episode is a day without cramps, for the check-in calendar and the insights alike; before
    it nothing was being recorded, so those days are unknown, never zero.
    """
    firsts = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .values(
            episode=Subquery(
                Episode.objects.filter(user=OuterRef("pk"))
                .order_by("local_date")
                .values("local_date")[:1]
            ),
            checkin=Subquery(
                CheckIn.objects.filter(user=OuterRef("pk")).order_by("date").values("date")[:1]
            ),
        )
        .get()
    )
    candidates = [
        local_date(user.date_joined, zone),
        firsts["checkin"],
        firsts["episode"],
    ]
    return min(day for day in candidates if day is not None)


def load_diary(
    user: User,
    zone: ZoneInfo,
    first_day: date,
    last_day: date,
    today: date | None = None,
    judge_on_window: bool = True,
) -> Diary:
    """The user's diary for the window, in eight queries however long it is; the rows loaded
    do not grow with the diary's length, only the days counted in SQL do."""
    _, until = day_bounds(first_day, last_day, zone)
    checkins_from = (
        first_day if judge_on_window else min(first_day, last_day - timedelta(days=TRIGGER_DAYS))
    )
    since, _ = day_bounds(min(first_day, checkins_from, calendar_start(last_day)), last_day, zone)
    episodes = _episode_records(Episode.objects.for_user(user).between(since, until))
    loaded_checkins = CheckIn.objects.for_user(user).between(
        checkins_from - timedelta(days=1), last_day
    )
    checkin_rows = list(loaded_checkins.values("id", "date", *CHECKIN_FIELDS))
    taken = loaded_checkins.medication_names_taken()
    answered: dict[int, dict[str, int | bool]] = {}
    for checkin_id, name, kind, value in CustomAnswer.objects.filter(
        checkin_id__in=loaded_checkins.values("id")
    ).values_list("checkin_id", "factor__name", "factor__kind", "value"):
        answered.setdefault(checkin_id, {})[name] = (
            bool(value) if kind == CustomFactorKind.YES_NO else value
        )
    checkins: list[CheckInRecord] = [
        {
            **{key: value for key, value in row.items() if key != "id"},
            "medications_taken": taken.get(row["id"], []),
            "custom_factors": answered.get(row["id"], {}),
        }
        for row in checkin_rows
    ]
    return Diary(
        zone,
        first_day,
        last_day,
        diary_first_day(user, zone),
        episodes,
        checkins,
        _medication_records(user),
        today if today is not None else local_date(timezone.now(), zone),
        judge_on_window,
        tuple(
            CustomFactorRecord(**row)
            for row in CustomFactor.objects.for_user(user).values("name", "kind", "threshold")
        ),
        episode_counts_per_day(user, last_day),
    )


def _episode_records(episodes, fields: Sequence[str] = EPISODE_FIELDS) -> list[EpisodeRecord]:
    """The episodes' records, oldest first, with `fields` loaded (the rest left at defaults)."""
    lists = [name for name in ("relief", "symptoms") if name in fields]
    records = []
    for row in episodes.order_by("started_at").values(*fields):
        for name in lists:
            row[name] = tuple(row[name] or ())
        records.append(EpisodeRecord(**row))
    return records


def _medication_records(user: User) -> list[MedicationRecord]:
    return [
        MedicationRecord(**row)
        for row in Medication.objects.for_user(user).values(
            "name", "kind", "started_on", "stopped_on"
        )
    ]


def episode_counts_per_day(user: User, last_day: date) -> dict[date, int]:
    """Episodes per local date, of every episode up to `last_day`: counted by the database in
    one query along the (user, local_date) index, however long the diary (the same as
    daytable.episodes_per_day of them all)."""
    return dict(
        Episode.objects.for_user(user)
        .filter(local_date__lte=last_day)
        .order_by()
        .values("local_date")
        .annotate(episodes=Count("pk"))
        .values_list("local_date", "episodes")
    )


def build_document(diary: Diary) -> dict[str, Any]:
    """The insights document: every number the dashboard shows, as plain JSON data."""
    first_day, last_day, zone = diary.first_day, diary.last_day, diary.zone
    # Today's cramps are not all in yet: a half-counted day would make it look better than it
    # is, so every rate (day table, water bins, trend, the frequency flags) stops at yesterday.
    complete_day = diary.last_complete_day
    triggers_from = diary.triggers_first_day
    rows = build_day_table(diary.episodes, diary.checkins, zone, triggers_from, complete_day)
    factors = analyse_factors(rows, trigger_factors(diary.custom_factors))
    counts = diary.counts
    started = diary.diary_first_day or first_day
    # Weeks before the first record are unknown, not weeks without cramps.
    recorded_from = min(max(first_day, started), last_day)
    trend_result = trend(counts, started, complete_day)
    onsets = medication_onsets(diary.medications, counts, started, complete_day)
    in_window = [
        e for e in diary.episodes if first_day <= local_date(e.started_at, zone) <= last_day
    ]
    flags = red_flags(in_window, zone, complete_day, trend_result, onsets)
    return {
        "window": {"start": first_day.isoformat(), "end": last_day.isoformat()},
        "triggers_window": _triggers_window(triggers_from, complete_day, diary.judge_on_window),
        "days_with_checkin": len(rows),
        "episodes": len(in_window),
        "factors": [result.as_json() for result in factors],
        "red_flags": [flag.as_json() for flag in flags],
        "patterns": build_patterns(diary.episodes, zone, recorded_from, last_day, counts),
        "dose_response": dose_response(rows),
        "trend": trend_result.as_json(),
        "medication_onsets": [onset.as_json() for _, onset in onsets],
        "medications": [
            {
                "name": m.name,
                "kind": m.kind,
                "started_on": m.started_on and m.started_on.isoformat(),
                "stopped_on": m.stopped_on and m.stopped_on.isoformat(),
            }
            for m in diary.medications
        ],
        "history": cramp_history(
            in_window,
            zone,
            recorded_from,
            last_day,
            sum(row.day >= first_day for row in rows),
            sum(
                row.day >= first_day and row.checkin.get("episodes_all_logged") is True
                for row in rows
            ),
        ),
        "sleep_disturbance": sleep_disturbance(
            diary.checkins, diary.episodes, zone, first_day, last_day
        ),
        "checkins_per_week": checkins_per_week(diary.checkins, first_day, last_day),
        "note": CORRELATION_NOTE,
    }


def _triggers_window(first_day: date, last_day: date, chosen: bool) -> dict[str, Any]:
    days = max(0, (last_day - first_day).days + 1)
    if days >= TRIGGER_DAYS:
        note = (
            f"The triggers are judged on {days} days, {first_day.day} {first_day:%b %Y} to "
            f"{last_day.day} {last_day:%b %Y}."
        )
    elif chosen:
        note = (
            f"The triggers are judged on the {days} days you chose. That is too short for most "
            f"triggers: unless an effect is large, it takes about {TRIGGER_DAYS} days to tell "
            "it from chance."
        )
    else:
        note = (
            f"The triggers are judged on all {days} days of your diary so far. That is too "
            f"short for most triggers: unless an effect is large, it takes about {TRIGGER_DAYS} "
            "days to tell it from chance."
        )
    return {
        "start": first_day.isoformat(),
        "end": last_day.isoformat(),
        "days": days,
        "chosen": chosen,
        "note": note,
    }


def window_for_preset(
    preset: str, today: date, first_day_of_diary: date | None
) -> tuple[date, date]:
    """The window a preset names: the last 30, 90 or 365 days, or the whole diary ("all")."""
    if preset == "all":
        # A legacy row from before EARLIEST_DAY must not drag the window off the calendar.
        return max(EARLIEST_DAY, min(first_day_of_diary or today, today)), today
    return today - timedelta(days=PRESETS[preset] - 1), today


def data_version(user: User, profile: Profile) -> str:
    """The diary's data version (diary/dataversion.py), as read with the profile at the start
    of the request: it goes up in the same transaction as every change, so a document cached
    under it holds that data or newer, never older."""
    return str(profile.data_version)


def version_digest(version: str) -> str:
    """A short token for a data version, safe to show in a URL."""
    return hashlib.sha256(f"{CACHE_GENERATION}:{version}".encode()).hexdigest()[:24]


# Raised whenever the document gains or changes a key: the cache is a file that outlives an
# upgrade, and a document cached by the older code would lack what the newer code reads.
DOCUMENT_SHAPE = 2


def versioned_key(user: User, version: str, item: str) -> str:
    """A key for `item` of the person's diary that changes with their data version and the
    shape of the document. It carries the moment they signed up, not only their id: an id freed
    by a deleted account may be given again, and the new diary counts its version from 0."""
    joined = int(user.date_joined.timestamp() * 1_000_000)
    return f"insights:{DOCUMENT_SHAPE}:{user.pk}:{joined}:{version_digest(version)}:{item}"


def cache_key(user: User, first_day: date, last_day: date, version: str, item: str) -> str:
    """A key that changes with the user, the window, the diary's data version and the shape of
    the document."""
    return versioned_key(user, version, f"{first_day}:{last_day}:{item}")


def document_key(
    user: User, first_day: date, last_day: date, version: str, today: date, judge_on_window: bool
) -> str:
    # A window that reaches today ends its trend yesterday; once today is over, the same dates
    # end it a day later, so they need a document of their own.
    item = "document" if last_day < today else f"document:{today}"
    item += ":window" if judge_on_window else f":{TRIGGER_DAYS}"
    return cache_key(user, first_day, last_day, version, item)


def cached_document(
    user: User,
    profile: Profile,
    first_day: date,
    last_day: date,
    version: str | None = None,
    judge_on_window: bool = False,
) -> dict[str, Any]:
    """The insights document, computed at most once per data version."""
    today = local_date(timezone.now(), profile.zone)
    version = version or data_version(user, profile)
    key = document_key(user, first_day, last_day, version, today, judge_on_window)
    document = cache.get(key)
    if document is None:
        document = build_document(
            load_diary(user, profile.zone, first_day, last_day, today, judge_on_window)
        )
        cache.set(key, document, CACHE_SECONDS)
    return document


def cached_chart(
    user: User,
    profile: Profile,
    name: str,
    first_day: date,
    last_day: date,
    version: str,
    judge_on_window: bool,
) -> bytes:
    """The SVG of chart `name` drawn from the insights document, drawn at most once per
    document: a new day is a new document, and a new chart."""
    today = local_date(timezone.now(), profile.zone)
    key = document_key(user, first_day, last_day, version, today, judge_on_window) + f":{name}"
    svg = cache.get(key)
    if svg is None:
        document = cached_document(user, profile, first_day, last_day, version, judge_on_window)
        svg = charts.render_svg(name, document)
        cache.set(key, svg, CACHE_SECONDS)
    return svg


def recent_red_flags(user: User, profile: Profile) -> list[dict[str, Any]]:
    """The red flags of the default window (the last 90 days), for the home page: the cached
    document's, or computed alone (the window's episodes and the day counts the trend needs,
    not the whole document) and cached under the same data version."""
    zone = profile.zone
    today = local_date(timezone.now(), zone)
    first_day, last_day = window_for_preset(DEFAULT_PRESET, today, None)
    version = data_version(user, profile)
    document = cache.get(document_key(user, first_day, last_day, version, today, False))
    if document is not None:
        return document["red_flags"]
    key = cache_key(user, first_day, last_day, version, f"red_flags:{today}")
    flags = cache.get(key)
    if flags is None:
        flags = window_red_flags(user, zone, first_day, last_day, today)
        cache.set(key, flags, CACHE_SECONDS)
    return flags


def window_red_flags(
    user: User, zone: ZoneInfo, first_day: date, last_day: date, today: date
) -> list[dict[str, Any]]:
    """What build_document gives as "red_flags" for the window, from fewer rows: the window's
    episodes, the day counts, the medications and where the diary begins."""
    since, until = day_bounds(first_day, last_day, zone)
    complete_day = today - timedelta(days=1) if last_day >= today else last_day
    counts = episode_counts_per_day(user, last_day)
    started = diary_first_day(user, zone)
    trend_result = trend(counts, started, complete_day)
    onsets = medication_onsets(_medication_records(user), counts, started, complete_day)
    in_window = _episode_records(
        Episode.objects.for_user(user).between(since, until), RED_FLAG_FIELDS
    )
    flags = red_flags(in_window, zone, complete_day, trend_result, onsets)
    return [flag.as_json() for flag in flags]
