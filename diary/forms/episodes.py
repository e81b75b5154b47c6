import uuid
from collections.abc import MutableMapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.forms.fields import BaseTemporalField
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from diary.days import EARLIEST_DAY, before_earliest_day
from diary.limits import MAX_DURATION_SECONDS, MAX_EPISODES, MAX_RATING
from diary.models import Episode, validate_not_in_future
from diary.quantities import format_duration, parse_duration
from diary.signedin import User
from diary.vocabularies import EPISODE_IDENTITY, Muscle, Relief, Side, Symptom


class LocalDateTimeField(forms.DateTimeField):
    """A wall-clock time in the person's zone, made aware.

    Django refuses both kinds of daylight-saving oddity; we refuse only the time that never
    happened (the spring-forward gap) and read a repeated autumn time as its first occurrence,
    because someone logging a 02:30 cramp on that night should not be turned away.
    """

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            naive = value
        else:
            try:
                # to_python gives a datetime or raises, for the non-blank value here.
                naive = parse_datetime(value.strip()) or BaseTemporalField.to_python(self, value)  # type: ignore[assignment]
            except ValueError:  # well-formed but impossible, such as month 13
                raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        too_early = ValidationError(
            f"Choose a time from {EARLIEST_DAY.year} on.", code="before_earliest_day"
        )
        # The date as written first: a time near year 1 can't even be moved to another zone.
        if naive.date() < EARLIEST_DAY:
            raise too_early
        zone = timezone.get_current_timezone()
        # A time sent with its UTC offset is checked like one typed on the person's clock.
        aware = naive if timezone.is_aware(naive) else naive.replace(tzinfo=zone, fold=0)
        try:
            round_trip = aware.astimezone(UTC).astimezone(zone)
        except OverflowError:  # the last hours of year 9999
            raise ValidationError("This is in the future.", code="future") from None
        if before_earliest_day(aware, zone):
            raise too_early
        if timezone.is_aware(naive):
            return aware
        if round_trip.replace(tzinfo=None) != naive:
            raise ValidationError(
                f"{naive:%H:%M} did not happen on {naive:%Y-%m-%d} in {zone.key}: the clocks "
                "jumped forward. Enter the time as the clock showed it after the change.",
                code="nonexistent",
            )
        return aware


def same_minute_on_the_clock(first: datetime, second: datetime) -> bool:
    """Whether two instants read the same to the minute on the person's clock."""

    def shown(instant: datetime) -> datetime:
        return timezone.localtime(instant).replace(second=0, microsecond=0, tzinfo=None)

    return shown(first) == shown(second)


