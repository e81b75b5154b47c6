"""The database side of the diary file: read a person's whole diary out, merge a checked file
in, and delete it. The checking itself is pure and lives in diary/files/diaryfile.py."""

from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from diary.dataversion import diary_changed, lock_diary
from diary.files import csvfiles, diaryfile
from diary.files.diaryfile import (
    CHECKIN_FIELDS,
    CUSTOM_FACTOR_FIELDS,
    EPISODE_FIELDS,
    MEDICATION_FIELDS,
    PRESENT_KEYS,
    PROFILE_FIELDS,
    DiaryFileError,
    ParsedDiary,
    Record,
    episode_identity,
)
from diary.insights import data_version
from diary.limits import MAX_EPISODES, MAX_MEDICATIONS
from diary.models import (
    CheckIn,
    CustomAnswer,
    CustomFactor,
    Episode,
    Medication,
    Profile,
    ShareLink,
)
from diary.signedin import User
from diary.vocabularies import CustomFactorKind, medication_name_key
from diary.words import count_of

Taken = CheckIn.medications_taken.through
# One model's rows, through the plan of an import.
Row = TypeVar("Row", bound=models.Model)
_CHECKIN_COLUMNS = [
    key for key in CHECKIN_FIELDS if key not in ("medications_taken", "custom_factors")
]


def export_document(user: User, now: datetime) -> dict:
    """The user's whole diary as a diary file document, in five queries whatever its size."""
    profile = Profile.get_or_create_for(user)
    taken = CheckIn.objects.for_user(user).medication_names_taken()
    checkins = CheckIn.objects.for_user(user).values("id", *_CHECKIN_COLUMNS)
    answers = _custom_answers(user)
    return diaryfile.build_document(
        time_zone=profile.time_zone,
        profile={key: getattr(profile, key) for key in PROFILE_FIELDS},
        medications=Medication.objects.for_user(user).values(*MEDICATION_FIELDS),
        episodes=Episode.objects.for_user(user).values(*EPISODE_FIELDS),
        checkins=[
            {
                **row,
                "medications_taken": taken.get(row["id"], []),
                "custom_factors": answers[row["id"]],
            }
            for row in checkins
        ],
        exported_at=now,
        custom_factors=CustomFactor.objects.for_user(user).values(*CUSTOM_FACTOR_FIELDS),
    )


def _custom_answers(user: User) -> dict[int, dict[str, int | bool]]:
    """Each check-in's answers to the person's own factors, by factor name (one query)."""
    answers: dict[int, dict[str, int | bool]] = defaultdict(dict)
    for checkin_id, name, kind, value in CustomAnswer.objects.filter(
        checkin__user=user
    ).values_list("checkin_id", "factor__name", "factor__kind", "value"):
        answers[checkin_id][name] = bool(value) if kind == CustomFactorKind.YES_NO else value
    return answers


def _known_factors(user: User) -> dict[str, str]:
    return dict(CustomFactor.objects.for_user(user).values_list("name", "kind"))


def export_filename(user: User, name: str, extension: str, now: datetime) -> str:
    """Dated by the person's local day; no username, so a shared file doesn't say whose it is."""
    day = timezone.localtime(now, Profile.get_or_create_for(user).zone).date()
    return f"spasmlog-{name}-{day.isoformat()}.{extension}"


def read_upload(user: User, raw: bytes) -> ParsedDiary:
    """Check an uploaded diary file (JSON) or episodes/check-ins CSV for `user`'s diary."""
    known: dict[str, Any] = {
        "known_medications": set(Medication.objects.for_user(user).values_list("name", flat=True)),
        "known_factors": _known_factors(user),
    }
    now = timezone.now()
    if raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        return diaryfile.parse_document(raw, now=now, **known)
    return csvfiles.parse_csv(raw, zone=Profile.get_or_create_for(user).zone, now=now, **known)


