"""The diary's data: episodes, daily check-ins, and the health profile with its medications.

Times are stored aware in UTC; a check-in's date is the owner's local date, and so is the
local_date an episode keeps beside its start (Episode.place). Multi-choice answers are JSON
lists of the slugs in diary/vocabularies.py, so the diary file can carry them unchanged. A
blank answer is NULL or "", never 0: not recorded is not none.
"""

import zoneinfo
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.deconstruct import deconstructible

from diary import days
from diary.days import EARLIEST_DAY
from diary.limits import (
    CUSTOM_FACTOR_NAME_LENGTH,
    LARGEST_ANSWER,
    MAX_CUSTOM_COUNT,
    MAX_DRINKS,
    MAX_DURATION_SECONDS,
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
from diary.signedin import User
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
    Theme,
    medication_name_key,
)

# "It's over" is offered this long after an episode started; later, the time elapsed says more
# about when the person came back than about the cramp.
ENDS_NOW_WITHIN = timedelta(hours=2)

# No date in the diary (a check-in, a medication's start or stop) comes before EARLIEST_DAY.
on_or_after_earliest_day = MinValueValidator(
    EARLIEST_DAY, f"Choose a date from {EARLIEST_DAY.year} on."
)


@deconstructible
class ChoiceListValidator:
    """Checks a JSON list whose items must be distinct slugs of a TextChoices vocabulary."""

    def __init__(self, choices: type[models.TextChoices]):
        self.choices = choices

    def __call__(self, value) -> None:
        if value is None:
            return
        if not isinstance(value, list):
            raise ValidationError("Expected a list of choices.")
        allowed = set(self.choices.values)
        unknown = [str(item) for item in value if item not in allowed]
        if unknown:
            shown = ", ".join(item if len(item) <= 40 else item[:39] + "…" for item in unknown)
            raise ValidationError(f"Unknown choice: {shown}.")
        if len(set(value)) != len(value):
            raise ValidationError("A choice is listed twice.")

    def __eq__(self, other) -> bool:
        return isinstance(other, ChoiceListValidator) and self.choices is other.choices


def validate_time_zone(value: str) -> None:
    if value not in TIME_ZONES:
        raise ValidationError(f"{value!r} is not a known time zone.")


def validate_not_in_future(value: datetime) -> None:
    # A minute of grace: a phone's clock may run a little ahead of the server's.
    if value > timezone.now() + timedelta(minutes=1):
        raise ValidationError("This is in the future.")


class OwnedQuerySet(models.QuerySet):
    def for_user(self, user: User):
        """Only the rows that belong to `user`: every view starts here."""
        return self.filter(user=user)


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    time_zone = models.CharField(max_length=64, validators=[validate_time_zone])
    conditions = models.JSONField(
        default=list, blank=True, validators=[ChoiceListValidator(Condition)]
    )
    other_condition = models.CharField(
        "other condition",
        max_length=OTHER_CONDITION_LENGTH,
        blank=True,
        help_text="Used when 'Other' is ticked.",
    )
    hidden_checkin_questions = models.JSONField(
        "questions left off the check-in",
        default=list,
        blank=True,
        validators=[ChoiceListValidator(CheckInQuestion)],
    )
    report_name = models.CharField(
        "name for reports",
        max_length=REPORT_NAME_LENGTH,
        blank=True,
        help_text="Printed at the top of the doctor's report; your username when blank.",
    )
    date_of_birth = models.DateField("date of birth", null=True, blank=True)
    theme = models.CharField("colours", max_length=10, choices=Theme.choices, default=Theme.DEVICE)
    # A daily e-mail at this local time while the day's check-in is missing; None: no reminder.
    reminder_time = models.TimeField("daily reminder at", null=True, blank=True)
    # The codes of the red flags the home page has shown, so a new one is marked new once.
    seen_red_flags = models.JSONField(default=list, blank=True)
    # One more with every change to the person's diary (diary/dataversion.py), in the change's
    # own transaction: the cached insights' keys carry it, and no server's clock is involved.
    data_version = models.PositiveBigIntegerField(default=0, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Profile of {self.user}"

    def save(self, *args, **kwargs) -> None:
        # data_version moves only by diary_changed's `data_version + 1`: saving a profile read
        # before a change must not write back the older number.
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "data_version"
            ]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "time_zone" not in update_fields:
            super().save(*args, **kwargs)
            return
        # The episodes' local dates follow the zone, whichever profile object (a stale one
        # too) or none before (the server's zone) saved them.
        with transaction.atomic(savepoint=False):
            placed_in = days_zones([self.user_id])[self.user_id]
            super().save(*args, **kwargs)
            if placed_in.key != self.time_zone:
                Episode.objects.filter(user_id=self.user_id).place_on_local_dates(self.zone)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @classmethod
    def get_or_create_for(cls, user: User) -> "Profile":
        """The user's profile, made with the server's time zone on first use (the zone of
        days_zones() for a user without one)."""
        profile, _ = cls.objects.get_or_create(
            user=user, defaults={"time_zone": settings.TIME_ZONE}
        )
        # Cached both ways, so an episode saved for this user reads the zone without a query.
        profile.user = user
        return profile


