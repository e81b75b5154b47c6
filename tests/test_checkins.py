from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from diary.dataversion import diary_changed
from diary.forms.checkins import NONE_TAKEN, CheckInForm
from diary.models import CheckIn
from diary.months import (
    CalendarDay,
    DayState,
    check_in_month,
    next_month,
    parse_month,
    previous_month,
)
from tests.factories import make_checkin, make_medication, make_user, new_checkin
from tests.helpers import page_queries
from tests.security_routes import own_form_fields

DAY = date(2025, 6, 10)


def day_url(day: date) -> str:
    return reverse("diary:checkin_day", args=[day])


def delete_url(day: date) -> str:
    return reverse("diary:checkin_delete", args=[day])


def list_url(month: str | None = None) -> str:
    url = reverse("diary:checkin_list")
    return f"{url}?month={month}" if month else url


def bound_form(user, day: date = DAY, **data) -> CheckInForm:
    return CheckInForm(data, instance=CheckIn(user=user, date=day))


# The month calendar, without a database.


def test_it_reads_a_month():
    assert parse_month("2025-03") == date(2025, 3, 1)


@pytest.mark.parametrize("text", ["", "2025-13", "2025-00", "2025-3", "March", "2025-03-01"])
def test_it_rejects_what_is_not_a_month(text):
    with pytest.raises(ValueError):
        parse_month(text)


def test_it_steps_months_across_a_new_year():
    assert previous_month(date(2025, 1, 1)) == date(2024, 12, 1)
    assert next_month(date(2024, 12, 1)) == date(2025, 1, 1)
    assert next_month(date(2024, 1, 31)) == date(2024, 2, 1)


def test_it_has_no_month_before_the_first_or_after_the_last():
    assert previous_month(date(1900, 1, 1)) is None
    assert previous_month(date(1900, 2, 1)) == date(1900, 1, 1)
    assert next_month(date(9999, 12, 1)) is None


def test_it_marks_each_day_of_a_month():
    # February 2026 begins on a Sunday, so the first week holds six days of January.
    month = check_in_month(
        date(2026, 2, 1),
        recorded={date(2026, 2, 2), date(2026, 2, 3), date(2026, 1, 31)},
        diary_start=date(2026, 2, 2),
        today=date(2026, 2, 5),
    )
    assert month.weeks[0][:6] == [None] * 6
    assert month.weeks[0][6] == CalendarDay(date(2026, 2, 1), DayState.BEFORE_DIARY, False)
    states = {day.day.day: day.state for day in month.days}
    assert states[2] == states[3] == DayState.RECORDED
    assert states[4] == states[5] == DayState.MISSING
    assert all(states[n] == DayState.FUTURE for n in range(6, 29))
    assert len(month.days) == 28
    assert [day.day for day in month.days if day.is_today] == [date(2026, 2, 5)]
    assert month.recorded_count == 2
    assert month.expected_count == 4
    assert month.missing_days == [date(2026, 2, 4), date(2026, 2, 5)]


# The form.


@pytest.mark.parametrize(
    "text, ml",
    [("1500", 1500), ("1500 ml", 1500), ("1.5 l", 1500), ("1,5 L", 1500), ("6 glasses", 1500)],
)
def test_it_reads_water_in_ml_litres_or_glasses(user, text, ml):
    form = bound_form(user, water_ml=text)
    assert form.is_valid(), form.errors
    assert form.save().water_ml == ml


def test_it_rejects_water_it_cannot_read(user):
    form = bound_form(user, water_ml="lots")
    assert not form.is_valid()
    assert form.errors["water_ml"] == [
        "Couldn't read 'lots'; try 1500 ml, 1.5 l, 6 glasses or 16 fl oz."
    ]


def test_it_asks_for_a_unit_when_a_bare_number_is_tiny(user):
    form = bound_form(user, water_ml="2")
    assert not form.is_valid()
    assert "Did you mean 2 litres or 2 glasses?" in form.errors["water_ml"][0]


