"""Last night, counted in the morning: the diary variables of night-cramp studies (cramps per
night, the worst, minutes in all, sleep disturbance 0–10) turned into episodes.

Nobody knows when each cramp of the night started, so each episode gets a placeholder time and
`time_estimated`: it counts on the morning's date and as a night episode ("asleep"), but never
in an hour-of-day analysis.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from diary.vocabularies import Activity, EpisodeKind

# The morning screen asks about the night that ended today from this local time on; before it,
# the night is not over yet.
MORNING_STARTS = time(4, 0)
# Counts the screen offers as buttons; the last one reads "4+" and opens a number field.
NIGHT_COUNT_BUTTONS = (0, 1, 2, 3, 4)
MAX_NIGHT_EPISODES = 20
# The placeholder times: the first at 03:00 on the morning's date, one a minute after another,
# so each is its own episode (episodes are told apart by start time and muscle) and all are
# before MORNING_STARTS.
PLACEHOLDER_START = time(3, 0)


@dataclass(frozen=True)
class NightAnswer:
    episodes: int
    worst_intensity: int | None
    total_minutes: int | None
    sleep_disturbance: int
    muscle: str
    side: str


def morning_has_come(now: datetime, zone: ZoneInfo) -> bool:
    return now.astimezone(zone).time() >= MORNING_STARTS


def split_minutes(total_minutes: int | None, count: int) -> list[int | None]:
    """Seconds per episode that add up to the minutes in all (earlier ones take the remainder)."""
    if total_minutes is None:
        return [None] * count
    each, extra = divmod(total_minutes * 60, count)
    return [each + (index < extra) for index in range(count)]


def night_episodes(answer: NightAnswer, morning: date, zone: ZoneInfo) -> list[dict]:
    """The Episode field values for the night that ended on the local date `morning`.

    Every episode gets the worst intensity, the only one asked: a morning count cannot say which
    cramp was which.
    """
    first = datetime.combine(morning, PLACEHOLDER_START, tzinfo=zone).astimezone(UTC)
    durations = split_minutes(answer.total_minutes, answer.episodes)
    return [
        {
            # In UTC, so a minute is a minute even on a night the clocks change.
            "started_at": first + timedelta(minutes=index),
            "duration_seconds": durations[index],
            "muscle": answer.muscle,
            "side": answer.side,
            "intensity": answer.worst_intensity,
            "kind": EpisodeKind.CRAMP,
            "activity": Activity.ASLEEP,
            "time_estimated": True,
        }
        for index in range(answer.episodes)
    ]
