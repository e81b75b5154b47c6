"""The check-in that is taps, not typing: buttons for stress and yes/no, the questions a person
chooses, "Same as yesterday", and the confirmation that a day's episodes are all logged."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.urls import reverse

from diary.forms.checkins import CheckInForm
from diary.models import CheckIn, Profile
from diary.months import check_in_month
from diary.vocabularies import CheckInQuestion
from tests.factories import make_checkin, make_episode, make_medication

DAY = date(2025, 6, 10)


def day_url(day: date = DAY) -> str:
    return reverse("diary:checkin_day", args=[day])


def questions_url() -> str:
    return reverse("diary:checkin_questions")


# Stress as a row of buttons.


def test_stress_is_eleven_buttons_and_a_not_recorded(auth_client):
    response = auth_client.get(day_url())
    form = response.context["form"]
    assert [value for value, _ in form.fields["stress"].choices] == [
        *(str(level) for level in range(11)),
        "",
    ]
    for level in range(11):
        assert f'name="stress" id="id_stress_{level}" value="{level}"' in response.text


def test_a_tapped_stress_level_is_saved_as_a_number(auth_client, user):
    auth_client.post(day_url(), {"stress": "7"})
    assert CheckIn.objects.get(user=user, date=DAY).stress == 7


def test_a_stress_level_off_the_scale_is_refused_beside_the_field(auth_client, user):
    response = auth_client.post(day_url(), {"stress": "11", "water_ml": "2 l"})
    assert response.status_code == 200
    assert response.context["form"].errors["stress"] == [
        "Stress goes from 0 (calm) to 10 (extreme)."
    ]
    assert not CheckIn.objects.exists()


def test_yes_no_questions_are_segmented_buttons(auth_client):
    response = auth_client.get(day_url())
    for name in ("warmed_up", "stretched", "cold_exposure", "episodes_all_logged"):
        assert f'class="btn-check" name="{name}" id="id_{name}_0" value="True"' in response.text


def test_the_steppers_are_described_for_the_script(auth_client):
    response = auth_client.get(day_url())
    assert 'data-stepper="250" data-stepper-start="1500"' in response.text
    assert 'data-stepper-unit="ml"' in response.text
    assert '<script src="/static/js/checkin.js"></script>' in response.text


# The questions a person chooses.


def test_it_saves_which_questions_the_check_in_shows(auth_client, user):
    shown = [q for q in CheckInQuestion.values if q not in ("sitting", "cold")]
    response = auth_client.post(questions_url(), {"shown": shown})
    assert response.status_code == 302
    profile = Profile.objects.get(user=user)
    assert profile.hidden_checkin_questions == ["sitting", "cold"]
    page = auth_client.get(questions_url())
    assert page.context["form"].initial["shown"] == shown


def test_unticking_every_question_hides_them_all(auth_client, user):
    # The browser then posts no field but the CSRF token: still a POST, not a page view.
    response = auth_client.post(questions_url(), {})
    assert response.status_code == 302
    assert Profile.objects.get(user=user).hidden_checkin_questions == CheckInQuestion.values


def test_hidden_questions_are_left_off_the_check_in(auth_client, user):
    Profile.objects.filter(user=user).update(hidden_checkin_questions=["exercise", "stress"])
    form = auth_client.get(day_url()).context["form"]
    assert not {"exercise_minutes", "exercise_intensity", "warmed_up", "stress"} & set(form.fields)
    assert "water_ml" in form.fields


def test_a_hidden_question_stays_not_recorded_never_zero(auth_client, user):
    Profile.objects.filter(user=user).update(hidden_checkin_questions=["stress", "alcohol"])
    auth_client.post(day_url(), {"water_ml": "2 l", "stress": "9", "alcohol_drinks": "3"})
    checkin = CheckIn.objects.get(user=user, date=DAY)
    assert (checkin.water_ml, checkin.stress, checkin.alcohol_drinks) == (2000, None, None)


def test_hiding_a_question_keeps_the_answers_already_given(auth_client, user):
    make_checkin(user, DAY, stress=6, water_ml=1000)
    Profile.objects.filter(user=user).update(hidden_checkin_questions=["stress"])
    auth_client.post(day_url(), {"water_ml": "2 l"})
    checkin = CheckIn.objects.get(user=user, date=DAY)
    assert (checkin.water_ml, checkin.stress) == (2000, 6)


def test_the_questions_are_grouped_and_an_all_hidden_group_is_left_out(user):
    make_medication(user)
    form = CheckInForm(
        instance=CheckIn(user=user, date=DAY),
        hidden=[CheckInQuestion.ELECTROLYTES, CheckInQuestion.ALCOHOL],
    )
    sections = {
        section.legend: [(q.field.name, q.grid) for q in section.questions]
        for section in form.sections()
    }
    assert list(sections) == ["Drinks", "Exercise", "Your day", "Medications"]
    assert sections["Drinks"] == [("water_ml", ""), ("caffeine_drinks", "")]
    assert sections["Your day"][2] == ("stress", "choice-grid scale")
    assert sections["Medications"] == [("medications_taken", "choice-grid")]
    assert not form.no_medications_yet


def test_the_page_shows_each_group_as_a_fieldset(auth_client, user):
    Profile.objects.filter(user=user).update(hidden_checkin_questions=["electrolytes"])
    text = auth_client.get(day_url()).text
    for legend in ("Drinks", "Exercise", "Your day", "Episodes"):
        assert f"<legend>{legend}</legend>" in text
    assert "<legend>Electrolytes</legend>" not in text
    assert "<legend>Medications</legend>" not in text  # none on the profile: a link instead


def test_hiding_the_medications_takes_them_off_the_form(user):
    make_medication(user)
    form = CheckInForm(instance=CheckIn(user=user, date=DAY), hidden=[CheckInQuestion.MEDICATIONS])
    assert "medications_taken" not in form.fields
    assert not form.no_medications_yet  # hidden, so no link to add them either


def test_an_unknown_question_is_refused(auth_client, user):
    response = auth_client.post(questions_url(), {"shown": ["water", "horoscope"]})
    assert response.status_code == 200
    # The message names the field's problem, not the value (diary/apps.py: no echo).
    assert "Select a valid choice" in str(response.context["form"].errors["shown"])
    assert Profile.objects.get(user=user).hidden_checkin_questions == []


# Same as yesterday.


def test_same_as_yesterday_fills_the_form_without_saving(auth_client, user):
    magnesium = make_medication(user)
    yesterday = make_checkin(
        user,
        DAY - timedelta(days=1),
        water_ml=1750,
        electrolytes=[],
        stress=3,
        sleep_hours=Decimal("7.5"),
        stretched=True,
        episodes_all_logged=True,
        notes="Long walk",
    )
    yesterday.medications_taken.set([magnesium])

    response = auth_client.get(day_url() + "?fill=yesterday")

    form = response.context["form"]
    assert form["water_ml"].value() == "1.75 L"
    assert form["electrolytes"].value() == ["none_taken"]
    assert form["stress"].value() == 3
    assert form["sleep_hours"].value() == Decimal("7.5")
    assert form["stretched"].value() is True
    assert [int(pk) for pk in form["medications_taken"].value()] == [magnesium.pk]
    # The notes and the episode count describe that day alone.
    assert form["notes"].value() in (None, "")
    assert form["episodes_all_logged"].value() is None
    assert "Filled in with Monday's answers" in response.text
    assert not CheckIn.objects.filter(date=DAY).exists()


def test_same_as_yesterday_is_offered_only_when_yesterday_has_a_check_in(auth_client, user):
    assert "Same as yesterday" not in auth_client.get(day_url()).text
    make_checkin(user, DAY - timedelta(days=1), stress=2)
    assert 'href="?fill=yesterday">Same as Monday</a>' in auth_client.get(day_url()).text


def test_same_as_yesterday_saves_once_the_form_is_sent(auth_client, user):
    make_checkin(user, DAY - timedelta(days=1), water_ml=1500, stress=2)
    form = auth_client.get(day_url() + "?fill=yesterday").context["form"]
    data = {name: form[name].value() for name in ("water_ml", "stress")}
    auth_client.post(day_url(), {**data, "stress": "4"})
    checkin = CheckIn.objects.get(user=user, date=DAY)
    assert (checkin.water_ml, checkin.stress) == (1500, 4)


# All of the day's episodes logged.


def test_the_confirmation_counts_the_days_episodes_in_the_persons_zone(auth_client, user):
    # Berlin: 23:30 UTC on the 9th is already the 10th; 22:30 UTC on the 10th is 00:30 the 11th.
    make_episode(user, started_at=datetime(2025, 6, 9, 23, 30, tzinfo=UTC))
    make_episode(user, started_at=datetime(2025, 6, 10, 12, 0, tzinfo=UTC))
    make_episode(user, started_at=datetime(2025, 6, 10, 22, 30, tzinfo=UTC))
    response = auth_client.get(day_url())
    assert ">All logged (2)</label>" in response.text
    assert ">I missed some</label>" in response.text


def test_all_logged_confirms_the_day_in_the_calendar(auth_client, user):
    user.date_joined = datetime(2025, 6, 1, 8, tzinfo=UTC)
    user.save()
    auth_client.post(day_url(), {"episodes_all_logged": "True"})
    assert CheckIn.objects.get(user=user, date=DAY).episodes_all_logged is True
    make_checkin(user, DAY + timedelta(days=1), water_ml=2000)
    page = auth_client.get(reverse("diary:checkin_list") + "?month=2025-06")
    assert "2 of 30 days recorded, 1 with every episode logged" in page.text
    assert "Tuesday 10 June: recorded, every episode logged" in page.text


def test_i_missed_some_saves_and_sends_the_person_to_log_them(auth_client, user):
    response = auth_client.post(day_url(), {"episodes_all_logged": "False", "stress": "2"})
    assert response.status_code == 302
    assert response["Location"] == reverse("diary:episode_new")
    assert CheckIn.objects.get(user=user, date=DAY).episodes_all_logged is False


def test_the_calendar_counts_only_recorded_days_as_confirmed():
    month = check_in_month(
        date(2025, 6, 1),
        recorded={date(2025, 6, 2), date(2025, 6, 3)},
        diary_start=date(2025, 6, 1),
        today=date(2025, 6, 5),
        confirmed={date(2025, 6, 3), date(2025, 6, 4)},
    )
    assert [day.day for day in month.days if day.confirmed] == [date(2025, 6, 3)]
    assert month.confirmed_count == 1