def test_it_rejects_more_than_twenty_litres(user):
    form = bound_form(user, water_ml="21 l")
    assert not form.is_valid()
    assert form.errors["water_ml"] == ["That's more than 20000 ml; check the amount."]


def test_it_shows_recorded_water_in_litres(user):
    checkin = make_checkin(user, DAY, water_ml=1500)
    assert CheckInForm(instance=checkin)["water_ml"].value() == "1.5 L"


@pytest.mark.parametrize(
    "ticked, stored",
    [
        ([], None),
        ([NONE_TAKEN], []),
        (["potassium", "magnesium"], ["magnesium", "potassium"]),
    ],
)
def test_it_tells_no_electrolytes_from_not_recorded(user, ticked, stored):
    form = bound_form(user, electrolytes=ticked, notes="A normal day.")
    assert form.is_valid(), form.errors
    checkin = form.save()
    checkin.refresh_from_db()
    assert checkin.electrolytes == stored


def test_it_rejects_none_taken_ticked_with_an_electrolyte(user):
    form = bound_form(user, electrolytes=[NONE_TAKEN, "magnesium"])
    assert not form.is_valid()
    assert form.errors["electrolytes"] == ["Tick “None taken” or the ones you took, not both."]


def test_it_ticks_none_taken_again_when_none_were_taken(user):
    checkin = make_checkin(user, DAY, electrolytes=[])
    assert CheckInForm(instance=checkin)["electrolytes"].value() == [NONE_TAKEN]
    unrecorded = make_checkin(user, DAY - timedelta(days=1))
    assert CheckInForm(instance=unrecorded)["electrolytes"].value() == []


@pytest.mark.parametrize("answer, stored", [("True", True), ("False", False), ("", None)])
def test_it_stores_yes_no_and_not_recorded(user, answer, stored):
    form = bound_form(user, warmed_up=answer, stretched=answer, cold_exposure=answer, stress="3")
    assert form.is_valid(), form.errors
    checkin = form.save()
    checkin.refresh_from_db()
    assert (checkin.warmed_up, checkin.stretched, checkin.cold_exposure) == (stored,) * 3


def test_it_stores_zero_as_zero_and_blank_as_not_recorded(user):
    form = bound_form(user, caffeine_drinks="0", alcohol_drinks="", water_ml="0 ml")
    assert form.is_valid(), form.errors
    checkin = form.save()
    checkin.refresh_from_db()
    assert checkin.caffeine_drinks == 0
    assert checkin.water_ml == 0
    assert checkin.alcohol_drinks is None
    assert checkin.sleep_hours is None
    assert checkin.electrolytes is None
    assert checkin.warmed_up is None


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("sleep_hours", "25", "A day has only 24 hours."),
        ("sleep_hours", "24.5", "A day has only 24 hours."),
        ("sleep_hours", "-1", "Hours can't be negative."),
        ("sleep_hours", "7.25", "Use at most one decimal, for example 7.5."),
        ("sitting_hours", "100", "A day has only 24 hours."),
        ("sitting_hours", "-0.5", "Hours can't be negative."),
        ("stress", "11", "Stress goes from 0 (calm) to 10 (extreme)."),
        ("stress", "-1", "Stress goes from 0 (calm) to 10 (extreme)."),
        ("caffeine_drinks", "-1", "Can't be negative."),
        ("alcohol_drinks", "51", "That's more than 50; check the number."),
        ("exercise_minutes", "-5", "Can't be negative."),
        ("exercise_minutes", "1441", "A day has only 1440 minutes."),
        ("water_ml", "-1 l", "Couldn't read '-1 l'; try 1500 ml, 1.5 l, 6 glasses or 16 fl oz."),
    ],
)
def test_it_rejects_what_cannot_be_true(user, field, value, message):
    form = bound_form(user, **{field: value, "notes": "Otherwise fine."})
    assert not form.is_valid()
    assert form.errors[field] == [message]
    assert list(form.errors) == [field]


