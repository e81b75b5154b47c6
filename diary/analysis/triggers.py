"""Honest trigger statistics: episode rates on exposed versus unexposed days.

For a factor at a lag, D1 exposed days with E1 episodes are compared with D0 unexposed days with
E0 episodes. Given N = E1 + E0, if days were independent Poisson draws E1 would be
Binomial(N, D1 / (D1 + D0)). Real diaries are not: cramps come in bad weeks and habits in runs,
so E1 varies more than that. The block-permutation variance measures how much more: the days
are cut into blocks of two weeks, and the variance of E1 - share · N over every rearrangement
of the blocks of exposures against the blocks of episodes (computed exactly, not sampled; and
averaged over where the blocks begin) is set against the binomial variance. Their ratio, the
dispersion φ (at least 1), scales the counts (E1 / φ of N / φ), and one exact binomial test of
the scaled counts gives both the p-value (equal-tailed) and the 95% interval (Clopper–Pearson),
so that the interval excludes 1 exactly when p < 0.05. Benjamini–Hochberg q-values guard
against the many factors tested at once. A comparison with too few days or episodes is not
judged at all.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from typing import Any

import numpy as np
from scipy.special import betainc, betaincinv

from diary.analysis.daytable import CheckInRecord, CustomFactorRecord, DayRow, MedicationRecord
from diary.analysis.monitoring import Monitor, dispersion_of, medication_monitor, worsening_monitor
from diary.words import count_of

# A factor is judged only with this many exposed days, as many unexposed, and MIN_EPISODES.
MIN_DAYS_EACH_SIDE = 7
MIN_EPISODES = 5
SIGNIFICANCE = 0.05
LAGS = (0, 1)
# The block of the block-permutation variance: long enough to hold a bad week or a habit's run.
BLOCK_DAYS = 14
# Same-day and day-before rows whose exposures correlate at least this much are one finding.
MERGE_CORRELATION = 0.5
# Another factor is named as moving with a judged one from this |correlation| on; from the
# weaker one on when it goes with cramps at least as clearly (a smaller p-value) or clearly
# enough on its own (p < SIGNIFICANCE), since then it may be the one behind this factor's
# numbers even where this factor's own p-value happens to come out smaller.
CO_OCCURRENCE = 0.4
WEAK_CO_OCCURRENCE = 0.2
TREND_DAYS = 28
# A medication is compared with the time before it once it has been taken this long (and with
# as many days of diary before it): its effect on cramps takes weeks to show.
ONSET_MIN_DAYS = 28
# The documents name these medication kinds as ones that can bring on cramps.
SUSPECT_MEDICATION_KINDS = ("diuretic", "statin", "bronchodilator")

CORRELATION_NOTE = (
    "These are associations in your own diary, not proof of cause: a factor can go with more "
    "cramps because something else changes on the same days. They are worth testing (change one "
    "thing for a few weeks and keep logging) and worth showing your doctor."
)

Exposure = Callable[[CheckInRecord], bool | None]


@dataclass(frozen=True)
class Factor:
    key: str  # the check-in field, or "custom:<name>" for a factor of the person's own
    exposure: str  # the threshold as shown to the user: "water < 1.5 L"
    on_days_when: str  # completes "on days when …": "you drank less than 1.5 L"
    is_exposed: Exposure  # True, False, or None when the answer is missing


def _blank(value: Any) -> bool:
    return value is None or value == ""


def at_least(field: str, threshold: float) -> Exposure:
    def is_exposed(checkin: CheckInRecord) -> bool | None:
        value: Any = checkin.get(field)
        return None if _blank(value) else float(value) >= threshold

    return is_exposed


def below(field: str, threshold: float) -> Exposure:
    def is_exposed(checkin: CheckInRecord) -> bool | None:
        value: Any = checkin.get(field)
        return None if _blank(value) else float(value) < threshold

    return is_exposed


def answered(field: str, answer: bool) -> Exposure:
    def is_exposed(checkin: CheckInRecord) -> bool | None:
        value = checkin.get(field)
        return None if value is None else value is answer

    return is_exposed


def _exercised(checkin: CheckInRecord) -> bool | None:
    minutes = checkin.get("exercise_minutes")
    if checkin.get("exercise_intensity") == "none" or minutes == 0:
        return False
    return None if minutes is None else True


def _overexerted(checkin: CheckInRecord) -> bool | None:
    intensity = checkin.get("exercise_intensity") or None
    minutes = checkin.get("exercise_minutes")
    if intensity == "vigorous" or (minutes is not None and minutes >= 60):
        return True
    if _exercised(checkin) is False:
        return False
    # A short session whose intensity was not recorded may still have been vigorous.
    return None if intensity is None or minutes is None else False


def _skipped_warm_up(checkin: CheckInRecord) -> bool | None:
    exercised = _exercised(checkin)
    if exercised is not True:
        return exercised
    warmed_up = checkin.get("warmed_up")
    return None if warmed_up is None else not warmed_up


def _no_electrolytes(checkin: CheckInRecord) -> bool | None:
    taken = checkin.get("electrolytes")
    return None if taken is None else not taken


def custom_factor(factor: CustomFactorRecord) -> Factor:
    """A factor of the person's own: exposed on a yes, or from its threshold on."""
    name, threshold = factor.name, factor.threshold

    def is_exposed(checkin: CheckInRecord) -> bool | None:
        answer = (checkin.get("custom_factors") or {}).get(name)
        if answer is None:
            return None
        return bool(answer) if threshold is None else answer >= threshold

    if threshold is None:
        return Factor(f"custom:{name}", f"{name}: yes", f"you answered yes to “{name}”", is_exposed)
    of_ten = " of 10" if factor.kind == "scale" else ""
    return Factor(
        f"custom:{name}",
        f"{name} ≥ {threshold}{of_ten}",
        f"“{name}” was {threshold}{of_ten} or more",
        is_exposed,
    )


