import re
from collections import Counter
from dataclasses import asdict, replace
from datetime import UTC, date, datetime, timedelta
from io import StringIO
from itertools import pairwise
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

from diary.analysis.patterns import NIGHT_HOURS
from diary.days import EARLIEST_DAY, local_date
from diary.demo import HEAVY, DemoDiary, _one_per_moment, generate_diary
from diary.models import CheckIn, Episode, Medication, Profile
from diary.vocabularies import Activity, MedicationKind
from tests.factories import make_episode, make_user

BERLIN = ZoneInfo("Europe/Berlin")
# A Sunday morning in Berlin; the year before it crosses both daylight-saving changes.
MORNING = datetime(2026, 3, 29, 6, 15, tzinfo=UTC)
EVENING = MORNING.replace(hour=20)


def year(seed: int, now: datetime = MORNING) -> DemoDiary:
    return generate_diary(seed, 365, BERLIN, now)


def episodes_per_local_date(started: list[datetime], zone: ZoneInfo) -> Counter:
    return Counter(local_date(instant, zone) for instant in started)


def rate_ratio(exposed: list[date], unexposed: list[date], episodes: Counter) -> float:
    exposed_rate = sum(episodes[day] for day in exposed) / len(exposed)
    unexposed_rate = sum(episodes[day] for day in unexposed) / len(unexposed)
    return exposed_rate / unexposed_rate


def pooled_rate_ratio(diaries: list[DemoDiary], exposed_on) -> float:
    """Episodes a day on days `exposed_on(checkin)` is true over days it is false, all diaries."""
    counts = {True: [0, 0], False: [0, 0]}  # exposed?: [episodes, days]
    for diary in diaries:
        episodes = episodes_per_local_date([e.started_at for e in diary.episodes], BERLIN)
        for checkin in diary.checkins:
            exposure = exposed_on(checkin)
            if exposure is not None:
                counts[exposure][0] += episodes[checkin.date]
                counts[exposure][1] += 1
    return (counts[True][0] / counts[True][1]) / (counts[False][0] / counts[False][1])


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def printed_password(output: str) -> str:
    return re.search(r"password: (\S+)$", output.strip()).group(1)


EPISODE_FIELDS = [
    f.name for f in Episode._meta.fields if f.name not in {"id", "user", "created_at", "updated_at"}
]
CHECKIN_FIELDS = [
    f.name for f in CheckIn._meta.fields if f.name not in {"id", "user", "updated_at"}
]


def diary_rows(user: User) -> tuple[list, list]:
    """The user's episodes and check-ins (with the names of medications taken) as plain values."""
    episodes = list(Episode.objects.for_user(user).order_by("started_at").values(*EPISODE_FIELDS))
    checkins = [
        (
            {name: getattr(checkin, name) for name in CHECKIN_FIELDS},
            sorted(medication.name for medication in checkin.medications_taken.all()),
        )
        for checkin in CheckIn.objects.for_user(user)
        .order_by("date")
        .prefetch_related("medications_taken")
    ]
    return episodes, checkins


def hard_session(checkin) -> bool | None:
    if checkin.exercise_minutes is None:
        return None
    return checkin.exercise_intensity == "vigorous" or checkin.exercise_minutes >= 60


# The generator, without a database.


def test_the_same_seed_gives_the_same_diary():
    assert year(7) == year(7)


def test_another_seed_gives_another_diary():
    first, second = year(7), year(8)
    assert first.episodes != second.episodes
    assert first.checkins != second.checkins


def test_the_diary_covers_exactly_the_days_asked_for():
    diary = generate_diary(3, 60, BERLIN, EVENING)
    today = local_date(EVENING, BERLIN)
    first_day = today - timedelta(days=59)
    checkin_dates = [checkin.date for checkin in diary.checkins]
    episode_dates = [local_date(episode.started_at, BERLIN) for episode in diary.episodes]
    assert min(checkin_dates) >= first_day
    assert max(checkin_dates) <= today
    assert min(episode_dates) >= first_day
    assert max(episode.started_at for episode in diary.episodes) <= EVENING
    assert len(set(checkin_dates)) == len(checkin_dates)


