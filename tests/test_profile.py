from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from diary.forms.profile import MedicationForm, ProfileForm
from diary.models import CheckIn, Medication, Profile
from tests.factories import make_checkin, make_medication

ACCOUNT_URL = reverse("diary:account")
NEW_MEDICATION_URL = reverse("diary:medication_new")


def edit_url(medication: Medication) -> str:
    return reverse("diary:medication_edit", args=[medication.pk])


def delete_url(medication: Medication) -> str:
    return reverse("diary:medication_delete", args=[medication.pk])


def berlin_today() -> date:
    return timezone.localdate(timezone=ZoneInfo("Europe/Berlin"))


def medication_data(**changes) -> dict:
    defaults = {"name": "Magnesium", "kind": "supplement", "dose": "400 mg"}
    return defaults | {"started_on": "2025-01-06"} | changes


@pytest.fixture
def magnesium(user) -> Medication:
    return make_medication(user, started_on=date(2025, 1, 6))


# The profile form.


def test_it_saves_the_time_zone_and_conditions_in_vocabulary_order(user):
    form = ProfileForm(
        {"time_zone": "Pacific/Auckland", "conditions": ["pregnancy", "diabetes"]},
        instance=user.profile,
    )
    assert form.is_valid(), form.errors
    form.save()
    profile = Profile.objects.get(user=user)
    assert profile.time_zone == "Pacific/Auckland"
    assert profile.conditions == ["diabetes", "pregnancy"]


def test_it_requires_the_name_of_an_other_condition(user):
    form = ProfileForm({"time_zone": "UTC", "conditions": ["other"]}, instance=user.profile)
    assert not form.is_valid()
    assert form.errors == {"other_condition": ["Say which condition, or untick “Other”."]}


def test_it_keeps_the_other_condition_when_other_is_ticked(user):
    data = {"time_zone": "UTC", "conditions": ["other"], "other_condition": " Lupus "}
    form = ProfileForm(data, instance=user.profile)
    assert form.is_valid(), form.errors
    form.save()
    profile = Profile.objects.get(user=user)
    assert (profile.conditions, profile.other_condition) == (["other"], "Lupus")


def test_it_drops_the_other_condition_when_other_is_unticked(user):
    Profile.objects.filter(user=user).update(conditions=["other"], other_condition="Lupus")
    form = ProfileForm(
        {"time_zone": "UTC", "conditions": ["diabetes"], "other_condition": "Lupus"},
        instance=Profile.objects.get(user=user),
    )
    assert form.is_valid(), form.errors
    form.save()
    profile = Profile.objects.get(user=user)
    assert (profile.conditions, profile.other_condition) == (["diabetes"], "")


@pytest.mark.parametrize(
    "data, field",
    [
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone"),
        ({"time_zone": "localtime"}, "time_zone"),
        ({"time_zone": "Factory"}, "time_zone"),
        ({"time_zone": ""}, "time_zone"),
        ({"time_zone": "UTC", "conditions": ["scurvy"]}, "conditions"),
    ],
)
def test_it_rejects_unknown_zones_and_conditions(user, data, field):
    form = ProfileForm(data, instance=user.profile)
    assert not form.is_valid()
    assert list(form.errors) == [field]
    assert Profile.objects.get(user=user).time_zone == "Europe/Berlin"


# The medication form.


def medication_form(user, data, instance=None) -> MedicationForm:
    return MedicationForm(data, instance=instance or Medication(user=user))


def test_it_adds_a_medication(user):
    form = medication_form(user, medication_data(stopped_on="2025-03-01"))
    assert form.is_valid(), form.errors
    medication = form.save()
    medication.refresh_from_db()
    assert medication.user == user
    assert (medication.name, medication.kind, medication.dose) == (
        "Magnesium",
        "supplement",
        "400 mg",
    )
    assert (medication.started_on, medication.stopped_on) == (date(2025, 1, 6), date(2025, 3, 1))


def test_it_rejects_a_name_the_owner_already_uses(user, magnesium):
    form = medication_form(user, medication_data(name="magnesium"))
    assert not form.is_valid()
    assert form.errors == {"name": ["You already have a medication called “magnesium”."]}
    assert Medication.objects.count() == 1


def test_another_users_medication_name_is_free(user, other_user):
    make_medication(other_user)
    assert medication_form(user, medication_data()).is_valid()


def test_a_medication_keeps_its_own_name_when_edited(user, magnesium):
    form = medication_form(user, medication_data(dose="200 mg"), instance=magnesium)
    assert form.is_valid(), form.errors
    form.save()
    magnesium.refresh_from_db()
    assert magnesium.dose == "200 mg"


