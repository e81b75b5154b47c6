"""Synthetic diaries with planted effects, for testing that the statistics find what is there
(and nothing that isn't).

`generate` draws independent days: Poisson cramps, answers that have nothing to do with
yesterday's. `generate_realistic` adds the noise of real life, as far as we can imagine it:

- cramps come in bad weeks: the day's rate drifts (its logarithm an autoregressive process that
  forgets over about a week) and the count around it is negative binomial (overdispersed);
- habits come in runs: a stressful fortnight, a hot spell, a training block, a desk-bound
  week. Each is a hidden state that switches on and off in runs (about a week on, two off), and
  several answers follow the same state: stress brings short sleep and coffee, training brings
  hard sessions and electrolytes;
- some check-ins are missing (15% by default), at random.

Planted effects multiply the day's rate when one of the app's own trigger factors is exposed at
a lag, so "the truth" is stated in the words the statistics use. These are assumptions, not a
model fitted to real diaries: they are the kinds of dependence an honest method must survive.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from diary.analysis.daytable import EpisodeRecord
from diary.analysis.triggers import trigger_factors

ZONE = ZoneInfo("Europe/Berlin")
MUSCLES = ["calf", "calf", "calf", "hamstring", "foot", "toes", "neck"]


@dataclass
class PlantedEffects:
    """Multipliers of the daily episode rate."""

    base_rate: float = 0.35
    low_water: float = 1.0  # water < 1.5 L that day
    alcohol_evening_before: float = 1.0  # ≥ 1 drink the day before
    caffeine: float = 1.0  # ≥ 3 caffeinated drinks that day


@dataclass
class SyntheticDiary:
    checkins: list[dict] = field(default_factory=list)
    episodes: list[EpisodeRecord] = field(default_factory=list)


def random_checkin(rng: np.random.Generator, day: date) -> dict:
    exercise_minutes = int(rng.choice([0, 0, 20, 30, 45, 60, 90]))
    return {
        "date": day,
        "water_ml": int(rng.integers(6, 31)) * 100,
        "electrolytes": [] if rng.random() < 0.6 else ["magnesium"],
        "caffeine_drinks": int(rng.integers(0, 6)),
        "alcohol_drinks": int(rng.choice([0, 0, 0, 1, 2])),
        "exercise_minutes": exercise_minutes,
        "exercise_intensity": str(rng.choice(["light", "moderate", "vigorous"]))
        if exercise_minutes
        else "none",
        "warmed_up": bool(rng.random() < 0.6) if exercise_minutes else None,
        "stretched": bool(rng.random() < 0.5),
        "sleep_hours": float(rng.choice([5, 5.5, 6, 6.5, 7, 7.5, 8, 8.5])),
        "stress": int(rng.integers(0, 11)),
        "sitting_hours": float(rng.integers(2, 12)),
        "cold_exposure": bool(rng.random() < 0.2),
        "medications_taken": [],
        "notes": "",
    }


def generate(
    seed: int,
    effects: PlantedEffects,
    days: int = 180,
    last_day: date = date(2025, 6, 30),
    checkin_share: float = 0.9,
) -> SyntheticDiary:
    """`days` days ending on `last_day`; about `checkin_share` of them checked in.

    Episodes happen on every day (the body doesn't care whether the person checked in); the
    rate depends on the day's true exposures, which exist whether recorded or not.
    """
    rng = np.random.default_rng(seed)
    diary = SyntheticDiary()
    previous = None
    for offset in range(days):
        day = last_day - timedelta(days=days - 1 - offset)
        truth = random_checkin(rng, day)
        rate = effects.base_rate
        if truth["water_ml"] < 1500:
            rate *= effects.low_water
        if truth["caffeine_drinks"] >= 3:
            rate *= effects.caffeine
        if previous is not None and previous["alcohol_drinks"] >= 1:
            rate *= effects.alcohol_evening_before
        for _ in range(rng.poisson(rate)):
            hour = int(rng.choice([0, 1, 2, 3, 4, 5, 14, 18, 23]))
            started = datetime.combine(day, time(hour, int(rng.integers(0, 60))), tzinfo=ZONE)
            diary.episodes.append(
                EpisodeRecord(
                    started_at=started,
                    muscle=str(rng.choice(MUSCLES)),
                    side=str(rng.choice(["left", "right"])),
                    intensity=int(rng.integers(2, 8)),
                    duration_seconds=int(rng.integers(10, 300)),
                    activity="asleep" if hour < 6 or hour == 23 else "sitting",
                )
            )
        if rng.random() < checkin_share:
            diary.checkins.append(truth)
        previous = truth
    return diary


# Realistic diaries

FACTORS = {factor.key: factor for factor in trigger_factors()}


@dataclass(frozen=True)
class Noise:
    """How far a diary is from independent Poisson days."""

    base_rate: float  # episodes a day on an ordinary day
    drift_sd: float  # standard deviation of the log rate's slow drift
    drift_days: float  # how long the drift remembers (its autocorrelation time)
    shape: float  # negative binomial shape: variance = mean + mean² / shape
    run_days: float = 7.0  # mean length of a run of a habit state
    off_days: float = 14.0  # mean length of the gaps between runs
    missing_share: float = 0.15  # check-ins not made


NOISE = {
    "mild": Noise(base_rate=0.3, drift_sd=0.25, drift_days=7, shape=4.0),
    "medium": Noise(base_rate=0.45, drift_sd=0.45, drift_days=7, shape=2.0),
    "heavy": Noise(base_rate=0.9, drift_sd=0.6, drift_days=10, shape=1.0),
}

# Hidden states, and how likely each answer is on the risk side with the state off / on.
STATES = ("stress", "training", "social", "heat", "desk", "cold", "lazy")


@dataclass
class Planted:
    """Rate multipliers: (factor key, lag) → multiplier while that factor is exposed."""

    effects: dict[tuple[str, int], float] = field(default_factory=dict)


def _runs(rng: np.random.Generator, days: int, noise: Noise) -> np.ndarray:
    """A two-state Markov chain: runs of about run_days on, off_days off."""
    switch_on, switch_off = 1 / noise.off_days, 1 / noise.run_days
    state = np.zeros(days, dtype=bool)
    on = rng.random() < noise.run_days / (noise.run_days + noise.off_days)
    draws = rng.random(days)
    for day in range(days):
        state[day] = on
        on = draws[day] >= switch_off if on else draws[day] < switch_on
    return state


def _realistic_checkin(rng: np.random.Generator, day: date, state: dict[str, bool]) -> dict:
    def chance(off: float, on: float, key: str) -> bool:
        return bool(rng.random() < (on if state[key] else off))

    trains = chance(0.15, 0.85, "training")
    minutes = int(rng.choice([60, 75, 90])) if trains else int(rng.choice([0, 0, 0, 20, 30, 45]))
    intensity = "vigorous" if trains else ("none" if minutes == 0 else "moderate")
    return {
        "date": day,
        "water_ml": int(rng.integers(6, 14)) * 100
        if chance(0.2, 0.7, "heat")
        else int(rng.integers(15, 31)) * 100,
        # Electrolytes go with training: "none taken" is rarer in a training block.
        "electrolytes": ["magnesium"] if chance(0.2, 0.8, "training") else [],
        "caffeine_drinks": int(rng.integers(3, 6)) if chance(0.25, 0.7, "stress") else 1,
        "alcohol_drinks": int(rng.integers(1, 4)) if chance(0.08, 0.75, "social") else 0,
        "exercise_minutes": minutes,
        "exercise_intensity": intensity,
        "warmed_up": (not chance(0.2, 0.6, "lazy")) if minutes else None,
        "stretched": not chance(0.3, 0.8, "lazy"),
        "sleep_hours": float(rng.choice([4.5, 5, 5.5]))
        if chance(0.12, 0.6, "stress")
        else float(rng.choice([6, 6.5, 7, 7.5, 8, 8.5])),
        "stress": int(rng.integers(7, 11))
        if chance(0.1, 0.85, "stress")
        else int(rng.integers(0, 7)),
        "sitting_hours": float(rng.integers(8, 12))
        if chance(0.2, 0.85, "desk")
        else float(rng.integers(2, 8)),
        "cold_exposure": chance(0.05, 0.7, "cold"),
        "medications_taken": [],
        "notes": "",
    }


def log_rate_drift(
    rng: np.random.Generator, noise: Noise, days: int, paths: int | None = None
) -> np.ndarray:
    """The slow drift of the log rate over `days` (one path, or `paths` of them as rows): an
    autoregressive process with standard deviation drift_sd that forgets over drift_days."""
    memory = np.exp(-1 / noise.drift_days)
    size = days if paths is None else (paths, days)
    drift = np.empty(size)
    drift[..., 0] = rng.normal(0, noise.drift_sd, paths)
    innovations = rng.normal(0, noise.drift_sd * np.sqrt(1 - memory**2), size)
    for day in range(1, days):
        drift[..., day] = memory * drift[..., day - 1] + innovations[..., day]
    return drift


def generate_realistic(
    seed: int,
    noise: Noise,
    planted: Planted | None = None,
    days: int = 365,
    last_day: date = date(2025, 6, 30),
    change: tuple[int, float] | None = None,
) -> tuple[SyntheticDiary, np.ndarray]:
    """A diary of `days` days ending on `last_day`, and each day's planted multiplier (the
    truth the statistics should find, without the noise). `change` (day number, multiplier):
    from that day on every rate is multiplied, a sustained worsening."""
    planted = planted or Planted()
    rng = np.random.default_rng(seed)
    states = {name: _runs(rng, days, noise) for name in STATES}
    drift = log_rate_drift(rng, noise, days)
    first_day = last_day - timedelta(days=days - 1)
    truths = [
        _realistic_checkin(
            rng, first_day + timedelta(days=n), {k: bool(v[n]) for k, v in states.items()}
        )
        for n in range(days)
    ]
    multiplier = np.ones(days)
    for (key, lag), ratio in planted.effects.items():
        for n in range(lag, days):
            if FACTORS[key].is_exposed(truths[n - lag]):
                multiplier[n] *= ratio
    if change is not None:
        multiplier[change[0] :] *= change[1]
    # Centre the drift so that the long-run mean rate is base_rate × multiplier.
    mean = noise.base_rate * multiplier * np.exp(drift - noise.drift_sd**2 / 2)
    counts = rng.poisson(rng.gamma(noise.shape, mean / noise.shape))
    diary = SyntheticDiary()
    for n, truth in enumerate(truths):
        for _ in range(int(counts[n])):
            hour = int(rng.choice([0, 1, 2, 3, 4, 5, 14, 18, 23]))
            diary.episodes.append(
                EpisodeRecord(
                    started_at=datetime.combine(
                        truth["date"], time(hour, int(rng.integers(0, 60))), tzinfo=ZONE
                    ),
                    muscle=str(rng.choice(MUSCLES)),
                    side=str(rng.choice(["left", "right"])),
                    intensity=int(rng.integers(2, 8)),
                    duration_seconds=int(rng.integers(10, 300)),
                    activity="asleep" if hour < 6 or hour == 23 else "sitting",
                )
            )
        if rng.random() >= noise.missing_share:
            diary.checkins.append(truth)
    return diary, multiplier
