import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
import statsmodels.api as sm
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import beta, binom
from statsmodels.stats.multitest import multipletests
from synthetic_diary import ZONE, PlantedEffects, generate

from diary.analysis.daytable import (
    DayRow,
    EpisodeRecord,
    MedicationRecord,
    build_day_table,
    days_between,
)
from diary.analysis.monitoring import dispersion_of
from diary.analysis.triggers import (
    ONSET_MIN_DAYS,
    FactorResult,
    RateComparison,
    analyse_factors,
    benjamini_hochberg,
    medication_onsets,
    trend,
    trigger_factors,
)

BERLIN = ZoneInfo("Europe/Berlin")


def episode_at(moment: datetime) -> EpisodeRecord:
    return EpisodeRecord(started_at=moment, muscle="calf", side="left", intensity=5)


def row(day_number: int, episodes: int, previous: dict | None = None, **answers) -> DayRow:
    day = date(2025, 1, 1) + timedelta(days=day_number)
    return DayRow(day, episodes, {"date": day, **answers}, previous)


def factor_result(results, key: str, lag: int):
    return next(r for r in results if r.factor.key == key and r.lag_days == lag)


# The day table


def test_the_day_table_counts_episodes_on_the_persons_local_day():
    checkins = [{"date": date(2025, 3, 1)}, {"date": date(2025, 3, 2)}]
    # 23:30 UTC on 1 March is 00:30 on 2 March in Berlin.
    episodes = [
        episode_at(datetime(2025, 3, 1, 23, 30, tzinfo=ZoneInfo("UTC"))),
        episode_at(datetime(2025, 3, 1, 22, 30, tzinfo=ZoneInfo("UTC"))),
    ]
    rows = build_day_table(episodes, checkins, BERLIN, date(2025, 3, 1), date(2025, 3, 2))
    assert [(r.day, r.episodes) for r in rows] == [(date(2025, 3, 1), 1), (date(2025, 3, 2), 1)]


def test_the_day_table_leaves_out_days_without_a_check_in():
    checkins = [{"date": date(2025, 3, 1)}, {"date": date(2025, 3, 3)}]
    episodes = [episode_at(datetime(2025, 3, 2, 12, tzinfo=BERLIN))]
    rows = build_day_table(episodes, checkins, BERLIN, date(2025, 3, 1), date(2025, 3, 3))
    assert [r.day for r in rows] == [date(2025, 3, 1), date(2025, 3, 3)]
    assert sum(r.episodes for r in rows) == 0
    # 3 March's previous day had no check-in, so its lag-1 exposure is unknown.
    assert rows[1].previous_checkin is None


def test_the_day_table_takes_the_previous_check_in_from_before_the_window():
    checkins = [{"date": date(2025, 2, 28), "alcohol_drinks": 2}, {"date": date(2025, 3, 1)}]
    rows = build_day_table([], checkins, BERLIN, date(2025, 3, 1), date(2025, 3, 1))
    assert len(rows) == 1
    assert rows[0].previous_checkin["alcohol_drinks"] == 2


# The statistics, on hand-worked cases


def test_a_hand_worked_case_gives_the_exact_p_value_and_interval():
    # 8 of 10 episodes on 10 exposed days, 2 on 10 unexposed: p0 = 1/2, N = 10.
    result = RateComparison(
        exposed_days=10, unexposed_days=10, exposed_episodes=8, unexposed_episodes=2
    )
    assert result.rate_ratio == pytest.approx(4.0)
    # Two-sided: P(X >= 8) + P(X <= 2) = 2 · (1 + 10 + 45) / 1024.
    assert result.p_value == pytest.approx(112 / 1024)
    # Clopper–Pearson from the beta distribution, then p/(1-p) · D0/D1 (D0 = D1 here).
    p_low, p_high = beta.ppf(0.025, 8, 3), beta.ppf(0.975, 9, 2)
    assert result.ci[0] == pytest.approx(p_low / (1 - p_low))
    assert result.ci[1] == pytest.approx(p_high / (1 - p_high))
    # Published Clopper–Pearson interval for 8/10: 0.4439 to 0.9748.
    assert result.ci[0] == pytest.approx(0.4439 / 0.5561, abs=1e-3)
    assert result.ci[1] == pytest.approx(0.9748 / 0.0252, rel=1e-2)
    assert result.rate_difference_per_week == pytest.approx(7 * (0.8 - 0.2))
    # The ratio's interval applied to the unexposed rate of 1.4 a week.
    assert result.rate_difference_ci[0] == pytest.approx(1.4 * (p_low / (1 - p_low) - 1))
    assert result.rate_difference_ci[1] == pytest.approx(1.4 * (p_high / (1 - p_high) - 1))