def trigger_factors(custom_factors: Iterable[CustomFactorRecord] = ()) -> list[Factor]:
    """The factors the documents name, each on its risk side, then one per factor of the
    person's own: all judged as one family (one set of q-values).

    A medication is not one of them: "took X" switches on once, at its start, so it is
    confounded with everything else that changed since; `medication_onsets` compares the time
    before and after honestly instead.
    """
    factors = [
        Factor("water_ml", "water < 1.5 L", "you drank less than 1.5 L", below("water_ml", 1500)),
        Factor(
            "alcohol_drinks",
            "alcohol ≥ 1 drink",
            "you had alcohol",
            at_least("alcohol_drinks", 1),
        ),
        Factor(
            "caffeine_drinks",
            "caffeine ≥ 3 drinks",
            "you had 3 or more caffeinated drinks",
            at_least("caffeine_drinks", 3),
        ),
        Factor(
            "exercise_intensity",
            "vigorous exercise or ≥ 60 min",
            "you exercised hard or for an hour or more",
            _overexerted,
        ),
        Factor(
            "warmed_up",
            "exercise without warm-up",
            "you exercised without warming up",
            _skipped_warm_up,
        ),
        Factor("stretched", "no stretching", "you did not stretch", answered("stretched", False)),
        Factor(
            "sleep_hours", "sleep < 6 h", "you slept less than 6 hours", below("sleep_hours", 6)
        ),
        Factor("stress", "stress ≥ 7 of 10", "your stress was 7 or more", at_least("stress", 7)),
        Factor(
            "sitting_hours",
            "sitting ≥ 8 h",
            "you sat for 8 hours or more",
            at_least("sitting_hours", 8),
        ),
        Factor(
            "cold_exposure",
            "cold exposure",
            "you were exposed to cold",
            answered("cold_exposure", True),
        ),
        Factor(
            "electrolytes",
            "no electrolytes taken",
            "you took no electrolytes",
            _no_electrolytes,
        ),
    ]
    return [*factors, *(custom_factor(factor) for factor in custom_factors)]


