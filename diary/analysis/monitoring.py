"""Warning flags made to be re-checked every day: a CUSUM on the person's own cramp counts.

A fixed test ("the last 4 weeks against the 4 before, p < 0.05") repeated every day fires on
some day of almost every year by chance alone. A CUSUM is built for that: it adds up, day by
day, the evidence that the rate has doubled against the evidence that it has not,

    S_t = min(CEILING, max(0, S_t-1 + (y_t · ln 2 - λ_t · (2 - 1)) / φ_t)),

and raises the flag while S_t reaches the threshold. λ_t is the person's own rate and φ_t their
own dispersion (how much more their sums over four weeks vary than Poisson ones), both taken
from their history: for "worsening" the year that ends 28 days before (so that a new rise does
not hide in its own baseline), for "since you started X" the diary before X. The ceiling, a
little above the threshold, lets the flag clear within days once a bad spell is over, instead
of the months it would take to pay back all the evidence piled up during it.

The threshold is set on realistic simulated diaries (tests/test_monitoring.py); the figures,
and the targets it misses, are in the README. Other kinds of check, on weekly sums, with a
negative binomial likelihood ratio, or a standardised 8-week sum, traded false alarms against
doublings caught no better there (tests/scripts/monitoring_methods.py); at heavy noise even the
true rate and dispersion leave this check well short of the targets (the slow suite shows it).
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np

# The change the CUSUM is tuned to catch.
MONITORED_RATIO = 2.0
THRESHOLD = 6.0
CEILING = 1.2 * THRESHOLD
BASELINE_GAP_DAYS = 28
BASELINE_DAYS = 365
# The warm-up: no flag until this many days of history lie before the gap.
MIN_BASELINE_DAYS = 84
DISPERSION_DAYS = 28
# A dispersion is measured from two sums of DISPERSION_DAYS on.
MIN_DISPERSION_DAYS = 2 * DISPERSION_DAYS


@dataclass(frozen=True)
class Monitor:
    """Where the CUSUM stands on the last day checked."""

    alarm: bool
    statistic: float
    threshold: float
    # The day the current climb began (the day after the statistic was last 0), if climbing.
    since: date | None
    baseline_per_week: float | None
    dispersion: float | None
    observed_since: int
    expected_since: float

    def as_json(self) -> dict[str, Any]:
        return {
            "alarm": self.alarm,
            "statistic": self.statistic,
            "threshold": self.threshold,
            "since": None if self.since is None else self.since.isoformat(),
            "baseline_per_week": self.baseline_per_week,
            "dispersion": self.dispersion,
            "observed_since": self.observed_since,
            "expected_since": self.expected_since,
        }


def _dispersions(count: np.ndarray, total: np.ndarray, squares: np.ndarray) -> np.ndarray:
    """var / mean of `count` sums with this total and sum of squares (elementwise), at least 1;
    1 without episodes."""
    mean = total / count
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = (squares - count * mean**2) / (count - 1) / mean
    return np.where(total > 0, np.maximum(1.0, ratio), 1.0)


def dispersion_of(counts: np.ndarray) -> float:
    """How much more the sums of DISPERSION_DAYS days in `counts` (every one, overlapping) vary
    than Poisson sums would, at least 1; 1 when the history is too short to say."""
    if len(counts) < MIN_DISPERSION_DAYS:
        return 1.0
    sums = np.convolve(counts, np.ones(DISPERSION_DAYS), mode="valid")
    return float(_dispersions(np.array(len(sums)), sums.sum(), (sums**2).sum()))


def cusum(counts: np.ndarray, rates: np.ndarray, dispersions: np.ndarray) -> np.ndarray:
    """The statistic on every day; days without a baseline (NaN rate) add nothing."""
    step = (counts * np.log(MONITORED_RATIO) - rates * (MONITORED_RATIO - 1)) / dispersions
    statistic = np.empty(len(counts))
    running = 0.0
    for day, value in enumerate(np.nan_to_num(step).tolist()):
        running = min(CEILING, max(0.0, running + value))
        statistic[day] = running
    return statistic


def rolling_baseline(
    counts: np.ndarray, dispersion_days: int = DISPERSION_DAYS
) -> tuple[np.ndarray, np.ndarray]:
    """For each day: the rate of the BASELINE_DAYS that end BASELINE_GAP_DAYS before it (NaN
    when fewer than MIN_BASELINE_DAYS are there), and the dispersion of all the history before
    that end, from its sums of `dispersion_days` (other lengths: for comparing methods)."""
    days = len(counts)
    rates = np.full(days, np.nan)
    dispersions = np.ones(days)
    if days < BASELINE_GAP_DAYS + MIN_BASELINE_DAYS:
        return rates, dispersions
    cumulative = np.concatenate([[0.0], np.cumsum(counts)])
    sums = np.convolve(counts, np.ones(dispersion_days), mode="valid")  # s..s+dispersion_days-1
    sum_cumulative = np.concatenate([[0.0], np.cumsum(sums)])
    square_cumulative = np.concatenate([[0.0], np.cumsum(sums**2)])
    checked = np.arange(BASELINE_GAP_DAYS + MIN_BASELINE_DAYS, days)
    end = checked - BASELINE_GAP_DAYS  # exclusive
    start = np.maximum(0, end - BASELINE_DAYS)
    rates[checked] = (cumulative[end] - cumulative[start]) / (end - start)
    # Every sum that lies wholly before end (end - dispersion_days + 1 of them).
    last = np.maximum(0, end - dispersion_days + 1)
    dispersions[checked] = _dispersions(last, sum_cumulative[last], square_cumulative[last])
    return rates, dispersions


def monitor(
    counts: np.ndarray, rates: np.ndarray, dispersions: np.ndarray, first_day: date
) -> Monitor:
    """The CUSUM's state on the last of `counts` (one per day from first_day)."""
    statistic = cusum(counts, rates, dispersions)
    last = len(counts) - 1
    if last < 0:
        return Monitor(False, 0.0, THRESHOLD, None, None, None, 0, 0.0)
    zeros = np.flatnonzero(statistic == 0)
    start = (zeros[-1] + 1) if len(zeros) else 0
    climbing = statistic[last] > 0
    baseline = rates[last]
    return Monitor(
        alarm=bool(statistic[last] >= THRESHOLD),
        statistic=round(float(statistic[last]), 3),
        threshold=THRESHOLD,
        since=first_day + timedelta(days=int(start)) if climbing else None,
        baseline_per_week=None if np.isnan(baseline) else round(7 * float(baseline), 3),
        dispersion=None if np.isnan(baseline) else round(float(dispersions[last]), 3),
        observed_since=int(counts[start:].sum()) if climbing else 0,
        expected_since=round(float(np.nansum(rates[start:])), 3) if climbing else 0.0,
    )


def worsening_monitor(counts: np.ndarray, first_day: date) -> Monitor:
    """ "Worsening": the CUSUM over the whole diary (`counts` from its first day), each day
    against the person's own rolling baseline."""
    return monitor(counts, *rolling_baseline(counts), first_day)


def medication_monitor(
    before: np.ndarray, since: np.ndarray, started: date, judged_from: date
) -> Monitor | None:
    """ "Since you started X": the CUSUM from the start, against the rate and dispersion of the
    diary before it; None until it has been taken long enough to judge, or with less than
    MIN_DISPERSION_DAYS of diary before it to measure the dispersion on."""
    checked = started + timedelta(days=len(since) - 1)
    if checked < judged_from or len(before) < MIN_DISPERSION_DAYS:
        return None
    rate = float(before.mean())
    return monitor(
        since, np.full(len(since), rate), np.full(len(since), dispersion_of(before)), started
    )