def test_unequal_day_counts_shift_the_null_proportion():
    # 12 exposed days, 36 unexposed: p0 = 1/4. 9 of 15 episodes on exposed days.
    result = RateComparison(
        exposed_days=12, unexposed_days=36, exposed_episodes=9, unexposed_episodes=6
    )
    assert result.rate_ratio == pytest.approx((9 / 12) / (6 / 36))
    # Equal-tailed: twice the smaller tail, the p-value the Clopper–Pearson interval inverts.
    assert result.p_value == pytest.approx(2 * binom.sf(8, 15, 0.25))
    p_low = beta.ppf(0.025, 9, 7)
    assert result.ci[0] == pytest.approx(p_low / (1 - p_low) * 36 / 12)


@pytest.mark.parametrize(
    "exposed, unexposed", [((20, 40), (60, 20)), ((9, 30), (31, 90)), ((12, 30), (15, 90))]
)
def test_the_rate_ratio_and_interval_agree_with_a_poisson_glm(exposed, unexposed):
    (e1, d1), (e0, d0) = exposed, unexposed
    # One row per day, the episodes spread over the days of each group.
    counts = [len(part) for part in np.array_split(range(e1), d1)]
    counts += [len(part) for part in np.array_split(range(e0), d0)]
    exposure = [1.0] * d1 + [0.0] * d0
    model = sm.GLM(
        np.array(counts), sm.add_constant(np.array(exposure)), family=sm.families.Poisson()
    ).fit()
    glm_ratio = float(np.exp(model.params[1]))
    glm_low, glm_high = np.exp(model.conf_int()[1])
    result = RateComparison(d1, d0, e1, e0)
    assert result.rate_ratio == pytest.approx(glm_ratio, rel=1e-6)
    # The exact interval is a little wider than the GLM's Wald interval, never narrower.
    assert result.ci[0] <= glm_low * 1.01
    assert result.ci[1] >= glm_high * 0.99
    assert result.ci[0] == pytest.approx(glm_low, rel=0.25)
    assert result.ci[1] == pytest.approx(glm_high, rel=0.25)
    # And the exact test agrees with the GLM's Wald test about a clear effect.
    assert (result.p_value < 0.05) == (model.pvalues[1] < 0.05)


def test_no_episodes_on_unexposed_days_gives_null_not_infinity():
    result = RateComparison(
        exposed_days=10, unexposed_days=10, exposed_episodes=6, unexposed_episodes=0
    )
    assert result.rate_ratio is None
    assert result.ci[1] is None
    assert result.ci[0] > 1
    assert result.p_value == pytest.approx(2 * 0.5**6)
    assert result.rate_difference_per_week == pytest.approx(7 * 0.6)
    assert result.rate_difference_ci == (None, None)
    json.dumps(result.as_json(), allow_nan=False)  # raises on NaN or Infinity


def test_no_episodes_on_exposed_days_gives_a_rate_ratio_of_zero():
    result = RateComparison(
        exposed_days=10, unexposed_days=10, exposed_episodes=0, unexposed_episodes=6
    )
    assert result.rate_ratio == 0
    assert result.ci[0] == 0
    assert result.ci[1] > 0
    json.dumps(result.as_json(), allow_nan=False)