@dataclass(frozen=True)
class RateComparison:
    """Episode rates in an exposed and an unexposed group of days, and whether they differ."""

    exposed_days: int
    unexposed_days: int
    exposed_episodes: int
    unexposed_episodes: int
    min_days: int = MIN_DAYS_EACH_SIDE
    min_episodes: int = MIN_EPISODES
    # How much more E1 varies than a binomial count would (1: independent Poisson days).
    dispersion: float = 1.0

    @property
    def episodes(self) -> int:
        return self.exposed_episodes + self.unexposed_episodes

    @property
    def more_exposed_days_needed(self) -> int:
        return max(0, self.min_days - self.exposed_days)

    @property
    def more_unexposed_days_needed(self) -> int:
        return max(0, self.min_days - self.unexposed_days)

    @property
    def more_episodes_needed(self) -> int:
        return max(0, self.min_episodes - self.episodes)

    @property
    def enough_data(self) -> bool:
        return not (
            self.more_exposed_days_needed
            or self.more_unexposed_days_needed
            or self.more_episodes_needed
        )

    @property
    def known_rates(self) -> tuple[float, float]:
        """The exposed and unexposed rates, once enough_data has made sure both have days."""
        return (
            self.exposed_episodes / self.exposed_days,
            self.unexposed_episodes / self.unexposed_days,
        )

    @property
    def exposed_rate(self) -> float | None:
        return self.exposed_episodes / self.exposed_days if self.exposed_days else None

    @property
    def unexposed_rate(self) -> float | None:
        return self.unexposed_episodes / self.unexposed_days if self.unexposed_days else None

    def _proportion_to_ratio(self, proportion: float) -> float | None:
        # E1 / N = p  ⇔  RR = p / (1 - p) · D0 / D1; p = 1 is an infinite ratio.
        if proportion >= 1:
            return None
        return float(proportion / (1 - proportion) * self.unexposed_days / self.exposed_days)

    @property
    def rate_ratio(self) -> float | None:
        if not self.enough_data or self.unexposed_episodes == 0:
            return None
        exposed, unexposed = self.known_rates
        return exposed / unexposed

    @property
    def _share(self) -> float:
        return self.exposed_days / (self.exposed_days + self.unexposed_days)

    @property
    def _scaled(self) -> tuple[float, float]:
        """E1 and N divided by the dispersion: the counts worth as much as independent ones."""
        return self.exposed_episodes / self.dispersion, self.episodes / self.dispersion

    @cached_property
    def p_value(self) -> float | None:
        """Equal-tailed: twice the smaller tail of Binomial(N / φ, share) at E1 / φ."""
        if not self.enough_data:
            return None
        exposed, total = self._scaled
        upper = 1.0 if exposed <= 0 else betainc(exposed, total - exposed + 1, self._share)
        lower = 1.0 if exposed >= total else betainc(total - exposed, exposed + 1, 1 - self._share)
        return min(1.0, 2 * float(min(upper, lower)))

    @cached_property
    def ci(self) -> tuple[float | None, float | None]:
        if not self.enough_data:
            return None, None
        low, high = _clopper_pearson(*self._scaled)
        return self._proportion_to_ratio(low), self._proportion_to_ratio(high)

    @cached_property
    def detectable_rate_ratio(self) -> float | None:
        """The smallest rate ratio above 1 that this diary could show: the one whose expected
        counts would just reach p < 0.05 (so it stands out about half the time). None when even
        all the episodes on exposed days would not be enough."""
        if not self.enough_data:
            return None
        _, total = self._scaled
        if _lower_bound(total, total) <= self._share:
            return None
        low, high = total * self._share, total
        for _ in range(30):  # to a billionth of the range: far below what is shown
            middle = (low + high) / 2
            if _lower_bound(middle, total) > self._share:
                high = middle
            else:
                low = middle
        return self._proportion_to_ratio(high / total)

    @property
    def rate_difference_per_week(self) -> float | None:
        if not self.enough_data:
            return None
        exposed, unexposed = self.known_rates
        return 7 * (exposed - unexposed)

    @property
    def rate_difference_ci(self) -> tuple[float | None, float | None]:
        """The rate ratio's interval, applied to the unexposed days' rate, in episodes per week.

        Taken from the ratio's interval so that both tell the same story (an interval of the
        difference that excludes zero exactly when the ratio's excludes one). Without episodes
        on the unexposed days there is no rate to apply it to, so it is not computable.
        """
        if not self.enough_data or self.unexposed_episodes == 0:
            return None, None
        weekly = 7 * self.known_rates[1]
        low, high = (None if ratio is None else weekly * (ratio - 1) for ratio in self.ci)
        return low, high

    def missing_data_message(self, day_noun: str, exposed_words: str, unexposed_words: str) -> str:
        """ "needs 1 more check-in day when …": `day_noun` is counted, the words follow it."""
        needs = []
        if self.more_exposed_days_needed:
            needs.append(f"{count_of(self.more_exposed_days_needed, day_noun)} {exposed_words}")
        if self.more_unexposed_days_needed:
            needs.append(f"{count_of(self.more_unexposed_days_needed, day_noun)} {unexposed_words}")
        if self.more_episodes_needed:
            needs.append(f"{count_of(self.more_episodes_needed, 'more episode')} on those days")
        return "Not enough data yet: needs " + _join(needs) + "."

    def as_json(self) -> dict[str, Any]:
        ci_low, ci_high = self.ci
        rd_low, rd_high = self.rate_difference_ci
        return {
            "exposed_days": self.exposed_days,
            "unexposed_days": self.unexposed_days,
            "exposed_episodes": self.exposed_episodes,
            "unexposed_episodes": self.unexposed_episodes,
            "rate_ratio": self.rate_ratio,
            "ci_low": ci_low,
            "ci_high": ci_high,
            "p_value": self.p_value,
            "rate_difference_per_week": self.rate_difference_per_week,
            "rate_difference_ci_low": rd_low,
            "rate_difference_ci_high": rd_high,
            "enough_data": self.enough_data,
            "dispersion": self.dispersion,
        }