def test_it_accepts_a_full_day(user):
    medication = make_medication(user)
    form = bound_form(
        user,
        water_ml="2 l",
        electrolytes=["magnesium"],
        caffeine_drinks="2",
        alcohol_drinks="1",
        exercise_minutes="45",
        exercise_intensity="vigorous",
        warmed_up="False",
        stretched="True",
        sleep_hours="6.5",
        stress="7",
        sitting_hours="9",
        cold_exposure="True",
        medications_taken=[medication.pk],
        notes="Long run in the rain.",
    )
    assert form.is_valid(), form.errors
    checkin = form.save()
    checkin.refresh_from_db()
    assert checkin.water_ml == 2000
    assert checkin.electrolytes == ["magnesium"]
    assert (checkin.caffeine_drinks, checkin.alcohol_drinks) == (2, 1)
    assert (checkin.exercise_minutes, checkin.exercise_intensity) == (45, "vigorous")
    assert (checkin.warmed_up, checkin.stretched, checkin.cold_exposure) == (False, True, True)
    assert (checkin.sleep_hours, checkin.sitting_hours) == (Decimal("6.5"), Decimal("9"))
    assert checkin.stress == 7
    assert list(checkin.medications_taken.all()) == [medication]


def test_it_refuses_a_check_in_with_nothing_in_it(user):
    form = bound_form(user, water_ml="", electrolytes=[], warmed_up="")
    assert not form.is_valid()
    assert form.non_field_errors() == [
        "Nothing is filled in yet: answer at least one question, or come back to this day later."
    ]


def test_the_page_says_why_an_empty_check_in_was_refused(auth_client, user):
    response = auth_client.post(day_url(DAY), {"water_ml": ""})
    assert response.status_code == 200
    assert '<div class="alert alert-danger"><ul class="m-0"><li>Nothing is filled in yet' in (
        response.text
    )


def test_a_wrong_answer_is_marked_and_described_beside_its_field(auth_client, user):
    response = auth_client.post(day_url(DAY), {"caffeine_drinks": "-1"})
    assert (
        'value="-1" class="form-control is-invalid" min="0" max="50"' in response.text
        and 'aria-invalid="true" aria-describedby="id_caffeine_drinks_helptext '
        'id_caffeine_drinks_error"'
        in response.text
    )
    assert '<div id="id_caffeine_drinks_error" class="invalid-feedback d-block">' in response.text


def test_the_day_page_makes_no_query_twice(auth_client, user):
    medication = make_medication(user)
    checkin = make_checkin(user, DAY, stress=3)
    checkin.medications_taken.set([medication])
    make_checkin(user, DAY - timedelta(days=1), stress=4)
    with CaptureQueriesContext(connection) as queries:
        response = auth_client.get(day_url(DAY))
    assert f'value="{medication.pk}" checked' in response.text
    statements = [query["sql"] for query in queries.captured_queries]
    assert len(statements) == len(set(statements))
    assert not [sql for sql in statements if sql.startswith("SELECT COUNT")][1:]


def test_a_medication_alone_is_an_answer(user):
    medication = make_medication(user)
    form = bound_form(user, medications_taken=[medication.pk])
    assert form.is_valid(), form.errors


def test_it_rejects_another_users_medication(user, other_user):
    make_medication(user)
    theirs = make_medication(other_user, name="Secret pill", kind="other")
    form = bound_form(user, medications_taken=[theirs.pk], notes="x")
    assert not form.is_valid()
    assert form.errors["medications_taken"] == ["That isn't one of your medications."]


