from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from diary.analysis import charts
from diary.analysis.nights import NightAnswer, night_episodes, split_minutes
from diary.insights import build_document, load_diary
from diary.models import CheckIn, Episode
from tests.factories import make_checkin, make_episode

BERLIN = ZoneInfo("Europe/Berlin")
# 07:30 in Berlin on 10 March 2026: the morning after the night of the 9th.
MORNING = datetime(2026, 3, 10, 6, 30, tzinfo=UTC)
URL = reverse("diary:last_night")
TWO_CRAMPS = {
    "episodes": "2",
    "worst_intensity": "7",
    "total_minutes": "5",
    "sleep_disturbance": "4",
    "muscle": "calf",
    "side": "right",
}


@pytest.fixture
def morning(freeze_now):
    freeze_now(MORNING)


# The episodes a night becomes, without a database.


@pytest.mark.parametrize(
    ("minutes", "count", "expected"),
    [
        (5, 2, [150, 150]),
        (1, 3, [20, 20, 20]),
        (1, 7, [9, 9, 9, 9, 8, 8, 8]),
        (None, 2, [None] * 2),
    ],
)
def test_the_minutes_in_all_are_shared_out_to_the_second(minutes, count, expected):
    assert split_minutes(minutes, count) == expected
    if minutes is not None:
        assert sum(expected) == minutes * 60


def test_night_episodes_start_a_minute_apart_from_three_in_the_morning():
    answer = NightAnswer(3, 8, 2, 6, "calf", "left")

    episodes = night_episodes(answer, date(2026, 3, 10), BERLIN)

    assert [e["started_at"].astimezone(BERLIN).strftime("%H:%M") for e in episodes] == [
        "03:00",
        "03:01",
        "03:02",
    ]
    assert {e["intensity"] for e in episodes} == {8}
    assert all(e["time_estimated"] and e["activity"] == "asleep" for e in episodes)
    assert sum(e["duration_seconds"] for e in episodes) == 120


def test_night_episodes_are_on_the_mornings_date_on_a_night_the_clocks_change():
    # Berlin's clocks jump from 02:00 to 03:00 on 29 March 2026.
    episodes = night_episodes(NightAnswer(2, 5, None, 3, "foot", "both"), date(2026, 3, 29), BERLIN)

    assert [e["started_at"] for e in episodes] == [
        datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
        datetime(2026, 3, 29, 1, 1, tzinfo=UTC),
    ]


# The morning screen.


def test_the_morning_screen_offers_buttons_for_the_count_and_the_scales(auth_client, morning):
    response = auth_client.get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert "No cramps last night" in page
    assert 'value="4"' in page and ">4+</label>" in page
    assert page.count('name="sleep_disturbance"') == 11


def test_it_saves_that_many_night_episodes_marked_time_estimated(auth_client, user, morning):
    response = auth_client.post(URL, TWO_CRAMPS)

    assert response.status_code == 302
    assert response.url == reverse("diary:home")
    episodes = list(Episode.objects.for_user(user).order_by("started_at"))
    assert len(episodes) == 2
    assert [e.started_at.astimezone(BERLIN) for e in episodes] == [
        datetime(2026, 3, 10, 3, 0, tzinfo=BERLIN),
        datetime(2026, 3, 10, 3, 1, tzinfo=BERLIN),
    ]
    assert {(e.muscle, e.side, e.intensity, e.time_estimated) for e in episodes} == {
        ("calf", "right", 7, True)
    }
    assert [e.duration_seconds for e in episodes] == [150, 150]
    checkin = CheckIn.objects.get(user=user)
    assert (checkin.date, checkin.sleep_disturbance) == (date(2026, 3, 10), 4)


def test_no_cramps_last_night_is_one_field(auth_client, user, morning):
    response = auth_client.post(URL, {"episodes": "0"})

    assert response.status_code == 302
    assert not Episode.objects.for_user(user).exists()
    assert CheckIn.objects.get(user=user).sleep_disturbance == 0


def test_four_plus_takes_the_number_typed_beside_it(auth_client, user, morning):
    auth_client.post(URL, {**TWO_CRAMPS, "episodes": "4", "more": "6"})

    assert Episode.objects.for_user(user).count() == 6


