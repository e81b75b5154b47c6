"""A made-up but realistic diary for the demo account, the same for the same seed.

Pure: plain dataclasses out, no database; `seed_demo` writes them. Every day has a true state
(how much the person drank, whether they trained hard, ...), the daily check-in records most of
it on most days, and the cramps come from a model with a few effects planted on purpose, so the
insights have something real to find and something to find nothing in:

- fluids under 1.5 L: every kind of episode that day at 2.5x the rate;
- alcohol the day before: night cramps at 2x;
- a hard session (vigorous, or an hour or more): cramps just after it, and the following
  night's cramps at 1.5x;
- exercise without a warm-up: the cramps after it at 1.5x;
- the diuretic, on the days it is taken: every kind at 1.6x.

Caffeine, sleep, stress, sitting, cold, electrolytes, stretching and the statin change nothing.
Each day's count of each kind of episode is Poisson with that day's rate, and every episode
starts on the local date whose rate produced it, so a day table sees the planted effects as
they are (diluted only by the kinds of episode a factor does not touch).
"""

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import TypeVar
from zoneinfo import ZoneInfo

from diary.days import EARLIEST_DAY, local_date
from diary.vocabularies import (
    Activity,
    Condition,
    Electrolyte,
    EpisodeKind,
    ExerciseIntensity,
    Hydration,
    MedicationKind,
    Muscle,
    Relief,
    ReliefEffect,
    Side,
    Symptom,
)

LOW_WATER_ML = 1500
LOW_WATER_RATE_RATIO = 2.5
ALCOHOL_NIGHT_RATE_RATIO = 2.0
HARD_SESSION_NIGHT_RATE_RATIO = 1.5
NO_WARM_UP_RATE_RATIO = 1.5
DIURETIC_RATE_RATIO = 1.6

# Episodes a day on an ordinary day, before any factor.
NIGHT_RATE = 0.15
DAYTIME_RATE = 0.04
AFTER_EXERCISE_RATE: dict[str, float] = {
    ExerciseIntensity.LIGHT: 0.02,
    ExerciseIntensity.MODERATE: 0.06,
    ExerciseIntensity.VIGOROUS: 0.25,
}
HARD_SESSION_MINUTES = 60
# A long moderate session tires the legs like a vigorous one.
LONG_SESSION_RATE = 0.2

CHECKIN_MISSED_SHARE = 0.10
CHECKIN_HOUR = 20
DAYS_PER_CHECKIN_GAP = 100  # a holiday or a bad week without check-ins, every ~100 days
QUICK_LOGGED_SHARE = 0.08  # logged in two taps and never completed
LATE_ENTRY_SHARE = 0.06  # written down days later, from memory
# The daily routine: night cramps counted on the morning screen, mornings answered, check-ins
# that confirm the day's episodes are all logged.
ESTIMATED_NIGHT_SHARE = 0.3
MORNING_ANSWERED_SHARE = 0.7
CONFIRMED_SHARE = 0.8

T = TypeVar("T")


@dataclass(frozen=True)
class DemoProfile:
    """How much a person logs: how many episodes come of the day's rates, and how often a
    check-in is skipped."""

    rate_scale: float = 1.0
    checkin_missed_share: float = CHECKIN_MISSED_SHARE
    checkin_gaps: bool = True


ORDINARY = DemoProfile()
# Five years of it make the benchmark's heavy diary: about two episodes and a check-in a day
# (3,652 episodes and 1,826 check-ins over 1,826 days), every planted effect as before.
HEAVY = DemoProfile(rate_scale=3.45, checkin_missed_share=0.0, checkin_gaps=False)
PROFILES = {"ordinary": ORDINARY, "heavy": HEAVY}


@dataclass(frozen=True)
class DemoMedication:
    name: str
    kind: str
    dose: str
    started_on: date


@dataclass(frozen=True)
class DemoCheckIn:
    """A check-in as the person recorded it: None or "" where they left a field blank."""

    date: date
    water_ml: int | None
    electrolytes: list[str] | None
    caffeine_drinks: int | None
    alcohol_drinks: int | None
    exercise_minutes: int | None
    exercise_intensity: str
    warmed_up: bool | None
    stretched: bool | None
    sleep_hours: Decimal | None
    stress: int | None
    sitting_hours: Decimal | None
    cold_exposure: bool | None
    notes: str
    medications_taken: tuple[str, ...]  # medication names
    # The routine's answers (daily_routine): the morning's "last night" and "all logged".
    sleep_disturbance: int | None = None
    episodes_all_logged: bool | None = None


