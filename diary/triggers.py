"""Honest trigger statistics: episode rates on exposed versus unexposed days.

For a factor at a lag, D1 exposed days with E1 episodes are compared with D0 unexposed days with
E0 episodes. Given N = E1 + E0, under no effect E1 ~ Binomial(N, D1 / (D1 + D0)); that exact
conditional test gives the p-value, and the Clopper–Pearson interval for E1 / N, mapped to the
rate-ratio scale, gives the 95% interval. Benjamini–Hochberg q-values guard against the many
factors tested at once. A comparison with too few days or episodes is not judged at all.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from typing import Any

from scipy.stats import binomtest, chi2

from diary.daytable import CheckInRecord, CustomFactorRecord, DayRow, MedicationRecord
from diary.words import count_of

# A factor is judged only with this many exposed days, as many unexposed, and MIN_EPISODES.
MIN_DAYS_EACH_SIDE = 7
MIN_EPISODES = 5
SIGNIFICANCE = 0.05
LAGS = (0, 1)
TREND_DAYS = 28
ONSET_MIN_DAYS = 14
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
    key: str  # the check-in field, or "medication:<name>"
    exposure: str  # the threshold as shown to the user: "water < 1.5 L"
    on_days_when: str  # completes "on days when …": "you drank less than 1.5 L"
    is_exposed: Exposure  # True, False, or None when the answer is missing


def _blank(value: Any) -> bool:
    return value is None or value == ""


def _at_least(field: str, threshold: float) -> Exposure:
    def is_exposed(checkin: CheckInRecord) -> bool | None:
        value = checkin.get(field)
        return None if _blank(value) else float(value) >= threshold

    return is_exposed


def _below(field: str, threshold: float) -> Exposure:
    def is_exposed(checkin: CheckInRecord) -> bool | None:
        value = checkin.get(field)
        return None if _blank(value) else float(value) < threshold

    return is_exposed


def _is(field: str, answer: bool) -> Exposure:
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


def _took(name: str) -> Exposure:
    # An unticked medication on a recorded check-in counts as not taken.
    return lambda checkin: name in (checkin.get("medications_taken") or ())


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


def trigger_factors(
    medication_names: Iterable[str] = (), custom_factors: Iterable[CustomFactorRecord] = ()
) -> list[Factor]:
    """The factors the documents name, each on its risk side, plus one per medication and one
    per factor of the person's own: all judged as one family (one set of q-values)."""
    factors = [
        Factor("water_ml", "water < 1.5 L", "you drank less than 1.5 L", _below("water_ml", 1500)),
        Factor(
            "alcohol_drinks",
            "alcohol ≥ 1 drink",
            "you had alcohol",
            _at_least("alcohol_drinks", 1),
        ),
        Factor(
            "caffeine_drinks",
            "caffeine ≥ 3 drinks",
            "you had 3 or more caffeinated drinks",
            _at_least("caffeine_drinks", 3),
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
        Factor("stretched", "no stretching", "you did not stretch", _is("stretched", False)),
        Factor(
            "sleep_hours", "sleep < 6 h", "you slept less than 6 hours", _below("sleep_hours", 6)
        ),
        Factor("stress", "stress ≥ 7 of 10", "your stress was 7 or more", _at_least("stress", 7)),
        Factor(
            "sitting_hours",
            "sitting ≥ 8 h",
            "you sat for 8 hours or more",
            _at_least("sitting_hours", 8),
        ),
        Factor(
            "cold_exposure", "cold exposure", "you were exposed to cold", _is("cold_exposure", True)
        ),
        Factor(
            "electrolytes",
            "no electrolytes taken",
            "you took no electrolytes",
            _no_electrolytes,
        ),
    ]
    factors += [
        Factor(f"medication:{name}", f"took {name}", f"you took {name}", _took(name))
        for name in medication_names
    ]
    factors += [custom_factor(factor) for factor in custom_factors]
    return factors


@dataclass(frozen=True)
class RateComparison:
    """Episode rates in an exposed and an unexposed group of days, and whether they differ."""

    exposed_days: int
    unexposed_days: int
    exposed_episodes: int
    unexposed_episodes: int
    min_days: int = MIN_DAYS_EACH_SIDE
    min_episodes: int = MIN_EPISODES

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
        return self.exposed_rate / self.unexposed_rate

    @cached_property
    def _test(self):
        share = self.exposed_days / (self.exposed_days + self.unexposed_days)
        return binomtest(self.exposed_episodes, self.episodes, share)

    @cached_property
    def p_value(self) -> float | None:
        return min(1.0, float(self._test.pvalue)) if self.enough_data else None

    @cached_property
    def ci(self) -> tuple[float | None, float | None]:
        if not self.enough_data:
            return None, None
        interval = self._test.proportion_ci(confidence_level=0.95, method="exact")
        return self._proportion_to_ratio(interval.low), self._proportion_to_ratio(interval.high)

    @property
    def rate_difference_per_week(self) -> float | None:
        if not self.enough_data:
            return None
        return 7 * (self.exposed_rate - self.unexposed_rate)

    @property
    def rate_difference_ci(self) -> tuple[float | None, float | None]:
        """The rate ratio's interval, applied to the unexposed days' rate, in episodes per week.

        Taken from the ratio's interval so that both tell the same story (an interval of the
        difference that excludes zero exactly when the ratio's excludes one). Without episodes
        on the unexposed days there is no rate to apply it to, so it is not computable.
        """
        if not self.enough_data or self.unexposed_episodes == 0:
            return None, None
        weekly = 7 * self.unexposed_rate
        return tuple(None if ratio is None else weekly * (ratio - 1) for ratio in self.ci)

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
        }


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
class FactorResult:
    factor: Factor
    lag_days: int
    comparison: RateComparison
    q_value: float | None = None

    @property
    def significant(self) -> bool:
        return self.q_value is not None and self.q_value < SIGNIFICANCE

    @property
    def days_phrase(self) -> str:
        if self.lag_days == 0:
            return f"on days when {self.factor.on_days_when}"
        return f"on days after {self.factor.on_days_when}"

    @property
    def summary(self) -> str:
        """One sentence in plain words: what the diary shows for this factor at this lag."""
        result = self.comparison
        if not result.enough_data:
            after = "" if self.lag_days == 0 else "after a day "
            return result.missing_data_message(
                "more check-in day", f"{after}when {self.factor.exposure}", f"{after}without"
            )
        ci_low, ci_high = result.ci
        ratio = _ratio_text(result.rate_ratio, ci_low, ci_high)
        difference = result.rate_difference_per_week
        direction = "more" if difference >= 0 else "fewer"
        prefix = f"{abs(difference):.1f} {direction} cramps a week {self.days_phrase} ({ratio})."
        if self.significant:
            return f"Associated with your cramps: {prefix}"
        return f"No clear association: {prefix} This could be chance."

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.factor.key,
            "exposure": self.factor.exposure,
            "lag_days": self.lag_days,
            **self.comparison.as_json(),
            "q_value": self.q_value,
            "significant": self.significant,
            "summary": self.summary,
        }