@dataclass
class Tally:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    # How many updated records change each key ("notes": 3), the check-in links included.
    changed_keys: Counter = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return self.added + self.updated + self.unchanged

    def describe(self, singular: str, plural: str) -> str:
        added = count_of(self.added, singular, plural)
        return f"{added} added, {self.updated} updated, {self.unchanged} unchanged"

    def describe_changes(self) -> str:
        """ "notes in 3, water_ml in 1": which keys the updates change, most often first."""
        return ", ".join(f"{key} in {count}" for key, count in self.changed_keys.most_common())


@dataclass
class ImportSummary:
    profile_updated: bool = False
    medications: Tally = field(default_factory=Tally)
    episodes: Tally = field(default_factory=Tally)
    checkins: Tally = field(default_factory=Tally)

    def tallies(self) -> list[tuple[str, Tally]]:
        return [
            ("episodes", self.episodes),
            ("check-ins", self.checkins),
            ("medications", self.medications),
        ]

    def __str__(self) -> str:
        tallies = [
            (self.episodes, "episode", "episodes"),
            (self.checkins, "check-in", "check-ins"),
            (self.medications, "medication", "medications"),
        ]
        parts = [tally.describe(*nouns) for tally, *nouns in tallies if tally.total]
        if self.profile_updated:
            parts.append("profile updated")
        return "; ".join(parts) or "the file holds no records"


def merge_diary(user: User, parsed: ParsedDiary, *, dry_run: bool = False) -> ImportSummary:
    """Merge a checked file into the diary, all or nothing; with `dry_run`, say what the merge
    would do and write nothing (the preview is the import's own plan, so they can't differ).

    Episodes are matched on (started_at, muscle, side), check-ins on date, medications on name
    (ignoring case); a match is overwritten by the file's record, so importing the same file
    again changes nothing.

    Every row is compared, built and turned into its statement's parameters before the write
    transaction opens, so on SQLite the write lock (taken at its start) is held only while the
    statements run: other people's quick logs wait a moment, not the whole import. Should the
    diary change in between (another tab), the plan is made again under the lock.
    """
    version = data_version(user, Profile.get_or_create_for(user))
    plan = _plan(user, parsed, timezone.now())
    if dry_run:
        return plan.summary
    try:
        with transaction.atomic():
            if data_version(user, lock_diary(user)) != version:
                plan = _plan(user, parsed, timezone.now())
            _write(user, plan)
            diary_changed(user)
            return plan.summary
    except IntegrityError:
        # Our checks leave only a race: the same day saved in another tab meanwhile.
        raise DiaryFileError(
            ["The diary changed while this file was imported. Nothing was imported; try again."]
        ) from None


@dataclass
class _Plan:
    """What an import writes, ready to run: statements with their rows of parameters, and the
    check-ins whose medications or answers the file replaces (linked once they have ids)."""

    summary: ImportSummary
    profile: Profile | None = None
    statements: list[tuple[str, list[list]]] = field(default_factory=list)
    # (day, names) and (day, answers) of each check-in that has them replaced.
    taking: list[tuple[date, list[str]]] = field(default_factory=list)
    answering: list[tuple[date, dict[str, int | bool]]] = field(default_factory=list)
    # The ids of stored check-ins whose medications, or answers, the file replaces.
    taking_replaced: list[int] = field(default_factory=list)
    answers_replaced: list[int] = field(default_factory=list)


