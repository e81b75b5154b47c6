"""The CUSUM behind "worsening" and "since you started X", on hand-made and realistic diaries.

Stable diaries have a year of daily checks after 180 days of history; "a doubling" doubles the
rate from day 180 on. The issue's targets: at most 2.5% of daily checks in alarm, at most 25% of
years with any alarm, a doubling caught within 60 days in at least 60%. The figures measured on
500 seeds are in the README; where a target is missed (medium and heavy noise) the slow test
holds the measured figure instead, so that it cannot get worse unnoticed. The last slow test
shows why heavy noise misses: even handed the true rate and dispersion, the CUSUM catches too
few doublings, and an observer of the hidden rate itself only just enough."""

from datetime import date, timedelta
from functools import cache

import numpy as np
import pytest
from synthetic_diary import NOISE, ZONE, generate_realistic, log_rate_drift

from diary.analysis.monitoring import (
    CEILING,
    THRESHOLD,
    cusum,
    dispersion_of,
    rolling_baseline,
    worsening_monitor,
)

LAST_DAY = date(2025, 6, 30)
HISTORY, YEAR, CATCH_DAYS = 180, 365, 60


def daily(diary, days: int) -> np.ndarray:
    first = LAST_DAY - timedelta(days=days - 1)
    counts = np.zeros(days)
    for episode in diary.episodes:
        counts[(episode.started_at.astimezone(ZONE).date() - first).days] += 1
    return counts


def test_the_cusum_adds_the_evidence_for_a_doubling_day_by_day():
    counts = np.array([0, 3, 0, 0])
    rates = np.full(4, 0.5)
    # Each day adds y·ln 2 − 0.5, never going below 0.
    step = 3 * np.log(2) - 0.5
    expected = [0.0, step, step - 0.5, step - 1.0]
    assert cusum(counts, rates, np.ones(4)) == pytest.approx(expected)
    # A dispersion of 2 halves every step.
    assert cusum(counts, rates, np.full(4, 2.0)) == pytest.approx(np.array(expected) / 2)


def test_poisson_history_has_a_dispersion_near_1_and_bad_weeks_more():
    rng = np.random.default_rng(4)
    assert dispersion_of(rng.poisson(0.5, 365).astype(float)) < 1.6
    bad_weeks = np.repeat(rng.gamma(0.5, 2, 52), 7) * 0.5
    assert dispersion_of(rng.poisson(bad_weeks).astype(float)) > 3


def test_the_baseline_ends_four_weeks_before_the_day_checked():
    counts = np.concatenate([np.full(200, 1.0), np.full(28, 5.0)])
    rates, _ = rolling_baseline(counts)
    assert rates[-1] == pytest.approx(1.0)
    assert np.isnan(rates[100])  # fewer than 84 days of history before the gap


def test_a_stable_diary_raises_no_flag_and_a_doubling_does():
    stable = np.tile([1.0, 0.0], 200)
    assert not worsening_monitor(stable, date(2025, 1, 1)).alarm
    doubled = np.concatenate([stable, np.ones(40)])
    watch = worsening_monitor(doubled, date(2025, 1, 1))
    assert watch.alarm and watch.statistic >= THRESHOLD


def test_the_statistic_stops_at_its_ceiling_so_the_flag_clears_soon_after_a_bad_spell():
    rates = np.full(200, 0.5)
    counts = np.concatenate([np.full(100, 3.0), np.zeros(100)])
    statistic = cusum(counts, rates, np.ones(200))
    assert statistic[:100].max() == CEILING
    # Each day without cramps takes 0.5 off: 7.2, 6.7, 6.2, then below 6 on the third day
    # (without the ceiling it would take over 300 days).
    assert pytest.approx(7.2) == CEILING and THRESHOLD == 6
    assert list(statistic[100:103] >= THRESHOLD) == [True, True, False]


def test_the_baseline_is_the_year_that_ends_four_weeks_before():
    counts = np.concatenate([np.full(100, 3.0), np.full(366, 1.0), np.full(28, 9.0)])
    rates, dispersions = rolling_baseline(counts)
    assert rates[-1] == pytest.approx(1.0)  # the first 100 days are more than a year back
    # The dispersion reads all the history before the gap: the early bad spell counts.
    assert dispersions[-1] > 1


@cache
def simulated_counts(level: str, seeds: range) -> tuple[np.ndarray, np.ndarray]:
    """Daily counts, one row a seed: the stable diaries (HISTORY + YEAR days) and the ones that
    double for good after HISTORY days (HISTORY + CATCH_DAYS)."""
    stable, doubled = [], []
    for seed in seeds:
        diary, _ = generate_realistic(seed, NOISE[level], days=HISTORY + YEAR, last_day=LAST_DAY)
        stable.append(daily(diary, HISTORY + YEAR))
        worse, _ = generate_realistic(
            seed + 5000,
            NOISE[level],
            days=HISTORY + CATCH_DAYS,
            last_day=LAST_DAY,
            change=(HISTORY, 2.0),
        )
        doubled.append(daily(worse, HISTORY + CATCH_DAYS))
    return np.array(stable), np.array(doubled)


