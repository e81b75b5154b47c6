"""Deleting the account with everything in it, or only the diary."""

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from diary.files.portability import delete_account
from diary.models import Profile
from tests.factories import PASSWORD, make_medication, make_user
from tests.portability_helpers import fill_diary, row_counts


def rows_pointing_at(user_id: int) -> dict[str, int]:
    """Rows in any table with a foreign key to this user id, by model and field."""
    found = {}
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is User:
                count = model._base_manager.filter(**{field.attname: user_id}).count()
                if count:
                    found[f"{model._meta.label}.{field.name}"] = count
    return found


def leave_traces(user) -> None:
    """What a real account leaves beyond its diary: log-in records, sessions, admin history."""
    seen = {"username": user.username, "ip_address": "127.0.0.1", "user_agent": "phone"}
    AccessAttempt.objects.create(**seen, failures_since_start=1)
    AccessFailureLog.objects.create(**seen)
    AccessLog.objects.create(**seen)
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session.create()
    LogEntry.objects.create(user=user, object_repr="x", action_flag=ADDITION)


def test_the_delete_page_warns_and_offers_the_export_first(auth_client, user):
    fill_diary(user)

    response = auth_client.get(reverse("diary:delete_account"))

    content = response.content.decode()
    assert response.status_code == 200
    assert "5 episodes, 4 check-ins and 3 medications, your conditions" in content
    assert "It can't be undone" in content
    assert reverse("diary:export_diary") in content
    assert 'type="password"' in content


def test_a_wrong_password_deletes_nothing(auth_client, user):
    fill_diary(user)
    before = row_counts(user)

    response = auth_client.post(reverse("diary:delete_account"), {"password": "guess"})

    assert response.status_code == 200
    assert response.context["form"].errors["password"] == ["That is not your password."]
    assert User.objects.filter(pk=user.pk).exists()
    assert row_counts(user) == before
    assert AccessAttempt.objects.filter(username=user.username).exists()  # axes counted it


def test_deleting_the_account_leaves_no_row_of_it_in_any_table(auth_client, user, other_user):
    fill_diary(user)
    fill_diary(other_user)
    leave_traces(user)
    leave_traces(other_user)
    user_id, username = user.pk, user.username
    traces = rows_pointing_at(user_id)
    assert set(traces) >= {
        "diary.Profile.user",
        "diary.Episode.user",
        "diary.CheckIn.user",
        "diary.Medication.user",
        "admin.LogEntry.user",
    }
    others_before = rows_pointing_at(other_user.pk)

    response = auth_client.post(reverse("diary:delete_account"), {"password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert not User.objects.filter(pk=user_id).exists()
    assert rows_pointing_at(user_id) == {}
    assert row_counts(user) == {"episodes": 0, "checkins": 0, "medications": 0, "taken": 0}
    for access_model in (AccessAttempt, AccessFailureLog, AccessLog):
        assert not access_model.objects.filter(username=username).exists()
    assert rows_pointing_at(other_user.pk) == others_before
    assert row_counts(other_user)["taken"] == 3
    assert AccessLog.objects.filter(username=other_user.username).exists()


def test_after_deleting_the_account_the_person_is_logged_out(auth_client, user):
    response = auth_client.post(
        reverse("diary:delete_account"), {"password": PASSWORD}, follow=True
    )

    assert [str(message) for message in response.context["messages"]] == [
        "Your account and your whole diary have been deleted."
    ]
    assert not response.context["user"].is_authenticated
    assert auth_client.get(reverse("diary:home")).status_code == 302


def test_a_session_on_another_device_is_logged_out_by_the_deletion(auth_client, user):
    fill_diary(user)
    phone = Client()
    phone.force_login(user)
    assert phone.get(reverse("diary:home")).status_code == 200

    auth_client.post(reverse("diary:delete_account"), {"password": PASSWORD})
    # A new account must not inherit the old session, whatever id it gets.
    newcomer = make_user("newcomer")
    fill_diary(newcomer)

    assert newcomer.pk != user.pk
    for name in ("diary:home", "diary:export_diary"):
        response = phone.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert phone.get(reverse("diary:episode_list"), follow=True).context["user"].is_anonymous


def test_deleting_an_account_does_not_scan_the_session_table(user, other_user):
    # Decoding every session would hold SQLite's write lock for as long as the table is long.
    leave_traces(user)
    leave_traces(other_user)

    with CaptureQueriesContext(connection) as queries:
        delete_account(user)

    assert not [query for query in queries if "django_session" in query["sql"]]
    assert not User.objects.filter(pk=user.pk).exists()


def test_deleting_the_diary_keeps_the_account(auth_client, user, other_user):
    fill_diary(user)
    fill_diary(other_user)
    others_before = row_counts(other_user)

    response = auth_client.post(reverse("diary:delete_data"), {"password": PASSWORD}, follow=True)

    assert response.redirect_chain == [(reverse("diary:account"), 302)]
    assert [str(message) for message in response.context["messages"]] == [
        "Your diary has been deleted. Your account is still here."
    ]
    assert response.context["user"] == user
    assert row_counts(user) == {"episodes": 0, "checkins": 0, "medications": 0, "taken": 0}
    profile = Profile.objects.get(user=user)
    assert (profile.time_zone, profile.conditions, profile.other_condition) == (
        "Europe/Berlin",
        [],
        "",
    )
    assert User.objects.get(pk=user.pk).check_password(PASSWORD)
    assert row_counts(other_user) == others_before
    assert Profile.objects.get(user=other_user).conditions == ["diabetes", "other"]


def test_deleting_the_diary_needs_the_password(auth_client, user):
    fill_diary(user)
    before = row_counts(user)

    response = auth_client.post(reverse("diary:delete_data"), {"password": ""})

    assert response.context["form"].errors["password"] == ["This field is required."]
    assert row_counts(user) == before
    assert "5 episodes, 4 check-ins and 3 medications" in response.content.decode()


@pytest.mark.parametrize("name", ["diary:delete_account", "diary:delete_data"])
def test_a_get_deletes_nothing(auth_client, user, name):
    fill_diary(user)
    before = row_counts(user)

    auth_client.get(reverse(name), {"password": PASSWORD})

    assert row_counts(user) == before


def test_an_account_without_a_diary_can_be_deleted(client, db):
    lonely = make_user("lonely")
    client.force_login(lonely)
    make_medication(lonely)
    page = client.get(reverse("diary:delete_account")).content.decode()
    assert "0 episodes, 0 check-ins and 1 medication, your conditions" in page

    response = client.post(reverse("diary:delete_account"), {"password": PASSWORD})

    assert response.status_code == 302
    assert not User.objects.filter(username="lonely").exists()


def test_the_account_page_links_to_every_export_import_and_deletion(auth_client):
    response = auth_client.get(reverse("diary:account"))

    content = response.content.decode()
    assert "Your data" in content
    for name in [
        "diary:export_diary",
        "diary:export_episodes_csv",
        "diary:export_checkins_csv",
        "diary:import",
        "diary:delete_data",
        "diary:delete_account",
    ]:
        assert f'href="{reverse(name)}"' in content