def _plan(user: User, parsed: ParsedDiary, now: datetime) -> _Plan:
    plan = _Plan(ImportSummary())
    if parsed.profile is not None:
        plan.profile = _changed_profile(user, parsed.profile)
        plan.summary.profile_updated = plan.profile is not None
    # The zone the diary has once the file is in: its episodes' local dates are in it.
    zone = (plan.profile or Profile.get_or_create_for(user)).zone
    medications = _with_name_key(parsed.medications)
    plan.summary.medications, _ = _plan_rows(
        plan,
        Medication,
        user,
        medications,
        _medication_identity,
        [*MEDICATION_FIELDS, "name_key"],
        now,
        most=(MAX_MEDICATIONS, "medications"),
    )
    plan.summary.episodes, _ = _plan_rows(
        plan,
        Episode,
        user,
        parsed.episodes,
        episode_identity,
        EPISODE_FIELDS,
        now,
        created_values={"imported": True},
        # A stored episode matched keeps its start; a change of zone moves it (Profile.save).
        place_added=lambda episode: episode.place(zone),
        most=(MAX_EPISODES, "episodes"),
    )
    _plan_rows(
        plan,
        CustomFactor,
        user,
        _with_name_key(parsed.custom_factors),
        _factor_identity,
        [*CUSTOM_FACTOR_FIELDS, "name_key"],
        now,
    )
    current_answers = {
        checkin_id: {medication_name_key(name): value for name, value in answers.items()}
        for checkin_id, answers in _custom_answers(user).items()
    }

    current_taken = {
        checkin_id: {medication_name_key(name) for name in names}
        for checkin_id, names in CheckIn.objects.for_user(user).medication_names_taken().items()
    }

    def links_changed(checkin: CheckIn, record: Record) -> list[str]:
        """The check-in's links (medications, answers) that the file holds and changes."""
        present, changed = record[PRESENT_KEYS], []
        wanted_taken = {medication_name_key(name) for name in record["medications_taken"]}
        if "medications_taken" in present and current_taken.get(checkin.pk, set()) != wanted_taken:
            changed.append("medications_taken")
        wanted_answers = {
            medication_name_key(name): value for name, value in record["custom_factors"].items()
        }
        if "custom_factors" in present and current_answers.get(checkin.pk, {}) != wanted_answers:
            changed.append("custom_factors")
        return changed

    plan.summary.checkins, touched = _plan_rows(
        plan,
        CheckIn,
        user,
        parsed.checkins,
        _checkin_identity,
        _CHECKIN_COLUMNS,
        now,
        links_changed=links_changed,
    )
    # A check-in whose record leaves medications_taken (or custom_factors) out keeps what it has.
    taking, answering = _holding("medications_taken", touched), _holding("custom_factors", touched)
    plan.taking = [(row.date, record["medications_taken"]) for row, record in taking]
    plan.answering = [(row.date, record["custom_factors"]) for row, record in answering]
    plan.taking_replaced = [row.pk for row, _ in taking if row.pk is not None]
    plan.answers_replaced = [row.pk for row, _ in answering if row.pk is not None]
    return plan


def _with_name_key(records: list[Record]) -> list[Record]:
    # The statements don't call save(), which keeps name_key.
    return [
        {
            **record,
            "name_key": medication_name_key(record["name"]),
            PRESENT_KEYS: record[PRESENT_KEYS] | {"name_key"},
        }
        for record in records
    ]


def _write(user: User, plan: _Plan) -> None:
    """Run the plan, inside the merge's transaction."""
    if plan.profile is not None:
        plan.profile.save()
    with connection.cursor() as cursor:
        for sql, rows in plan.statements:
            if rows:
                cursor.executemany(sql, rows)
    checkin_ids = dict(CheckIn.objects.for_user(user).values_list("date", "id"))
    Taken.objects.filter(checkin_id__in=plan.taking_replaced).delete()
    CustomAnswer.objects.filter(checkin_id__in=plan.answers_replaced).delete()
    links: list[tuple[type[models.Model], list[str], list[Any]]] = [
        (Taken, ["checkin", "medication"], _medication_links(user, plan.taking, checkin_ids)),
        (
            CustomAnswer,
            ["checkin", "factor", "value"],
            _answer_rows(user, plan.answering, checkin_ids),
        ),
    ]
    with connection.cursor() as cursor:
        for model, names, rows in links:
            if not rows:
                continue
            # Plain ids and numbers, so the rows go in as they are, with no model around them.
            columns: list[str] = [model._meta.get_field(name).column for name in names]  # type: ignore[union-attr,misc]  # fields, each with its column
            quote = connection.ops.quote_name
            cursor.executemany(
                f"INSERT INTO {quote(model._meta.db_table)} "
                f"({', '.join(map(quote, columns))}) VALUES ({', '.join(['%s'] * len(columns))})",
                rows,
            )