def test_it_offers_the_medications_taken_that_day_first(user, other_user):
    make_medication(other_user, name="Amlodipine", kind="blood_pressure")
    make_medication(user, name="Atorvastatin", kind="statin", dose="20 mg", stopped_on=DAY)
    make_medication(
        user, name="Bendroflumethiazide", kind="diuretic", started_on=DAY + timedelta(1)
    )
    make_medication(user, name="Chlorthalidone", kind="diuretic", stopped_on=DAY - timedelta(1))
    make_medication(user, started_on=DAY)
    choices = [
        label
        for _, label in CheckInForm(instance=CheckIn(user=user, date=DAY))[
            "medications_taken"
        ].field.choices
    ]
    assert choices == [
        "Atorvastatin 20 mg",
        "Magnesium",
        "Bendroflumethiazide (not current on this day)",
        "Chlorthalidone (not current on this day)",
    ]


# The day view.


def test_it_requires_login_for_every_check_in_page(client, user):
    for url in [list_url(), day_url(DAY), delete_url(DAY)]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    client.post(day_url(DAY), {"notes": "anonymous"})
    assert not CheckIn.objects.exists()


def test_opening_a_day_never_writes(auth_client):
    response = auth_client.get(day_url(DAY))
    assert response.status_code == 200
    assert "Check-in for Tuesday 10 June 2025" in response.text
    assert not CheckIn.objects.exists()


def test_it_creates_then_updates_the_days_check_in(auth_client, user):
    response = auth_client.post(day_url(DAY), {"water_ml": "1.5 l", "stress": "4"})
    assert response.status_code == 302
    assert response.url == list_url("2025-06")
    checkin = CheckIn.objects.get(user=user, date=DAY)
    assert (checkin.water_ml, checkin.stress) == (1500, 4)

    response = auth_client.post(day_url(DAY), {"water_ml": "8 glasses"}, follow=True)
    assert "Check-in for Tuesday 10 June 2025 saved." in response.text
    checkin.refresh_from_db()
    assert (checkin.water_ml, checkin.stress) == (2000, None)
    assert CheckIn.objects.count() == 1


def test_after_saving_the_page_says_how_the_water_was_read(auth_client, user):
    response = auth_client.post(day_url(DAY), {"water_ml": "1,500 ml"}, follow=True)
    assert "Check-in for Tuesday 10 June 2025 saved. Water: 1,500 ml = 1.5 L." in response.text
    assert CheckIn.objects.get(user=user, date=DAY).water_ml == 1500


def test_saving_again_with_the_water_untouched_does_not_repeat_how_it_was_read(auth_client, user):
    make_checkin(user, DAY, water_ml=1500)
    response = auth_client.post(day_url(DAY), {"water_ml": "1.5 L", "stress": "3"}, follow=True)
    assert "Check-in for Tuesday 10 June 2025 saved.<" in response.text.replace("\n", "")


def test_an_ambiguous_amount_of_water_is_refused_beside_the_field(auth_client, user):
    response = auth_client.post(day_url(DAY), {"water_ml": "1.500 oz"})
    assert response.status_code == 200
    assert "could be 1500 or 1.5" in response.text
    assert not CheckIn.objects.exists()


def test_it_prefills_the_days_check_in(auth_client, user):
    make_checkin(user, DAY, water_ml=1500, electrolytes=[], stretched=False, notes="Calm day")
    response = auth_client.get(day_url(DAY))
    form = response.context["form"]
    assert form["water_ml"].value() == "1.5 L"
    assert form["electrolytes"].value() == [NONE_TAKEN]
    assert form["stretched"].value() is False
    assert "Calm day" in response.text
    assert own_form_fields(day_url(DAY), response.text)["stretched"].initial == ["False"]


def test_it_saves_nothing_when_a_field_is_wrong(auth_client, user):
    response = auth_client.post(day_url(DAY), {"sleep_hours": "30", "water_ml": "2 l"})
    assert response.status_code == 200
    assert "A day has only 24 hours." in response.text
    assert not CheckIn.objects.exists()


def test_it_returns_to_the_month_even_for_the_earliest_day(auth_client, user):
    response = auth_client.post(day_url(date(1900, 1, 1)), {"stress": "1"}, follow=True)
    assert response.redirect_chain == [(list_url("1900-01"), 302)]
    assert response.context["calendar"].month == date(1900, 1, 1)