@dataclass(frozen=True)
class DemoEpisode:
    started_at: datetime  # aware, UTC
    duration_seconds: int | None
    muscle: str
    side: str
    intensity: int
    kind: str
    activity: str
    hydration: str
    relief: list[str]
    relief_effect: str
    symptoms: list[str]
    notes: str
    time_estimated: bool = False


@dataclass(frozen=True)
class DemoDiary:
    conditions: Sequence[str]
    medications: list[DemoMedication]
    checkins: list[DemoCheckIn]
    episodes: list[DemoEpisode]


@dataclass(frozen=True)
class _Day:
    """What really happened on a day, recorded or not."""

    date: date
    water_ml: int
    electrolytes: list[str]
    caffeine_drinks: int
    alcohol_drinks: int
    exercise_minutes: int
    exercise_intensity: str
    exercise_start: time | None
    warmed_up: bool | None  # only means something on a day with exercise
    stretched: bool
    sleep_hours: Decimal
    stress: int
    sitting_hours: Decimal
    cold_exposure: bool
    medications_taken: tuple[str, ...]

    @property
    def hard_session(self) -> bool:
        return (
            self.exercise_intensity == ExerciseIntensity.VIGOROUS
            or self.exercise_minutes >= HARD_SESSION_MINUTES
        )


# Compared and hashed by identity: each setting is one of the three constants below.
@dataclass(frozen=True, eq=False)
class _Setting:
    """Where an episode strikes: what the person was doing and which muscles that tends to hit."""

    activities: dict[str, float]
    muscles: dict[str, float]
    reliefs: dict[str, float]
    notes: tuple[str, ...]


NIGHT = _Setting(
    activities={Activity.ASLEEP: 1},
    muscles={
        Muscle.CALF: 60,
        Muscle.FOOT: 18,
        Muscle.TOES: 8,
        Muscle.HAMSTRING: 8,
        Muscle.BEHIND_KNEE: 4,
        Muscle.SHIN: 2,
    },
    reliefs={
        Relief.STRETCHING: 6,
        Relief.GENTLE_MOVEMENT: 4,
        Relief.MASSAGE: 4,
        Relief.WATER: 2,
        Relief.HEAT: 1,
    },
    notes=(
        "Woke me up.",
        "Had to get up and walk it off.",
        "Stood on the cold floor until it let go.",
        "Took a while to get back to sleep.",
    ),
)
AFTER_EXERCISE = _Setting(
    activities={Activity.JUST_AFTER_EXERCISE: 7, Activity.EXERCISING: 3},
    muscles={
        Muscle.CALF: 40,
        Muscle.HAMSTRING: 28,
        Muscle.QUADRICEPS: 14,
        Muscle.FOOT: 10,
        Muscle.BEHIND_KNEE: 5,
        Muscle.HIP: 3,
    },
    reliefs={
        Relief.STRETCHING: 8,
        Relief.WATER: 4,
        Relief.ELECTROLYTE_DRINK: 3,
        Relief.MASSAGE: 3,
        Relief.GENTLE_MOVEMENT: 2,
        Relief.REST: 2,
    },
    notes=(
        "During the cool-down.",
        "Last kilometre of the run.",
        "In the shower after training.",
        "Hill repeats.",
    ),
)
DAYTIME = _Setting(
    activities={
        Activity.SITTING: 35,
        Activity.RESTING: 25,
        Activity.STANDING: 20,
        Activity.WALKING: 20,
    },
    muscles={
        Muscle.CALF: 30,
        Muscle.FOOT: 15,
        Muscle.HAND: 10,
        Muscle.FACE: 10,
        Muscle.NECK: 8,
        Muscle.LOWER_BACK: 8,
        Muscle.TOES: 5,
        Muscle.SHIN: 4,
        Muscle.ABDOMEN: 3,
        Muscle.ARM: 3,
        Muscle.SHOULDER: 2,
        Muscle.UPPER_BACK: 2,
    },
    reliefs={
        Relief.STRETCHING: 5,
        Relief.MASSAGE: 4,
        Relief.GENTLE_MOVEMENT: 4,
        Relief.HEAT: 2,
        Relief.REST: 2,
        Relief.WATER: 2,
        Relief.NOTHING: 2,
    },
    notes=(
        "At my desk.",
        "Standing in a queue.",
        "Came and went a few times.",
        "On the stairs.",
    ),
)