def _holding(key: str, touched: list[tuple[Row, Record]]) -> list[tuple[Row, Record]]:
    """The rows whose record holds `key`: only those have it replaced by the file's."""
    return [(row, record) for row, record in touched if key in record[PRESENT_KEYS]]


def _answer_rows(
    user: User, answering: list[tuple[date, dict]], checkin_ids: dict[date, int]
) -> list[tuple[int, int, int]]:
    """The custom answers of the check-ins as (check-in, factor, value), their factors looked
    up inside the transaction (one deleted in another tab since the check refuses the file)."""
    factor_ids = {
        medication_name_key(name): pk
        for name, pk in CustomFactor.objects.for_user(user).values_list("name", "id")
    }
    missing = sorted(
        {
            name
            for _, answers in answering
            for name in answers
            if medication_name_key(name) not in factor_ids
        }
    )
    if missing:
        raise DiaryFileError(
            [
                f'custom_factors: "{name}" is no longer one of this diary\'s factors; it was '
                "deleted while the file was imported. Nothing was imported; try again."
                for name in missing
            ]
        )
    return [
        (checkin_ids[day], factor_ids[medication_name_key(name)], int(value))
        for day, answers in answering
        for name, value in answers.items()
    ]


def _medication_links(
    user: User, taking: list[tuple[date, list[str]]], checkin_ids: dict[date, int]
) -> list[tuple[int, int]]:
    """The medications_taken rows (check-in, medication), looked up inside the transaction.

    The file was checked against the medications of that moment; one deleted or renamed in
    another tab since then leaves a name that links to nothing, which refuses the file.
    """
    medication_ids = {
        medication_name_key(name): pk
        for name, pk in Medication.objects.for_user(user).values_list("name", "id")
    }
    # Each missing medication once, at the first check-in that names it.
    first_missing: dict[str, tuple[str, date]] = {}
    for day, names in taking:
        for name in names:
            if medication_name_key(name) not in medication_ids:
                first_missing.setdefault(medication_name_key(name), (name, day))
    if first_missing:
        raise DiaryFileError(
            [
                f'The check-in for {day}: medications_taken: "{name}" is no longer one of this '
                "diary's medications; it was deleted while the file was imported."
                for name, day in first_missing.values()
            ]
            + ["Nothing was imported; try again."]
        )
    return [
        (checkin_ids[day], medication_ids[medication_name_key(name)])
        for day, names in taking
        for name in names
    ]


def _medication_identity(record: Record) -> str:
    # As in the profile form: "magnesium" and "Magnesium" are one medication.
    return medication_name_key(record["name"])


def _factor_identity(record: Record) -> str:
    # As in the factor form: "coffee" and "Coffee" are one factor.
    return medication_name_key(record["name"])


def _checkin_identity(record: Record) -> date:
    return record["date"]


def _changed_profile(user: User, record: Record) -> Profile | None:
    """The profile with the file's values set, or None when they change nothing."""
    profile = Profile.get_or_create_for(user)
    # The time zone comes from the file's top level, which always has one.
    present = record[PRESENT_KEYS] | {"time_zone"}
    wanted = {key: record[key] for key in ("time_zone", *PROFILE_FIELDS)}
    wanted = {key: value for key, value in wanted.items() if key in present}
    if "other" not in wanted.get("conditions", profile.conditions):
        wanted["other_condition"] = ""  # as the profile form clears it
    if all(getattr(profile, key) == value for key, value in wanted.items()):
        return None
    for key, value in wanted.items():
        setattr(profile, key, value)
    return profile