def days_zones(user_ids: Iterable[int]) -> dict[int, zoneinfo.ZoneInfo]:
    """The zone of each user's local days: their profile's, or the server's for a user who has
    none yet (the one get_or_create_for will give them)."""
    wanted = set(user_ids)
    zones = dict.fromkeys(wanted, settings.TIME_ZONE) | dict(
        Profile.objects.filter(user_id__in=wanted).values_list("user_id", "time_zone")
    )
    return {user_id: zoneinfo.ZoneInfo(name) for user_id, name in zones.items()}


# The user's side of Profile.user, which knows whether their profile is cached on them.
_OWNERS_PROFILE = Profile.user.field.remote_field


class Medication(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="medications"
    )
    name = models.CharField(max_length=MEDICATION_NAME_LENGTH)
    kind = models.CharField(max_length=20, choices=MedicationKind.choices)
    dose = models.CharField(max_length=MEDICATION_DOSE_LENGTH, blank=True)
    # medication_name_key(name), kept by save(): the database holds names unique by it.
    # Text, not a bounded column: case folding can spell one character out as many (U+FDFA
    # is 18), and PostgreSQL would refuse a name the form accepted.
    name_key = models.TextField(editable=False)
    # Required of every form and file (blank=False); NULL only in rows saved before it was.
    started_on = models.DateField("start date", null=True, validators=[on_or_after_earliest_day])
    stopped_on = models.DateField(
        "stop date", null=True, blank=True, validators=[on_or_after_earliest_day]
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            # Check-ins and the diary file refer to a medication by its name, in any case.
            models.UniqueConstraint(fields=["user", "name_key"], name="medication_name_unique"),
            models.CheckConstraint(
                condition=Q(stopped_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(stopped_on__gte=models.F("started_on")),
                name="medication_stops_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.name_key = medication_name_key(self.name)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.started_on and self.stopped_on and self.stopped_on < self.started_on:
            raise ValidationError({"stopped_on": "A medication can't stop before it starts."})


class EpisodeQuerySet(OwnedQuerySet):
    def between(self, start: datetime, end: datetime):
        """Episodes that started in [start, end)."""
        return self.filter(started_at__gte=start, started_at__lt=end)

    def on_local_days(self, first_day: date | None, last_day: date | None):
        """Episodes that started on local dates first_day..last_day of their owner's time zone,
        both included; None leaves that end open."""
        episodes = self
        if first_day is not None:
            episodes = episodes.filter(local_date__gte=first_day)
        if last_day is not None:
            episodes = episodes.filter(local_date__lte=last_day)
        return episodes

    def bulk_create(self, objs, *args, **kwargs):
        """Django's, with each episode placed on its local date first (it calls no save())."""
        episodes = list(objs)
        zones = days_zones(episode.user_id for episode in episodes)
        for episode in episodes:
            episode.place(zones[episode.user_id])
        return super().bulk_create(episodes, *args, **kwargs)

    def place_on_local_dates(self, zone: zoneinfo.ZoneInfo) -> None:
        """Place these episodes on their local dates in `zone` (their owner's new one), writing
        only those whose date moves."""
        moved = []
        for episode in self.order_by().only("id", "started_at", "local_date"):
            stored = episode.local_date
            episode.place(zone)
            if episode.local_date != stored:
                moved.append(episode)
        self.model.objects.bulk_update(moved, ["local_date"], batch_size=500)


class Episode(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="episodes"
    )
    started_at = models.DateTimeField(
        "started", default=timezone.now, validators=[validate_not_in_future]
    )
    # The local date of started_at in the owner's time zone (their profile's), which place()
    # keeps on every write: the insights count days by it in SQL, along an index.
    local_date = models.DateField(editable=False)
    duration_seconds = models.PositiveIntegerField(
        "duration", null=True, blank=True, validators=[MaxValueValidator(MAX_DURATION_SECONDS)]
    )
    muscle = models.CharField(max_length=20, choices=Muscle.choices)
    side = models.CharField(max_length=20, choices=Side.choices)
    intensity = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(0), MaxValueValidator(MAX_RATING)],
        help_text="0 none, 10 the worst imaginable.",
    )
    kind = models.CharField(max_length=20, choices=EpisodeKind.choices, default=EpisodeKind.CRAMP)
    activity = models.CharField(
        "doing at onset", max_length=30, choices=Activity.choices, blank=True
    )
    hydration = models.CharField(
        "hydration at the time", max_length=20, choices=Hydration.choices, blank=True
    )
    relief = models.JSONField(
        "what you tried", default=list, blank=True, validators=[ChoiceListValidator(Relief)]
    )
    relief_effect = models.CharField(
        "how much it helped", max_length=20, choices=ReliefEffect.choices, blank=True
    )
    symptoms = models.JSONField(
        "other symptoms", default=list, blank=True, validators=[ChoiceListValidator(Symptom)]
    )
    notes = models.TextField(blank=True, validators=[MaxLengthValidator(MAX_NOTE_LENGTH)])
    # Made by the page that sent the form (or by the phone's offline queue), so a double tap
    # or a resend saves one episode; blank for episodes from the diary file or older pages.
    client_id = models.UUIDField("id from the page", null=True, blank=True)
    # Night cramps counted in the morning get a placeholder time: the hour-of-day chart and any
    # hour analysis leave them out, while the day and "asleep" still count.
    time_estimated = models.BooleanField(
        "time estimated", default=False, help_text="Logged afterwards without the real time."
    )
    # When it was entered: the report tells a doctor how many were written down late.
    created_at = models.DateTimeField(auto_now_add=True)
    # Came in from a diary file, so created_at says when it was imported, not entered.
    imported = models.BooleanField(default=False, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EpisodeQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        # (user, started_at) is the unique moment's index (EPISODE_IDENTITY starts with it).
        indexes = [models.Index(fields=["user", "local_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(intensity__gte=0, intensity__lte=MAX_RATING),
                name="episode_intensity_0_10",
            ),
            models.CheckConstraint(
                condition=Q(duration_seconds__isnull=True)
                | Q(duration_seconds__lte=MAX_DURATION_SECONDS),
                name="episode_duration_at_most_a_day",
            ),
            models.UniqueConstraint(
                fields=["user", "client_id"], name="episode_client_id_unique_per_user"
            ),
            models.UniqueConstraint(
                fields=["user", *EPISODE_IDENTITY], name="episode_unique_moment"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_muscle_display()} {self.get_kind_display().split(' (')[0].lower()}"

    def save(self, *args, **kwargs) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "started_at" in update_fields:
            self.place(self._owner_zone())
            if update_fields is not None:
                kwargs["update_fields"] = [*update_fields, "local_date"]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("diary:episode_detail", args=[self.pk])

    def place(self, zone: zoneinfo.ZoneInfo) -> None:
        """Set local_date from started_at, in `zone`, the owner's: every write of an episode
        comes through here (save, bulk_create, the diary file's import, a change of zone)."""
        # The instant as it is stored: Django also takes text, or a naive time in its zone.
        field = cast(models.DateTimeField, self._meta.get_field("started_at"))
        started_at = field.get_prep_value(self.started_at)
        self.local_date = days.local_date(started_at, zone)

    def _owner_zone(self) -> zoneinfo.ZoneInfo:
        # The profile cached on the owner (Profile.get_or_create_for), else one query.
        if Episode.user.is_cached(self) and _OWNERS_PROFILE.is_cached(self.user):
            return self.user.profile.zone
        return days_zones([self.user_id])[self.user_id]

    def may_end_now(self, now: datetime) -> bool:
        """Whether "it's over" may set the duration from the time elapsed since the start."""
        elapsed = now - self.started_at
        return (
            self.duration_seconds is None
            and not self.time_estimated
            and timedelta(0) <= elapsed <= ENDS_NOW_WITHIN
        )

    def relief_labels(self) -> list[str]:
        return [Relief(slug).label for slug in self.relief]

    def symptom_labels(self) -> list[str]:
        return [Symptom(slug).label for slug in self.symptoms]


class CustomFactor(models.Model):
    """A check-in question of the person's own, judged by the insights like the built-in ones.

    Answers refer to it by id, so renaming keeps them; deleting it deletes them. A count or a
    scale is "exposed" on days whose answer reaches `threshold`; a yes/no on days answered yes.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="custom_factors"
    )
    name = models.CharField(max_length=CUSTOM_FACTOR_NAME_LENGTH)
    # medication_name_key(name), kept by save(): the database holds names unique by it, as the
    # form and the diary file compare them.
    name_key = models.TextField(editable=False)  # as a medication's
    kind = models.CharField(max_length=10, choices=CustomFactorKind.choices)
    threshold = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_CUSTOM_COUNT)],
        help_text="Days with this much or more are compared with the other days.",
    )
    # Left off the check-in, it stays "not recorded" on new days; its answers are kept and judged.
    on_checkin = models.BooleanField("asked on the check-in", default=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            # The diary file refers to a factor by its name in any case, like a medication.
            models.UniqueConstraint(fields=["user", "name_key"], name="custom_factor_name_unique"),
            models.CheckConstraint(
                condition=Q(kind=CustomFactorKind.YES_NO, threshold__isnull=True)
                | Q(kind=CustomFactorKind.COUNT, threshold__gte=1, threshold__lte=MAX_CUSTOM_COUNT)
                | Q(kind=CustomFactorKind.SCALE, threshold__gte=1, threshold__lte=MAX_RATING),
                name="custom_factor_threshold_fits_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.name_key = medication_name_key(self.name)
        super().save(*args, **kwargs)

    @property
    def largest_answer(self) -> int:
        return LARGEST_ANSWER[CustomFactorKind(self.kind)]


class CustomAnswer(models.Model):
    """One day's answer to a custom factor: 1/0 for yes/no, else the count or the scale."""

    checkin = models.ForeignKey("CheckIn", on_delete=models.CASCADE, related_name="custom_answers")
    factor = models.ForeignKey(CustomFactor, on_delete=models.CASCADE, related_name="answers")
    value = models.PositiveSmallIntegerField(validators=[MaxValueValidator(MAX_CUSTOM_COUNT)])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["checkin", "factor"], name="one_answer_per_factor"),
            models.CheckConstraint(
                condition=Q(value__lte=MAX_CUSTOM_COUNT), name="custom_answer_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.factor}: {self.value}"


# Answers about the night before a check-in's date, which the morning screen saves on their own.
NIGHT_ANSWER_FIELDS = frozenset({"sleep_disturbance"})
_CHECKIN_BOOKKEEPING_FIELDS = frozenset({"id", "user", "date", "updated_at"})


class CheckInQuerySet(OwnedQuerySet):
    def between(self, first_day, last_day):
        """Check-ins for local dates first_day..last_day, both included."""
        return self.filter(date__gte=first_day, date__lte=last_day)

    def medication_names_taken(self) -> dict[int, list[str]]:
        """The names of the medications each of these check-ins took, by check-in id (one
        query); a check-in that took none is left out."""
        taken: dict[int, list[str]] = {}
        for checkin_id, name in self.model.medications_taken.through.objects.filter(
            checkin_id__in=self.values("id")
        ).values_list("checkin_id", "medication__name"):
            taken.setdefault(checkin_id, []).append(name)
        return taken

    def with_nothing_recorded(self, besides: "Medication | None" = None):
        """Check-ins without a single answer or medication (other than `besides`).

        No form saves one: left behind by a deleted medication it would count as a recorded
        day with nothing in it.
        """
        blank = {
            (f"{field.name}__isnull" if field.null else field.name): True if field.null else ""
            for field in self.model._meta.concrete_fields
            if field.name not in self.model.NOT_ANSWERS
        }
        taken = self.model.medications_taken.through.objects.all()
        if besides is not None:
            taken = taken.exclude(medication=besides)
        return self.filter(**blank).exclude(pk__in=taken.values("checkin_id"))

    def day_answered(self):
        """Check-ins answering something about the day, not only the morning's night answer:
        a check-in the person still has to fill in is not done."""
        answered = Q(
            Exists(CheckIn.medications_taken.through.objects.filter(checkin=OuterRef("pk")))
        ) | Q(Exists(CustomAnswer.objects.filter(checkin=OuterRef("pk"))))
        for field in CheckIn._meta.concrete_fields:
            if field.name in _CHECKIN_BOOKKEEPING_FIELDS | NIGHT_ANSWER_FIELDS:
                continue
            if field.null:
                answered |= Q(**{f"{field.name}__isnull": False})
            else:  # text and choices, blank when not recorded
                answered |= ~Q(**{field.name: ""})
        return self.filter(answered)


class CheckIn(models.Model):
    """One day's trigger factors, for the owner's local date."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkins"
    )
    date = models.DateField(validators=[on_or_after_earliest_day])
    water_ml = models.PositiveIntegerField(
        "water drunk", null=True, blank=True, validators=[MaxValueValidator(MAX_WATER_ML)]
    )
    # None: not recorded; []: recorded, none taken.
    electrolytes = models.JSONField(
        null=True, blank=True, validators=[ChoiceListValidator(Electrolyte)]
    )
    caffeine_drinks = models.PositiveSmallIntegerField(
        "caffeinated drinks", null=True, blank=True, validators=[MaxValueValidator(MAX_DRINKS)]
    )
    alcohol_drinks = models.PositiveSmallIntegerField(
        "alcoholic drinks", null=True, blank=True, validators=[MaxValueValidator(MAX_DRINKS)]
    )
    exercise_minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(MAX_EXERCISE_MINUTES)]
    )
    exercise_intensity = models.CharField(
        max_length=20, choices=ExerciseIntensity.choices, blank=True
    )
    warmed_up = models.BooleanField(null=True, blank=True)
    stretched = models.BooleanField(null=True, blank=True)
    sleep_hours = models.DecimalField(
        "hours of sleep the night before",
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_HOURS_IN_A_DAY)],
    )
    stress = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_RATING)],
        help_text="0 calm, 10 extreme.",
    )
    sitting_hours = models.DecimalField(
        "hours spent sitting",
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_HOURS_IN_A_DAY)],
    )
    cold_exposure = models.BooleanField("exposed to cold", null=True, blank=True)
    # An outcome of the night before this date, like sleep_hours; not a trigger factor.
    sleep_disturbance = models.PositiveSmallIntegerField(
        "how much cramps disturbed sleep the night before",
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_RATING)],
        help_text="0 not at all, 10 no sleep.",
    )
    medications_taken = models.ManyToManyField(Medication, blank=True, related_name="checkins")
    # True: every episode of the day is logged, so its count is confirmed; None: not asked.
    episodes_all_logged = models.BooleanField("all episodes logged", null=True, blank=True)
    notes = models.TextField(blank=True, validators=[MaxLengthValidator(MAX_NOTE_LENGTH)])
    updated_at = models.DateTimeField(auto_now=True)

    objects = CheckInQuerySet.as_manager()

    # The fields that say which check-in this is, not what was recorded on the day.
    NOT_ANSWERS = frozenset({"id", "user", "date", "updated_at"})

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["user", "date"], name="one_checkin_per_day"),
            models.CheckConstraint(
                condition=Q(sleep_hours__isnull=True)
                | Q(sleep_hours__gte=0, sleep_hours__lte=MAX_HOURS_IN_A_DAY),
                name="checkin_sleep_within_a_day",
            ),
            models.CheckConstraint(
                condition=Q(sitting_hours__isnull=True)
                | Q(sitting_hours__gte=0, sitting_hours__lte=MAX_HOURS_IN_A_DAY),
                name="checkin_sitting_within_a_day",
            ),
            models.CheckConstraint(
                condition=Q(stress__isnull=True) | Q(stress__lte=MAX_RATING),
                name="checkin_stress_0_10",
            ),
            models.CheckConstraint(
                condition=Q(sleep_disturbance__isnull=True) | Q(sleep_disturbance__lte=MAX_RATING),
                name="checkin_sleep_disturbance_0_10",
            ),
        ]

    def __str__(self) -> str:
        return f"Check-in {self.date.isoformat()}"


class ShareLinkQuerySet(OwnedQuerySet):
    def usable(self, now: datetime):
        """Links that still open: neither revoked nor expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class ShareLink(models.Model):
    """A read-only link to one report (period, paper, sections) for a clinician.

    Only a hash of the token is kept: the link itself is shown once, when it is made.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="share_links"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    first_day = models.DateField()
    last_day = models.DateField()
    paper = models.CharField(max_length=10)
    sections = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=models.F("first_day")), name="share_link_period"
            ),
        ]

    def __str__(self) -> str:
        return f"Link to the report {self.first_day} to {self.last_day}"

    def is_usable(self, now: datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now


class ShareLinkOpening(models.Model):
    """When a shared report was opened (no address or browser is kept)."""

    link = models.ForeignKey(ShareLink, on_delete=models.CASCADE, related_name="openings")
    opened_at = models.DateTimeField(auto_now_add=True)
    pdf = models.BooleanField(default=False)

    class Meta:
        ordering = ["-opened_at"]

    def __str__(self) -> str:
        return f"Opened {self.opened_at:%Y-%m-%d %H:%M}"


class ReminderSent(models.Model):
    """That the reminder for a local date was sent (or is being sent) to a person.

    The unique constraint is what keeps two `send_reminders` running at the same moment, on two
    servers, from sending the same day twice: only one of them can insert the row.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders_sent"
    )
    date = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "date"], name="one_reminder_per_day")
        ]

    def __str__(self) -> str:
        return f"Reminder for {self.date.isoformat()}"
