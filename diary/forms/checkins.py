from datetime import date

from crispy_forms.bootstrap import InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Case, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils.html import format_html

from diary.models import CheckIn, Electrolyte, ExerciseIntensity, Medication
from diary.quantities import format_water, parse_water_ml

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


def _yes_no_field(label: str) -> forms.NullBooleanField:
    return forms.NullBooleanField(
        label=label,
        required=False,
        widget=forms.RadioSelect(choices=[("True", "Yes"), ("False", "No"), ("", NOT_RECORDED)]),
    )


def medications_for_day(user, day: date) -> QuerySet[Medication]:
    """The owner's medications, those being taken on `day` first (annotated `active`)."""
    active = (Q(started_on__isnull=True) | Q(started_on__lte=day)) & (
        Q(stopped_on__isnull=True) | Q(stopped_on__gte=day)
    )
    return (
        Medication.objects.for_user(user)
        .annotate(active=Case(When(active, then=Value(True)), default=Value(False)))
        .order_by("-active", "name")
    )


def _medication_label(medication: Medication) -> str:
    label = f"{medication.name} {medication.dose}".strip()
    return label if medication.active else f"{label} (not current on this day)"


class CheckInForm(forms.ModelForm):
    """One day's check-in. The view sets the owner and the date on the instance."""

    water_ml = forms.CharField(
        label="Water drunk",
        required=False,
        max_length=40,
        help_text="In ml, litres or glasses of 250 ml: 1500 ml, 1.5 l or 6 glasses.",
        # The model caps the amount; this says so in words people use.
        error_messages={"max_value": "That's more than %(limit_value)s ml; check the amount."},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
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
            "medications_taken",
            "notes",
        ]
        labels = {"medications_taken": "Medications taken", "stress": "Stress (0–10)"}
        help_texts = {
            "caffeine_drinks": "Coffee, tea, cola, energy drinks.",
            "exercise_minutes": "Minutes in total.",
            "medications_taken": "The list comes from your medications on the Account page.",
        }
        widgets = {
            "exercise_intensity": forms.RadioSelect,
            "medications_taken": forms.CheckboxSelectMultiple,
            "sleep_hours": forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
            "sitting_hours": forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
            "stress": forms.NumberInput(attrs={"min": 0, "max": 10, "inputmode": "numeric"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "caffeine_drinks": _COUNT_MESSAGES,
            "alcohol_drinks": _COUNT_MESSAGES,
            "exercise_minutes": {
                "min_value": "Can't be negative.",
                "max_value": "A day has only %(limit_value)s minutes.",
            },
            "stress": {
                "min_value": "Stress goes from 0 (calm) to 10 (extreme).",
                "max_value": "Stress goes from 0 (calm) to 10 (extreme).",
            },
            "sleep_hours": _HOURS_MESSAGES,
            "sitting_hours": _HOURS_MESSAGES,
            "medications_taken": {
                "invalid_choice": "That isn't one of your medications.",
                "invalid_pk_value": "That isn't one of your medications.",
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        checkin = self.instance
        self.initial["water_ml"] = format_water(checkin.water_ml)
        self.initial["electrolytes"] = (
            [NONE_TAKEN] if checkin.electrolytes == [] else checkin.electrolytes or []
        )
        self.fields["exercise_intensity"].choices = [
            *ExerciseIntensity.choices,
            ("", NOT_RECORDED),
        ]
        medications = self.fields["medications_taken"]
        medications.queryset = medications_for_day(checkin.user, checkin.date)
        medications.label_from_instance = _medication_label
        if medications.queryset.exists():
            medications_part = Fieldset("Medications", "medications_taken")
        else:
            # An empty list of boxes would hide even the error for a forged id.
            del self.fields["medications_taken"]
            medications_part = HTML(
                format_html(
                    '<p class="text-body-secondary">No medications on your profile yet: '
                    '<a href="{}">add them on your account page</a> to tick them here.</p>',
                    reverse("diary:account"),
                )
            )

        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset("Drinks", "water_ml", "caffeine_drinks", "alcohol_drinks", "electrolytes"),
            Fieldset(
                "Exercise",
                "exercise_minutes",
                InlineRadios("exercise_intensity"),
                InlineRadios("warmed_up"),
                InlineRadios("stretched"),
            ),
            Fieldset(
                "Your day",
                "sleep_hours",
                "stress",
                "sitting_hours",
                InlineRadios("cold_exposure"),
            ),
            medications_part,
            "notes",
        )

    def clean_water_ml(self) -> int | None:
        text = self.cleaned_data["water_ml"].strip()
        if not text:
            return None
        try:
            return parse_water_ml(text)
        except ValueError as error:
            raise ValidationError(str(error)) from None

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
        cleaned = super().clean()
        answers = [value for name, value in cleaned.items() if name != "medications_taken"]
        nothing_answered = all(value in (None, "") for value in answers)
        if nothing_answered and not cleaned.get("medications_taken") and not self.errors:
            raise ValidationError(
                "Nothing is filled in yet: answer at least one question, "
                "or come back to this day later."
            )
        return cleaned
