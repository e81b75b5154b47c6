from collections.abc import Callable
from datetime import date, timedelta

from django import forms
from django.core.exceptions import ValidationError

from diary.days import EARLIEST_DAY
from diary.insights import DEFAULT_PRESET, PRESETS, TRIGGER_DAYS, window_for_preset

PERIOD_CHOICES = [
    ("30", "30 days"),
    ("90", "90 days"),
    ("365", "A year"),
    ("all", "All"),
]


TRIGGERS_CHOICES = [
    ("window", "On the window shown"),
    ("longer", f"On at least {TRIGGER_DAYS} days"),
]


class InsightsWindowForm(forms.Form):
    """The dates the dashboard covers: a preset, or a start and end of one's own (from GET);
    and whether the triggers are judged on exactly those dates."""

    period = forms.ChoiceField(choices=PERIOD_CHOICES, required=False)
    triggers = forms.ChoiceField(choices=TRIGGERS_CHOICES, required=False)
    start = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_start(self) -> date | None:
        start = self.cleaned_data["start"]
        if start is not None and start < EARLIEST_DAY:
            raise ValidationError(f"Choose a start from {EARLIEST_DAY.year} on.")
        return start

    def clean_end(self) -> date | None:
        end = self.cleaned_data["end"]
        if end is not None and end < EARLIEST_DAY:
            raise ValidationError(f"Choose an end from {EARLIEST_DAY.year} on.")
        if end is not None and end > self.today:
            raise ValidationError("The end can't be in the future.")
        return end

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("start"), cleaned.get("end")
        if start is not None and start > (end or self.today):
            raise ValidationError("The start must be on or before the end.")
        return cleaned

    def window(self, first_day_of_diary: Callable[[], date | None]) -> tuple[date, date]:
        """The chosen window; a custom start or end wins over the preset."""
        start, end = self.cleaned_data.get("start"), self.cleaned_data.get("end")
        if start or end:
            end = end or self.today
            default_start = max(EARLIEST_DAY, end - timedelta(days=PRESETS[DEFAULT_PRESET] - 1))
            return start or default_start, end
        period = self.cleaned_data.get("period") or DEFAULT_PRESET
        diary_start = first_day_of_diary() if period == "all" else None
        return window_for_preset(period, self.today, diary_start)

    def judges_on_window(self) -> bool:
        """Triggers are judged on the dates chosen when the person chose them; the default
        window is too short for most triggers, so then they get at least TRIGGER_DAYS."""
        if self.cleaned_data.get("triggers"):
            return self.cleaned_data["triggers"] == "window"
        return any(self.cleaned_data.get(name) for name in ("period", "start", "end"))