def test_it_rejects_a_stop_before_the_start(user):
    form = medication_form(user, medication_data(started_on="2025-03-01", stopped_on="2025-02-28"))
    assert not form.is_valid()
    assert form.errors == {"stopped_on": ["A medication can't stop before it starts."]}


def test_it_accepts_a_stop_on_the_start_day(user):
    data = medication_data(started_on="2025-03-01", stopped_on="2025-03-01")
    assert medication_form(user, data).is_valid()


def test_it_rejects_a_start_in_the_future(user):
    tomorrow = berlin_today() + timedelta(days=1)
    form = medication_form(user, medication_data(started_on=tomorrow.isoformat()))
    assert not form.is_valid()
    assert form.errors == {"started_on": ["The start date can't be in the future."]}


def test_it_accepts_a_planned_stop_in_the_future(user):
    next_week = berlin_today() + timedelta(days=7)
    assert medication_form(user, medication_data(stopped_on=next_week.isoformat())).is_valid()


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"name": ""}, "name"),
        ({"kind": "potion"}, "kind"),
        ({"started_on": ""}, "started_on"),
        ({"started_on": "2025-02-30"}, "started_on"),
        ({"stopped_on": "yesterday"}, "stopped_on"),
    ],
)
def test_it_rejects_missing_or_unreadable_answers(user, changes, field):
    form = medication_form(user, medication_data(**changes))
    assert not form.is_valid()
    assert list(form.errors) == [field]


# The account page.


@pytest.mark.parametrize("url", [ACCOUNT_URL, NEW_MEDICATION_URL, "/account/medications/1/edit/"])
def test_it_requires_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_anonymous_posts_change_nothing(client, magnesium):
    client.post(ACCOUNT_URL, {"time_zone": "UTC"})
    client.post(delete_url(magnesium))
    assert Profile.objects.get(user=magnesium.user).time_zone == "Europe/Berlin"
    assert Medication.objects.filter(pk=magnesium.pk).exists()


def test_the_account_page_shows_the_profile_and_medications(auth_client, user, magnesium):
    response = auth_client.get(ACCOUNT_URL)
    assert response.status_code == 200
    assert response.context["form"]["time_zone"].value() == "Europe/Berlin"
    assert "Magnesium" in response.text
    assert f'href="{edit_url(magnesium)}"' in response.text
    assert f'href="{delete_url(magnesium)}"' in response.text
    assert f'href="{reverse("password_change")}"' in response.text
    assert "each stays on the date it was recorded for" in response.text


def test_the_account_page_lists_only_the_owners_medications(auth_client, other_user):
    make_medication(other_user, name="Secret pill", kind="other")
    response = auth_client.get(ACCOUNT_URL)
    assert "Secret pill" not in response.text
    assert list(response.context["medications"]) == []


def test_it_saves_the_profile(auth_client, user):
    response = auth_client.post(
        ACCOUNT_URL, {"time_zone": "America/Chicago", "conditions": ["sciatica"]}, follow=True
    )
    assert response.redirect_chain == [(ACCOUNT_URL, 302)]
    assert "Profile saved." in response.text
    profile = Profile.objects.get(user=user)
    assert (profile.time_zone, profile.conditions) == ("America/Chicago", ["sciatica"])


def test_it_saves_nothing_when_the_profile_is_wrong(auth_client, user):
    response = auth_client.post(ACCOUNT_URL, {"time_zone": "UTC", "conditions": ["other"]})
    assert response.status_code == 200
    assert "Say which condition, or untick “Other”." in response.text
    profile = Profile.objects.get(user=user)
    assert (profile.time_zone, profile.conditions) == ("Europe/Berlin", [])


def test_changing_the_time_zone_keeps_check_in_dates(auth_client, user):
    make_checkin(user, date(2025, 6, 10), stress=3)
    auth_client.post(ACCOUNT_URL, {"time_zone": "Pacific/Auckland"})
    assert list(CheckIn.objects.values_list("date", flat=True)) == [date(2025, 6, 10)]


# Medication pages.


def test_it_adds_a_medication_from_its_page(auth_client, user):
    assert auth_client.get(NEW_MEDICATION_URL).status_code == 200
    response = auth_client.post(NEW_MEDICATION_URL, medication_data(), follow=True)
    assert response.redirect_chain == [(ACCOUNT_URL, 302)]
    assert "Magnesium saved." in response.text
    medication = Medication.objects.get()
    assert (medication.user, medication.dose) == (user, "400 mg")