def test_it_keeps_the_old_check_in_when_an_edit_is_wrong(auth_client, user):
    make_checkin(user, DAY, stress=2)
    auth_client.post(day_url(DAY), {"stress": "12"})
    assert CheckIn.objects.get().stress == 2


def test_it_refuses_a_day_in_the_future(auth_client, user):
    tomorrow = timezone.localdate(timezone=ZoneInfo("Europe/Berlin")) + timedelta(days=1)
    response = auth_client.get(day_url(tomorrow))
    assert response.status_code == 404
    assert "hasn't happened yet" in response.text
    response = auth_client.post(day_url(tomorrow), {"notes": "From the future"})
    assert response.status_code == 404
    assert not CheckIn.objects.exists()


def test_it_answers_404_for_a_date_that_does_not_exist(auth_client):
    assert auth_client.get("/checkins/2025-02-30/").status_code == 404


def test_a_checkin_url_before_1900_is_a_404(auth_client):
    assert auth_client.get("/checkins/0001-01-01/").status_code == 404
    assert auth_client.post("/checkins/1899-12-31/", {"water_ml": "1 l"}).status_code == 404


def log_in_at_lunchtime_utc_on_10_march(client, freeze_now, zone: str):
    person = make_user("traveller", zone)
    client.force_login(person)
    freeze_now(datetime(2026, 3, 10, 12, 30, tzinfo=UTC))
    return person


def test_a_check_in_lands_on_the_local_date_in_auckland(db, client, freeze_now):
    # 12:30 UTC on 10 March is 01:30 on 11 March in Auckland (NZDT, UTC+13).
    kiri = log_in_at_lunchtime_utc_on_10_march(client, freeze_now, "Pacific/Auckland")

    response = client.post(day_url(date(2026, 3, 11)), {"sleep_hours": "5"})

    assert response.status_code == 302
    assert CheckIn.objects.get(user=kiri).date == date(2026, 3, 11)
    calendar = client.get(list_url()).context["calendar"]
    assert calendar.month == date(2026, 3, 1)
    today = next(day for day in calendar.days if day.is_today)
    assert (today.day, today.state) == (date(2026, 3, 11), DayState.RECORDED)


def test_the_same_instant_is_still_the_day_before_in_utc(db, client, freeze_now):
    log_in_at_lunchtime_utc_on_10_march(client, freeze_now, "UTC")
    response = client.post(day_url(date(2026, 3, 11)), {"sleep_hours": "5"})
    assert response.status_code == 404
    assert not CheckIn.objects.exists()


def test_two_first_saves_of_a_day_at_once_do_not_crash(auth_client, user, monkeypatch):
    make_checkin(user, DAY, stress=2)
    # As if another tab created the day's check-in after this request looked for it.
    monkeypatch.setattr(
        "diary.views.checkins._checkins_for_day",
        lambda owner, day: (CheckIn(user=owner, date=day), None),
    )
    response = auth_client.post(day_url(DAY), {"stress": "8"}, follow=True)
    assert response.redirect_chain == [(day_url(DAY), 302)]
    assert "was just saved elsewhere" in response.text
    assert CheckIn.objects.get().stress == 2


def test_it_shows_only_the_owners_check_in_for_a_date(auth_client, user, other_user):
    make_checkin(other_user, DAY, notes="Mallory's secret", stress=9)
    response = auth_client.get(day_url(DAY))
    assert response.status_code == 200
    assert "Mallory&#x27;s secret" not in response.text
    assert response.context["form"]["stress"].value() is None

    auth_client.post(day_url(DAY), {"stress": "1"})
    assert CheckIn.objects.get(user=other_user).stress == 9
    assert CheckIn.objects.get(user=user).stress == 1