def _plan_rows(
    plan: _Plan,
    model: type[Row],
    user: User,
    records: list[Record],
    identity: Callable[[Record], Hashable],
    columns: Iterable[str],
    now: datetime,
    links_changed: Callable[[Row, Record], list[str]] = lambda row, record: [],
    created_values: dict | None = None,
    place_added: Callable[[Row], None] = lambda row: None,
    most: tuple[int, str] | None = None,
) -> tuple[Tally, list[tuple[Row, Record]]]:
    """Add to the plan the statements that create or overwrite `user`'s rows of `model` from
    records; returns the tally and the rows added or updated, with their records (for the
    many-to-many step). `created_values` are set on the rows added only, and `place_added`
    sets what each of them derives from its own values; `most` is the cap on the diary's rows
    of that model, with their name, past which the file is refused."""
    columns = list(columns)
    # Every diary model's manager is an OwnedQuerySet's.
    existing = {identity(vars(row)): row for row in model.objects.for_user(user)}  # type: ignore[attr-defined]
    added, updated = [], []
    changed_keys: Counter = Counter()
    for record in records:
        row = existing.get(identity(record))
        if row is None:
            values = {name: record[name] for name in columns}
            row = model(user=user, **values, **(created_values or {}))
            place_added(row)
            added.append((row, record))
            continue
        # Only what the file holds: a key it leaves out leaves the stored value alone.
        values = {name: record[name] for name in columns if name in record[PRESENT_KEYS]}
        changed = [name for name, value in values.items() if getattr(row, name) != value]
        changed += links_changed(row, record)
        if changed:
            changed_keys.update(changed)
            for name, value in values.items():
                setattr(row, name, value)
            # The statement skips auto_now; other areas read updated_at.
            row.updated_at = now
            updated.append((row, record))
    # Only what the file adds is refused: a diary already past a cap can still be updated.
    if most is not None and added and len(existing) + len(added) > most[0]:
        cap, name = most
        raise DiaryFileError(
            [
                f"With this file the diary would hold {len(existing) + len(added):,} {name}; "
                f"the most a diary holds is {cap:,}. Nothing was imported."
            ]
        )
    plan.statements.append(_statement(model, [row for row, _ in added], add=True))
    plan.statements.append(
        _statement(model, [row for row, _ in updated], add=False, columns=[*columns, "updated_at"])
    )
    tally = Tally(len(added), len(updated), len(records) - len(added) - len(updated), changed_keys)
    return tally, added + updated


def _statement(
    model: type[models.Model], rows: list[models.Model], *, add: bool, columns: Sequence[str] = ()
) -> tuple[str, list[list]]:
    """An INSERT of `rows` (add) or an UPDATE of their `columns` by id, with each row's
    parameters converted for the database as Django's own bulk_create would (auto_now too)."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    if add:
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        sql = (
            f"INSERT INTO {table} ({', '.join(quote(f.column) for f in fields)}) "
            f"VALUES ({', '.join(['%s'] * len(fields))})"
        )
        params = [
            [f.get_db_prep_save(f.pre_save(row, True), connection) for f in fields] for row in rows
        ]
        return sql, params
    fields = [model._meta.get_field(name) for name in columns]  # type: ignore[misc]  # columns
    pk = model._meta.pk
    sql = (
        f"UPDATE {table} SET {', '.join(f'{quote(f.column)} = %s' for f in fields)} "
        f"WHERE {quote(pk.column)} = %s"
    )
    params = [
        [*(f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields), row.pk]
        for row in rows
    ]
    return sql, params


@transaction.atomic
def delete_diary_data(user: User) -> None:
    """Delete every episode, check-in, medication and custom factor, the conditions and the
    share links; keep the account."""
    lock_diary(user)
    ShareLink.objects.for_user(user).delete()
    CheckIn.objects.for_user(user).delete()
    CustomFactor.objects.for_user(user).delete()
    Episode.objects.for_user(user).delete()
    Medication.objects.for_user(user).delete()
    Profile.objects.filter(user=user).update(
        conditions=[], other_condition="", updated_at=timezone.now()
    )
    diary_changed(user)


@transaction.atomic
def delete_account(user: User) -> None:
    """Delete the user and every row that is theirs; the foreign keys cascade from the user.

    Sessions on the person's other devices are left to expire: each names only the deleted
    user's id, which authenticates no one from then on (ids are never reused), and finding
    them would mean decoding every session in the database while holding the write lock.
    """
    username = user.get_username()
    user.delete()
    # Axes keeps log-in records by username, not by foreign key, so they would outlive the user.
    for access_model in (AccessAttempt, AccessFailureLog, AccessLog):
        access_model.objects.filter(username=username).delete()
