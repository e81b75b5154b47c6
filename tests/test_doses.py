"""Dose and response: every numeric factor's check-in days in bins of the amount, each bin's
cramp rate with a dispersion-widened exact interval. Coverage on realistic diaries is in
tests/test_honest_statistics.py."""

from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pytest
from scipy.stats import chi2, t
from synthetic_diary import NOISE, ZONE, PlantedEffects, generate, generate_realistic
from test_honest_statistics import rows_from

from diary.analysis.daytable import build_day_table
from diary.analysis.doses import (
    AMOUNTS,
    DOSE_BLOCK_DAYS,
    MIN_DAYS_PER_BIN,
    bin_dispersion,
    dose_response,
    rate_interval,
)


def by_key(document: list[dict]) -> dict[str, dict]:
    return {item["key"]: item for item in document}


def test_every_factor_has_one_label_more_than_edges_and_rising_edges():
    assert [amount.key for amount in AMOUNTS] == [
        "water_ml",
        "sleep_hours",
        "stress",
        "caffeine_drinks",
        "alcohol_drinks",
        "exercise_minutes",
        "sitting_hours",
    ]
    for amount in AMOUNTS:
        assert len(amount.labels) == len(amount.edges) + 1
        assert list(amount.edges) == sorted(set(amount.edges))


def test_days_fall_into_their_bins_and_each_bin_has_its_rate():
    # 7 days under 1 L with 4 episodes, 7 days of 2–2.5 L with none, one of 3 L (too few for a
    # rate), one without an answer (left out).
    water = [800] * 7 + [2000] * 7 + [3000, None]
    episodes = [1, 0, 2, 0, 0, 1, 0] + [0] * 7 + [3, 5]
    rows = rows_from([{"water_ml": w} for w in water], episodes)
    bins = by_key(dose_response(rows))["water_ml"]["bins"]
    assert [(b["label"], b["days"], b["episodes"]) for b in bins] == [
        ("< 1 L", 7, 4),
        ("1–1.5 L", 0, 0),
        ("1.5–2 L", 0, 0),
        ("2–2.5 L", 7, 0),
        ("2.5–3 L", 0, 0),
        ("≥ 3 L", 1, 3),
    ]
    low, none, top = bins[0], bins[3], bins[5]
    assert low["rate_per_day"] == pytest.approx(4 / 7)
    assert (low["ci_low"], low["ci_high"]) == pytest.approx(rate_interval(4, 7, low["dispersion"]))
    # No episodes: nothing to measure the dispersion on, so the plain exact interval.
    assert none["rate_per_day"] == 0 and none["dispersion"] == 1
    assert (none["ci_low"], none["ci_high"]) == pytest.approx((0, chi2.ppf(0.975, 2) / 2 / 7))
    assert top["rate_per_day"] is None and top["ci_low"] is None and not top["enough_data"]
    assert (low["min"], low["max"], top["min"], top["max"]) == (None, 1000, 3000, None)
    assert by_key(dose_response(rows))["water_ml"]["days"] == 15


def test_an_edge_belongs_to_the_bin_above_it_and_decimal_answers_count():
    rows = rows_from(
        [
            {"sleep_hours": Decimal("6.0"), "stress": 7, "exercise_intensity": "none"},
            {"sleep_hours": Decimal("5.9"), "stress": 6, "exercise_minutes": 30},
            {"sleep_hours": None, "stress": 10, "exercise_minutes": None},
        ],
        [1, 0, 2],
    )
    document = by_key(dose_response(rows))

    def days(key: str) -> dict[str, int]:
        return {b["label"]: b["days"] for b in document[key]["bins"] if b["days"]}

    assert days("sleep_hours") == {"6–7 h": 1, "5–6 h": 1}
    assert days("stress") == {"7–8": 1, "5–6": 1, "9–10": 1}
    # "No exercise" with blank minutes is none; blank minutes without it are not recorded.
    assert days("exercise_minutes") == {"none": 1, "30–59 min": 1}


def test_the_rate_interval_is_garwoods_for_the_counts_divided_by_the_dispersion():
    low, high = rate_interval(5, 10)
    assert (low, high) == (pytest.approx(0.16235, abs=1e-4), pytest.approx(1.16683, abs=1e-4))
    low, high = rate_interval(10, 20, dispersion=2.0)
    assert low == pytest.approx(chi2.ppf(0.025, 10) / 2 / 10)
    assert high == pytest.approx(chi2.ppf(0.975, 12) / 2 / 10)
    assert rate_interval(0, 1) == (0, pytest.approx(3.6889, abs=1e-4))