def test_nothing_happens_after_now():
    diary = year(1, now=MORNING)
    assert all(episode.started_at <= MORNING for episode in diary.episodes)
    # Today's check-in waits for the evening; the days before are the same either way.
    evening_diary = year(1, now=EVENING)
    today = local_date(MORNING, BERLIN)
    assert all(checkin.date < today for checkin in diary.checkins)
    assert diary.checkins == [c for c in evening_diary.checkins if c.date < today]


def test_todays_checkin_is_there_in_the_evening_on_most_seeds():
    today = local_date(EVENING, BERLIN)
    recorded_today = [
        any(c.date == today for c in generate_diary(s, 5, BERLIN, EVENING).checkins)
        for s in range(20)
    ]
    assert 12 <= sum(recorded_today) < 20


@pytest.mark.parametrize("seed_value", [1, 2, 3])
def test_most_but_not_all_days_have_a_checkin(seed_value):
    diary = year(seed_value)
    assert 0.75 <= len(diary.checkins) / 365 <= 0.95


def test_some_gaps_last_several_days():
    diary = year(1)
    dates = sorted(checkin.date for checkin in diary.checkins)
    gaps = [(later - earlier).days - 1 for earlier, later in pairwise(dates)]
    assert sum(1 for gap in gaps if gap >= 3) >= 2


def test_most_episodes_are_at_night_in_bed():
    diary = year(1)
    at_night = [
        episode
        for episode in diary.episodes
        if episode.activity == Activity.ASLEEP
        and episode.started_at.astimezone(BERLIN).hour in NIGHT_HOURS
    ]
    assert len(at_night) / len(diary.episodes) > 0.4
    asleep = [e for e in diary.episodes if e.activity == Activity.ASLEEP]
    assert all(e.started_at.astimezone(BERLIN).hour in NIGHT_HOURS for e in asleep)


def test_hard_exercise_brings_cramps_just_after_it():
    diaries = [year(s) for s in range(3)]
    after_exercise = [
        e for d in diaries for e in d.episodes if e.activity == Activity.JUST_AFTER_EXERCISE
    ]
    assert len(after_exercise) >= 30
    assert pooled_rate_ratio(diaries, hard_session) > 1.5


def test_low_water_days_have_about_two_and_a_half_times_the_episodes():
    diaries = [year(s) for s in range(3)]
    ratio = pooled_rate_ratio(diaries, lambda c: None if c.water_ml is None else c.water_ml < 1500)
    assert 1.9 < ratio < 3.3


def test_caffeine_makes_no_difference():
    diaries = [year(s) for s in range(3)]
    ratio = pooled_rate_ratio(
        diaries, lambda c: None if c.caffeine_drinks is None else c.caffeine_drinks >= 3
    )
    assert 0.75 < ratio < 1.33


def test_alcohol_the_evening_before_brings_night_cramps():
    nights = {True: [0, 0], False: [0, 0]}  # drank the day before?: [night episodes, days]
    for diary in [year(s) for s in range(3)]:
        night_episodes = episodes_per_local_date(
            [e.started_at for e in diary.episodes if e.activity == Activity.ASLEEP], BERLIN
        )
        recorded = {checkin.date: checkin for checkin in diary.checkins}
        for day in recorded:
            before = recorded.get(day - timedelta(days=1))
            if before is not None and before.alcohol_drinks is not None:
                drank = before.alcohol_drinks >= 1
                nights[drank][0] += night_episodes[day]
                nights[drank][1] += 1
    ratio = (nights[True][0] / nights[True][1]) / (nights[False][0] / nights[False][1])
    assert 1.5 < ratio < 2.8