@pytest.mark.parametrize(
    "days, episodes, enough",
    [((7, 7), 5, True), ((6, 7), 5, False), ((7, 6), 5, False), ((7, 7), 4, False)],
)
def test_a_factor_is_judged_only_with_enough_days_and_episodes(days, episodes, enough):
    result = RateComparison(days[0], days[1], episodes, 0)
    assert result.enough_data is enough
    if not enough:
        assert result.rate_ratio is None
        assert result.p_value is None
        assert result.ci == (None, None)


@pytest.mark.parametrize(
    ("counts", "day_noun", "expected"),
    [
        (
            (4, 20, 1, 2),
            "more day",
            "needs 3 more days when water < 1.5 L and 2 more episodes on those days.",
        ),
        (
            (6, 6, 2, 2),
            "more check-in day",
            "needs 1 more check-in day when water < 1.5 L, 1 more check-in day without"
            " and 1 more episode on those days.",
        ),
    ],
    ids=["plural", "singular"],
)
def test_the_missing_data_message_says_how_much_more_is_needed(counts, day_noun, expected):
    exposed_days, unexposed_days, exposed_episodes, unexposed_episodes = counts
    result = RateComparison(exposed_days, unexposed_days, exposed_episodes, unexposed_episodes)
    message = result.missing_data_message(day_noun, "when water < 1.5 L", "without")
    assert message == f"Not enough data yet: {expected}"


def test_benjamini_hochberg_matches_a_hand_example():
    # Sorted 0.005, 0.01, 0.03, 0.04 with m = 4: 0.02, 0.02, 0.04, 0.04.
    assert benjamini_hochberg([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.02, 0.04, 0.04, 0.02])


def test_benjamini_hochberg_agrees_with_statsmodels():
    p_values = list(np.random.default_rng(3).uniform(0, 0.2, size=25))
    expected = multipletests(p_values, method="fdr_bh")[1]
    assert benjamini_hochberg(p_values) == pytest.approx(list(expected))


# Factors and lags


def test_a_blank_answer_is_missing_for_that_factor_only():
    rows = [row(n, 1, water_ml=1000 if n % 2 else 2000, stress=None) for n in range(20)]
    results = analyse_factors(rows, trigger_factors())
    water = factor_result(results, "water_ml", 0).comparison
    stress = factor_result(results, "stress", 0).comparison
    assert (water.exposed_days, water.unexposed_days) == (10, 10)
    assert (stress.exposed_days, stress.unexposed_days) == (0, 0)


def test_lag_one_uses_the_previous_days_check_in():
    drank = {"alcohol_drinks": 2}
    sober = {"alcohol_drinks": 0}
    rows = [
        row(0, 3, previous=drank, alcohol_drinks=0),
        row(1, 0, previous=sober, alcohol_drinks=2),
        row(2, 1, previous=None, alcohol_drinks=0),
    ]
    results = analyse_factors(rows, trigger_factors())
    lag0 = factor_result(results, "alcohol_drinks", 0).comparison
    lag1 = factor_result(results, "alcohol_drinks", 1).comparison
    assert (lag0.exposed_days, lag0.exposed_episodes, lag0.unexposed_days) == (1, 0, 2)
    assert (lag1.exposed_days, lag1.exposed_episodes) == (1, 3)
    assert (lag1.unexposed_days, lag1.unexposed_episodes) == (1, 0)


@pytest.mark.parametrize(
    "answers, expected",
    [
        ({"exercise_intensity": "vigorous", "exercise_minutes": 20}, True),
        ({"exercise_intensity": "", "exercise_minutes": 60}, True),
        ({"exercise_intensity": "light", "exercise_minutes": 59}, False),
        ({"exercise_intensity": "none", "exercise_minutes": None}, False),
        ({"exercise_intensity": "", "exercise_minutes": 30}, None),
        ({"exercise_intensity": "light", "exercise_minutes": None}, None),
    ],
)
def test_overexertion_is_vigorous_or_an_hour(answers, expected):
    factor = next(f for f in trigger_factors() if f.key == "exercise_intensity")
    assert factor.is_exposed(answers) is expected