def _ratio_text(ratio: float | None, ci_low: float | None, ci_high: float | None) -> str:
    def number(value: float | None) -> str:
        return "∞" if value is None else f"{value:.2f}"

    return f"rate ratio {number(ratio)}, 95% CI {number(ci_low)} to {number(ci_high)}"


def _compare(rows: Iterable[DayRow], factor: Factor, lag_days: int) -> RateComparison:
    counts = {True: [0, 0], False: [0, 0]}  # exposed → [days, episodes]
    for row in rows:
        checkin = row.checkin if lag_days == 0 else row.previous_checkin
        exposed = None if checkin is None else factor.is_exposed(checkin)
        if exposed is not None:
            counts[exposed][0] += 1
            counts[exposed][1] += row.episodes
    return RateComparison(
        exposed_days=counts[True][0],
        unexposed_days=counts[False][0],
        exposed_episodes=counts[True][1],
        unexposed_episodes=counts[False][1],
    )


def analyse_factors(
    rows: Sequence[DayRow], factors: Sequence[Factor], lags: Sequence[int] = LAGS
) -> list[FactorResult]:
    """Every factor at every lag, with q-values across all the comparisons that were judged."""
    results = [
        FactorResult(factor, lag, _compare(rows, factor, lag)) for factor in factors for lag in lags
    ]
    judged = [i for i, result in enumerate(results) if result.comparison.enough_data]
    q_values = benjamini_hochberg([results[i].comparison.p_value for i in judged])
    for i, q_value in zip(judged, q_values, strict=True):
        results[i] = FactorResult(
            results[i].factor, results[i].lag_days, results[i].comparison, q_value
        )
    return results


def poisson_interval(events: int, exposure: float) -> tuple[float, float]:
    """Exact (Garwood) 95% interval for a Poisson rate of `events` over `exposure`."""
    low = chi2.ppf(0.025, 2 * events) / 2 if events else 0.0
    high = chi2.ppf(0.975, 2 * events + 2) / 2
    return float(low / exposure), float(high / exposure)


WATER_BINS: tuple[tuple[str, int, int | None], ...] = (
    ("< 1 L", 0, 1000),
    ("1–1.5 L", 1000, 1500),
    ("1.5–2 L", 1500, 2000),
    ("2–2.5 L", 2000, 2500),
    ("2.5–3 L", 2500, 3000),
    ("≥ 3 L", 3000, None),
)


