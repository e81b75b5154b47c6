"""Warning signs: the documents' "when to see a doctor", as rules over the diary.

Each flag says which rule it met, shows the evidence (episodes, dates) and gives the advice in
plain words. A flag is a prompt to talk to a doctor, never a diagnosis.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from diary.analysis.daytable import EpisodeRecord, MedicationRecord
from diary.analysis.patterns import is_night
from diary.analysis.triggers import SUSPECT_MEDICATION_KINDS, PeriodComparison
from diary.days import local_date
from diary.vocabularies import Muscle, Symptom
from diary.words import count_of

SEVERE_INTENSITY = 8
PROLONGED_SECONDS = 10 * 60
RECENT_WEEKS = 4
FREQUENT_PER_WEEK = 3
NIGHTS_PER_WEEK = 2
# The dashboard lists a flag's latest evidence: years of severe episodes would bury the page.
EVIDENCE_LISTED = 10
# The fields of an EpisodeRecord the rules read (with those it can't do without): the home
# page loads only these.
RED_FLAG_FIELDS = (
    "id",
    "started_at",
    "muscle",
    "side",
    "intensity",
    "duration_seconds",
    "activity",
    "symptoms",
)


@dataclass(frozen=True)
class Evidence:
    day: date
    detail: str
    episode_id: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {"date": self.day.isoformat(), "episode_id": self.episode_id, "detail": self.detail}


@dataclass(frozen=True)
class RedFlag:
    code: str
    rule: str
    message: str
    advice: str
    evidence: tuple[Evidence, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "rule": self.rule,
            "message": self.message,
            "advice": self.advice,
            "evidence": [item.as_json() for item in self.evidence],
        }


@dataclass(frozen=True)
class ListedEvidence:
    """What the dashboard lists of a flag's evidence: the latest items, newest first, and how
    many earlier ones that leaves out."""

    latest: list[Any]
    earlier: int


def listed_evidence(evidence: Sequence[Any], listed: int = EVIDENCE_LISTED) -> ListedEvidence:
    """A flag's evidence (oldest first, as the rules give it) as the dashboard lists it."""
    newest_first = list(reversed(evidence))
    return ListedEvidence(newest_first[:listed], len(newest_first[listed:]))


def _episode_evidence(episode: EpisodeRecord, zone: ZoneInfo, detail: str) -> Evidence:
    local = episode.started_at.astimezone(zone)
    muscle = Muscle(episode.muscle).label.lower()
    return Evidence(local.date(), f"{local:%H:%M}, {muscle}: {detail}", episode.id)


def _severe(episodes: Sequence[EpisodeRecord], zone: ZoneInfo) -> RedFlag | None:
    severe = [e for e in episodes if e.intensity >= SEVERE_INTENSITY]
    if not severe:
        return None
    return RedFlag(
        "severe",
        f"An episode rated {SEVERE_INTENSITY} or more out of 10.",
        f"{count_of(len(severe), 'episode')} rated {SEVERE_INTENSITY} or more out of 10.",
        "Severe pain with a cramp is a reason to see a doctor, above all when stretching, "
        "massage or heat don't ease it.",
        tuple(_episode_evidence(e, zone, f"intensity {e.intensity}") for e in severe),
    )


def _prolonged(episodes: Sequence[EpisodeRecord], zone: ZoneInfo) -> RedFlag | None:
    long = [
        e
        for e in episodes
        if e.duration_seconds is not None and e.duration_seconds > PROLONGED_SECONDS
    ]
    if not long:
        return None
    return RedFlag(
        "prolonged",
        "An episode that lasted longer than 10 minutes.",
        f"{count_of(len(long), 'episode')} lasted longer than 10 minutes.",
        "A cramp usually passes within seconds to a few minutes; ones that last much longer "
        "are worth having a doctor look at.",
        tuple(
            # `long` holds only episodes with a duration.
            _episode_evidence(e, zone, f"{round(e.duration_seconds / 60)} minutes")  # type: ignore[operator]
            for e in long
        ),
    )


def _recent(episodes: Sequence[EpisodeRecord], zone: ZoneInfo, last_day: date):
    first_day = last_day - timedelta(days=7 * RECENT_WEEKS - 1)
    return first_day, [
        e for e in episodes if first_day <= local_date(e.started_at, zone) <= last_day
    ]


def _weekly_evidence(
    episodes: Sequence[EpisodeRecord], zone: ZoneInfo, first_day: date
) -> tuple[Evidence, ...]:
    evidence = []
    days = [local_date(e.started_at, zone) for e in episodes]
    for week in range(RECENT_WEEKS):
        start = first_day + timedelta(days=7 * week)
        end = start + timedelta(days=6)
        count = sum(1 for day in days if start <= day <= end)
        evidence.append(Evidence(start, f"week of {start:%-d %b} to {end:%-d %b}: {count}"))
    return tuple(evidence)


def _frequent(recent: Sequence[EpisodeRecord], zone: ZoneInfo, first_day: date):
    """`recent`: the episodes of the 4 weeks from first_day (_recent)."""
    if len(recent) < FREQUENT_PER_WEEK * RECENT_WEEKS:
        return None
    return RedFlag(
        "frequent",
        f"{FREQUENT_PER_WEEK} or more episodes a week on average over the last 4 weeks.",
        f"{len(recent)} episodes in the last 4 weeks ({len(recent) / RECENT_WEEKS:.1f} a week).",
        "Cramps that keep coming back are a reason to get checked: a doctor can look for "
        "something behind them, such as a medicine, a mineral imbalance or another condition.",
        _weekly_evidence(recent, zone, first_day),
    )


