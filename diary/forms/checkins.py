from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Case, Q, QuerySet, Value, When
from django.forms import BoundField
from django.forms.models import model_to_dict

from diary.limits import (
    MAX_CUSTOM_COUNT,
    MAX_DRINKS,
    MAX_EXERCISE_MINUTES,
    MAX_HOURS_IN_A_DAY,
    MAX_RATING,
    MAX_WATER_ML,
)
from diary.models import CheckIn, CustomAnswer, CustomFactor, Medication
from diary.quantities import GLASS_ML, explain_water, format_water, parse_water_ml
from diary.signedin import User
from diary.vocabularies import CheckInQuestion, CustomFactorKind, Electrolyte, ExerciseIntensity

# Ticked alone it records "took none"; nothing ticked at all means "not recorded".
NONE_TAKEN = "none_taken"

NOT_RECORDED = "Not recorded"

_HOURS_MESSAGES = {
    "min_value": "Hours can't be negative.",
    "max_value": "A day has only 24 hours.",
    "max_whole_digits": "A day has only 24 hours.",
    "max_decimal_places": "Use at most one decimal, for example 7.5.",
}
_COUNT_MESSAGES = {
    "min_value": "Can't be negative.",
    "max_value": "That's more than %(limit_value)s; check the number.",
}


# The form fields each hideable question stands for.
QUESTION_FIELDS: dict[str, tuple[str, ...]] = {
    CheckInQuestion.WATER: ("water_ml",),
    CheckInQuestion.CAFFEINE: ("caffeine_drinks",),
    CheckInQuestion.ALCOHOL: ("alcohol_drinks",),
    CheckInQuestion.ELECTROLYTES: ("electrolytes",),
    CheckInQuestion.EXERCISE: ("exercise_minutes", "exercise_intensity", "warmed_up"),
    CheckInQuestion.STRETCHING: ("stretched",),
    CheckInQuestion.SLEEP: ("sleep_hours",),
    CheckInQuestion.STRESS: ("stress",),
    CheckInQuestion.SITTING: ("sitting_hours",),
    CheckInQuestion.COLD: ("cold_exposure",),
    CheckInQuestion.MEDICATIONS: ("medications_taken",),
}
# What "Same as yesterday" leaves out: these describe the day itself, not a habit.
NOT_COPIED = ("notes", "episodes_all_logged", "sleep_disturbance")
STRESS_LEVELS = range(0, MAX_RATING + 1)
CUSTOM_PREFIX = "custom_"

# The grids (spasmlog.css) a field drawn as buttons is laid out in: no keyboard needed.
GRID = "choice-grid"
SEGMENTED = "choice-grid segmented"
SCALE = "choice-grid scale"
# The fields drawn as buttons, by grid; the others are typed (a +/− stepper where
# static/js/checkin.js adds one).
BUTTON_GRIDS = {
    "electrolytes": GRID,
    "exercise_intensity": SEGMENTED,
    "warmed_up": SEGMENTED,
    "stretched": SEGMENTED,
    "stress": SCALE,
    "cold_exposure": SEGMENTED,
    "medications_taken": GRID,
    "episodes_all_logged": SEGMENTED,
}
CUSTOM_GRIDS: dict[str, str] = {CustomFactorKind.YES_NO: SEGMENTED, CustomFactorKind.SCALE: SCALE}
# The fieldsets of hideable questions, in order, before the person's own factors.
SECTIONS = (
    ("Drinks", ("water_ml", "caffeine_drinks", "alcohol_drinks")),
    ("Electrolytes", ("electrolytes",)),
    ("Exercise", ("exercise_minutes", "exercise_intensity", "warmed_up", "stretched")),
    ("Your day", ("sleep_hours", "sleep_disturbance", "stress", "sitting_hours", "cold_exposure")),
)


@dataclass(frozen=True)
class Question:
    """A field as the check-in draws it: buttons in a grid of class `grid`, typed if it is blank."""

    field: BoundField
    grid: str = ""


@dataclass(frozen=True)
class Section:
    legend: str
    questions: list[Question]


def _stepper(step: float, start: float, maximum: float, unit: str = "") -> dict[str, str]:
    """Attributes for static/js/checkin.js: a blank field's first tap goes to `start`, so a
    usual day is a tap or two away; `unit` "ml" reads and writes amounts of water."""
    attrs = {
        "data-stepper": str(step),
        "data-stepper-start": str(start),
        "data-stepper-min": "0",
        "data-stepper-max": str(maximum),
        "autocomplete": "off",
    }
    if unit:
        attrs["data-stepper-unit"] = unit
    return attrs