# How often a night cramp, or a daytime one, starts in each local hour (weights to draw from);
# 23 is the late evening of the same date. Every night hour is one the insights count as night
# (analysis.patterns.NIGHT_HOURS).
NIGHT_ONSET_HOUR_WEIGHTS = {23: 1, 0: 2, 1: 3, 2: 3, 3: 3, 4: 2}
DAYTIME_ONSET_HOUR_WEIGHTS = {hour: 1 for hour in range(8, 23)}
MIDLINE_MUSCLES = {
    Muscle.NECK,
    Muscle.LOWER_BACK,
    Muscle.UPPER_BACK,
    Muscle.ABDOMEN,
}
LIMB_SIDES = {Side.LEFT: 45, Side.RIGHT: 45, Side.BOTH: 10}
MIDLINE_SIDES = {Side.NOT_APPLICABLE: 70, Side.LEFT: 15, Side.RIGHT: 15}
INTENSITY: dict[str, dict[int, int]] = {
    EpisodeKind.CRAMP: {2: 2, 3: 9, 4: 15, 5: 20, 6: 19, 7: 15, 8: 7, 9: 3, 10: 1},
    EpisodeKind.TIGHTNESS: {2: 3, 3: 6, 4: 8, 5: 6, 6: 3, 7: 1},
    EpisodeKind.TWITCH: {1: 4, 2: 6, 3: 4, 4: 1},
    EpisodeKind.JERK: {1: 2, 2: 4, 3: 3, 4: 1},
}
MEDIAN_SECONDS: dict[str, int] = {
    EpisodeKind.CRAMP: 70,
    EpisodeKind.TIGHTNESS: 150,
    EpisodeKind.TWITCH: 30,
    EpisodeKind.JERK: 20,
}
RELIEF_EFFECT = {
    ReliefEffect.NONE: 10,
    ReliefEffect.A_LITTLE: 35,
    ReliefEffect.A_LOT: 40,
    ReliefEffect.FULLY: 15,
}


def generate_diary(
    seed: int, days: int, zone: ZoneInfo, now: datetime, profile: DemoProfile = ORDINARY
) -> DemoDiary:
    """`days` of diary ending on the local date of `now`, nothing after `now`."""
    if days < 1:
        raise ValueError("A diary needs at least one day.")
    rng = random.Random(seed)
    last_day = local_date(now, zone)
    first_day = last_day - timedelta(days=days - 1)
    if first_day < EARLIEST_DAY:
        raise ValueError(f"A diary starts on {EARLIEST_DAY.isoformat()} at the earliest.")
    statin = DemoMedication(
        "Atorvastatin",
        MedicationKind.STATIN,
        "20 mg at night",
        # Years before the diary, but never before the first day a diary holds.
        max(EARLIEST_DAY, first_day - timedelta(days=rng.randint(700, 1500))),
    )
    diuretic_start = first_day + timedelta(days=round(days * 0.35) + rng.randint(-7, 7))
    diuretic = DemoMedication(
        "Hydrochlorothiazide",
        MedicationKind.DIURETIC,
        "25 mg in the morning",
        min(max(diuretic_start, first_day), last_day),
    )
    gaps = _checkin_gaps(rng, first_day, days) if profile.checkin_gaps else set()

    checkins: list[DemoCheckIn] = []
    episodes: list[DemoEpisode] = []
    previous: _Day | None = None
    for offset in range(days):
        day = _simulate_day(rng, first_day + timedelta(days=offset), previous, statin, diuretic)
        episodes += _episodes(rng, day, previous, diuretic.name, zone, profile.rate_scale)
        if day.date not in gaps and rng.random() >= profile.checkin_missed_share:
            checkins.append(_fill_in_checkin(rng, day))
        previous = day

    conditions = [Condition.DIABETES]
    if rng.random() < 0.5:
        conditions.append(Condition.PERIPHERAL_NEUROPATHY)
    # Today's check-in is filled in in the evening, once there is a day to describe.
    evening = now.astimezone(zone).hour >= CHECKIN_HOUR
    episodes = [episode for episode in _one_per_moment(episodes) if episode.started_at <= now]
    checkins = [checkin for checkin in checkins if checkin.date < last_day or evening]
    checkins, episodes = daily_routine(seed, checkins, episodes, zone)
    return DemoDiary(
        conditions=conditions,
        medications=[statin, diuretic],
        checkins=checkins,
        episodes=episodes,
    )