def test_a_duplicate_name_is_a_field_error_not_a_crash(auth_client, magnesium):
    response = auth_client.post(NEW_MEDICATION_URL, medication_data())
    assert response.status_code == 200
    assert "You already have a medication called “Magnesium”." in response.text
    assert Medication.objects.count() == 1


def test_a_double_tap_on_save_is_a_field_error_not_a_crash(auth_client, magnesium, monkeypatch):
    # As if the first tap's row was committed after the second tap checked the name.
    monkeypatch.setattr(MedicationForm, "clean_name", lambda form: form.cleaned_data["name"])
    response = auth_client.post(NEW_MEDICATION_URL, medication_data())
    assert response.status_code == 200
    assert "You already have a medication called “Magnesium”." in response.text
    assert Medication.objects.count() == 1


def test_it_edits_a_medication(auth_client, magnesium):
    response = auth_client.get(edit_url(magnesium))
    assert response.status_code == 200
    assert 'value="2025-01-06"' in response.text
    response = auth_client.post(
        edit_url(magnesium), medication_data(name="Magnesium citrate", stopped_on="2025-05-01")
    )
    assert response.status_code == 302
    magnesium.refresh_from_db()
    assert (magnesium.name, magnesium.stopped_on) == ("Magnesium citrate", date(2025, 5, 1))


def test_it_keeps_a_medication_when_an_edit_is_wrong(auth_client, magnesium):
    response = auth_client.post(edit_url(magnesium), medication_data(stopped_on="2024-12-31"))
    assert "A medication can&#x27;t stop before it starts." in response.text
    magnesium.refresh_from_db()
    assert magnesium.stopped_on is None


def test_it_deletes_a_medication_after_confirmation(auth_client, user, magnesium):
    checkin = make_checkin(user, date(2025, 6, 10), stress=3)
    checkin.medications_taken.add(magnesium)
    response = auth_client.get(delete_url(magnesium))
    assert response.status_code == 200
    assert "It is ticked as taken in 1 check-in;" in response.text
    assert Medication.objects.exists()

    response = auth_client.post(delete_url(magnesium))
    assert response.status_code == 302
    assert response.url == ACCOUNT_URL
    assert not Medication.objects.exists()
    assert CheckIn.objects.get().stress == 3


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("url_for", [edit_url, delete_url])
def test_another_users_medication_is_not_found(auth_client, other_user, method, url_for):
    theirs = make_medication(other_user, name="Secret pill", kind="other", dose="5 mg")
    if method == "post":
        response = auth_client.post(url_for(theirs), medication_data(name="Mine now"))
    else:
        response = auth_client.get(url_for(theirs))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert (theirs.name, theirs.dose, theirs.user) == ("Secret pill", "5 mg", other_user)


def test_a_medication_that_does_not_exist_is_not_found(auth_client):
    assert auth_client.get("/account/medications/999999/edit/").status_code == 404


def test_deleting_a_medication_deletes_the_check_ins_that_held_only_it(
    auth_client, user, magnesium
):
    only_it = make_checkin(user, date(2025, 6, 10))
    only_it.medications_taken.add(magnesium)
    with_an_answer = make_checkin(user, date(2025, 6, 11), stress=2)
    with_an_answer.medications_taken.add(magnesium)
    other = make_medication(user, name="Statin", kind="statin", started_on=date(2025, 1, 1))
    with_another = make_checkin(user, date(2025, 6, 12))
    with_another.medications_taken.add(magnesium, other)

    page = auth_client.get(delete_url(magnesium))
    assert "ticked as taken in 3 check-ins; those ticks go too, and 1 of them holds nothing" in (
        page.text
    )
    response = auth_client.post(delete_url(magnesium), follow=True)
    assert "Magnesium deleted. 1 check-in that held only it was deleted too." in response.text
    # A day with nothing in it no longer counts as a recorded day.
    assert set(CheckIn.objects.values_list("date", flat=True)) == {
        date(2025, 6, 11),
        date(2025, 6, 12),
    }
    assert list(CheckIn.objects.get(date=date(2025, 6, 12)).medications_taken.all()) == [other]


def test_no_check_in_is_left_with_nothing_recorded(user):
    make_checkin(user, date(2025, 6, 10), water_ml=0)
    make_checkin(user, date(2025, 6, 11), electrolytes=[])
    make_checkin(user, date(2025, 6, 12), notes="x")
    empty = make_checkin(user, date(2025, 6, 13))
    assert list(CheckIn.objects.with_nothing_recorded()) == [empty]