def test_it_ticks_the_medications_taken(auth_client, user):
    magnesium = make_medication(user)
    statin = make_medication(user, name="Atorvastatin", kind="statin")
    auth_client.post(day_url(DAY), {"medications_taken": [magnesium.pk, statin.pk]})
    checkin = CheckIn.objects.get()
    assert set(checkin.medications_taken.all()) == {magnesium, statin}

    auth_client.post(day_url(DAY), {"medications_taken": [statin.pk]})
    assert list(checkin.medications_taken.all()) == [statin]


def test_a_forged_medication_id_is_a_field_error(auth_client, user, other_user):
    make_medication(user)
    theirs = make_medication(other_user, name="Secret pill", kind="other")
    response = auth_client.post(day_url(DAY), {"medications_taken": [theirs.pk], "stress": "3"})
    assert response.status_code == 200
    assert "That isn&#x27;t one of your medications." in response.text
    assert not CheckIn.objects.exists()
    assert not theirs.checkins.exists()


def test_it_points_to_the_account_page_when_the_owner_has_no_medications(auth_client):
    response = auth_client.get(day_url(DAY))
    assert f'<a href="{reverse("diary:account")}">add them on your account page</a>' in (
        response.text
    )
    assert "medications_taken" not in response.context["form"].fields


def test_a_medication_id_is_ignored_when_the_owner_has_none(auth_client, other_user):
    theirs = make_medication(other_user, name="Secret pill", kind="other")
    response = auth_client.post(day_url(DAY), {"medications_taken": [theirs.pk], "stress": "3"})
    assert response.status_code == 302
    assert not CheckIn.objects.get().medications_taken.exists()
    assert not theirs.checkins.exists()


# Deleting a check-in.


def test_it_deletes_a_check_in_after_confirmation(auth_client, user):
    make_checkin(user, DAY, stress=3)
    response = auth_client.get(delete_url(DAY))
    assert response.status_code == 200
    assert "Delete the check-in for Tuesday 10 June 2025?" in response.text
    assert CheckIn.objects.exists()

    response = auth_client.post(delete_url(DAY))
    assert response.status_code == 302
    assert response.url == list_url("2025-06")
    assert not CheckIn.objects.exists()


def test_it_will_not_delete_another_users_check_in(auth_client, other_user):
    make_checkin(other_user, DAY, stress=3)
    assert auth_client.get(delete_url(DAY)).status_code == 404
    assert auth_client.post(delete_url(DAY)).status_code == 404
    assert CheckIn.objects.filter(user=other_user).exists()


# The month view.


@pytest.fixture
def june_diary(user):
    """Alice began her diary on 1 June 2025 and checked in on the 3rd and the 5th."""
    user.date_joined = datetime(2025, 6, 1, 8, tzinfo=UTC)
    user.save()
    for day in (3, 5):
        make_checkin(user, date(2025, 6, day), stress=2)
    return user


def test_the_month_shows_recorded_and_missing_days(auth_client, june_diary):
    response = auth_client.get(list_url("2025-06"))
    assert response.status_code == 200
    assert "2 of 30 days recorded" in response.text
    recorded_link = f'<a class="day recorded" href="{day_url(date(2025, 6, 3))}"'
    missing_link = f'<a class="day missing" href="{day_url(date(2025, 6, 4))}"'
    assert recorded_link in response.text
    assert missing_link in response.text
    assert response.text.count('class="day missing"') == 28
    assert "Wednesday 4 June: missing, fill it in" in response.text
    # The button fills in the latest missing day in one tap.
    assert f'href="{day_url(date(2025, 6, 30))}">Fill in Monday 30 June</a>' in response.text


def test_the_month_counts_only_days_since_the_diary_began(auth_client, user):
    user.date_joined = datetime(2025, 6, 20, 8, tzinfo=UTC)
    user.save()
    make_checkin(user, date(2025, 6, 25), stress=2)
    response = auth_client.get(list_url("2025-06"))
    assert "1 of 11 days recorded" in response.text
    assert response.text.count('class="day before"') == 19