def _count_widget(start: int, maximum: int, step: int = 1) -> forms.NumberInput:
    return forms.NumberInput(
        attrs={"min": 0, "max": maximum, "inputmode": "numeric"} | _stepper(step, start, maximum)
    )


def _hours_widget(start: float) -> forms.NumberInput:
    return forms.NumberInput(
        attrs={"min": 0, "max": MAX_HOURS_IN_A_DAY, "step": "0.5", "inputmode": "decimal"}
        | _stepper(0.5, start, MAX_HOURS_IN_A_DAY)
    )


def _yes_no_field(label: str) -> forms.NullBooleanField:
    return forms.NullBooleanField(
        label=label,
        required=False,
        widget=forms.RadioSelect(choices=[("True", "Yes"), ("False", "No"), ("", NOT_RECORDED)]),
    )


def _scale_field(label: str, message: str) -> forms.TypedChoiceField:
    """0 to 10 as a row of buttons, and "Not recorded"."""
    return forms.TypedChoiceField(
        label=label,
        required=False,
        choices=[*((str(level), str(level)) for level in STRESS_LEVELS), ("", NOT_RECORDED)],
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": message},
        widget=forms.RadioSelect,
    )


def _custom_field(factor: CustomFactor) -> forms.Field:
    if factor.kind == CustomFactorKind.YES_NO:
        return _yes_no_field(factor.name)
    if factor.kind == CustomFactorKind.SCALE:
        return _scale_field(f"{factor.name} (0–10)", "Choose from 0 to 10.")
    return forms.IntegerField(
        label=factor.name,
        required=False,
        min_value=0,
        max_value=MAX_CUSTOM_COUNT,
        error_messages=_COUNT_MESSAGES,
        widget=_count_widget(start=1, maximum=MAX_CUSTOM_COUNT),
    )


def medications_for_day(user: User, day: date) -> QuerySet[Medication]:
    """The owner's medications, those being taken on `day` first (annotated `active`)."""
    active = (Q(started_on__isnull=True) | Q(started_on__lte=day)) & (
        Q(stopped_on__isnull=True) | Q(stopped_on__gte=day)
    )
    return (
        Medication.objects.for_user(user)
        .annotate(active=Case(When(active, then=Value(True)), default=Value(False)))
        .order_by("-active", "name")
    )


def _initial_answers(
    checkin: CheckIn,
    custom_factors: dict[str, CustomFactor],
    fields: Mapping[str, Any] | None = None,
) -> dict:
    """A saved check-in's answers as the form shows them (water in words, "None taken").
    `fields` are its form fields as `model_to_dict` reads them, when they were read already
    (the medications taken are a query)."""
    if checkin.pk is None:
        return {}
    if fields is None:
        fields = model_to_dict(checkin, fields=CheckInForm._meta.fields)  # type: ignore[misc]  # the Meta field names
    answers = dict(fields)
    answers["water_ml"] = format_water(checkin.water_ml)
    answers["electrolytes"] = (
        [NONE_TAKEN] if checkin.electrolytes == [] else checkin.electrolytes or []
    )
    kinds = {factor.pk: factor.kind for factor in custom_factors.values()}
    for answer in checkin.custom_answers.filter(factor_id__in=kinds):
        yes_no = kinds[answer.factor_id] == CustomFactorKind.YES_NO
        answers[f"{CUSTOM_PREFIX}{answer.factor_id}"] = (
            bool(answer.value) if yes_no else answer.value
        )
    return answers


def _medication_label(medication: Medication) -> str:
    label = f"{medication.name} {medication.dose}".strip()
    # medications_for_day annotates `active`.
    return label if medication.active else f"{label} (not current on this day)"  # type: ignore[attr-defined]