def water_dose_response(rows: Iterable[DayRow]) -> list[dict[str, Any]]:
    """Episodes per day in bins of water drunk that day, with exact Poisson 95% intervals."""
    tallies = [[0, 0] for _ in WATER_BINS]
    for row in rows:
        water = row.checkin.get("water_ml")
        if _blank(water):
            continue
        for tally, (_, low, high) in zip(tallies, WATER_BINS, strict=True):
            if water >= low and (high is None or water < high):
                tally[0] += 1
                tally[1] += row.episodes
    bins = []
    for (label, low, high), (days, episodes) in zip(WATER_BINS, tallies, strict=True):
        ci_low, ci_high = poisson_interval(episodes, days) if days else (None, None)
        bins.append(
            {
                "label": label,
                "min_ml": low,
                "max_ml": high,
                "days": days,
                "episodes": episodes,
                "rate_per_day": episodes / days if days else None,
                "ci_low": ci_low,
                "ci_high": ci_high,
            }
        )
    return bins


@dataclass(frozen=True)
class PeriodComparison:
    """A later period of diary against an earlier one: the trend, or since a medication began."""

    label: str
    before: tuple[date, date] | None
    after: tuple[date, date] | None
    comparison: RateComparison
    summary: str

    @property
    def significant(self) -> bool:
        p_value = self.comparison.p_value
        return p_value is not None and p_value < SIGNIFICANCE

    @property
    def significantly_up(self) -> bool:
        result = self.comparison
        return self.significant and result.exposed_rate > result.unexposed_rate

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


def _compare_periods(
    label: str,
    before: tuple[date, date] | None,
    after: tuple[date, date] | None,
    counts: dict[date, int],
    min_days: int,
    phrases: tuple[str, str, str],
) -> PeriodComparison:
    """`phrases`: words for after ("since you started X") and before ("before"), and for the
    days before when more of them are needed ("before you started X")."""
    comparison = RateComparison(
        exposed_days=_length(after),
        unexposed_days=_length(before),
        exposed_episodes=_episodes_in(counts, after),
        unexposed_episodes=_episodes_in(counts, before),
        min_days=min_days,
    )
    after_words, before_words, before_words_when_short = phrases
    if not comparison.enough_data:
        summary = comparison.missing_data_message(
            "more day", f"of diary {after_words}", f"of diary {before_words_when_short}"
        )
    else:
        per_week = [7 * comparison.exposed_rate, 7 * comparison.unexposed_rate]
        ci_low, ci_high = comparison.ci
        verdict = "a clear change" if comparison.p_value < SIGNIFICANCE else "no clear change"
        summary = (
            f"{per_week[0]:.1f} cramps a week {after_words} against "
            f"{per_week[1]:.1f} {before_words} "
            f"({_ratio_text(comparison.rate_ratio, ci_low, ci_high)}), {verdict}."
        )
    return PeriodComparison(label, before, after, comparison, summary)


def trend(counts: dict[date, int], diary_first_day: date, last_day: date) -> PeriodComparison:
    """The 28 days that end on last_day against the 28 before, over days the diary was kept.

    `counts` holds episodes per local date; every day from the diary's first day on counts,
    with or without a check-in, since episodes are logged whether or not the day was checked in.
    The earlier 28 days may lie before the window: the trend of a short window still needs them.
    """
    recent = _clip(max(diary_first_day, last_day - timedelta(days=TREND_DAYS - 1)), last_day)
    earlier_end = last_day - timedelta(days=TREND_DAYS)
    earlier = _clip(max(diary_first_day, earlier_end - timedelta(days=TREND_DAYS - 1)), earlier_end)
    return _compare_periods(
        "trend",
        earlier,
        recent,
        counts,
        TREND_DAYS,
        ("in the last 4 weeks", "in the 4 weeks before", "in the 4 weeks before"),
    )


def medication_onsets(
    medications: Iterable[MedicationRecord],
    counts: dict[date, int],
    diary_first_day: date,
    last_day: date,
) -> list[tuple[MedicationRecord, PeriodComparison]]:
    """For each medication started after the diary began and by last_day: the rate from its
    start to its stop (or last_day) against the rate from the diary's first day to its start.

    The comparison ignores where a window begins: a medication started long ago is judged on
    all the diary before and since. One started before the diary began has no "before" that
    more logging could ever fill, so it is left out.
    """
    onsets = []
    for medication in medications:
        began = medication.started_on
        if began is None or not diary_first_day < began <= last_day:
            continue
        stopped = min(last_day, medication.stopped_on or last_day)
        comparison = _compare_periods(
            f"medication:{medication.name}",
            _clip(diary_first_day, began - timedelta(days=1)),
            _clip(began, stopped),
            counts,
            ONSET_MIN_DAYS,
            (
                f"since you started {medication.name}",
                "before",
                f"before you started {medication.name}",
            ),
        )
        onsets.append((medication, comparison))
    return onsets