def test_four_plus_without_a_number_is_four(auth_client, user, morning):
    auth_client.post(URL, {**TWO_CRAMPS, "episodes": "4"})

    assert Episode.objects.for_user(user).count() == 4


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"worst_intensity": ""}, "worst_intensity", "How bad was the worst one?"),
        ({"sleep_disturbance": ""}, "sleep_disturbance", "How much did they disturb your sleep?"),
        ({"sleep_disturbance": "11"}, "sleep_disturbance", "Select a valid choice"),
        ({"episodes": "4", "more": "21"}, "more", "less than or equal to 20"),
        ({"episodes": ""}, "episodes", "This field is required"),
    ],
)
def test_a_bad_answer_is_explained_beside_its_field_and_nothing_is_saved(
    auth_client, user, morning, change, field, message
):
    response = auth_client.post(URL, {**TWO_CRAMPS, **change})

    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert not Episode.objects.for_user(user).exists()
    assert not CheckIn.objects.for_user(user).exists()


def test_a_second_answer_for_the_same_night_changes_nothing(auth_client, user, morning):
    auth_client.post(URL, TWO_CRAMPS)

    response = auth_client.post(URL, {**TWO_CRAMPS, "episodes": "3"})

    assert "already recorded" in auth_client.get(URL).content.decode()
    assert response.status_code == 200
    assert Episode.objects.for_user(user).count() == 2


def test_the_night_is_added_to_a_check_in_already_begun(auth_client, user, morning):
    make_checkin(user, date(2026, 3, 10), water_ml=500)

    auth_client.post(URL, {"episodes": "0"})

    checkin = CheckIn.objects.get(user=user)
    assert (checkin.water_ml, checkin.sleep_disturbance) == (500, 0)


def test_before_four_in_the_morning_the_night_is_not_over(auth_client, user, freeze_now):
    freeze_now(datetime(2026, 3, 10, 2, 0, tzinfo=UTC))  # 03:00 in Berlin

    response = auth_client.post(URL, TWO_CRAMPS)

    assert "The night isn't over yet" in response.content.decode()
    assert not Episode.objects.for_user(user).exists()


def test_a_night_only_check_in_leaves_todays_check_in_missing_on_home(auth_client, user, morning):
    auth_client.post(URL, {"episodes": "0"})

    response = auth_client.get(reverse("diary:home"))

    assert response.context["missing_checkins"][0] == date(2026, 3, 10)
    assert response.context["night_disturbance"] == 0


def test_home_offers_the_morning_screen_until_it_is_answered(auth_client, morning):
    assert "No cramps last night" in auth_client.get(reverse("diary:home")).content.decode()

    auth_client.post(URL, {"episodes": "0"})

    page = auth_client.get(reverse("diary:home")).content.decode()
    assert "No cramps last night" not in page
    assert "Last night: no cramps." in page


# The hour-of-day chart.


def test_estimated_times_are_left_out_of_the_hour_of_day_chart_and_it_says_so(user, morning):
    make_episode(user, started_at=datetime(2026, 3, 9, 16, 0, tzinfo=UTC), intensity=4)
    for fields in night_episodes(NightAnswer(2, 6, 3, 5, "calf", "left"), MORNING.date(), BERLIN):
        make_episode(user, **fields)

    document = build_document(load_diary(user, BERLIN, date(2026, 3, 1), date(2026, 3, 10)))

    hours = {row["hour"]: row["episodes"] for row in document["patterns"]["time_of_day"]}
    assert sum(hours.values()) == 1 and hours[17] == 1
    assert document["patterns"]["time_estimated_episodes"] == 2
    assert document["patterns"]["night_episodes"] == 2  # asleep, whatever the hour
    sentence = charts.describe("hours", document).sentence
    assert sentence == (
        "2 of 3 episodes were at night (asleep, or between 22:00 and 06:00). The chart leaves "
        "out 2 counted the next morning, whose time was only estimated."
    )


def test_another_persons_night_is_never_touched(auth_client, user, other_user, morning):
    make_checkin(other_user, date(2026, 3, 10), sleep_disturbance=9)

    auth_client.post(URL, {"episodes": "0"})

    assert CheckIn.objects.get(user=other_user).sleep_disturbance == 9
    assert CheckIn.objects.get(user=user).sleep_disturbance == 0
