from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from diary.analysis.daytable import EpisodeRecord, MedicationRecord
from diary.analysis.redflags import EVIDENCE_LISTED, RED_FLAG_FIELDS, listed_evidence, red_flags
from diary.analysis.triggers import medication_onsets, trend

ZONE = ZoneInfo("Europe/Berlin")
TODAY = date(2025, 6, 30)


def episode(day: date, hour: int = 14, **fields) -> EpisodeRecord:
    values = {"muscle": "calf", "side": "left", "intensity": 4, "activity": "sitting"} | fields
    return EpisodeRecord(started_at=datetime.combine(day, time(hour), tzinfo=ZONE), **values)


def codes(episodes, **kwargs) -> list[str]:
    return [flag.code for flag in red_flags(episodes, ZONE, TODAY, **kwargs)]


def recent_days(count: int) -> list[date]:
    """`count` days spread over the last 4 weeks (at most two a day)."""
    return [TODAY - timedelta(days=(n * 2) % 28 + n // 14) for n in range(count)]


def test_the_rules_read_no_field_beyond_red_flag_fields():
    every_field = {
        "kind": "spasm",
        "hydration": "thirsty",
        "relief": ("stretching",),
        "relief_effect": "a_lot",
        "time_estimated": True,
        "created_at": datetime(2025, 7, 1, tzinfo=ZONE),
        "imported": True,
    }
    moments = [(day, hour) for day in recent_days(20) for hour in (3, 14)]
    episodes = [
        episode(
            day,
            hour=hour,
            id=n,
            intensity=n % 11,
            duration_seconds=n * 60,
            symptoms=("numbness", "swelling", "injury")[: n % 4],
            **every_field,
        )
        for n, (day, hour) in enumerate(moments)
    ]
    loaded = [
        EpisodeRecord(**{name: getattr(e, name) for name in RED_FLAG_FIELDS}) for e in episodes
    ]
    flags = red_flags(episodes, ZONE, TODAY)
    assert {flag.code for flag in flags} >= {
        "severe",
        "prolonged",
        "weakness_or_numbness",
        "swelling_or_redness",
        "after_injury",
        "frequent",
        "sleep_disrupted",
    }
    assert red_flags(loaded, ZONE, TODAY) == flags


def test_an_ordinary_diary_raises_no_flag():
    assert codes([episode(TODAY), episode(TODAY - timedelta(days=3))]) == []


@pytest.mark.parametrize("intensity, flagged", [(7, False), (8, True), (10, True)])
def test_severe_means_intensity_8_or_more(intensity, flagged):
    assert ("severe" in codes([episode(TODAY, intensity=intensity, id=7)])) is flagged


def test_the_severe_flag_shows_which_episode():
    [flag] = red_flags([episode(TODAY, hour=3, intensity=9, id=7)], ZONE, TODAY)
    assert flag.message == "1 episode rated 8 or more out of 10."
    assert flag.evidence[0].as_json() == {
        "date": "2025-06-30",
        "episode_id": 7,
        "detail": "03:00, calf: intensity 9",
    }
    assert "doctor" in flag.advice


def test_the_dashboard_lists_the_latest_evidence_newest_first_and_counts_the_rest():
    evidence = list(range(EVIDENCE_LISTED + 42))  # oldest first, as the rules give it
    listed = listed_evidence(evidence)
    assert listed.latest == evidence[::-1][:EVIDENCE_LISTED]
    assert listed.earlier == 42


def test_a_short_list_of_evidence_is_listed_whole():
    assert listed_evidence([1, 2, 3]).latest == [3, 2, 1]
    assert listed_evidence([1, 2, 3]).earlier == 0
    assert listed_evidence(list(range(EVIDENCE_LISTED))).earlier == 0


@pytest.mark.parametrize(
    "seconds, flagged", [(600, False), (601, True), (3600, True), (None, False)]
)
def test_prolonged_means_longer_than_10_minutes(seconds, flagged):
    assert ("prolonged" in codes([episode(TODAY, duration_seconds=seconds)])) is flagged


@pytest.mark.parametrize("count, flagged", [(11, False), (12, True), (20, True)])
def test_frequent_means_3_a_week_over_the_last_4_weeks(count, flagged):
    episodes = [episode(day) for day in recent_days(count)]
    assert ("frequent" in codes(episodes)) is flagged


def test_episodes_older_than_4_weeks_do_not_count_as_frequent():
    episodes = [episode(day) for day in recent_days(11)]
    episodes.append(episode(TODAY - timedelta(days=28)))
    assert "frequent" not in codes(episodes)


def test_the_frequent_flag_counts_each_week():
    episodes = [episode(day) for day in recent_days(12)]
    flag = next(f for f in red_flags(episodes, ZONE, TODAY) if f.code == "frequent")
    assert flag.message == "12 episodes in the last 4 weeks (3.0 a week)."
    assert [item.day for item in flag.evidence] == [
        date(2025, 6, 3),
        date(2025, 6, 10),
        date(2025, 6, 17),
        date(2025, 6, 24),
    ]
    assert sum(int(item.detail.rsplit(": ", 1)[1]) for item in flag.evidence) == 12
    assert flag.evidence[0].detail.startswith("week of 3 Jun to 9 Jun: ")


@pytest.mark.parametrize("count, flagged", [(7, False), (8, True)])
def test_sleep_disrupted_means_2_night_episodes_a_week(count, flagged):
    nights = [episode(day, hour=2, activity="") for day in recent_days(count)]
    days = [episode(day, hour=15) for day in recent_days(10)]
    assert ("sleep_disrupted" in codes(nights + days)) is flagged


def test_an_episode_while_asleep_counts_as_a_night_one_whatever_the_hour():
    naps = [episode(day, hour=15, activity="asleep") for day in recent_days(8)]
    assert "sleep_disrupted" in codes(naps)


@pytest.mark.parametrize(
    "symptom, code",
    [
        ("weakness", "weakness_or_numbness"),
        ("numbness", "weakness_or_numbness"),
        ("swelling", "swelling_or_redness"),
        ("redness", "swelling_or_redness"),
        ("injury", "after_injury"),
    ],
)
def test_each_associated_symptom_raises_its_flag(symptom, code):
    assert codes([episode(TODAY, symptoms=(symptom,))]) == [code]


def test_the_symptom_flags_read_as_sentences():
    episodes = [episode(TODAY, symptoms=("injury",)), episode(TODAY, symptoms=("swelling",))]
    messages = [flag.message for flag in red_flags(episodes, ZONE, TODAY)]
    assert messages == ["1 episode with swelling or redness.", "1 episode after an injury."]


def test_soreness_the_next_day_is_not_a_red_flag():
    assert codes([episode(TODAY, symptoms=("soreness",))]) == []


def counts_for(episodes) -> dict[date, int]:
    counts: dict[date, int] = {}
    for e in episodes:
        day = e.started_at.astimezone(ZONE).date()
        counts[day] = counts.get(day, 0) + 1
    return counts


def test_worsening_needs_a_rise_beyond_the_persons_own_history():
    first = TODAY - timedelta(days=199)
    steady = [episode(TODAY - timedelta(days=n)) for n in range(0, 200, 4)]
    rising = steady + [episode(TODAY - timedelta(days=n), hour=9) for n in range(0, 28, 1)]
    steady_trend = trend(counts_for(steady), first, TODAY)
    assert not steady_trend.raises_flag
    assert "worsening" not in codes(steady, trend=steady_trend)
    rising_trend = trend(counts_for(rising), first, TODAY)
    assert rising_trend.raises_flag
    flag = next(f for f in red_flags(rising, ZONE, TODAY, rising_trend) if f.code == "worsening")
    watch = rising_trend.monitor
    # The climb began when the extra episodes did, about 28 days ago; 7 in 4 weeks were usual.
    assert TODAY - timedelta(days=29) <= watch.since <= TODAY - timedelta(days=27)
    assert watch.observed_since == sum(
        1 for e in rising if e.started_at.astimezone(ZONE).date() >= watch.since
    )
    assert watch.baseline_per_week == pytest.approx(7 / 4, rel=0.05)
    assert f"you logged {watch.observed_since} episodes" in flag.message


def test_a_diary_too_young_for_its_own_baseline_is_not_called_worsening():
    first = TODAY - timedelta(days=89)
    rising = [episode(TODAY - timedelta(days=n)) for n in range(0, 28)]
    rising_trend = trend(counts_for(rising), first, TODAY)
    assert rising_trend.monitor.baseline_per_week is None
    assert "worsening" not in codes(rising, trend=rising_trend)


def test_falling_rates_are_not_worsening():
    first = TODAY - timedelta(days=89)
    falling = [episode(TODAY - timedelta(days=n)) for n in range(28, 56)]
    falling_trend = trend(counts_for(falling), first, TODAY)
    assert falling_trend.comparison.rate_ratio < 1
    assert "worsening" not in codes(falling, trend=falling_trend)


@pytest.mark.parametrize(
    "kind, flagged", [("diuretic", True), ("statin", True), ("supplement", False)]
)
def test_a_rise_since_starting_a_suspect_medication_is_flagged(kind, flagged):
    first = TODAY - timedelta(days=199)
    started = TODAY - timedelta(days=29)
    episodes = [episode(started + timedelta(days=n)) for n in range(30)]
    episodes += [episode(first + timedelta(days=n)) for n in range(0, 170, 10)]
    medication = MedicationRecord("Pill", kind, started_on=started)
    onsets = medication_onsets([medication], counts_for(episodes), first, TODAY)
    flags = red_flags(episodes, ZONE, TODAY, onsets=onsets)
    assert ("medication_onset" in [f.code for f in flags]) is flagged
    if flagged:
        flag = next(f for f in flags if f.code == "medication_onset")
        assert flag.evidence[0].day == started
        assert "Don't stop Pill on your own" in flag.advice


def test_episodes_after_the_last_day_do_not_count_as_frequent():
    episodes = [episode(day) for day in recent_days(11)]
    episodes.append(episode(TODAY + timedelta(days=1)))
    assert "frequent" not in codes(episodes)


def test_a_medication_is_judged_only_after_28_days_on_it():
    first = TODAY - timedelta(days=89)
    started = TODAY - timedelta(days=19)
    episodes = [episode(started + timedelta(days=n)) for n in range(20)]
    medication = MedicationRecord("Furosemide", "diuretic", started_on=started)
    [(_, onset)] = medication_onsets([medication], counts_for(episodes), first, TODAY)
    assert onset.monitor is None and not onset.comparison.enough_data
    assert "8 more days of diary since you started Furosemide" in onset.summary
    assert "medication_onset" not in codes(episodes, onsets=[(medication, onset)])


def test_a_stopped_medication_is_told_in_the_past_and_raises_no_flag():
    first = TODAY - timedelta(days=400)
    started, stopped = TODAY - timedelta(days=330), TODAY - timedelta(days=270)
    episodes = [episode(started + timedelta(days=n)) for n in range(60)]
    statin = MedicationRecord("Atorvastatin", "statin", started_on=started, stopped_on=stopped)
    [(_, onset)] = medication_onsets([statin], counts_for(episodes), first, TODAY)
    assert onset.after == (started, stopped)
    assert onset.summary.startswith(f"{7 * 60 / 61:.1f} cramps a week while you took Atorvastatin")
    assert onset.monitor is None
    assert "medication_onset" not in codes(episodes, onsets=[(statin, onset)])