def _sleep_disrupted(recent: Sequence[EpisodeRecord], zone: ZoneInfo, first_day: date):
    """`recent`: the episodes of the 4 weeks from first_day (_recent)."""
    nights = [e for e in recent if is_night(e, zone)]
    if len(nights) < NIGHTS_PER_WEEK * RECENT_WEEKS:
        return None
    return RedFlag(
        "sleep_disrupted",
        f"{NIGHTS_PER_WEEK} or more night episodes a week on average over the last 4 weeks "
        "(asleep, or between 22:00 and 06:00).",
        f"{len(nights)} night episodes in the last 4 weeks.",
        "Cramps that keep waking you are worth raising with a doctor. Meanwhile, gentle "
        "stretching before bed and enough to drink during the day help some people.",
        _weekly_evidence(nights, zone, first_day),
    )


# code, the symptoms that raise it, words that complete "An episode …", advice.
SYMPTOM_FLAGS = (
    (
        "weakness_or_numbness",
        (Symptom.WEAKNESS, Symptom.NUMBNESS),
        "with muscle weakness, numbness or tingling",
        "Weakness, numbness or tingling together with spasms can mean a nerve is involved; "
        "see a doctor about it.",
    ),
    (
        "swelling_or_redness",
        (Symptom.SWELLING, Symptom.REDNESS),
        "with swelling or redness",
        "Swelling or redness with a cramp can point to inflammation or an injury, which a "
        "doctor should look at.",
    ),
    (
        "after_injury",
        (Symptom.INJURY,),
        "after an injury",
        "Spasms after an injury should be assessed by a doctor, to rule out damage to the "
        "muscle or joint.",
    ),
)


def _symptom_flags(episodes: Sequence[EpisodeRecord], zone: ZoneInfo) -> list[RedFlag]:
    flags = []
    for code, symptoms, words, advice in SYMPTOM_FLAGS:
        # Most episodes have no symptom at all: those are passed over first.
        matching = [e for e in episodes if e.symptoms and any(s in e.symptoms for s in symptoms)]
        if matching:
            flags.append(
                RedFlag(
                    code,
                    f"An episode {words}.",
                    f"{count_of(len(matching), 'episode')} {words}.",
                    advice,
                    tuple(
                        _episode_evidence(
                            e,
                            zone,
                            ", ".join(
                                Symptom(s).label.lower() for s in e.symptoms if s in symptoms
                            ),
                        )
                        for e in matching
                    ),
                )
            )
    return flags


def _climb_evidence(comparison: PeriodComparison) -> Evidence:
    watch = comparison.monitor
    assert watch is not None and watch.since is not None  # it raised a flag: an alarm
    return Evidence(
        watch.since,
        f"{watch.observed_since} episodes from {watch.since:%-d %b} on, where about "
        f"{watch.expected_since:.0f} were expected at your usual rate",
    )


def _worsening(trend: PeriodComparison) -> RedFlag | None:
    if not trend.raises_flag:
        return None
    watch = trend.monitor
    assert watch is not None  # it raised a flag
    return RedFlag(
        "worsening",
        "More episodes lately than your own history explains: a running check (CUSUM) against "
        "your usual rate and how much it usually varies, made to be looked at every day.",
        f"Since {watch.since:%-d %b} you logged {watch.observed_since} episodes where about "
        f"{watch.expected_since:.0f} would be usual for you ({watch.baseline_per_week:.1f} a "
        f"week). {trend.summary}",
        "Spasms that become more frequent or more intense over time deserve a medical look.",
        (_climb_evidence(trend),),
    )


def _medication_flags(
    onsets: Sequence[tuple[MedicationRecord, PeriodComparison]],
) -> list[RedFlag]:
    return [
        RedFlag(
            "medication_onset",
            "More episodes since starting a diuretic, statin or bronchodilator than the diary "
            "before it explains (a running check, from 4 weeks on it until its stop date).",
            onset.summary,
            f"Some medicines, diuretics and statins among them, can bring on cramps. Don't stop "
            f"{medication.name} on your own: ask your doctor or pharmacist whether it could "
            "play a part.",
            (
                # medication_onsets keeps only the medications with a start date.
                Evidence(medication.started_on, f"started {medication.name}"),  # type: ignore[arg-type]
                _climb_evidence(onset),
            ),
        )
        for medication, onset in onsets
        if medication.kind in SUSPECT_MEDICATION_KINDS and onset.raises_flag
    ]


def red_flags(
    episodes: Sequence[EpisodeRecord],
    zone: ZoneInfo,
    last_day: date,
    trend: PeriodComparison | None = None,
    onsets: Sequence[tuple[MedicationRecord, PeriodComparison]] = (),
) -> list[RedFlag]:
    """Every rule met by `episodes` (the window's), the most pressing first.

    The frequency rules look at the 4 weeks that end on last_day (the last complete day: a
    window that ends today still shows today's severe or unusual episodes, but does not count
    an unfinished day into a rate).
    """
    first_day, recent = _recent(episodes, zone, last_day)
    flags = [
        _severe(episodes, zone),
        _prolonged(episodes, zone),
        *_symptom_flags(episodes, zone),
        _frequent(recent, zone, first_day),
        _sleep_disrupted(recent, zone, first_day),
        _worsening(trend) if trend is not None else None,
        *_medication_flags(onsets),
    ]
    return [flag for flag in flags if flag is not None]