class DurationField(forms.CharField):
    """Accepts "30s", "2 min", "1:30" or "90" (seconds); cleans to whole seconds."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", "For example 30s, 2 min or 1:30.")
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return format_duration(value) if isinstance(value, int) else value

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        try:
            seconds = parse_duration(text)
        except ValueError as error:
            raise ValidationError(str(error), code="invalid") from None
        if seconds > MAX_DURATION_SECONDS:
            raise ValidationError("A duration can be at most 24 hours.", code="max_value")
        return seconds


def _checkboxes(choices, label):
    return forms.MultipleChoiceField(
        label=label, choices=choices, required=False, widget=forms.CheckboxSelectMultiple
    )


# How far back the phone's offline queue may date a quick log when it finally sends it.
QUEUED_LOG_MAX_AGE = timedelta(days=30)


def page_made_id_field() -> forms.UUIDField:
    """The id a page sends with a new episode, so a double tap or a resend saves it once.

    Optional: a bare POST without it still saves. Each rendering of the form gets a new one.
    """
    return forms.UUIDField(required=False, initial=uuid.uuid4, widget=forms.HiddenInput)


def check_room_for_episodes(user: User, adding: int = 1) -> None:
    """Refuse an episode past MAX_EPISODES, as the import does, so the diary file of every
    diary the forms accept imports back."""
    held = Episode.objects.for_user(user).count()
    if held + adding > MAX_EPISODES:
        raise ValidationError(
            f"Your diary holds {held:,} episodes and can hold {MAX_EPISODES:,} at most (so that "
            "its backup always imports back). Download your diary, then delete episodes you no "
            "longer need to make room.",
            code="diary_full",
        )


class StartsFromRecentEpisodes:
    """A new episode starts from the person's last muscle and side, recent muscles first.

    Both episode forms share this, so the full form offers what the quick log does. The side
    is a plain choice: it is required, so the model's "---------" would never save.
    """

    # The form's own, for the type checker: the mixin comes before forms.ModelForm.
    fields: dict[str, Any]
    initial: MutableMapping[str, Any]

    def start_from_recent(self, recent_muscles: Sequence[str], recent_side: str) -> None:
        self.fields["muscle"].choices = muscles_recent_first(recent_muscles)
        self.fields["side"].choices = Side.choices
        self.initial.setdefault("muscle", recent_muscles[0] if recent_muscles else Muscle.CALF)
        self.initial.setdefault("side", recent_side or Side.LEFT)


class EpisodeForm(StartsFromRecentEpisodes, forms.ModelForm):
    client_id = page_made_id_field()
    started_at = LocalDateTimeField(label="Started", initial=timezone.now)
    duration_seconds = DurationField(label="How long it lasted")
    relief = _checkboxes(Relief.choices, "What you tried")
    symptoms = _checkboxes(Symptom.choices, "Anything else with it?")

    class Meta:
        model = Episode
        fields = [
            "client_id",
            "started_at",
            "duration_seconds",
            "muscle",
            "side",
            "intensity",
            "kind",
            "activity",
            "hydration",
            "relief",
            "relief_effect",
            "symptoms",
            "notes",
            "time_estimated",
        ]
        labels = {"time_estimated": "The time is only an estimate"}
        widgets = {
            "side": forms.RadioSelect,
            "kind": forms.RadioSelect,
            "relief_effect": forms.RadioSelect,
            "intensity": forms.NumberInput(
                attrs={"min": 0, "max": MAX_RATING, "inputmode": "numeric"}
            ),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_started_at(self) -> datetime:
        started_at = self.cleaned_data["started_at"]
        # The form shows minutes only, and reads a repeated autumn time as its first occurrence.
        # An untouched time must not move: keep the stored instant, its seconds and its fold.
        if self.instance.pk and same_minute_on_the_clock(started_at, self.instance.started_at):
            return self.instance.started_at
        return started_at

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if self.instance.pk is None and self.instance.user_id is not None:
            check_room_for_episodes(self.instance.user)
        moment = {key: cleaned.get(key) for key in EPISODE_IDENTITY}
        if None in moment.values() or self.instance.user_id is None:
            return cleaned
        twins = Episode.objects.for_user(self.instance.user).filter(**moment)
        if twins.exclude(pk=self.instance.pk).exists():
            # The diary file tells episodes apart by these, so two alike could not be restored.
            raise ValidationError(
                f"You already logged this muscle and side starting at "
                f"{timezone.localtime(moment['started_at']):%H:%M on %-d %B %Y}. "
                "Open that episode to change it, or enter a different minute."
            )
        return cleaned

    def __init__(self, *args, recent_muscles: Sequence[str] = (), recent_side: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["client_id"]  # an edit changes the one episode it is about
        else:
            # A new instance's empty values would hide the field's fresh id and the recent
            # muscle and side.
            for name in ("client_id", "muscle", "side"):
                self.initial.pop(name, None)
        self.start_from_recent(recent_muscles, recent_side)
        for name in ("activity", "hydration", "relief_effect"):
            # The model's blank choice reads "---------"; here it means nothing was recorded.
            self.fields[name].choices = [("", "Not recorded"), *self.fields[name].choices[1:]]


class RangeInput(forms.NumberInput):
    """A slider. It always has a value, and `required` is not allowed on one."""

    input_type = "range"

    def use_required_attribute(self, initial) -> bool:
        return False


class QuickLogForm(StartsFromRecentEpisodes, forms.ModelForm):
    """The few taps someone makes while the cramp is still happening; the rest comes later."""

    client_id = page_made_id_field()
    # Sent by the offline queue: the moment Save was tapped, not the moment it got through.
    tapped_at = forms.DateTimeField(required=False, widget=forms.HiddenInput)
    started_minutes_ago = forms.TypedChoiceField(
        label="When did it start?",
        choices=[(0, "Now"), *((m, f"{m} min ago") for m in (5, 15, 30))],
        coerce=int,
        required=False,
        empty_value=0,  # type: ignore[arg-type]  # Django takes any value; the stubs a str
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Episode
        fields = ["client_id", "muscle", "side", "intensity"]
        widgets = {
            "muscle": forms.RadioSelect,
            "side": forms.RadioSelect,
            "intensity": RangeInput(
                attrs={
                    "min": 0,
                    "max": MAX_RATING,
                    "class": "form-range intensity",
                    "data-show-value": "intensity-value",
                }
            ),
        }

    DEFAULT_INTENSITY = 5

    def __init__(
        self,
        *args,
        recent_muscles: Sequence[str] = (),
        recent_side: str = "",
        user: User | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.user = user  # whose diary it goes into, for the room left in it
        self.start_from_recent(recent_muscles, recent_side)
        self.initial.setdefault("intensity", self.DEFAULT_INTENSITY)
        self.initial.setdefault("started_minutes_ago", 0)

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if self.user is not None:
            check_room_for_episodes(self.user)
        return cleaned

    def clean_tapped_at(self) -> datetime | None:
        tapped_at = self.cleaned_data["tapped_at"]
        if tapped_at is None:
            return None
        validate_not_in_future(tapped_at)
        if tapped_at < timezone.now() - QUEUED_LOG_MAX_AGE:
            raise ValidationError(
                f"This was tapped more than {QUEUED_LOG_MAX_AGE.days} days ago: "
                "add it with the full form and the time it happened.",
                code="too_old",
            )
        return tapped_at

    def save(self, commit: bool = True) -> Episode:
        saved_at = self.cleaned_data["tapped_at"] or timezone.now()
        ago = timedelta(minutes=self.cleaned_data["started_minutes_ago"])
        self.instance.started_at = saved_at - ago
        return super().save(commit)


def muscles_recent_first(recent: Sequence[str]) -> list[tuple[str, str]]:
    """Muscle choices with the person's recently used ones first, most recent leading."""
    labels = dict(Muscle.choices)
    ordered = [slug for slug in dict.fromkeys(recent) if slug in labels]
    ordered += [slug for slug in labels if slug not in ordered]
    return [(slug, labels[slug]) for slug in ordered]


def _filter_date(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[MinValueValidator(EARLIEST_DAY, f"Choose a date from {EARLIEST_DAY.year} on.")],
    )


class EpisodeFilterForm(forms.Form):
    start = _filter_date("From")
    end = _filter_date("To")
    muscle = forms.ChoiceField(choices=[("", "All muscles"), *Muscle.choices], required=False)

    def clean_start(self) -> date | None:
        start = self.cleaned_data["start"]
        if start is not None and start > timezone.localdate():
            raise ValidationError("The start can't be in the future.")
        return start

    def clean_end(self) -> date | None:
        # Nothing has happened after today; reading a later end as today also keeps the day
        # after it (the end of the range) inside the calendar.
        end = self.cleaned_data["end"]
        return min(end, timezone.localdate()) if end else end

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] < cleaned["start"]:
            self.add_error("end", "The end date is before the start date.")
        return cleaned
