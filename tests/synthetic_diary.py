"""Synthetic diaries with planted effects, for testing that the statistics find what is there
(and nothing that isn't)."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from diary.daytable import EpisodeRecord

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