def test_the_diuretic_is_taken_only_from_its_start_and_the_statin_most_days():
    diary = year(4)
    statin, diuretic = (
        next(m for m in diary.medications if m.kind == kind)
        for kind in (MedicationKind.STATIN, MedicationKind.DIURETIC)
    )
    first_day = min(checkin.date for checkin in diary.checkins)
    assert statin.started_on < first_day < diuretic.started_on
    taking_diuretic = [c.date for c in diary.checkins if diuretic.name in c.medications_taken]
    assert min(taking_diuretic) >= diuretic.started_on
    after_start = [c for c in diary.checkins if c.date >= diuretic.started_on]
    assert len(taking_diuretic) / len(after_start) > 0.85
    taking_statin = [c for c in diary.checkins if statin.name in c.medications_taken]
    assert 0.85 < len(taking_statin) / len(diary.checkins) < 1


def test_some_checkin_fields_are_left_blank():
    diary = year(1)
    assert any(c.water_ml is None for c in diary.checkins)
    assert any(c.electrolytes is None for c in diary.checkins)
    assert any(c.electrolytes == [] for c in diary.checkins)
    assert any(c.stress is None and c.water_ml is not None for c in diary.checkins)
    assert sum(c.water_ml is None for c in diary.checkins) / len(diary.checkins) < 0.15


def test_episode_details_look_like_a_real_diary():
    episodes = year(2).episodes
    muscles = Counter(e.muscle for e in episodes)
    assert sum(muscles[m] for m in ("calf", "foot", "hamstring")) / len(episodes) > 0.7
    assert len({e.side for e in episodes}) >= 3
    intensities = [e.intensity for e in episodes]
    assert sum(3 <= i <= 7 for i in intensities) / len(intensities) > 0.7
    assert any(i >= 8 for i in intensities)
    durations = [e.duration_seconds for e in episodes if e.duration_seconds is not None]
    assert sum(20 <= s <= 300 for s in durations) / len(durations) > 0.9
    assert Counter(e.kind for e in episodes).most_common(1)[0][0] == "cramp"
    assert any(e.relief and e.relief_effect for e in episodes)
    assert 0 < sum(bool(e.symptoms) for e in episodes) / len(episodes) < 0.15
    assert any(e.notes for e in episodes)


def test_the_daily_routine_is_there_and_changes_nothing_else():
    diary = year(3)
    nights = [e for e in diary.episodes if e.activity == "asleep"]
    estimated = [e for e in diary.episodes if e.time_estimated]
    assert estimated and all(e.activity == "asleep" for e in estimated)
    assert 0.15 < len(estimated) / len(nights) < 0.45
    answered = [c for c in diary.checkins if c.sleep_disturbance is not None]
    assert 0.55 < len(answered) / len(diary.checkins) < 0.85
    confirmed = [c for c in diary.checkins if c.episodes_all_logged]
    assert 0.7 < len(confirmed) / len(diary.checkins) < 0.9
    # Mornings after a cramp are the worse ones.
    mornings = Counter(
        (e.started_at.astimezone(BERLIN) + timedelta(hours=12)).date() for e in nights
    )
    after_cramp = [c.sleep_disturbance for c in answered if mornings[c.date]]
    after_none = [c.sleep_disturbance for c in answered if not mornings[c.date]]
    assert sum(after_cramp) / len(after_cramp) > sum(after_none) / len(after_none) + 2
    # The routine only adds its answers: without it the seed gives the same diary as before.
    with mock.patch("diary.demo.daily_routine", side_effect=lambda _, c, e, __: (c, e)):
        without = year(3)
    assert [replace(e, time_estimated=False) for e in diary.episodes] == without.episodes
    routine_cleared = [
        replace(c, sleep_disturbance=None, episodes_all_logged=None) for c in diary.checkins
    ]
    assert routine_cleared == without.checkins


def test_every_generated_row_passes_the_model_validation():
    diary = year(5)
    for episode in diary.episodes:
        Episode(**asdict(episode)).full_clean(exclude=["user"], validate_constraints=False)
    for checkin in diary.checkins:
        fields = {k: v for k, v in asdict(checkin).items() if k != "medications_taken"}
        CheckIn(**fields).full_clean(exclude=["user"], validate_constraints=False)


# The command.