@pytest.mark.parametrize(
    "answers, expected",
    [
        ({"exercise_minutes": 30, "warmed_up": False}, True),
        ({"exercise_minutes": 30, "warmed_up": True}, False),
        ({"exercise_minutes": 0, "warmed_up": None}, False),
        ({"exercise_minutes": 30, "warmed_up": None}, None),
        ({"exercise_minutes": None, "warmed_up": False}, None),
    ],
)
def test_skipping_the_warm_up_counts_only_on_days_with_exercise(answers, expected):
    factor = next(f for f in trigger_factors() if f.key == "warmed_up")
    assert factor.is_exposed(answers) is expected


@pytest.mark.parametrize(
    "key, answers, expected",
    [
        ("water_ml", {"water_ml": 1499}, True),
        ("water_ml", {"water_ml": 1500}, False),
        ("alcohol_drinks", {"alcohol_drinks": 1}, True),
        ("alcohol_drinks", {"alcohol_drinks": 0}, False),
        ("caffeine_drinks", {"caffeine_drinks": 3}, True),
        ("caffeine_drinks", {"caffeine_drinks": 2}, False),
        ("sleep_hours", {"sleep_hours": 5.9}, True),
        ("sleep_hours", {"sleep_hours": 6}, False),
        ("stress", {"stress": 7}, True),
        ("stress", {"stress": 6}, False),
        ("sitting_hours", {"sitting_hours": 8}, True),
        ("sitting_hours", {"sitting_hours": 7.5}, False),
        ("stretched", {"stretched": False}, True),
        ("stretched", {"stretched": None}, None),
        ("cold_exposure", {"cold_exposure": True}, True),
        ("electrolytes", {"electrolytes": []}, True),
        ("electrolytes", {"electrolytes": ["magnesium"]}, False),
        ("electrolytes", {"electrolytes": None}, None),
    ],
)
def test_each_factor_is_exposed_on_its_risk_side(key, answers, expected):
    factor = next(f for f in trigger_factors() if f.key == key)
    assert factor.is_exposed(answers) is expected


def test_q_values_cover_only_the_judged_comparisons():
    rows = [row(n, 2 if n % 2 else 0, water_ml=1000 if n % 2 else 2000) for n in range(30)]
    results = analyse_factors(rows, trigger_factors())
    water = factor_result(results, "water_ml", 0)
    assert water.significant
    assert water.summary.startswith("Associated with your cramps: 14.0 more cramps a week")
    judged = [r for r in results if r.comparison.enough_data]
    assert len(judged) == 1  # lag 1 has no previous check-ins here; no other answers
    assert water.q_value == water.comparison.p_value
    assert all(r.q_value is None for r in results if not r.comparison.enough_data)


# Trend and medication onset


def test_the_trend_compares_the_last_28_days_with_the_28_before():
    last = date(2025, 6, 30)
    counts = {last - timedelta(days=n): 1 for n in range(0, 28, 2)}  # 14 recent
    counts |= {last - timedelta(days=n): 1 for n in range(28, 56, 4)}  # 7 earlier
    result = trend(counts, date(2025, 1, 1), last)
    assert result.after == (date(2025, 6, 3), last)
    assert result.before == (date(2025, 5, 6), date(2025, 6, 2))
    assert result.comparison.exposed_episodes == 14
    assert result.comparison.unexposed_episodes == 7
    assert result.comparison.rate_ratio == pytest.approx(2)
    # Tested with the person's own dispersion, from their history before the last 4 weeks.
    assert result.comparison.dispersion == result.monitor.dispersion >= 1
    assert RateComparison(28, 28, 14, 7).p_value == pytest.approx(binom_two_sided(14, 21, 0.5))


