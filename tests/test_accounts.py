import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse

from diary.models import Profile
from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "a long and unusual passphrase"


def signup(client, **overrides):
    data = {
        "username": "newbie",
        "email": "",
        "time_zone": "Asia/Tokyo",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    return client.post(reverse("signup"), data | overrides)


def test_sign_up_creates_the_account_and_profile_and_logs_in(client):
    response = signup(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("diary:home")
    user = User.objects.get(username="newbie")
    assert user.email == ""
    assert Profile.objects.get(user=user).time_zone == "Asia/Tokyo"
    assert client.get(reverse("diary:home")).status_code == 200


def test_sign_up_keeps_an_optional_email(client):
    signup(client, email="me@example.org")
    assert User.objects.get(username="newbie").email == "me@example.org"


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"password2": "something else entirely"}, "password2", "didn’t match"),
        ({"password1": "short", "password2": "short"}, "password2", "too short"),
        ({"password1": "password123", "password2": "password123"}, "password2", "too common"),
        ({"time_zone": "Mars/Olympus"}, "time_zone", "Select a valid choice"),
        ({"time_zone": "localtime"}, "time_zone", "Select a valid choice"),
        ({"time_zone": "Factory"}, "time_zone", "Select a valid choice"),
        ({"password1": " " * 12, "password2": " " * 12}, "password2", "different characters"),
        ({"password1": "a" * 12, "password2": "a" * 12}, "password2", "different characters"),
        ({"email": "not an address"}, "email", "valid email"),
    ],
)
def test_sign_up_rejects_bad_input_and_creates_nothing(client, overrides, field, message):
    response = signup(client, **overrides)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not User.objects.filter(username="newbie").exists()
    assert not Profile.objects.exists()


def test_sign_up_offers_only_time_zones_that_are_places(client):
    offered = {
        value
        for value, _ in client.get(reverse("signup")).context["form"].fields["time_zone"].choices
    }
    assert {"Europe/Berlin", "UTC", "America/New_York"} <= offered
    assert not offered & {"localtime", "Factory", "posixrules"}
    assert not any(name.startswith(("posix/", "right/")) for name in offered)


def test_an_invalid_choice_is_not_echoed_back(client):
    huge = "Z" * 40_000
    response = signup(client, time_zone=huge)
    assert response.status_code == 200
    assert "time_zone" in response.context["form"].errors
    assert "Z" * 100 not in response.content.decode()
    assert not User.objects.filter(username="newbie").exists()


def test_sign_up_refuses_a_taken_username(client, user):
    response = signup(client, username=user.username)
    assert "already exists" in response.context["form"].errors["username"][0]
    assert User.objects.filter(username=user.username).count() == 1


def test_the_sign_up_page_preselects_the_device_time_zone_by_script(client):
    content = client.get(reverse("signup")).content.decode()
    assert "data-detect-time-zone" in content
    assert "<script>" not in content


def test_a_zone_chosen_on_a_refused_sign_up_is_not_replaced_by_the_device_zone(client):
    response = signup(client, password2="something else entirely")
    content = response.content.decode()
    assert "data-detect-time-zone" not in content
    assert '<option value="Asia/Tokyo" selected>' in content


def test_log_in_and_log_out_by_post(client, user):
    response = client.post(reverse("login"), {"username": "alice", "password": factories.PASSWORD})
    assert response["Location"] == reverse("diary:home")
    assert client.get(reverse("logout")).status_code == 405
    assert client.get(reverse("diary:home")).status_code == 200
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")
    assert client.get(reverse("diary:home")).status_code == 302


def test_log_in_refuses_a_username_longer_than_any_account_beside_the_field(client, user):
    response = client.post(reverse("login"), {"username": "a" * 151, "password": "x"})
    assert response.status_code == 200
    assert "at most 150 characters" in response.context["form"].errors["username"][0]


def test_every_page_has_a_log_out_form_that_posts(auth_client):
    content = auth_client.get(reverse("diary:home")).content.decode()
    assert re.search(r'<form method="post" action="/accounts/logout/"', content)


def test_password_change(auth_client, user):
    response = auth_client.post(
        reverse("password_change"),
        {
            "old_password": factories.PASSWORD,
            "new_password1": PASSWORD,
            "new_password2": PASSWORD,
        },
    )
    assert response["Location"] == reverse("password_change_done")
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_reset_sends_a_link_that_sets_a_new_password(client, user):
    user.email = "alice@example.org"
    user.save()
    client.post(reverse("password_reset"), {"email": "alice@example.org"})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    assert response["Location"] == reverse("password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.mark.parametrize(
    "name",
    ["login", "signup", "password_reset", "password_reset_done", "password_reset_complete"],
)
def test_the_public_auth_pages_render_for_anonymous_visitors(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert b'href="/static/vendor/bootstrap-5.3.9/css/bootstrap.min.css"' in response.content


def test_all_models_are_registered_in_the_admin(admin_client):
    for model in apps.get_app_config("diary").get_models():
        assert admin.site.is_registered(model)
        url = f"/admin/diary/{model._meta.model_name}/"
        assert model._meta.verbose_name_plural.encode() in admin_client.get(url).content