def monitoring_rates(level: str, seeds: range) -> dict[str, float]:
    stable, doubled = simulated_counts(level, seeds)
    in_alarm = [
        cusum(counts, *rolling_baseline(counts))[HISTORY:] >= THRESHOLD for counts in stable
    ]
    caught = [
        (cusum(counts, *rolling_baseline(counts))[HISTORY:] >= THRESHOLD).any()
        for counts in doubled
    ]
    return {
        "days_in_alarm": float(np.mean(in_alarm)),
        "years_with_alarm": float(np.mean([alarms.any() for alarms in in_alarm])),
        "doubling_caught": float(np.mean(caught)),
    }


# The bound on the share of years with an alarm, at which the bounds below are read.
YEARS_TARGET = 0.25


def caught_at_years_target(year_maxima: np.ndarray, catch_maxima: np.ndarray) -> float:
    """The share of doublings caught at the threshold that puts exactly YEARS_TARGET of the
    stable years in alarm (each array: the statistic's largest value, one a diary)."""
    threshold = np.quantile(year_maxima, 1 - YEARS_TARGET)
    return float((catch_maxima >= threshold).mean())


def known_parameters_caught(level: str, seeds: range) -> float:
    """Doublings caught by the CUSUM handed the true usual rate and the true dispersion of the
    level (an oracle no diary has: the dispersion is measured on all the stable diaries
    together), at a threshold that holds YEARS_TARGET."""
    stable, doubled = simulated_counts(level, seeds)
    rate = NOISE[level].base_rate
    sums = np.array([np.convolve(counts, np.ones(28), mode="valid") for counts in stable])
    dispersion = float(((sums - 28 * rate) ** 2).mean() / (28 * rate))

    def maxima(rows: np.ndarray) -> np.ndarray:
        constant = np.ones(rows.shape[1])
        return np.array(
            [cusum(row, rate * constant, dispersion * constant)[HISTORY:].max() for row in rows]
        )

    # The ceiling cannot matter: the threshold found lies below it.
    return caught_at_years_target(maxima(stable), maxima(doubled))


def hidden_rate_caught(level: str, paths: int = 10_000) -> float:
    """Doublings caught by an observer of the hidden log rate itself, before the Poisson and
    negative binomial scatter of the counts around it, who knows the drift's law and that the
    change is a doubling, holding YEARS_TARGET: a bound for any check on the counts. Its check
    is the exact likelihood-ratio CUSUM for a step in the autoregressive drift (the largest
    log-likelihood ratio over the day the step began)."""
    noise = NOISE[level]
    rng = np.random.default_rng(14)
    memory = np.exp(-1 / noise.drift_days)
    innovation_variance = noise.drift_sd**2 * (1 - memory**2)
    step = np.log(2.0)

    def statistic(drift: np.ndarray) -> np.ndarray:
        # Innovations: the step shows whole on the day it begins, by (1 - memory) after.
        innovations = drift[:, 1:] - memory * drift[:, :-1]
        on_start = (step * innovations - step**2 / 2) / innovation_variance
        later = step * (1 - memory)
        after = (later * innovations - later**2 / 2) / innovation_variance
        best, largest = np.full(len(drift), -np.inf), np.zeros(drift.shape)
        for day in range(innovations.shape[1]):
            best = np.maximum(best + after[:, day], on_start[:, day])
            largest[:, day + 1] = np.maximum(best, 0)
        return largest[:, HISTORY:].max(axis=1)

    stable = log_rate_drift(rng, noise, HISTORY + YEAR, paths)
    doubled = log_rate_drift(rng, noise, HISTORY + CATCH_DAYS, paths)
    doubled[:, HISTORY:] += step
    return caught_at_years_target(statistic(stable), statistic(doubled))


# (days in alarm at most, years with an alarm at most, doublings caught at least)
TARGETS = (0.025, 0.25, 0.6)
# The slow run: the targets where they are met, else the measured figure and a margin.
MEASURED = {
    "mild": TARGETS,
    "medium": (0.025, 0.40, 0.6),  # 35% of years: short of 25%
    "heavy": (0.05, 0.50, 0.5),  # 3.8% of days, 43% of years, 55% caught: short of all three
}
SLOW = pytest.mark.slow
# The normal run, on 25 seeds: looser, but a threshold or dispersion gone wrong still fails it.
FEW_SEEDS = {
    "mild": (0.03, 0.35, 0.5),
    "medium": (0.04, 0.55, 0.5),
    "heavy": (0.07, 0.65, 0.4),
}


@pytest.mark.parametrize("level", list(NOISE))
@pytest.mark.parametrize(
    "seeds, bounds", [(range(25), FEW_SEEDS), pytest.param(range(500), MEASURED, marks=SLOW)]
)
def test_worsening_fires_on_few_days_of_stable_diaries_and_catches_a_doubling(level, seeds, bounds):
    days_share, years_share, caught_share = bounds[level]
    rates = monitoring_rates(level, seeds)
    assert rates["days_in_alarm"] <= days_share
    assert rates["years_with_alarm"] <= years_share
    assert rates["doubling_caught"] >= caught_share


@SLOW
def test_at_heavy_noise_the_true_rate_and_dispersion_still_catch_too_few_doublings():
    # Measured at 500 seeds: 43% (the hidden rate itself: 64%, on 10,000 simulated drifts).
    assert known_parameters_caught("heavy", range(500)) < 0.5
    assert hidden_rate_caught("heavy") < 0.7