def daily_routine(
    seed: int, checkins: list[DemoCheckIn], episodes: list[DemoEpisode], zone: ZoneInfo
) -> tuple[list[DemoCheckIn], list[DemoEpisode]]:
    """What the daily routine adds: some night cramps counted in the morning ("last night",
    their times estimated), how much the night disturbed sleep on most mornings, and the
    check-ins that confirm every episode of the day was logged. A stream of its own, so the
    rest of the diary stays the same for the same seed."""
    rng = random.Random(f"routine-{seed}")
    worst_by_morning: dict[date, int] = {}
    routine_episodes = []
    for episode in episodes:
        if episode.activity == Activity.ASLEEP:
            local = episode.started_at.astimezone(zone)
            # A night cramp after midnight belongs to that morning, one before to the next.
            morning = local.date() + timedelta(days=0 if local.hour < 12 else 1)
            worst_by_morning[morning] = max(worst_by_morning.get(morning, 0), episode.intensity)
            if rng.random() < ESTIMATED_NIGHT_SHARE:
                episode = replace(episode, time_estimated=True)
        routine_episodes.append(episode)
    routine_checkins = []
    for checkin in checkins:
        disturbance = None
        if rng.random() < MORNING_ANSWERED_SHARE:
            worst = worst_by_morning.get(checkin.date)
            felt = 0.8 * worst + rng.uniform(-1.5, 1.5) if worst else rng.uniform(0, 2)
            disturbance = round(_clamp(felt, 0, 10))
        confirmed = True if rng.random() < CONFIRMED_SHARE else None
        routine_checkins.append(
            replace(checkin, sleep_disturbance=disturbance, episodes_all_logged=confirmed)
        )
    return routine_checkins, routine_episodes


def _one_per_moment(episodes: list[DemoEpisode]) -> list[DemoEpisode]:
    """Two episodes drawn at the same second in the same muscle and side (the diary holds one
    such, vocabularies.EPISODE_IDENTITY) become a second apart."""
    taken: set[tuple[datetime, str, str]] = set()
    distinct = []
    for episode in episodes:
        while (episode.started_at, episode.muscle, episode.side) in taken:
            episode = replace(episode, started_at=episode.started_at + timedelta(seconds=1))
        taken.add((episode.started_at, episode.muscle, episode.side))
        distinct.append(episode)
    return distinct


def entry_times(seed: int, episodes: list[DemoEpisode], now: datetime) -> list[datetime]:
    """When each episode was written down: mostly within the hour it ended, a night's cramp
    the next morning, a few days later. A stream of its own, so the diary stays the same."""
    rng = random.Random(f"entries-{seed}")
    times = []
    for episode in episodes:
        ended = episode.started_at + timedelta(seconds=episode.duration_seconds or 60)
        if rng.random() < LATE_ENTRY_SHARE:
            delay = timedelta(days=rng.uniform(1.1, 6))
        elif episode.activity == Activity.ASLEEP:
            delay = timedelta(hours=rng.uniform(0.5, 9))
        else:
            delay = timedelta(minutes=rng.uniform(1, 90))
        times.append(min(ended + delay, now))
    return times


