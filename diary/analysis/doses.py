"""Dose and response: the cramp rate at each amount of every numeric factor, not only whether a
threshold was crossed.

Each factor's check-in days are put into bins of the amount recorded that day (one table,
AMOUNTS, holds every factor's bin edges and labels). A bin's rate is its episodes over its days.
Its 95% interval is widened the way the triggers' are: cramps come in bad weeks, so the
episodes of a bin vary more than Poisson counts would. How much more, the dispersion φ, is
measured on the diary itself: the days are cut into calendar blocks of four weeks (twice the
triggers' BLOCK_DAYS) and the variance of the bin's rate across blocks (a cluster-robust
variance, widened as Student's t would for the effective number of blocks it rests on, and
averaged over where the blocks begin) is set against the Poisson variance. The counts divided
by φ then go into the exact (Garwood) Poisson interval, as the triggers' go into their exact
binomial one.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
from scipy.special import gammaincinv, ndtri, stdtrit

from diary.analysis.daytable import CheckInRecord, DayRow
from diary.analysis.triggers import BLOCK_DAYS, MIN_DAYS_EACH_SIDE

# A bin gets a rate and an interval from this many check-in days on (as a trigger factor's side).
MIN_DAYS_PER_BIN = MIN_DAYS_EACH_SIDE
# Twice the triggers' block: a bin's rate is not a comparison within the diary, so the slow
# drift of the rate (bad weeks that run into the next block) must stay inside a block too.
DOSE_BLOCK_DAYS = 2 * BLOCK_DAYS

Reading = Callable[[CheckInRecord], float | None]


def field_value(field: str) -> Reading:
    def read(checkin: CheckInRecord) -> float | None:
        value = checkin.get(field)
        if value is None or value == "":
            return None
        return float(value) if isinstance(value, int | float | Decimal) else None

    return read


def _exercise_minutes(checkin: CheckInRecord) -> float | None:
    # "No exercise" with the minutes left blank is 0 minutes, as the trigger factors read it.
    if checkin.get("exercise_intensity") == "none" and checkin.get("exercise_minutes") is None:
        return 0.0
    return field_value("exercise_minutes")(checkin)


@dataclass(frozen=True)
class Amount:
    """A numeric factor and its bins: bin i holds edges[i - 1] <= amount < edges[i]."""

    key: str  # the check-in field
    title: str  # "Water": the chart's panel
    measure: str  # completes "Cramps a day by …": "the water you drank that day"
    edges: tuple[float, ...]
    labels: tuple[str, ...]  # one more than edges
    read: Reading


AMOUNTS: tuple[Amount, ...] = (
    Amount(
        "water_ml",
        "Water",
        "the water you drank that day",
        (1000, 1500, 2000, 2500, 3000),
        ("< 1 L", "1–1.5 L", "1.5–2 L", "2–2.5 L", "2.5–3 L", "≥ 3 L"),
        field_value("water_ml"),
    ),
    Amount(
        "sleep_hours",
        "Sleep",
        "the hours you slept the night before",
        (5, 6, 7, 8),
        ("< 5 h", "5–6 h", "6–7 h", "7–8 h", "≥ 8 h"),
        field_value("sleep_hours"),
    ),
    Amount(
        "stress",
        "Stress",
        "your stress that day (0 to 10)",
        (3, 5, 7, 9),
        ("0–2", "3–4", "5–6", "7–8", "9–10"),
        field_value("stress"),
    ),
    Amount(
        "caffeine_drinks",
        "Caffeine",
        "the caffeinated drinks you had that day",
        (1, 2, 3, 4),
        ("none", "1", "2", "3", "4 or more"),
        field_value("caffeine_drinks"),
    ),
    Amount(
        "alcohol_drinks",
        "Alcohol",
        "the alcoholic drinks you had that day",
        (1, 2, 3),
        ("none", "1", "2", "3 or more"),
        field_value("alcohol_drinks"),
    ),
    Amount(
        "exercise_minutes",
        "Exercise",
        "the minutes you exercised that day",
        (1, 30, 60, 90),
        ("none", "1–29 min", "30–59 min", "60–89 min", "≥ 90 min"),
        _exercise_minutes,
    ),
    Amount(
        "sitting_hours",
        "Sitting",
        "the hours you sat that day",
        (4, 6, 8, 10),
        ("< 4 h", "4–6 h", "6–8 h", "8–10 h", "≥ 10 h"),
        field_value("sitting_hours"),
    ),
)


def rate_interval(episodes: float, days: float, dispersion: float = 1.0) -> tuple[float, float]:
    """The exact (Garwood) 95% interval of a Poisson rate of `episodes` over `days`, for counts
    divided by the dispersion (they may then be fractional)."""
    events, exposure = episodes / dispersion, days / dispersion
    low = float(gammaincinv(events, 0.025)) if events > 0 else 0.0
    high = float(gammaincinv(events + 1, 0.975))
    return low / exposure, high / exposure


def bin_dispersion(offsets: np.ndarray, in_bin: np.ndarray, episodes: np.ndarray) -> np.ndarray:
    """For each row of `in_bin` (True on the days of a bin; `offsets` the days' numbers in the
    calendar, `episodes` their counts): the cluster-robust variance of the bin's rate over
    calendar blocks of DOSE_BLOCK_DAYS, over its Poisson variance, averaged over where the blocks
    begin (over the beginnings that put its days in two blocks or more); at least 1, and 1 when
    it can't be measured (no episodes, or days in one block whichever the beginning).

    With E_b episodes on D_b days of the bin in block b, r = ΣE_b / ΣD_b and G blocks that hold
    days of the bin, the variance of r is G / (G - 1) · Σ_b (E_b - r · D_b)² / (ΣD_b)², the
    Poisson one r / ΣD_b: their ratio is G / (G - 1) · Σ_b (E_b - r · D_b)² / ΣE_b, times
    (t_0.975,K-1 / z_0.975)² for K = (ΣD_b)² / ΣD_b² effective blocks.
    """
    count = in_bin.shape[0]
    if len(offsets) == 0:
        return np.ones(count)
    span = int(offsets[-1]) + 1
    days_in_bin = in_bin.astype(float)
    episodes_in_bin = days_in_bin * episodes
    total_days = days_in_bin.sum(axis=1)
    total_episodes = episodes_in_bin.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(total_days > 0, total_episodes / total_days, 0.0)
    ratios = []
    for phase in range(0, DOSE_BLOCK_DAYS, 2):
        blocks = (offsets + phase) // DOSE_BLOCK_DAYS
        width = (span + phase) // DOSE_BLOCK_DAYS + 1
        cells = (np.arange(count)[:, None] * width + blocks[None, :]).ravel()
        days_per_block = np.bincount(cells, days_in_bin.ravel(), count * width).reshape(
            count, width
        )
        episodes_per_block = np.bincount(cells, episodes_in_bin.ravel(), count * width).reshape(
            count, width
        )
        occupied = (days_per_block > 0).sum(axis=1)
        squares = ((episodes_per_block - rate[:, None] * days_per_block) ** 2).sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            # A variance from few blocks is itself uncertain: widen as Student's t would, with
            # a degree of freedom fewer than the blocks' effective number (Kish's (ΣD_b)² /
            # ΣD_b²: a bin with most of its days in two blocks rests on about two, not ten).
            effective = days_per_block.sum(axis=1) ** 2 / (days_per_block**2).sum(axis=1)
            widen = (stdtrit(np.maximum(effective - 1, 1), 0.975) / ndtri(0.975)) ** 2
            ratios.append(occupied / (occupied - 1) * squares / total_episodes * widen)
    # A phase that puts all of a bin's days in one block measures nothing: average the others.
    measured = np.array(ratios)
    finite = np.isfinite(measured)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(finite, measured, 0.0).sum(axis=0) / finite.sum(axis=0)
    return np.where(np.isfinite(ratio), np.maximum(ratio, 1.0), 1.0)


def _bin_json(
    amount: Amount, index: int, days: int, episodes: int, dispersion: float
) -> dict[str, Any]:
    judged = days >= MIN_DAYS_PER_BIN
    ci_low, ci_high = rate_interval(episodes, days, dispersion) if judged else (None, None)
    return {
        "label": amount.labels[index],
        "min": amount.edges[index - 1] if index else None,
        "max": amount.edges[index] if index < len(amount.edges) else None,
        "days": days,
        "episodes": episodes,
        "enough_data": judged,
        "rate_per_day": episodes / days if judged else None,
        "ci_low": ci_low,
        "ci_high": ci_high,
        "dispersion": float(dispersion) if judged else None,
    }


def _summary(amount: Amount, bins: Sequence[dict[str, Any]]) -> str:
    judged = [b for b in bins if b["enough_data"]]
    if not judged:
        return (
            f"{amount.title}: not enough days yet. A bin needs {MIN_DAYS_PER_BIN} check-in days "
            "that recorded it before its rate is shown."
        )
    rates = "; ".join(
        f"{b['label']} {b['rate_per_day']:.2f} (95% CI {b['ci_low']:.2f} to {b['ci_high']:.2f})"
        for b in judged
    )
    sentence = f"Cramps a day by {amount.measure}: {rates}."
    if len(judged) < 2:
        return sentence
    most = max(judged, key=lambda b: b["rate_per_day"])
    fewest = min(judged, key=lambda b: b["rate_per_day"])
    if most["rate_per_day"] == fewest["rate_per_day"]:
        return sentence + " The rate was the same at every amount."
    sentence += f" The most at {most['label']}, the fewest at {fewest['label']}"
    # Intervals that do not overlap are no verdict either: the most and the fewest were
    # picked from several levels, so they are left to the triggers, which correct for that.
    if most["ci_low"] <= fewest["ci_high"]:
        return sentence + "; their intervals overlap, so the difference could be chance."
    return sentence + "."


def dose_response(rows: Sequence[DayRow]) -> list[dict[str, Any]]:
    """For every factor of AMOUNTS: the episodes, days and rate per day in each bin of the
    amount recorded that day, with dispersion-widened 95% intervals and a sentence."""
    if rows:
        first = rows[0].day
        offsets = np.array([(row.day - first).days for row in rows], dtype=int)
    else:
        offsets = np.zeros(0, dtype=int)
    episodes = np.array([row.episodes for row in rows], dtype=float)
    checkins = [row.checkin for row in rows]
    masks, where = [], []
    for amount in AMOUNTS:
        values = np.array([amount.read(checkin) for checkin in checkins], dtype=float)  # None: NaN
        index = np.searchsorted(np.array(amount.edges, dtype=float), values, side="right")
        for bin_index in range(len(amount.labels)):
            masks.append(~np.isnan(values) & (index == bin_index))
            where.append((amount, bin_index))
    stacked = np.array(masks, dtype=bool).reshape(len(masks), len(rows))
    dispersions = bin_dispersion(offsets, stacked, episodes)
    by_amount: dict[str, list[dict[str, Any]]] = {amount.key: [] for amount in AMOUNTS}
    for (amount, bin_index), mask, dispersion in zip(where, stacked, dispersions, strict=True):
        by_amount[amount.key].append(
            _bin_json(amount, bin_index, int(mask.sum()), int(episodes[mask].sum()), dispersion)
        )
    return [
        {
            "key": amount.key,
            "title": amount.title,
            "measure": amount.measure,
            "days": sum(b["days"] for b in by_amount[amount.key]),
            "bins": by_amount[amount.key],
            "summary": _summary(amount, by_amount[amount.key]),
        }
        for amount in AMOUNTS
    ]
