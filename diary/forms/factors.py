from django import forms
from django.core.exceptions import ValidationError

from diary.limits import LARGEST_ANSWER, MAX_CUSTOM_FACTORS
from diary.models import CustomFactor
from diary.vocabularies import CustomFactorKind, medication_name_key


class CustomFactorForm(forms.ModelForm):
    """One of the person's own factors; the view sets `user` on the instance before binding.

    Its kind is fixed once it exists: answers already given are of that kind.
    """

    class Meta:
        model = CustomFactor
        fields = ["name", "kind", "threshold"]
        labels = {"name": "Name", "kind": "Answered as", "threshold": "Threshold"}
        help_texts = {
            "name": "As the check-in asks it, for example “Ate salty food” or “Hours gardening”.",
            "threshold": (
                "For a count or a scale: days with this much or more are compared with the "
                "others (for example 7 on a scale of 0–10). Not used for yes or no."
            ),
        }
        widgets = {"kind": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["kind"].disabled = True
            self.fields[
                "kind"
            ].help_text = "Fixed once answers can exist; add a new factor instead."

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        same_name = CustomFactor.objects.for_user(self.instance.user).filter(
            name_key=medication_name_key(name)
        )
        if same_name.exclude(pk=self.instance.pk).exists():
            raise ValidationError(f"You already have a factor called “{name}”.")
        return name

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        owned = CustomFactor.objects.for_user(self.instance.user)
        if self.instance.pk is None and owned.count() >= MAX_CUSTOM_FACTORS:
            raise ValidationError(
                f"You have {MAX_CUSTOM_FACTORS} factors of your own, the most there can be: "
                "delete one you no longer need first."
            )
        kind, threshold = cleaned.get("kind"), cleaned.get("threshold")
        if kind == CustomFactorKind.YES_NO:
            cleaned["threshold"] = None
        elif kind in (CustomFactorKind.COUNT, CustomFactorKind.SCALE):
            largest = LARGEST_ANSWER[kind]
            if threshold is None:
                self.add_error("threshold", "A count or a scale needs its threshold.")
            elif not 1 <= threshold <= largest:
                self.add_error("threshold", f"Choose a threshold from 1 to {largest}.")
        return cleaned
