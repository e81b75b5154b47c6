"""Gathers what the doctor's report shows, for one person and window: the insights document
(the same one /insights.json serves) and the few things it leaves out. The report itself is
built by the pure diary/pdf/report.py."""

from collections.abc import Sequence
from datetime import date

from django.utils import timezone

from diary.days import local_date
from diary.insights import cached_document
from diary.models import Episode, Medication, Profile, ShareLink
from diary.pdf.report import EpisodeEntry, MedicationEntry, Report, ReportInput, build_report
from diary.signedin import User
from diary.vocabularies import Condition

EPISODE_COLUMNS = (
    "started_at",
    "muscle",
    "side",
    "intensity",
    "duration_seconds",
    "kind",
    "activity",
    "symptoms",
    "relief",
    "relief_effect",
    "notes",
    "time_estimated",
)


def person_name(user: User, profile: Profile) -> str:
    return profile.report_name or user.get_username()


def condition_labels(profile: Profile) -> list[str]:
    return [
        profile.other_condition if slug == Condition.OTHER else Condition(slug).label
        for slug in profile.conditions
    ]


def report_input(
    user: User,
    profile: Profile,
    first_day: date,
    last_day: date,
    paper: str,
    sections: Sequence[str],
) -> ReportInput:
    """Everything the report for first_day..last_day needs, in a handful of queries."""
    zone = profile.zone
    episodes: list[EpisodeEntry] = []
    if "episodes" in sections:
        for row in (
            Episode.objects.for_user(user)
            .on_local_days(first_day, last_day)
            .order_by("started_at")
            .values(*EPISODE_COLUMNS)
        ):
            started = row.pop("started_at").astimezone(zone)
            row["symptoms"] = tuple(row["symptoms"] or ())
            row["relief"] = tuple(row["relief"] or ())
            episodes.append(EpisodeEntry(started=started, **row))
    medications = [
        MedicationEntry(**row)
        for row in Medication.objects.for_user(user).values(
            "name", "kind", "dose", "started_on", "stopped_on"
        )
    ]
    return ReportInput(
        document=cached_document(user, profile, first_day, last_day),
        person=person_name(user, profile),
        date_of_birth=profile.date_of_birth,
        made_on=local_date(timezone.now(), zone),
        episodes=episodes,
        medications=medications,
        conditions=condition_labels(profile),
        paper=paper,
        sections=tuple(sections),
    )


def chosen_report(
    user: User, profile: Profile, form, sections: Sequence[str] | None = None
) -> Report:
    """The report a valid ReportForm describes; `sections` overrides the form's appendix."""
    first_day, last_day = form.window(lambda: None)
    chosen = form.cleaned_data["sections"] if sections is None else sections
    return build_report(
        report_input(user, profile, first_day, last_day, form.cleaned_data["paper"], chosen)
    )


def shared_report(link: ShareLink, sections: Sequence[str] | None = None) -> Report:
    """The report a share link names, from the diary as it is now."""
    profile = Profile.get_or_create_for(link.user)
    chosen = link.sections if sections is None else sections
    return build_report(
        report_input(link.user, profile, link.first_day, link.last_day, link.paper, chosen)
    )
