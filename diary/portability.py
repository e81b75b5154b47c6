"""The database side of the diary file: read a person's whole diary out, merge a checked file
in, and delete it. The checking itself is pure and lives in diary/diaryfile.py."""

from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from diary import csvfiles, diaryfile
from diary.dataversion import diary_changed
from diary.diaryfile import (
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
from diary.models import (
    CheckIn,
    CustomAnswer,
    CustomFactor,
    CustomFactorKind,
    Episode,
    Medication,
    Profile,
    ShareLink,
    medication_name_key,
)
from diary.words import count_of

Taken = CheckIn.medications_taken.through
_CHECKIN_COLUMNS = [
    key for key in CHECKIN_FIELDS if key not in ("medications_taken", "custom_factors")
]


def export_document(user, now: datetime) -> dict:
    """The user's whole diary as a diary file document, in five queries whatever its size."""
    profile = Profile.for_user(user)
    taken: dict[int, list[str]] = defaultdict(list)
    for checkin_id, name in Taken.objects.filter(checkin__user=user).values_list(
        "checkin_id", "medication__name"
    ):
        taken[checkin_id].append(name)
    checkins = CheckIn.objects.for_user(user).values("id", *_CHECKIN_COLUMNS)
    answers = _custom_answers(user)
    return diaryfile.build_document(
        time_zone=profile.time_zone,
        profile={key: getattr(profile, key) for key in PROFILE_FIELDS},
        medications=Medication.objects.for_user(user).values(*MEDICATION_FIELDS),
        episodes=Episode.objects.for_user(user).values(*EPISODE_FIELDS),
        checkins=[
            {**row, "medications_taken": taken[row["id"]], "custom_factors": answers[row["id"]]}
            for row in checkins
        ],
        exported_at=now,
        custom_factors=CustomFactor.objects.for_user(user).values(*CUSTOM_FACTOR_FIELDS),
    )


def _custom_answers(user) -> dict[int, dict[str, int | bool]]:
    """Each check-in's answers to the person's own factors, by factor name (one query)."""
    answers: dict[int, dict[str, int | bool]] = defaultdict(dict)
    for checkin_id, name, kind, value in CustomAnswer.objects.filter(
        checkin__user=user
    ).values_list("checkin_id", "factor__name", "factor__kind", "value"):
        answers[checkin_id][name] = bool(value) if kind == CustomFactorKind.YES_NO else value
    return answers


def _known_factors(user) -> dict[str, str]:
    return dict(CustomFactor.objects.for_user(user).values_list("name", "kind"))


def export_filename(user, name: str, extension: str, now: datetime) -> str:
    """Dated by the person's local day; no username, so a shared file doesn't say whose it is."""
    day = timezone.localtime(now, Profile.for_user(user).zone).date()
    return f"spasmlog-{name}-{day.isoformat()}.{extension}"


def read_upload(user, raw: bytes) -> ParsedDiary:
    """Check an uploaded diary file (JSON) or episodes/check-ins CSV for `user`'s diary."""
    known = {
        "known_medications": set(Medication.objects.for_user(user).values_list("name", flat=True)),
        "known_factors": _known_factors(user),
    }
    now = timezone.now()
    if raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        return diaryfile.parse_document(raw, now=now, **known)
    return csvfiles.parse_csv(raw, zone=Profile.for_user(user).zone, now=now, **known)


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


def merge_diary(user, parsed: ParsedDiary, *, dry_run: bool = False) -> ImportSummary:
    """Merge a checked file into the diary, all or nothing; with `dry_run`, say what the merge
    would do (by doing it and rolling it back, so the preview can't differ from the import).

    Episodes are matched on (started_at, muscle, side), check-ins on date, medications on name
    (ignoring case); a
    match is overwritten by the file's record, so importing the same file again changes nothing.
    """
    try:
        with transaction.atomic():
            summary = _merge(user, parsed, timezone.now())
            diary_changed(user)
            transaction.set_rollback(dry_run)
            return summary
    except IntegrityError:
        # Our checks leave only a race: the same day saved in another tab meanwhile.
        raise DiaryFileError(
            ["The diary changed while this file was imported. Nothing was imported; try again."]
        ) from None


def _merge(user, parsed: ParsedDiary, now: datetime) -> ImportSummary:
    summary = ImportSummary()
    if parsed.profile is not None:
        summary.profile_updated = _merge_profile(user, parsed.profile)
    # bulk_create doesn't call Medication.save(), which keeps name_key.
    medications = [
        {
            **record,
            "name_key": medication_name_key(record["name"]),
            PRESENT_KEYS: record[PRESENT_KEYS] | {"name_key"},
        }
        for record in parsed.medications
    ]
    summary.medications, _ = _merge_rows(
        Medication, user, medications, _medication_identity, [*MEDICATION_FIELDS, "name_key"], now
    )
    summary.episodes, _ = _merge_rows(
        Episode,
        user,
        parsed.episodes,
        episode_identity,
        EPISODE_FIELDS,
        now,
        created_values={"imported": True},
    )
    _merge_rows(
        CustomFactor, user, parsed.custom_factors, _factor_identity, CUSTOM_FACTOR_FIELDS, now
    )
    current_answers = {
        checkin_id: {name.casefold(): value for name, value in answers.items()}
        for checkin_id, answers in _custom_answers(user).items()
    }

    current_taken: dict[int, set[str]] = defaultdict(set)
    for checkin_id, name in Taken.objects.filter(checkin__user=user).values_list(
        "checkin_id", "medication__name"
    ):
        current_taken[checkin_id].add(medication_name_key(name))

    def links_changed(checkin: CheckIn, record: Record) -> list[str]:
        """The check-in's links (medications, answers) that the file holds and changes."""
        present, changed = record[PRESENT_KEYS], []
        wanted_taken = {medication_name_key(name) for name in record["medications_taken"]}
        if "medications_taken" in present and current_taken[checkin.pk] != wanted_taken:
            changed.append("medications_taken")
        wanted_answers = {
            name.casefold(): value for name, value in record["custom_factors"].items()
        }
        if "custom_factors" in present and current_answers.get(checkin.pk, {}) != wanted_answers:
            changed.append("custom_factors")
        return changed

    summary.checkins, touched = _merge_rows(
        CheckIn,
        user,
        parsed.checkins,
        _checkin_identity,
        _CHECKIN_COLUMNS,
        now,
        links_changed=links_changed,
    )
    # A check-in whose record leaves medications_taken (or custom_factors) out keeps what it has.
    taking = _holding("medications_taken", touched)
    links = _medication_links(user, taking)
    Taken.objects.filter(checkin_id__in=[checkin.pk for checkin, _ in taking]).delete()
    Taken.objects.bulk_create(links)
    answering = _holding("custom_factors", touched)
    answers = _answer_rows(user, answering)
    CustomAnswer.objects.filter(checkin_id__in=[checkin.pk for checkin, _ in answering]).delete()
    CustomAnswer.objects.bulk_create(answers)
    return summary


def _holding(
    key: str, touched: list[tuple[models.Model, Record]]
) -> list[tuple[models.Model, Record]]:
    """The rows whose record holds `key`: only those have it replaced by the file's."""
    return [(row, record) for row, record in touched if key in record[PRESENT_KEYS]]


def _answer_rows(user, touched: list[tuple[models.Model, Record]]) -> list[models.Model]:
    """The custom answers of the check-ins, their factors looked up inside the transaction
    (a factor deleted in another tab since the file was checked refuses the file)."""
    factor_ids = {
        name.casefold(): pk
        for name, pk in CustomFactor.objects.for_user(user).values_list("name", "id")
    }
    missing = sorted(
        {
            name
            for _, record in touched
            for name in record["custom_factors"]
            if name.casefold() not in factor_ids
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
        CustomAnswer(checkin_id=checkin.pk, factor_id=factor_ids[name.casefold()], value=value)
        for checkin, record in touched
        for name, value in record["custom_factors"].items()
    ]


def _medication_links(user, touched: list[tuple[models.Model, Record]]) -> list[models.Model]:
    """The medications_taken rows of the check-ins, looked up inside the merge's transaction.

    The file was checked against the medications of that moment; one deleted or renamed in
    another tab since then leaves a name that links to nothing, which refuses the file.
    """
    medication_ids = {
        medication_name_key(name): pk
        for name, pk in Medication.objects.for_user(user).values_list("name", "id")
    }
    # Each missing medication once, at the first check-in that names it.
    first_missing: dict[str, tuple[str, date]] = {}
    for checkin, record in touched:
        for name in record["medications_taken"]:
            if medication_name_key(name) not in medication_ids:
                first_missing.setdefault(medication_name_key(name), (name, checkin.date))
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
        Taken(checkin_id=checkin.pk, medication_id=medication_ids[medication_name_key(name)])
        for checkin, record in touched
        for name in record["medications_taken"]
    ]


def _medication_identity(record: Record) -> str:
    # As in the profile form: "magnesium" and "Magnesium" are one medication.
    return medication_name_key(record["name"])


def _factor_identity(record: Record) -> str:
    # As in the factor form: "coffee" and "Coffee" are one factor.
    return record["name"].casefold()


def _checkin_identity(record: Record) -> date:
    return record["date"]


def _merge_profile(user, record: Record) -> bool:
    profile = Profile.for_user(user)
    # The time zone comes from the file's top level, which always has one.
    present = record[PRESENT_KEYS] | {"time_zone"}
    wanted = {key: record[key] for key in ("time_zone", *PROFILE_FIELDS)}
    wanted = {key: value for key, value in wanted.items() if key in present}
    if "other" not in wanted.get("conditions", profile.conditions):
        wanted["other_condition"] = ""  # as the profile form clears it
    if all(getattr(profile, key) == value for key, value in wanted.items()):
        return False
    for key, value in wanted.items():
        setattr(profile, key, value)
    profile.save()
    return True


def _merge_rows(
    model: type[models.Model],
    user,
    records: list[Record],
    identity: Callable[[Record], Hashable],
    columns: Iterable[str],
    now: datetime,
    links_changed: Callable[[models.Model, Record], list[str]] = lambda row, record: [],
    created_values: dict | None = None,
) -> tuple[Tally, list[tuple[models.Model, Record]]]:
    """Create or overwrite `user`'s rows of `model` from records; returns the tally and the
    rows added or updated, with their records (for the many-to-many step). `created_values`
    are set on the rows added only."""
    columns = list(columns)
    existing = {identity(vars(row)): row for row in model.objects.for_user(user)}
    added, updated = [], []
    changed_keys: Counter = Counter()
    for record in records:
        row = existing.get(identity(record))
        if row is None:
            values = {name: record[name] for name in columns}
            added.append((model(user=user, **values, **(created_values or {})), record))
            continue
        # Only what the file holds: a key it leaves out leaves the stored value alone.
        values = {name: record[name] for name in columns if name in record[PRESENT_KEYS]}
        changed = [name for name, value in values.items() if getattr(row, name) != value]
        changed += links_changed(row, record)
        if changed:
            changed_keys.update(changed)
            for name, value in values.items():
                setattr(row, name, value)
            # bulk_update skips auto_now; other areas read updated_at.
            row.updated_at = now
            updated.append((row, record))
    model.objects.bulk_create([row for row, _ in added], batch_size=500)
    model.objects.bulk_update([row for row, _ in updated], [*columns, "updated_at"], batch_size=500)
    tally = Tally(len(added), len(updated), len(records) - len(added) - len(updated), changed_keys)
    return tally, added + updated


@transaction.atomic
def delete_diary_data(user) -> None:
    """Delete every episode, check-in, medication and custom factor, the conditions and the
    share links; keep the account."""
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
def delete_account(user) -> None:
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