@pytest.mark.django_db
def test_it_creates_the_demo_user_with_the_password_it_prints():
    output = seed("--days", "30")
    user = User.objects.get(username="demo")
    assert user.check_password(printed_password(output))
    assert output.count(printed_password(output)) == 1
    episodes = Episode.objects.for_user(user).count()
    checkins = CheckIn.objects.for_user(user).count()
    assert f"{episodes} episodes, {checkins} check-ins" in output
    assert 0 < checkins <= 30
    assert Medication.objects.for_user(user).count() == 2
    profile = Profile.objects.get(user=user)
    assert profile.time_zone == "UTC"
    assert 1 <= len(profile.conditions) <= 2


@pytest.mark.django_db
def test_running_it_again_replaces_the_diary_and_the_password():
    first_password = printed_password(seed("--seed", "3", "--days", "60"))
    user = User.objects.get(username="demo")
    first_rows = diary_rows(user)

    second_password = printed_password(seed("--seed", "3", "--days", "60"))

    assert User.objects.filter(username="demo").count() == 1
    user.refresh_from_db()
    assert user.check_password(second_password)
    assert not user.check_password(first_password)
    assert len(diary_rows(user)[0]) == len(first_rows[0])
    assert len(diary_rows(user)[1]) == len(first_rows[1])
    assert Medication.objects.for_user(user).count() == 2
    assert CheckIn.medications_taken.through.objects.count() == sum(
        len(taken) for _, taken in first_rows[1]
    )


@pytest.mark.django_db
def test_the_same_seed_writes_the_same_diary_and_another_seed_another(freeze_now):
    freeze_now(EVENING)
    seed("--seed", "5", "--days", "90")
    user = User.objects.get(username="demo")
    first = diary_rows(user)
    seed("--seed", "5", "--days", "90")
    assert diary_rows(user) == first
    seed("--seed", "6", "--days", "90")
    assert diary_rows(user)[0] != first[0]
    assert diary_rows(user)[1] != first[1]


@pytest.mark.django_db
def test_the_diary_ends_today_in_the_users_zone_and_nothing_is_in_the_future(settings):
    settings.TIME_ZONE = "Pacific/Auckland"
    seed("--days", "45")
    user = User.objects.get(username="demo")
    zone = ZoneInfo("Pacific/Auckland")
    assert user.profile.time_zone == "Pacific/Auckland"
    today = local_date(datetime.now(UTC), zone)
    first_day = today - timedelta(days=44)
    dates = CheckIn.objects.for_user(user).values_list("date", flat=True)
    assert first_day <= min(dates) and max(dates) <= today
    started = Episode.objects.for_user(user).values_list("started_at", flat=True)
    assert min(local_date(s, zone) for s in started) >= first_day
    assert max(started) <= datetime.now(UTC)


@pytest.mark.django_db
def test_night_episodes_are_at_night_in_the_users_zone(settings, freeze_now):
    freeze_now(EVENING)
    settings.TIME_ZONE = "America/New_York"
    seed("--days", "120")
    user = User.objects.get(username="demo")
    asleep = Episode.objects.for_user(user).filter(activity=Activity.ASLEEP)
    hours = [e.started_at.astimezone(ZoneInfo("America/New_York")).hour for e in asleep]
    assert hours
    assert set(hours) <= NIGHT_HOURS


@pytest.mark.django_db
def test_the_written_diary_shows_the_low_water_effect(freeze_now):
    freeze_now(EVENING)
    seed("--days", "365")
    user = User.objects.get(username="demo")
    started = list(Episode.objects.for_user(user).values_list("started_at", flat=True))
    episodes = episodes_per_local_date(started, user.profile.zone)
    recorded = CheckIn.objects.for_user(user).exclude(water_ml=None)
    low = list(recorded.filter(water_ml__lt=1500).values_list("date", flat=True))
    enough = list(recorded.filter(water_ml__gte=1500).values_list("date", flat=True))
    assert len(low) >= 30
    assert rate_ratio(low, enough, episodes) > 1.5


@pytest.mark.django_db
def test_medications_are_ticked_only_on_days_they_are_taken(freeze_now):
    freeze_now(EVENING)
    seed("--days", "200")
    user = User.objects.get(username="demo")
    diuretic = Medication.objects.for_user(user).get(kind=MedicationKind.DIURETIC)
    ticked = diuretic.checkins.values_list("date", flat=True)
    assert ticked
    assert min(ticked) >= diuretic.started_on