def independent_dispersion(offsets, in_bin, episodes) -> float:
    """bin_dispersion's formula, one phase and one block at a time in plain Python."""
    ratios = []
    total_days = sum(in_bin)
    total_episodes = sum(e for e, b in zip(episodes, in_bin, strict=True) if b)
    rate = total_episodes / total_days
    for phase in range(0, DOSE_BLOCK_DAYS, 2):
        blocks: dict[int, list[float]] = {}
        for offset, member, count in zip(offsets, in_bin, episodes, strict=True):
            if member:
                block = blocks.setdefault((offset + phase) // DOSE_BLOCK_DAYS, [0.0, 0.0])
                block[0] += 1
                block[1] += count
        g = len(blocks)
        if g < 2:
            continue  # one block measures nothing
        squares = sum((e - rate * d) ** 2 for d, e in blocks.values())
        effective = sum(d for d, _ in blocks.values()) ** 2 / sum(d**2 for d, _ in blocks.values())
        widen = (t.ppf(0.975, max(effective - 1, 1)) / 1.959963984540054) ** 2
        ratios.append(g / (g - 1) * squares / total_episodes * widen)
    return max(1.0, sum(ratios) / len(ratios))


def test_the_dispersion_is_the_block_variance_of_the_rate_over_the_poisson_one():
    rng = np.random.default_rng(6)
    offsets = np.sort(rng.choice(200, 150, replace=False))
    in_bin = rng.random(150) < 0.4
    # Bad weeks: the rate of each four weeks is drawn anew.
    episodes = rng.poisson(np.repeat(rng.gamma(0.7, 1.5, 8), 28)[offsets]).astype(float)
    measured = bin_dispersion(offsets, in_bin[None, :], episodes)[0]
    assert measured == pytest.approx(independent_dispersion(offsets, in_bin, episodes))
    assert measured > 2


def test_a_beginning_that_puts_a_bin_in_one_block_does_not_wipe_out_the_others():
    # Twenty days in a row: most beginnings cut them into two blocks, a few keep them in one.
    offsets = np.arange(20)
    episodes = np.array([4.0] * 10 + [0.0] * 10)
    measured = bin_dispersion(offsets, np.ones((1, 20), dtype=bool), episodes)[0]
    assert measured == pytest.approx(independent_dispersion(offsets, [True] * 20, episodes))
    assert measured > 1


def test_independent_days_show_a_dispersion_near_1_and_bad_weeks_more():
    last = date(2025, 6, 30)
    first = last - timedelta(days=364)

    def median_dispersion(diary) -> float:
        rows = build_day_table(diary.episodes, diary.checkins, ZONE, first, last)
        return float(
            np.median(
                [
                    b["dispersion"]
                    for item in dose_response(rows)
                    for b in item["bins"]
                    if b["enough_data"] and b["episodes"]
                ]
            )
        )

    plain = generate(1, PlantedEffects(), days=365, last_day=last)
    noisy, _ = generate_realistic(1, NOISE["heavy"], days=365, last_day=last)
    assert median_dispersion(plain) < 1.5
    assert median_dispersion(noisy) > 2


def test_each_factor_says_its_rates_in_words():
    stressed = [(n // 7) % 2 == 0 for n in range(84)]
    rows = rows_from(
        [{"stress": 8 if s else 2} for s in stressed], [2 if s else 0 for s in stressed]
    )
    stress = by_key(dose_response(rows))["stress"]
    assert stress["summary"].startswith(
        "Cramps a day by your stress that day (0 to 10): 0–2 0.00 (95% CI 0.00 to "
    )
    assert "7–8 2.00 (95% CI" in stress["summary"]
    assert stress["summary"].endswith("The most at 7–8, the fewest at 0–2.")
    water = by_key(dose_response(rows))["water_ml"]
    assert water["summary"] == (
        f"Water: not enough days yet. A bin needs {MIN_DAYS_PER_BIN} check-in days that "
        "recorded it before its rate is shown."
    )


def test_an_empty_diary_has_every_factor_and_no_rate():
    document = dose_response([])
    assert len(document) == len(AMOUNTS)
    assert all(b["days"] == 0 and b["rate_per_day"] is None for i in document for b in i["bins"])
