"""Sign-up and password-reset mails are limited per address, and resets per e-mail address."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from diary.ratelimit import WINDOW
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "a long and unusual passphrase"


@pytest.fixture(autouse=True)
def half_past_the_hour(freeze_now):
    # The counts are per clock hour: a test that ran across the hour's end would start counting
    # again half-way (a CI run that straddled 20:00 failed so).
    freeze_now(datetime(2026, 12, 4, 12, 30, tzinfo=UTC))


def sign_up(client, username: str, address: str = "10.9.0.1"):
    data = {"username": username, "time_zone": "UTC", "password1": PASSWORD, "password2": PASSWORD}
    return client.post(reverse("signup"), data, REMOTE_ADDR=address)


def ask_for_reset(client, email: str, address: str = "10.9.0.1"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)


def test_sign_up_is_refused_past_the_limit_from_one_address(client, settings):
    limit = settings.SIGNUPS_PER_ADDRESS_PER_HOUR
    for number in range(limit):
        client.logout()
        assert sign_up(client, f"person{number}").status_code == 302
    client.logout()
    response = sign_up(client, "one_too_many")
    assert response.status_code == 429
    assert "Too many tries for now" in response.content.decode()
    assert not User.objects.filter(username="one_too_many").exists()
    # Another address may still sign up.
    assert sign_up(client, "elsewhere", address="10.9.0.2").status_code == 302


def test_asking_whether_usernames_exist_is_limited_too(client, settings, user):
    # A refused sign-up says "already exists": each try counts, successful or not.
    for _ in range(settings.SIGNUPS_PER_ADDRESS_PER_HOUR):
        assert sign_up(client, "alice").status_code == 200
    assert sign_up(client, "alice").status_code == 429


def test_reset_mails_for_one_address_are_limited_from_any_number_of_addresses(client, settings):
    make_user("alice", email="alice@example.org", password=PASSWORD)
    limit = settings.PASSWORD_RESETS_PER_EMAIL_PER_HOUR
    for number in range(limit):
        assert ask_for_reset(client, "alice@example.org", f"10.8.0.{number}").status_code == 302
    response = ask_for_reset(client, "Alice@Example.org", "10.8.1.1")
    assert response.status_code == 429
    assert len(mail.outbox) == limit


def test_reset_requests_from_one_address_are_limited(client, settings):
    for number in range(settings.PASSWORD_RESETS_PER_ADDRESS_PER_HOUR):
        assert ask_for_reset(client, f"nobody{number}@example.org").status_code == 302
    assert ask_for_reset(client, "one.more@example.org").status_code == 429


def test_the_count_starts_again_in_the_next_window(client, settings, freeze_now):
    for number in range(settings.PASSWORD_RESETS_PER_ADDRESS_PER_HOUR):
        ask_for_reset(client, f"nobody{number}@example.org")
    assert ask_for_reset(client, "later@example.org").status_code == 429
    freeze_now(timezone.now() + WINDOW + timedelta(seconds=1))
    assert ask_for_reset(client, "later@example.org").status_code == 302


def test_the_forms_themselves_are_not_counted(client, settings):
    for _ in range(settings.SIGNUPS_PER_ADDRESS_PER_HOUR + 1):
        assert client.get(reverse("signup")).status_code == 200
        assert client.get(reverse("password_reset")).status_code == 200
