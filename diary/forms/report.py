from datetime import date

from django import forms
from django.http import QueryDict

from diary.forms.insights import PERIOD_CHOICES, InsightsWindowForm
from diary.pdf.report import APPENDIX_SECTIONS, DEFAULT_PAPER, PAPERS
from diary.sharing import DEFAULT_DAYS, MAX_DAYS, MIN_DAYS

MAX_PERIOD_YEARS = 10


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class SectionsField(forms.MultipleChoiceField):
    """The form always sends an empty value, so that no box ticked means no appendix, while
    a URL without `sections` at all gets every section."""

    def to_python(self, value) -> list[str]:
        return [item for item in super().to_python(value) if item]


class ReportForm(InsightsWindowForm):
    """The report's period, paper and appendix sections (from GET)."""

    period = forms.ChoiceField(
        choices=[choice for choice in PERIOD_CHOICES if choice[0] != "all"], required=False
    )
    paper = forms.ChoiceField(
        choices=[(key, name) for key, (name, _) in PAPERS.items()], required=False
    )
    sections = SectionsField(
        label="Appendix",
        choices=list(APPENDIX_SECTIONS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, data: QueryDict, *args, **kwargs):
        if "sections" not in data:
            data = data.copy()
            data.setlist("sections", list(APPENDIX_SECTIONS))
        super().__init__(data, *args, **kwargs)

    def clean_paper(self) -> str:
        return self.cleaned_data["paper"] or DEFAULT_PAPER

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("start"), cleaned.get("end")
        if start is not None and start < years_before(end or self.today, MAX_PERIOD_YEARS):
            self.add_error("start", f"A report covers at most {MAX_PERIOD_YEARS} years.")
        return cleaned

    def error_text(self) -> str:
        """Every message on one line, each with the field it is about."""
        return " ".join(
            # An ErrorList's items are its messages.
            f"{field}: {message}" if field != "__all__" else message  # type: ignore[misc]
            for field, messages in self.errors.items()
            for message in messages
        )


class ShareForm(ReportForm):
    """The report to share (its period, paper and sections, posted back) and for how long."""

    days = forms.IntegerField(
        label="The link works for",
        min_value=MIN_DAYS,
        max_value=MAX_DAYS,
        initial=DEFAULT_DAYS,
        help_text=f"Days, {MIN_DAYS} to {MAX_DAYS}. You can revoke it sooner on your account page.",
    )
