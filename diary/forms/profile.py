from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from diary.days import EARLIEST_DAY
from diary.forms.accounts import time_zone_choices
from diary.limits import MAX_MEDICATIONS
from diary.models import Medication, Profile
from diary.vocabularies import Condition, MedicationKind, Theme, medication_name_key


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        choices=time_zone_choices,
        help_text=(
            "Times are entered and shown in this zone. Changing it doesn't move past check-ins: "
            "each stays on the date it was recorded for."
        ),
    )
    conditions = forms.MultipleChoiceField(
        label="Conditions you have",
        required=False,
        choices=Condition.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Profile
        fields = [
            "time_zone",
            "conditions",
            "other_condition",
            "report_name",
            "date_of_birth",
            "theme",
        ]
        help_texts = {
            "other_condition": "Which other condition, when “Other” is ticked.",
            "date_of_birth": "Optional: printed on the doctor's report.",
        }
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "theme": forms.RadioSelect,
        }

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        if born is not None and born < EARLIEST_DAY:
            raise ValidationError(f"Choose a date from {EARLIEST_DAY.year} on.")
        if born is not None and born > timezone.localdate():
            raise ValidationError("A date of birth can't be in the future.")
        return born

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A form sent without the theme (an older page, a script) keeps the one chosen before.
        self.fields["theme"].required = False
        cast(forms.ChoiceField, self.fields["theme"]).choices = Theme.choices
        self.fields["theme"].help_text = "Dark is easier on the eyes at night."

    def clean_theme(self) -> str:
        return self.cleaned_data["theme"] or self.instance.theme

    def clean_conditions(self) -> list[str]:
        ticked = self.cleaned_data["conditions"]
        return [slug for slug in Condition.values if slug in ticked]

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if "conditions" not in cleaned:
            return cleaned
        if Condition.OTHER not in cleaned["conditions"]:
            # Text for an unticked "Other" would otherwise linger unseen in exports.
            cleaned["other_condition"] = ""
        elif not cleaned.get("other_condition"):
            self.add_error("other_condition", "Say which condition, or untick “Other”.")
        return cleaned


class MedicationForm(forms.ModelForm):
    """A medication of the instance's owner; the view sets `user` before binding."""

    class Meta:
        model = Medication
        fields = ["name", "kind", "dose", "started_on", "stopped_on"]
        help_texts = {
            "dose": "Optional, for example 400 mg at night.",
            "started_on": "Roughly is fine: later comparisons of before and after use it.",
            "stopped_on": "Leave blank while you still take it.",
        }
        widgets = {
            "started_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "stopped_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = [
            ("", "Choose a kind"),
            *MedicationKind.choices,
        ]

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        same_name = Medication.objects.for_user(self.instance.user).filter(
            name_key=medication_name_key(name)
        )
        if same_name.exclude(pk=self.instance.pk).exists():
            raise ValidationError(f"You already have a medication called “{name}”.")
        return name

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if self.instance.pk is None:
            held = Medication.objects.for_user(self.instance.user).count()
            if held >= MAX_MEDICATIONS:
                # As the import refuses past it, so the diary file always imports back.
                raise ValidationError(
                    f"You have {held} medications, the most a diary holds: delete one you "
                    "no longer need first (a stopped one can stay with its stop date)."
                )
        return cleaned

    def clean_started_on(self):
        started_on = self.cleaned_data["started_on"]
        if started_on > timezone.localdate():
            raise ValidationError("The start date can't be in the future.")
        return started_on