def _checkin_gaps(rng: random.Random, first_day: date, days: int) -> set[date]:
    gap_days: set[date] = set()
    for _ in range(days // DAYS_PER_CHECKIN_GAP):
        start = rng.randrange(days)
        length = rng.randint(3, 8)
        gap_days.update(first_day + timedelta(days=start + i) for i in range(length))
    return gap_days


def _simulate_day(
    rng: random.Random,
    day: date,
    previous: _Day | None,
    statin: DemoMedication,
    diuretic: DemoMedication,
) -> _Day:
    """What the person drank, did and took on `day`, and how they slept the night before;
    the check-in, if any, records it (with gaps) and the episodes follow from it."""
    weekend = day.weekday() >= 5
    # +1 in midsummer, -1 in midwinter (northern hemisphere): people drink more when it is hot.
    summer = math.cos(2 * math.pi * (day.timetuple().tm_yday - 196) / 365.25)

    intensity, minutes, exercise_start, warmed_up = _exercise(rng, weekend)
    drank_last_night = previous is not None and previous.alcohol_drinks > 0
    sleep = _clamp(rng.gauss(7.0, 0.9) - (0.5 if drank_last_night else 0), 3.5, 10)
    drinking = rng.random() < (0.55 if day.weekday() in (4, 5) else 0.15)

    taken = []
    if day >= statin.started_on and rng.random() < 0.95:
        taken.append(statin.name)
    if day >= diuretic.started_on and rng.random() < 0.93:
        taken.append(diuretic.name)

    electrolytes: list[str] = []
    if rng.random() < 0.3:
        electrolytes.append(Electrolyte.MAGNESIUM)
    if rng.random() < 0.05:
        electrolytes.append(Electrolyte.POTASSIUM)
    if minutes and rng.random() < 0.35:
        electrolytes.append(Electrolyte.SODIUM)

    water = rng.gauss(1750 + 100 * summer, 450)
    return _Day(
        date=day,
        water_ml=50 * round(_clamp(water, 400, 4500) / 50),
        electrolytes=electrolytes,
        # A short night means an extra coffee: caffeine goes with poor sleep, and neither with
        # cramps.
        caffeine_drinks=_pick(rng, {0: 2, 1: 4, 2: 5, 3: 4, 4: 2, 5: 1}) + (1 if sleep < 6 else 0),
        alcohol_drinks=_pick(rng, {1: 4, 2: 3, 3: 2, 4: 1}) if drinking else 0,
        exercise_minutes=minutes,
        exercise_intensity=intensity,
        exercise_start=exercise_start,
        warmed_up=warmed_up,
        stretched=rng.random() < (0.55 if minutes else 0.35),
        sleep_hours=_half_hours(sleep),
        stress=round(_clamp(rng.gauss(3.0, 1.5) if weekend else rng.gauss(4.5, 1.8), 0, 10)),
        sitting_hours=_half_hours(
            _clamp(rng.gauss(4.0, 1.5) if weekend else rng.gauss(8.3, 1.2), 0.5, 14)
        ),
        cold_exposure=rng.random() < 0.2 - 0.13 * summer,
        medications_taken=tuple(taken),
    )


def _exercise(rng: random.Random, weekend: bool) -> tuple[str, int, time | None, bool | None]:
    """Intensity, minutes, start time and warm-up; a rest day is ("none", 0, None, None)."""
    if rng.random() >= (0.6 if weekend else 0.4):
        return ExerciseIntensity.NONE, 0, None, None
    intensity = _pick(
        rng,
        {
            ExerciseIntensity.LIGHT: 30,
            ExerciseIntensity.MODERATE: 45,
            ExerciseIntensity.VIGOROUS: 25,
        },
    )
    low, high = {
        ExerciseIntensity.LIGHT: (20, 45),
        ExerciseIntensity.MODERATE: (30, 75),
        ExerciseIntensity.VIGOROUS: (35, 90),
    }[intensity]
    minutes = 5 * (rng.randint(low, high) // 5)
    start_hour = rng.randint(9, 11) if weekend else rng.choice([7, 18, 19])
    return intensity, minutes, time(start_hour, rng.choice([0, 15, 30, 45])), rng.random() < 0.65


def _rates(day: _Day, previous: _Day | None, diuretic_name: str) -> dict[_Setting, float]:
    """Expected episodes of each setting on `day`: the planted effects, and nothing else."""
    night = NIGHT_RATE
    if previous is not None and previous.alcohol_drinks > 0:
        night *= ALCOHOL_NIGHT_RATE_RATIO
    if previous is not None and previous.hard_session:
        night *= HARD_SESSION_NIGHT_RATE_RATIO

    after_exercise = 0.0
    if day.exercise_minutes:
        after_exercise = AFTER_EXERCISE_RATE[day.exercise_intensity]
        if day.exercise_minutes >= HARD_SESSION_MINUTES:
            after_exercise = max(after_exercise, LONG_SESSION_RATE)
        if not day.warmed_up:
            after_exercise *= NO_WARM_UP_RATE_RATIO

    everywhere = 1.0
    if day.water_ml < LOW_WATER_ML:
        everywhere *= LOW_WATER_RATE_RATIO
    if diuretic_name in day.medications_taken:
        everywhere *= DIURETIC_RATE_RATIO
    return {
        NIGHT: night * everywhere,
        AFTER_EXERCISE: after_exercise * everywhere,
        DAYTIME: DAYTIME_RATE * everywhere,
    }


def _episodes(
    rng: random.Random,
    day: _Day,
    previous: _Day | None,
    diuretic_name: str,
    zone: ZoneInfo,
    rate_scale: float,
) -> list[DemoEpisode]:
    episodes = []
    for setting, rate in _rates(day, previous, diuretic_name).items():
        for _ in range(_poisson(rng, rate * rate_scale)):
            activity = _pick(rng, setting.activities)
            local = _onset(rng, setting, activity, day).replace(tzinfo=zone)
            episodes.append(_episode(rng, setting, activity, local.astimezone(UTC), day))
    return episodes


def _onset(rng: random.Random, setting: _Setting, activity: str, day: _Day) -> datetime:
    """The naive local time on `day` when an episode of this setting starts."""
    if setting is AFTER_EXERCISE:
        assert day.exercise_start is not None  # episodes after exercise need a session
        session = datetime.combine(day.date, day.exercise_start)
        if activity == Activity.EXERCISING:
            minutes_in = rng.uniform(0.3, 1.0) * day.exercise_minutes
        else:
            minutes_in = day.exercise_minutes + rng.uniform(0, 60)
        return session + timedelta(seconds=round(minutes_in * 60))
    hour = _pick(rng, NIGHT_ONSET_HOUR_WEIGHTS if setting is NIGHT else DAYTIME_ONSET_HOUR_WEIGHTS)
    return datetime.combine(day.date, time(hour, rng.randrange(60), rng.randrange(60)))


def _episode(
    rng: random.Random, setting: _Setting, activity: str, started_at: datetime, day: _Day
) -> DemoEpisode:
    muscle = _pick(rng, setting.muscles)
    if muscle == Muscle.FACE:
        side = _pick(rng, {Side.LEFT: 1, Side.RIGHT: 1})
    else:
        side = _pick(rng, MIDLINE_SIDES if muscle in MIDLINE_MUSCLES else LIMB_SIDES)
    if rng.random() < QUICK_LOGGED_SHARE:
        # Saved from the quick log and never completed: only what the quick log asks for.
        intensity = _pick(rng, INTENSITY[EpisodeKind.CRAMP])
        return DemoEpisode(
            started_at, None, muscle, side, intensity, EpisodeKind.CRAMP, "", "", [], "", [], ""
        )
    kind = _kind(rng, muscle)
    intensity = _pick(rng, INTENSITY[kind])
    relief = _pick_some(rng, setting.reliefs, _pick(rng, {1: 5, 2: 4, 3: 1}))
    thirsty = day.water_ml < LOW_WATER_ML
    return DemoEpisode(
        started_at=started_at,
        duration_seconds=_duration(rng, kind),
        muscle=muscle,
        side=side,
        intensity=intensity,
        kind=kind,
        activity=activity,
        hydration=_pick(
            rng,
            {
                Hydration.WELL_HYDRATED: 5 if thirsty else 25,
                Hydration.NORMAL: 25 if thirsty else 45,
                Hydration.DEHYDRATED: 45 if thirsty else 8,
                Hydration.UNKNOWN: 25 if thirsty else 22,
            },
        ),
        relief=relief,
        relief_effect="" if relief == [Relief.NOTHING] else _pick(rng, RELIEF_EFFECT),
        symptoms=_symptoms(rng, kind, intensity, setting),
        notes=rng.choice(setting.notes) if rng.random() < 0.12 else "",
    )


def _kind(rng: random.Random, muscle: str) -> str:
    if muscle == Muscle.FACE:
        return _pick(rng, {EpisodeKind.TWITCH: 85, EpisodeKind.JERK: 15})
    if muscle in MIDLINE_MUSCLES or muscle == Muscle.SHOULDER:
        return _pick(rng, {EpisodeKind.TIGHTNESS: 70, EpisodeKind.CRAMP: 30})
    if muscle in (Muscle.HAND, Muscle.ARM):
        return _pick(rng, {EpisodeKind.CRAMP: 60, EpisodeKind.TWITCH: 40})
    return _pick(
        rng,
        {
            EpisodeKind.CRAMP: 88,
            EpisodeKind.TWITCH: 6,
            EpisodeKind.TIGHTNESS: 4,
            EpisodeKind.JERK: 2,
        },
    )


def _duration(rng: random.Random, kind: str) -> int | None:
    if rng.random() < 0.1:
        return None  # nobody looked at the clock
    if rng.random() < 0.03:
        return rng.randint(6 * 60, 15 * 60)  # the rare one that will not let go
    seconds = rng.lognormvariate(math.log(MEDIAN_SECONDS[kind]), 0.6)
    return 5 * round(_clamp(seconds, 20, 300) / 5)


def _symptoms(rng: random.Random, kind: str, intensity: int, setting: _Setting) -> list[str]:
    chances = {
        Symptom.SORENESS: 0.15 if kind == EpisodeKind.CRAMP and intensity >= 6 else 0.01,
        Symptom.NUMBNESS: 0.01,
        Symptom.WEAKNESS: 0.005,
        Symptom.SWELLING: 0.003,
        Symptom.REDNESS: 0.002,
        Symptom.INJURY: 0.02 if setting is AFTER_EXERCISE else 0.0,
    }
    return [symptom for symptom, chance in chances.items() if rng.random() < chance]


def _fill_in_checkin(rng: random.Random, day: _Day) -> DemoCheckIn:
    """The check-in the person filled in for `day`, with the odd field left blank."""
    exercise_recorded = rng.random() >= 0.05
    return DemoCheckIn(
        date=day.date,
        water_ml=_blank_or(rng, day.water_ml, 0.06),
        electrolytes=_blank_or(rng, day.electrolytes, 0.10),
        caffeine_drinks=_blank_or(rng, day.caffeine_drinks, 0.05),
        alcohol_drinks=_blank_or(rng, day.alcohol_drinks, 0.05),
        exercise_minutes=day.exercise_minutes if exercise_recorded else None,
        exercise_intensity=day.exercise_intensity if exercise_recorded else "",
        warmed_up=_blank_or(rng, day.warmed_up, 0.10) if exercise_recorded else None,
        stretched=_blank_or(rng, day.stretched, 0.10),
        sleep_hours=_blank_or(rng, day.sleep_hours, 0.05),
        stress=_blank_or(rng, day.stress, 0.12),
        sitting_hours=_blank_or(rng, day.sitting_hours, 0.15),
        cold_exposure=_blank_or(rng, day.cold_exposure, 0.12),
        notes=_checkin_note(rng, day),
        medications_taken=day.medications_taken,
    )


def _checkin_note(rng: random.Random, day: _Day) -> str:
    if rng.random() >= 0.08:
        return ""
    notes = ["Nothing special."]
    if day.alcohol_drinks >= 3:
        notes.append("Dinner with friends, a few drinks.")
    if day.hard_session:
        notes.append("Hard training session.")
    if day.water_ml < LOW_WATER_ML:
        notes.append("Forgot my water bottle.")
    if day.sitting_hours >= 9:
        notes.append("Long day at the desk.")
    if day.cold_exposure:
        notes.append("Walked home in the cold.")
    return rng.choice(notes)


def _blank_or(rng: random.Random, value: T, blank_share: float) -> T | None:
    return None if rng.random() < blank_share else value


def _pick(rng: random.Random, weights: Mapping[T, float]) -> T:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _pick_some(rng: random.Random, weights: Mapping[T, float], count: int) -> list[T]:
    """`count` distinct items, each drawn by weight from those not yet drawn."""
    remaining = dict(weights)
    chosen = []
    for _ in range(min(count, len(remaining))):
        item = _pick(rng, remaining)
        chosen.append(item)
        del remaining[item]
    return chosen


def _poisson(rng: random.Random, rate: float) -> int:
    # Knuth's multiplication method: exact, and quick for rates of a few episodes a day.
    limit = math.exp(-rate)
    count = 0
    product = rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def _half_hours(hours: float) -> Decimal:
    return Decimal(round(hours * 2)) / 2