def _lower_bound(exposed: float, total: float) -> float:
    return 0.0 if exposed <= 0 else float(betaincinv(exposed, total - exposed + 1, 0.025))


def _clopper_pearson(exposed: float, total: float) -> tuple[float, float]:
    """The exact 95% interval of a binomial proportion, for counts that may be fractional."""
    low = _lower_bound(exposed, total)
    high = 1.0 if exposed >= total else float(betaincinv(exposed + 1, total - exposed, 0.975))
    return low, high


def _join(parts: Sequence[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def benjamini_hochberg(p_values: Sequence[float]) -> list[float]:
    """Benjamini–Hochberg adjusted p-values (q-values), in the order given."""
    count = len(p_values)
    order = sorted(range(count), key=lambda i: p_values[i])
    q_values = [1.0] * count
    running_min = 1.0
    for rank in range(count, 0, -1):
        index = order[rank - 1]
        running_min = min(running_min, float(p_values[index]) * count / rank)
        q_values[index] = running_min
    return q_values


@dataclass(frozen=True)
class CoOccurrence:
    """Another factor whose exposure moves with this one's, across the days of the diary."""

    factor: Factor
    lag_days: int | None
    correlation: float

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.factor.key,
            "exposure": self.factor.exposure,
            "lag_days": self.lag_days,
            "correlation": self.correlation,
        }


@dataclass(frozen=True)
class FactorResult:
    factor: Factor
    # 0 the same day, 1 the day before; None for one finding over both ("on the day or after").
    lag_days: int | None
    comparison: RateComparison
    q_value: float | None = None
    co_occurs_with: tuple[CoOccurrence, ...] = ()

    @property
    def lags(self) -> tuple[int, ...]:
        return LAGS if self.lag_days is None else (self.lag_days,)

    @property
    def significant(self) -> bool:
        return self.q_value is not None and self.q_value < SIGNIFICANCE

    @property
    def days_phrase(self) -> str:
        if self.lag_days == 0:
            return f"on days when {self.factor.on_days_when}"
        if self.lag_days is None:
            return f"on days when {self.factor.on_days_when} or the day after"
        return f"on days after {self.factor.on_days_when}"

    @property
    def _co_occurrence_sentence(self) -> str:
        if not self.co_occurs_with:
            return ""
        others = _join([other.factor.exposure for other in self.co_occurs_with])
        return (
            f" In your diary, {self.factor.exposure} often came with {others}: "
            f"{'either' if len(self.co_occurs_with) == 1 else 'any of them'} may be the one "
            "that matters."
        )

    @property
    def summary(self) -> str:
        """One sentence in plain words: what the diary shows for this factor at this lag."""
        result = self.comparison
        if not result.enough_data:
            after_lag: dict[int | None, str] = {0: "", 1: "after a day "}
            after = after_lag.get(self.lag_days, "on or after a day ")
            return result.missing_data_message(
                "more check-in day", f"{after}when {self.factor.exposure}", f"{after}without"
            )
        ci_low, ci_high = result.ci
        ratio = _ratio_text(result.rate_ratio, ci_low, ci_high)
        difference = result.rate_difference_per_week
        assert difference is not None  # there is enough data
        direction = "more" if difference >= 0 else "fewer"
        prefix = f"{abs(difference):.1f} {direction} cramps a week {self.days_phrase} ({ratio})."
        if self.significant and difference < 0:
            # The factors are on the risk side: fewer cramps with one is not "associated with
            # your cramps", and is most often something else that comes with it.
            return f"Fewer cramps, not more: {prefix}{self._co_occurrence_sentence}"
        if self.significant:
            return f"Associated with your cramps: {prefix}{self._co_occurrence_sentence}"
        return (
            f"No clear association: {prefix} This could be chance."
            f"{_detectable_sentence(result.detectable_rate_ratio)}"
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.factor.key,
            "exposure": self.factor.exposure,
            "lag_days": self.lag_days,
            "lags": list(self.lags),
            **self.comparison.as_json(),
            "q_value": self.q_value,
            "significant": self.significant,
            "detectable_rate_ratio": self.comparison.detectable_rate_ratio,
            "co_occurs_with": [other.as_json() for other in self.co_occurs_with],
            "summary": self.summary,
        }


def _detectable_sentence(ratio: float | None) -> str:
    if ratio is None:
        return " With this diary not even a large effect could stand out yet."
    return f" With this diary only an effect of about {ratio:.1f}× or more would stand out."


def _ratio_text(ratio: float | None, ci_low: float | None, ci_high: float | None) -> str:
    def number(value: float | None) -> str:
        return "∞" if value is None else f"{value:.2f}"

    return f"rate ratio {number(ratio)}, 95% CI {number(ci_low)} to {number(ci_high)}"


def _exposures(rows: Sequence[DayRow], factor: Factor) -> dict[int, np.ndarray]:
    """The factor's answer on each row's day (lag 0) and the day before (lag 1): 1 exposed,
    0 not, NaN missing. A day before that is itself a row is not asked again."""

    def answer(checkin: CheckInRecord | None) -> float:
        exposed = None if checkin is None else factor.is_exposed(checkin)
        return np.nan if exposed is None else float(exposed)

    same_day = [answer(row.checkin) for row in rows]
    day_before = [
        same_day[n - 1]
        if n and rows[n - 1].checkin is row.previous_checkin
        else answer(row.previous_checkin)
        for n, row in enumerate(rows)
    ]
    return {0: np.array(same_day, dtype=float), 1: np.array(day_before, dtype=float)}


def _either_day(same_day: np.ndarray, day_before: np.ndarray) -> np.ndarray:
    """Exposed on the day or the day before; not exposed only when both answers say so."""
    either = np.where((same_day == 1) | (day_before == 1), 1.0, np.nan)
    return np.where((same_day == 0) & (day_before == 0), 0.0, either)


def correlations(exposures: np.ndarray) -> np.ndarray:
    """Pearson correlations between the rows of `exposures`, each pair over the days both
    answered (NaN where a pair has too few such days or one side never varies)."""
    present = (~np.isnan(exposures)).astype(float)
    values = np.nan_to_num(exposures)
    pairs = present @ present.T
    sum_i = values @ present.T  # Σ x_i over the days where both i and j answered
    sum_j = sum_i.T
    squares_i = (values**2) @ present.T
    squares_j = squares_i.T
    cross = values @ values.T
    with np.errstate(divide="ignore", invalid="ignore"):
        covariance = pairs * cross - sum_i * sum_j
        spread = np.sqrt((pairs * squares_i - sum_i**2) * (pairs * squares_j - sum_j**2))
        result = covariance / spread
    result[pairs < MIN_DAYS_EACH_SIDE * 2] = np.nan
    return result


def block_dispersion(exposures: np.ndarray, episodes: np.ndarray) -> np.ndarray:
    """For each row of `exposures` (1, 0 or NaN per day, in date order) against `episodes` per
    day: the block-permutation variance of E1 - share · N over its binomial variance, at least 1.

    For blocks i (exposures) and j (episodes), M_ij = Σ_k c_ik · y_jk with c = exposed - share ·
    answered; a rearrangement π of the blocks gives Σ_j M_π(j)j, whose variance over all K!
    rearrangements is Σ_ij (M_ij - M_i· - M_·j + M_··)² / (K - 1) (Hoeffding's combinatorial
    central limit theorem). It is averaged over where the first block starts.
    """
    count, days = exposures.shape
    if days < 2:
        return np.ones(count)
    block = min(BLOCK_DAYS, max(1, days // 8))
    answered = ~np.isnan(exposures)
    exposed = np.nan_to_num(exposures)
    share = exposed.sum(axis=1) / np.maximum(answered.sum(axis=1), 1)
    scores = exposed - share[:, None] * answered
    total = (answered * episodes).sum(axis=1)
    binomial = total * share * (1 - share)
    variances = []
    for phase in range(0, block, 2):
        blocks = -(-(days + phase) // block)
        padding = ((0, 0), (phase, blocks * block - days - phase))
        c = np.pad(scores, padding).reshape(count, blocks, block)
        y = np.pad(episodes, padding[1]).reshape(blocks, block)
        m = c @ y.T  # (count, blocks, blocks)
        # In place, in the order (m - M_i·) - M_·j + M_·· (a five-year diary's m is large).
        centred = m - m.mean(axis=2, keepdims=True)
        centred -= m.mean(axis=1, keepdims=True)
        centred += m.mean(axis=(1, 2), keepdims=True)
        variances.append(np.square(centred, out=centred).sum(axis=(1, 2)) / (blocks - 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.mean(variances, axis=0) / binomial
    return np.where(np.isfinite(ratio), np.maximum(ratio, 1.0), 1.0)


@dataclass(frozen=True)
class _Candidate:
    factor: Factor
    lag_days: int | None
    exposures: np.ndarray


def _comparison(exposures: np.ndarray, episodes: np.ndarray, dispersion: float = 1.0):
    exposed, unexposed = exposures == 1, exposures == 0
    return RateComparison(
        exposed_days=int(exposed.sum()),
        unexposed_days=int(unexposed.sum()),
        exposed_episodes=int(episodes[exposed].sum()),
        unexposed_episodes=int(episodes[unexposed].sum()),
        dispersion=float(dispersion),
    )


def _candidates(
    rows: Sequence[DayRow], factors: Sequence[Factor], episodes: np.ndarray
) -> list[_Candidate]:
    """Each factor at each lag, or once over both when its two lags move together."""
    candidates = []
    for factor in factors:
        by_lag = _exposures(rows, factor)
        same_day, day_before = by_lag[0], by_lag[1]
        both_judged = all(_comparison(by_lag[lag], episodes).enough_data for lag in LAGS)
        if both_judged and correlations(np.stack([same_day, day_before]))[0, 1] >= (
            MERGE_CORRELATION
        ):
            candidates.append(_Candidate(factor, None, _either_day(same_day, day_before)))
        else:
            candidates += [_Candidate(factor, lag, by_lag[lag]) for lag in LAGS]
    return candidates


def analyse_factors(rows: Sequence[DayRow], factors: Sequence[Factor]) -> list[FactorResult]:
    """Every factor at both lags (or once, when its lags move together), with the dispersion
    this diary shows, q-values across every comparison judged, and the other factors each one
    moves with."""
    episodes = np.array([row.episodes for row in rows], dtype=float)
    candidates = _candidates(rows, factors, episodes)
    if not candidates:
        return []
    exposures = np.stack([candidate.exposures for candidate in candidates])
    dispersions = block_dispersion(exposures, episodes)
    comparisons = [
        _comparison(candidate.exposures, episodes, dispersion)
        for candidate, dispersion in zip(candidates, dispersions, strict=True)
    ]
    judged = [i for i, comparison in enumerate(comparisons) if comparison.enough_data]
    q_values: list[float | None] = [None] * len(candidates)
    for i, q_value in zip(
        judged, benjamini_hochberg([comparisons[i].p_value for i in judged]), strict=True
    ):
        q_values[i] = q_value
    correlation = np.nan_to_num(correlations(exposures))
    strength = np.abs(correlation)
    results = []
    for i, candidate in enumerate(candidates):
        partners = tuple(
            CoOccurrence(other.factor, other.lag_days, round(float(correlation[i, j]), 3))
            for j, other in enumerate(candidates)
            if comparisons[i].enough_data
            and other.factor.key != candidate.factor.key
            and (
                strength[i, j] >= CO_OCCURRENCE
                or strength[i, j] >= WEAK_CO_OCCURRENCE
                and comparisons[j].enough_data
                and (
                    comparisons[j].p_value <= comparisons[i].p_value
                    or comparisons[j].p_value < SIGNIFICANCE
                )
            )
        )
        results.append(
            FactorResult(
                candidate.factor, candidate.lag_days, comparisons[i], q_values[i], partners
            )
        )
    return results


@dataclass(frozen=True)
class PeriodComparison:
    """A later period of diary against an earlier one: the trend, or since a medication began."""

    label: str
    before: tuple[date, date] | None
    after: tuple[date, date] | None
    comparison: RateComparison
    summary: str
    # The CUSUM that decides the warning flag (None: not monitored, or not any more).
    monitor: Monitor | None = None

    @property
    def significant(self) -> bool:
        p_value = self.comparison.p_value
        return p_value is not None and p_value < SIGNIFICANCE

    @property
    def raises_flag(self) -> bool:
        return self.monitor is not None and self.monitor.alarm

    def as_json(self) -> dict[str, Any]:
        def span(period: tuple[date, date] | None) -> dict[str, str] | None:
            return (
                None
                if period is None
                else {"start": period[0].isoformat(), "end": period[1].isoformat()}
            )

        return {
            "label": self.label,
            "before": span(self.before),
            "after": span(self.after),
            **self.comparison.as_json(),
            "significant": self.significant,
            "summary": self.summary,
            "monitor": None if self.monitor is None else self.monitor.as_json(),
        }


def _episodes_in(counts: dict[date, int], period: tuple[date, date] | None) -> int:
    if period is None:
        return 0
    first, last = period
    return sum(episodes for day, episodes in counts.items() if first <= day <= last)


def _length(period: tuple[date, date] | None) -> int:
    return 0 if period is None else (period[1] - period[0]).days + 1


def _clip(first: date, last: date) -> tuple[date, date] | None:
    return (first, last) if first <= last else None


@dataclass(frozen=True)
class PeriodWords:
    """How a comparison's summary names its two periods."""

    after: str  # "since you started X"
    before: str  # "before", in "… a week since you started X against 2.0 before"
    before_when_short: str  # "before you started X", in "5 more days of diary before …"


def _compare_periods(
    label: str,
    before: tuple[date, date] | None,
    after: tuple[date, date] | None,
    counts: dict[date, int],
    min_days: int,
    words: PeriodWords,
    dispersion: float = 1.0,
    monitor: Monitor | None = None,
) -> PeriodComparison:
    """`dispersion`: the person's own, from history."""
    comparison = RateComparison(
        exposed_days=_length(after),
        unexposed_days=_length(before),
        exposed_episodes=_episodes_in(counts, after),
        unexposed_episodes=_episodes_in(counts, before),
        min_days=min_days,
        dispersion=dispersion,
    )
    if not comparison.enough_data:
        summary = comparison.missing_data_message(
            "more day", f"of diary {words.after}", f"of diary {words.before_when_short}"
        )
    else:
        per_week = [7 * rate for rate in comparison.known_rates]
        ci_low, ci_high = comparison.ci
        assert comparison.p_value is not None  # there is enough data
        verdict = "a clear change" if comparison.p_value < SIGNIFICANCE else "no clear change"
        summary = (
            f"{per_week[0]:.1f} cramps a week {words.after} against "
            f"{per_week[1]:.1f} {words.before} "
            f"({_ratio_text(comparison.rate_ratio, ci_low, ci_high)}), {verdict}."
        )
    return PeriodComparison(label, before, after, comparison, summary, monitor)


def daily_counts(counts: dict[date, int], first_day: date, last_day: date) -> np.ndarray:
    """Episodes on each day from first_day to last_day, as an array."""
    series = np.zeros(max(0, (last_day - first_day).days + 1))
    for day, episodes in counts.items():
        if first_day <= day <= last_day:
            series[(day - first_day).days] = episodes
    return series


def trend(counts: dict[date, int], diary_first_day: date, last_day: date) -> PeriodComparison:
    """The 28 days that end on last_day against the 28 before, over days the diary was kept,
    with the person's own dispersion; and the CUSUM that decides "worsening".

    `counts` holds episodes per local date; every day from the diary's first day on counts,
    with or without a check-in, since episodes are logged whether or not the day was checked in.
    The earlier 28 days may lie before the window: the trend of a short window still needs them.
    """
    recent = _clip(max(diary_first_day, last_day - timedelta(days=TREND_DAYS - 1)), last_day)
    earlier_end = last_day - timedelta(days=TREND_DAYS)
    earlier = _clip(max(diary_first_day, earlier_end - timedelta(days=TREND_DAYS - 1)), earlier_end)
    series = daily_counts(counts, diary_first_day, last_day)
    watch = worsening_monitor(series, diary_first_day)
    return _compare_periods(
        "trend",
        earlier,
        recent,
        counts,
        TREND_DAYS,
        PeriodWords(
            after="in the last 4 weeks",
            before="in the 4 weeks before",
            before_when_short="in the 4 weeks before",
        ),
        dispersion=watch.dispersion or 1.0,
        monitor=watch,
    )


def medication_onsets(
    medications: Iterable[MedicationRecord],
    counts: dict[date, int],
    diary_first_day: date,
    last_day: date,
) -> list[tuple[MedicationRecord, PeriodComparison]]:
    """For each medication started after the diary began and by last_day: the rate from its
    start to its stop (or last_day) against the rate from the diary's first day to its start,
    with the dispersion of the diary before it.

    It is judged once the medication has been taken for ONSET_MIN_DAYS days, and watched (the
    CUSUM for the flag) only while it is still taken: after its stop date the comparison is
    told in the past tense and raises no flag. The comparison ignores where a
    window begins. One started before the diary began has no "before" that more logging could
    ever fill, so it is left out.
    """
    onsets = []
    for medication in medications:
        began = medication.started_on
        if began is None or not diary_first_day < began <= last_day:
            continue
        stopped = medication.stopped_on is not None and medication.stopped_on < last_day
        end = min(medication.stopped_on or last_day, last_day)
        before = daily_counts(counts, diary_first_day, began - timedelta(days=1))
        since = daily_counts(counts, began, end)
        judged_from = began + timedelta(days=ONSET_MIN_DAYS - 1)
        watch = None if stopped else medication_monitor(before, since, began, judged_from)
        name = medication.name
        after_words = (
            f"while you took {name} ({began:%-d %b %Y} to {end:%-d %b %Y})"
            if stopped
            else f"since you started {name}"
        )
        comparison = _compare_periods(
            f"medication:{name}",
            _clip(diary_first_day, began - timedelta(days=1)),
            _clip(began, end),
            counts,
            ONSET_MIN_DAYS,
            PeriodWords(
                after=after_words, before="before", before_when_short=f"before you started {name}"
            ),
            dispersion=dispersion_of(before),
            monitor=watch,
        )
        onsets.append((medication, comparison))
    return onsets