class CheckInForm(forms.ModelForm):
    """One day's check-in. The view sets the owner and the date on the instance.

    `hidden` names questions (CheckInQuestion) the person left off their check-in: their fields
    are not on the form, so saving leaves them as they were (not recorded on a new day).
    `copy_from` is another day's check-in whose answers fill a blank form ("Same as yesterday");
    `episode_count` is how many episodes the day has, for "All logged (2)". `custom_factors`
    are the person's own factors, each a field `custom_<id>` saved as a CustomAnswer.
    """

    water_ml = forms.CharField(
        label="Water drunk",
        required=False,
        max_length=40,
        help_text=f"Tap + or − for a glass of {GLASS_ML} ml, or type any amount: "
        "1,500 ml, 1.5 l, 6 glasses, 2 cups or 50 fl oz.",
        # The model caps the amount; this says so in words people use.
        error_messages={"max_value": "That's more than %(limit_value)s ml; check the amount."},
        widget=forms.TextInput(attrs=_stepper(GLASS_ML, 6 * GLASS_ML, MAX_WATER_ML, unit="ml")),
    )
    stress = _scale_field(
        "Stress (0 calm, 10 extreme)", "Stress goes from 0 (calm) to 10 (extreme)."
    )
    electrolytes = forms.MultipleChoiceField(
        label="Electrolytes taken",
        required=False,
        choices=[*Electrolyte.choices, (NONE_TAKEN, "None taken")],
        help_text="Leave everything unticked if you don't know.",
        widget=forms.CheckboxSelectMultiple,
    )
    warmed_up = _yes_no_field("Warmed up before exercise")
    stretched = _yes_no_field("Stretched")
    cold_exposure = _yes_no_field("Exposed to cold")
    episodes_all_logged = _yes_no_field("Are the day's episodes all logged?")

    class Meta:
        model = CheckIn
        fields = [
            "water_ml",
            "electrolytes",
            "caffeine_drinks",
            "alcohol_drinks",
            "exercise_minutes",
            "exercise_intensity",
            "warmed_up",
            "stretched",
            "sleep_hours",
            "stress",
            "sitting_hours",
            "cold_exposure",
            "sleep_disturbance",
            "medications_taken",
            "episodes_all_logged",
            "notes",
        ]
        labels = {
            "medications_taken": "Medications taken",
            "sleep_disturbance": "Cramps disturbed last night's sleep (0 not at all, 10 no sleep)",
        }
        help_texts = {
            "caffeine_drinks": "Coffee, tea, cola, energy drinks.",
            "exercise_minutes": "Minutes in total; + and − go by 15.",
            "medications_taken": "The list comes from your medications on the Account page.",
        }
        widgets = {
            "caffeine_drinks": _count_widget(start=1, maximum=MAX_DRINKS),
            "alcohol_drinks": _count_widget(start=1, maximum=MAX_DRINKS),
            "exercise_minutes": _count_widget(start=30, maximum=MAX_EXERCISE_MINUTES, step=15),
            "exercise_intensity": forms.RadioSelect,
            "medications_taken": forms.CheckboxSelectMultiple,
            "sleep_hours": _hours_widget(start=7),
            "sitting_hours": _hours_widget(start=6),
            "sleep_disturbance": _count_widget(start=0, maximum=MAX_RATING),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "caffeine_drinks": _COUNT_MESSAGES,
            "alcohol_drinks": _COUNT_MESSAGES,
            "exercise_minutes": {
                "min_value": "Can't be negative.",
                "max_value": "A day has only %(limit_value)s minutes.",
            },
            "sleep_disturbance": {
                "min_value": "Goes from 0 (not at all) to 10 (no sleep).",
                "max_value": "Goes from 0 (not at all) to 10 (no sleep).",
            },
            "sleep_hours": _HOURS_MESSAGES,
            "sitting_hours": _HOURS_MESSAGES,
            "medications_taken": {
                "invalid_choice": "That isn't one of your medications.",
                "invalid_pk_value": "That isn't one of your medications.",
            },
        }

    def __init__(
        self,
        *args,
        hidden: Collection[str] = (),
        copy_from: CheckIn | None = None,
        episode_count: int = 0,
        custom_factors: Sequence[CustomFactor] = (),
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        # How typed amounts were read ("Water: 1,500 ml = 1.5 L"), for the page to say.
        self.readings: list[str] = []
        checkin = self.instance
        self.custom_factors = {f"{CUSTOM_PREFIX}{factor.pk}": factor for factor in custom_factors}
        for name, factor in self.custom_factors.items():
            self.fields[name] = _custom_field(factor)
        for question in hidden:
            for name in QUESTION_FIELDS.get(question, ()):
                del self.fields[name]
        # ModelForm's own __init__ has read the instance's fields into `initial`.
        self.initial.update(_initial_answers(checkin, self.custom_factors, self.initial))
        if copy_from is not None:
            copied = _initial_answers(copy_from, self.custom_factors)
            self.initial.update(
                {name: value for name, value in copied.items() if name not in NOT_COPIED}
            )
        self.fields["episodes_all_logged"].widget.choices = [
            ("True", f"All logged ({episode_count})"),
            ("False", "I missed some"),
            ("", NOT_RECORDED),
        ]
        if "exercise_intensity" in self.fields:
            cast(forms.ChoiceField, self.fields["exercise_intensity"]).choices = [
                *ExerciseIntensity.choices,
                ("", NOT_RECORDED),
            ]
        self.no_medications_yet = self._offer_medications()

    def _offer_medications(self) -> bool:
        """Whether the medications question is asked though the person has none to tick."""
        if "medications_taken" not in self.fields:
            return False
        medications = cast(forms.ModelMultipleChoiceField, self.fields["medications_taken"])
        medications.queryset = medications_for_day(self.instance.user, self.instance.date)
        medications.label_from_instance = _medication_label  # type: ignore[method-assign,assignment]  # this form only
        if medications.queryset.exists():
            return False
        # An empty list of boxes would hide even the error for a forged id.
        del self.fields["medications_taken"]
        return True

    def sections(self) -> list[Section]:
        """The fieldsets of the questions still on the form, each left out when all are hidden;
        the person's own factors and the medications last."""
        parts = [
            *SECTIONS,
            ("Your own factors", tuple(self.custom_factors)),
            ("Medications", ("medications_taken",)),
        ]
        sections = []
        for legend, names in parts:
            questions = [self._question(name) for name in names if name in self.fields]
            if questions:
                sections.append(Section(legend, questions))
        return sections

    @property
    def episodes_logged(self) -> Question:
        """Never hidden: the day's episodes being all logged is what counting them rests on."""
        return self._question("episodes_all_logged")

    def _question(self, name: str) -> Question:
        factor = self.custom_factors.get(name)
        grid = CUSTOM_GRIDS.get(factor.kind, "") if factor else BUTTON_GRIDS.get(name, "")
        return Question(self[name], grid)

    def save(self, commit: bool = True) -> CheckIn:
        checkin = super().save(commit=commit)
        if commit:
            self._save_custom_answers(checkin)
        return checkin

    def _save_custom_answers(self, checkin: CheckIn) -> None:
        blank = []
        for name, factor in self.custom_factors.items():
            value = self.cleaned_data.get(name)
            if value is None:
                blank.append(factor.pk)
            else:
                CustomAnswer.objects.update_or_create(
                    checkin=checkin, factor=factor, defaults={"value": int(value)}
                )
        checkin.custom_answers.filter(factor_id__in=blank).delete()

    def clean_water_ml(self) -> int | None:
        text = self.cleaned_data["water_ml"].strip()
        if not text:
            return None
        try:
            ml = parse_water_ml(text)
        except ValueError as error:
            raise ValidationError(str(error)) from None
        if text != format_water(self.instance.water_ml):
            self.readings.append(f"Water: {explain_water(text, ml)}")
        return ml

    def clean_electrolytes(self) -> list[str] | None:
        ticked = self.cleaned_data["electrolytes"]
        if not ticked:
            return None
        if NONE_TAKEN in ticked:
            if len(ticked) > 1:
                raise ValidationError("Tick “None taken” or the ones you took, not both.")
            return []
        return [slug for slug in Electrolyte.values if slug in ticked]

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        answers = [value for name, value in cleaned.items() if name != "medications_taken"]
        nothing_answered = all(value in (None, "") for value in answers)
        if nothing_answered and not cleaned.get("medications_taken") and not self.errors:
            raise ValidationError(
                "Nothing is filled in yet: answer at least one question, "
                "or come back to this day later."
            )
        return cleaned


class CheckInQuestionsForm(forms.Form):
    """Which questions the person's check-in shows; the rest are left off, not recorded."""

    shown = forms.MultipleChoiceField(
        label="Questions on your check-in",
        required=False,
        choices=CheckInQuestion.choices,
        help_text="Untick what you never want to answer. Answers already given are kept.",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, factors: QuerySet[CustomFactor], **kwargs):
        super().__init__(*args, **kwargs)
        if factors:
            self.fields["shown_factors"] = forms.ModelMultipleChoiceField(
                label="Your own factors on your check-in",
                queryset=factors,
                required=False,
                initial=[factor.pk for factor in factors if factor.on_checkin],
                widget=forms.CheckboxSelectMultiple,
            )
            # The factors this page listed: one added in another tab since is left as it is.
            self.fields["listed_factors"] = forms.ModelMultipleChoiceField(
                queryset=factors,
                required=False,
                initial=[factor.pk for factor in factors],
                widget=forms.MultipleHiddenInput,
            )

    def hidden_questions(self) -> list[str]:
        shown = set(self.cleaned_data["shown"])
        return [question for question in CheckInQuestion.values if question not in shown]

    def save_shown_factors(self) -> None:
        """Each own factor the page listed is on the check-in exactly when it was left ticked."""
        if "shown_factors" in self.fields:
            shown = [factor.pk for factor in self.cleaned_data["shown_factors"]]
            self.cleaned_data["listed_factors"].update(
                on_checkin=Case(When(pk__in=shown, then=True), default=False)
            )