def binom_two_sided(k: int, n: int, p: float) -> float:
    """Equal-tailed exact binomial p-value: twice the smaller tail, at most 1."""
    return float(min(1.0, 2 * min(binom.sf(k - 1, n, p), binom.cdf(k, n, p))))


def test_the_trend_needs_56_days_of_diary():
    last = date(2025, 6, 30)
    counts = {last - timedelta(days=n): 1 for n in range(40)}
    result = trend(counts, last - timedelta(days=39), last)
    assert not result.comparison.enough_data
    assert result.comparison.more_unexposed_days_needed == 16
    assert "16 more days of diary in the 4 weeks before" in result.summary


def test_medication_onset_compares_the_rate_since_it_started():
    first, last = date(2025, 1, 1), date(2025, 3, 31)
    started = date(2025, 3, 1)
    counts = {started + timedelta(days=n): 1 for n in range(0, 31, 3)}  # 11 since
    counts[date(2025, 2, 10)] = 2
    statin = MedicationRecord("Atorvastatin", "statin", started_on=started)
    ignored = MedicationRecord("Magnesium", "supplement", started_on=None)
    [(medication, onset)] = medication_onsets([statin, ignored], counts, first, last)
    assert medication is statin
    assert (onset.comparison.exposed_days, onset.comparison.unexposed_days) == (31, 59)
    assert (onset.comparison.exposed_episodes, onset.comparison.unexposed_episodes) == (11, 2)
    # The dispersion is the diary's before the start; with it at 1 this is the exact test.
    before = [2 if day == date(2025, 2, 10) else 0 for day in days_between(first, started)][:-1]
    assert onset.comparison.dispersion == dispersion_of(np.array(before, dtype=float))
    plain = RateComparison(31, 59, 11, 2, min_days=ONSET_MIN_DAYS)
    assert plain.p_value == pytest.approx(binom_two_sided(11, 13, 31 / 90))
    # Watched against the rate before it: 2 episodes in 59 days.
    assert onset.monitor.baseline_per_week == pytest.approx(round(7 * 2 / 59, 3))
    assert onset.monitor.observed_since == 11


def test_medication_onset_needs_28_days_on_each_side():
    first, last = date(2025, 1, 1), date(2025, 3, 31)
    counts = {date(2025, 3, 20) + timedelta(days=n): 1 for n in range(10)}
    late = MedicationRecord("Furosemide", "diuretic", started_on=date(2025, 3, 20))
    [(_, onset)] = medication_onsets([late], counts, first, last)
    assert not onset.comparison.enough_data
    assert onset.comparison.more_exposed_days_needed == 16


def test_a_medication_started_soon_after_the_diary_asks_for_days_before_it():
    first, last = date(2025, 1, 1), date(2025, 3, 31)
    early = MedicationRecord("Quinine", "other", started_on=date(2025, 1, 11))
    [(_, onset)] = medication_onsets([early], {date(2025, 2, 1): 1}, first, last)
    assert onset.comparison.more_unexposed_days_needed == 18
    assert "18 more days of diary before you started Quinine" in onset.summary
    assert "since you started Quinine" not in onset.summary


# Planted effects and null diaries


def detection_rates(effects: PlantedEffects, seeds: range) -> dict[str, float]:
    last = date(2025, 6, 30)
    first = last - timedelta(days=179)
    found = {"water": 0, "alcohol_lag1": 0, "caffeine": 0, "any": 0}
    for seed in seeds:
        diary = generate(seed, effects, days=180, last_day=last)
        rows = build_day_table(diary.episodes, diary.checkins, ZONE, first, last)
        significant = {
            (r.factor.key, r.lag_days)
            for r in analyse_factors(rows, trigger_factors())
            if r.significant
        }
        found["water"] += ("water_ml", 0) in significant
        found["alcohol_lag1"] += ("alcohol_drinks", 1) in significant
        found["caffeine"] += ("caffeine_drinks", 0) in significant
        found["any"] += bool(significant)
    return {key: count / len(seeds) for key, count in found.items()}