def test_a_backfilled_episode_moves_the_diary_start(auth_client, user):
    user.date_joined = datetime(2025, 6, 20, 8, tzinfo=UTC)
    user.save()
    user.episodes.create(
        started_at=datetime(2025, 6, 9, 23, 30, tzinfo=UTC), muscle="calf", side="left", intensity=6
    )
    # 23:30 UTC on the 9th is already the 10th in Berlin.
    response = auth_client.get(list_url("2025-06"))
    assert "0 of 21 days recorded" in response.text


def test_the_current_month_is_the_default_and_has_no_next_link(auth_client):
    today = timezone.localdate(timezone=ZoneInfo("Europe/Berlin"))
    response = auth_client.get(list_url())
    assert response.context["calendar"].month == today.replace(day=1)
    assert response.context["next_month"] is None
    assert 'aria-label="Next month' not in response.text
    assert f'?month={previous_month(today):%Y-%m}"' in response.text


def test_a_past_month_links_to_both_neighbours(auth_client, june_diary):
    response = auth_client.get(list_url("2025-06"))
    assert 'href="?month=2025-05"' in response.text
    assert 'href="?month=2025-07"' in response.text


def test_future_days_are_not_links(auth_client):
    today = timezone.localdate(timezone=ZoneInfo("Europe/Berlin"))
    response = auth_client.get(list_url())
    for day in response.context["calendar"].days:
        if day.day > today:
            assert day.state == DayState.FUTURE
            assert day_url(day.day) not in response.text


@pytest.mark.parametrize("month", ["2025-13", "soon", "2025-06-01"])
def test_an_unreadable_month_is_not_found(auth_client, month):
    assert auth_client.get(list_url(month)).status_code == 404


def test_a_future_month_is_not_found(auth_client):
    following = next_month(timezone.localdate(timezone=ZoneInfo("Europe/Berlin")))
    assert auth_client.get(list_url(f"{following:%Y-%m}")).status_code == 404


def test_the_month_shows_only_the_owners_check_ins(auth_client, june_diary, other_user):
    make_checkin(other_user, date(2025, 6, 4), stress=5)
    response = auth_client.get(list_url("2025-06"))
    assert "2 of 30 days recorded" in response.text
    assert [
        day.day.day for day in response.context["calendar"].days if day.state == "recorded"
    ] == [
        3,
        5,
    ]


def test_the_month_view_queries_do_not_grow_with_the_diary(
    auth_client, user, django_assert_max_num_queries
):
    make_checkin(user, date(2025, 6, 1), stress=1)
    small = page_queries(auth_client, list_url("2025-06"))
    CheckIn.objects.bulk_create(
        new_checkin(user, date(2024, 6, 1) + timedelta(days=n), stress=n % 10)
        for n in range(365)
        if date(2024, 6, 1) + timedelta(days=n) != date(2025, 6, 1)
    )
    diary_changed(user)  # as the app's writes do: the month is made again, not read back
    assert page_queries(auth_client, list_url("2025-06")) == small
    with django_assert_max_num_queries(small):
        auth_client.get(list_url("2025-06"))


def test_a_month_before_1900_is_a_404(auth_client):
    assert auth_client.get(list_url("0001-01")).status_code == 404
    assert auth_client.get(list_url("1899-12")).status_code == 404
    assert auth_client.get(list_url("1900-01")).status_code == 200


def test_the_first_month_of_the_calendar_links_to_no_earlier_month(auth_client):
    response = auth_client.get(reverse("diary:checkin_list"), {"month": "1900-01"})
    assert response.status_code == 200
    assert response.context["previous_month"] is None
    assert "Previous month" not in response.content.decode()
    # Every month link the calendar offers opens.
    february = auth_client.get(reverse("diary:checkin_list"), {"month": "1900-02"})
    link = february.context["previous_month"]
    assert (
        auth_client.get(reverse("diary:checkin_list"), {"month": f"{link:%Y-%m}"}).status_code
        == 200
    )