@pytest.mark.django_db
def test_it_writes_a_year_in_bulk(django_assert_max_num_queries):
    # Bulk writes: the number of queries does not depend on the number of days.
    with django_assert_max_num_queries(40):
        seed("--days", "365")
    assert Episode.objects.count() > 100


@pytest.mark.django_db
def test_it_will_not_replace_someone_elses_diary_unless_told():
    alice = make_user("alice", "Europe/Berlin")
    own = make_episode(alice)

    with pytest.raises(CommandError, match="--replace"):
        seed("--username", "alice", "--days", "10")
    assert Episode.objects.for_user(alice).count() == 1

    seed("--username", "alice", "--days", "10", "--replace")
    assert not Episode.objects.filter(pk=own.pk).exists()
    assert Medication.objects.for_user(alice).count() == 2


@pytest.mark.django_db
def test_it_rejects_a_diary_of_no_days():
    with pytest.raises(CommandError, match="at least 1"):
        seed("--days", "0")
    assert not User.objects.filter(username="demo").exists()


def test_the_heavy_profile_has_a_checkin_every_day_and_about_two_episodes():
    diary = generate_diary(1, 365, BERLIN, EVENING, HEAVY)
    ordinary = generate_diary(1, 365, BERLIN, EVENING)
    assert len(diary.checkins) == 365
    assert 1.6 <= len(diary.episodes) / 365 <= 2.4
    # The same planted rates, scaled: about HEAVY.rate_scale times the ordinary diary's.
    assert 2.8 <= len(diary.episodes) / len(ordinary.episodes) <= 4.2


def test_the_heavy_profile_keeps_the_low_water_effect():
    diary = generate_diary(2, 730, BERLIN, EVENING, HEAVY)
    episodes = episodes_per_local_date([e.started_at for e in diary.episodes], BERLIN)
    low = [c.date for c in diary.checkins if c.water_ml is not None and c.water_ml < 1500]
    enough = [c.date for c in diary.checkins if c.water_ml is not None and c.water_ml >= 1500]
    assert 2.0 <= rate_ratio(low, enough, episodes) <= 3.1


def test_seed_demo_writes_the_heavy_profile_when_asked(db, freeze_now):
    freeze_now(EVENING)
    output = seed("--days", "30", "--profile", "heavy")
    user = User.objects.get(username="demo")
    assert CheckIn.objects.filter(user=user).count() == 30
    assert f"{Episode.objects.filter(user=user).count()} episodes, 30 check-ins" in output


def test_no_two_episodes_share_a_moment_muscle_and_side_even_in_five_heavy_years():
    diary = generate_diary(1, 1826, BERLIN, EVENING, HEAVY)
    moments = Counter((e.started_at, e.muscle, e.side) for e in diary.episodes)
    assert max(moments.values()) == 1


def test_an_episode_drawn_at_a_taken_moment_is_moved_a_second_on():
    first = year(1).episodes[0]
    twin = replace(first, intensity=first.intensity % 10 + 1)
    moved = _one_per_moment([first, twin, twin])
    assert [e.started_at - first.started_at for e in moved] == [
        timedelta(0),
        timedelta(seconds=1),
        timedelta(seconds=2),
    ]
    assert moved[1].intensity == twin.intensity


def test_a_demo_diary_never_reaches_before_1900(db):
    # The statin starts years before the diary: clamped to the first day a diary holds.
    now = datetime(1901, 1, 1, 12, tzinfo=UTC)
    diary = generate_diary(1, 366, ZoneInfo("UTC"), now)
    assert min(medication.started_on for medication in diary.medications) == EARLIEST_DAY
    with pytest.raises(ValueError, match="starts on 1900-01-01 at the earliest"):
        generate_diary(1, 367, ZoneInfo("UTC"), now)
    with pytest.raises(CommandError, match="starts on 1900-01-01 at the earliest"):
        call_command("seed_demo", "--days", "60000", stdout=StringIO())