PLANTED = PlantedEffects(low_water=3.0, alcohol_evening_before=2.0, caffeine=1.0)


def test_planted_effects_are_found_in_most_seeds():
    rates = detection_rates(PLANTED, range(30))
    assert rates["water"] >= 0.8
    assert rates["caffeine"] <= 0.1


def test_a_2_5_fold_effect_is_found_in_most_seeds():
    assert detection_rates(PlantedEffects(low_water=2.5), range(30))["water"] >= 0.8


def test_diaries_without_effects_rarely_show_any_significant_factor():
    assert detection_rates(PlantedEffects(), range(40))["any"] <= 0.1


@pytest.mark.slow
def test_planted_effects_are_found_in_most_of_500_seeds():
    rates = detection_rates(PlantedEffects(low_water=2.5, alcohol_evening_before=2.0), range(500))
    assert rates["water"] >= 0.8
    assert rates["caffeine"] <= 0.1


@pytest.mark.slow
def test_at_most_a_tenth_of_500_null_diaries_show_any_significant_factor():
    assert detection_rates(PlantedEffects(), range(1000, 1500))["any"] <= 0.1


@given(
    exposed_days=st.integers(0, 400),
    unexposed_days=st.integers(0, 400),
    exposed_episodes=st.integers(0, 300),
    unexposed_episodes=st.integers(0, 300),
)
def test_any_counts_give_consistent_finite_or_null_numbers(
    exposed_days, unexposed_days, exposed_episodes, unexposed_episodes
):
    result = RateComparison(exposed_days, unexposed_days, exposed_episodes, unexposed_episodes)
    document = result.as_json()
    json.dumps(document, allow_nan=False)
    if not result.enough_data:
        assert all(document[key] is None for key in ("rate_ratio", "ci_low", "ci_high", "p_value"))
        return
    assert 0 <= result.p_value <= 1
    low, high = result.ci
    assert low is not None and low >= 0
    if result.rate_ratio is not None:
        assert low <= result.rate_ratio * (1 + 1e-9)
        assert high is None or result.rate_ratio <= high * (1 + 1e-9)


@given(st.lists(st.floats(0, 1), min_size=1, max_size=30))
def test_q_values_are_at_least_the_p_values_and_keep_their_order(p_values):
    q_values = benjamini_hochberg(p_values)
    assert all(p <= q + 1e-12 <= 1 + 1e-12 for p, q in zip(p_values, q_values, strict=True))
    ranked = sorted(range(len(p_values)), key=lambda i: p_values[i])
    assert all(q_values[a] <= q_values[b] for a, b in zip(ranked, ranked[1:], strict=False))


def test_medication_onset_ignores_a_medication_started_before_the_diary():
    first, last = date(2025, 1, 1), date(2025, 3, 31)
    counts = {first + timedelta(days=n): 1 for n in range(0, 90, 3)}
    old = MedicationRecord("Salbutamol", "bronchodilator", started_on=date(2024, 6, 1))
    on_day_one = MedicationRecord("Atorvastatin", "statin", started_on=first)
    assert medication_onsets([old, on_day_one], counts, first, last) == []


@pytest.mark.parametrize(
    ("lag_days", "expected"),
    [
        (0, "needs 1 more check-in day when water < 1.5 L"),
        (1, "needs 1 more check-in day after a day when water < 1.5 L"),
    ],
)
def test_a_factor_one_day_short_counts_it_in_the_singular(lag_days, expected):
    water = next(factor for factor in trigger_factors() if factor.key == "water_ml")
    comparison = RateComparison(
        exposed_days=6, unexposed_days=20, exposed_episodes=3, unexposed_episodes=3
    )
    summary = FactorResult(water, lag_days, comparison).summary
    assert summary.startswith(f"Not enough data yet: {expected}"), summary
