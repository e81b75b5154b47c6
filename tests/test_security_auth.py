"""Log-in throttling, password storage and validation, and the production settings check."""

import os
import re
import secrets
import subprocess
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse

from diary import throttling
from spasmlog import settings as project_settings
from tests.factories import PASSWORD, make_user
from tests.helpers import run_manage

pytestmark = pytest.mark.django_db

LOCKED_OUT = "Too many failed log-ins"


def log_in(client, username: str, password: str, address: str):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def assert_locked_out(response, client) -> None:
    assert response.status_code == 429
    text = response.content.decode()
    assert LOCKED_OUT in text
    assert "The pause ends 0:15:00" in text  # the cool-off, from AXES_COOLOFF_TIME
    assert SESSION_KEY not in client.session


def assert_logged_in(response, client, user) -> None:
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)


def age_every_attempt(by: timedelta) -> None:
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= by
        attempt.save()


def test_five_failures_for_one_account_from_one_address_lock_that_pair(client, user):
    for _ in range(4):
        response = log_in(client, "alice", "wrong password", "10.0.0.1")
        assert response.status_code == 200  # the form again, with its error
        assert "enter a correct username and password" in response.content.decode()
    # The fifth failure already answers with the lock-out; the right password is refused too.
    assert_locked_out(log_in(client, "alice", "wrong password", "10.0.0.1"), client)
    assert_locked_out(log_in(client, "alice", PASSWORD, "10.0.0.1"), client)


def test_someone_elses_failures_never_lock_the_owner_out(client, user):
    # Someone who knows the username, from their own address, with as many tries as they like.
    for _ in range(12):
        log_in(client, "alice", "guess", "203.0.113.7")
    assert_locked_out(log_in(client, "alice", PASSWORD, "203.0.113.7"), client)
    assert_logged_in(log_in(client, "alice", PASSWORD, "10.0.0.2"), client, user)


def test_failures_spread_over_addresses_lock_no_one(client, user):
    for attempt in range(30):
        log_in(client, "alice", "guess", f"198.51.100.{attempt}")
    assert_logged_in(log_in(client, "alice", PASSWORD, "10.0.0.3"), client, user)


def test_twenty_failures_from_one_address_lock_it_for_every_account(client, user, other_user):
    assert settings.ADDRESS_FAILURE_LIMIT == 20
    for attempt in range(19):
        assert log_in(client, f"guess{attempt}", "wrong", "10.1.1.1").status_code == 200
    assert_locked_out(log_in(client, "guess19", "wrong", "10.1.1.1"), client)
    assert_locked_out(log_in(client, "alice", PASSWORD, "10.1.1.1"), client)
    # Another address is unaffected.
    assert_logged_in(log_in(client, "mallory", PASSWORD, "10.1.1.2"), client, other_user)


def test_four_failures_still_let_the_right_password_in(client, user):
    for _ in range(4):
        log_in(client, "alice", "wrong password", "10.2.2.2")
    assert_logged_in(log_in(client, "alice", PASSWORD, "10.2.2.2"), client, user)
    assert not AccessAttempt.objects.filter(username="alice").exists()  # reset on success


def test_the_lock_lifts_after_the_cool_off(client, user):
    for _ in range(5):
        log_in(client, "alice", "wrong password", "10.3.3.3")
    assert_locked_out(log_in(client, "alice", PASSWORD, "10.3.3.3"), client)
    assert timedelta(minutes=15) == settings.AXES_COOLOFF_TIME
    age_every_attempt(timedelta(minutes=15, seconds=1))
    assert_logged_in(log_in(client, "alice", PASSWORD, "10.3.3.3"), client, user)


def test_tries_during_the_lock_do_not_make_it_longer(client, user):
    for _ in range(5):
        log_in(client, "alice", "wrong password", "10.3.3.4")
    # One wrong try every few minutes all through the cool-off, as in the review.
    for _ in range(3):
        age_every_attempt(timedelta(minutes=4))
        assert_locked_out(log_in(client, "alice", "wrong password", "10.3.3.4"), client)
    age_every_attempt(timedelta(minutes=3, seconds=1))  # 15 min 1 s after the fifth failure
    assert_logged_in(log_in(client, "alice", PASSWORD, "10.3.3.4"), client, user)


def test_a_password_reset_lifts_the_lock(client, user):
    user.email = "alice@example.org"
    user.save()
    for _ in range(5):
        log_in(client, "alice", "wrong password", "10.3.3.5")
    assert_locked_out(log_in(client, "alice", PASSWORD, "10.3.3.5"), client)
    client.post(reverse("password_reset"), {"email": "alice@example.org"})
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+/)", mail.outbox[-1].body).group(1)
    form_page = client.get(link, follow=True)
    new_password = "a completely new passphrase"
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="alice").exists()
    assert_logged_in(log_in(client, "alice", new_password, "10.3.3.5"), client, user)


def test_the_client_address_is_not_taken_from_a_spoofable_header(client, user):
    assert not settings.BEHIND_TLS_PROXY
    for attempt in range(settings.ADDRESS_FAILURE_LIMIT):
        client.post(
            reverse("login"),
            {"username": f"guess{attempt}", "password": "wrong"},
            REMOTE_ADDR="10.4.4.4",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}",
        )
    assert_locked_out(log_in(client, "alice", PASSWORD, "10.4.4.4"), client)


def test_argon2_is_the_configured_password_hasher():
    # The suite's conftest swaps in MD5 for speed; the project's own module says what ships.
    assert project_settings.PASSWORD_HASHERS[0] == "diary.passwords.OwaspArgon2PasswordHasher"


def test_a_new_account_stores_an_argon2_hash(client, settings):
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    response = client.post(
        reverse("signup"),
        {
            "username": "nadia",
            "password1": "plum orchard lantern 42",
            "password2": "plum orchard lantern 42",
            "time_zone": "Europe/Berlin",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="nadia")
    # OWASP's parameters: 19 MiB (19456 KiB), 2 passes, 1 lane.
    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert user.check_password("plum orchard lantern 42")


def user_with_djangos_old_hash(settings) -> User:
    """olga, whose password was stored with Django's own Argon2 parameters."""
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    user = make_user("olga")
    user.password = Argon2PasswordHasher().encode("plum orchard lantern 42", "saltsaltsalt")
    user.save()
    return user


def test_a_hash_with_djangos_old_parameters_is_upgraded_at_log_in(client, settings):
    user = user_with_djangos_old_hash(settings)
    assert user.password.startswith("argon2$argon2id$v=19$m=102400,t=2,p=8$")
    response = client.post(
        reverse("login"), {"username": "olga", "password": "plum orchard lantern 42"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert user.check_password("plum orchard lantern 42")


def test_a_wrong_password_does_not_rewrite_the_old_hash(client, settings):
    user = user_with_djangos_old_hash(settings)
    client.post(reverse("login"), {"username": "olga", "password": "plum orchard lantern 43"})
    old = user.password
    user.refresh_from_db()
    assert user.password == old


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("k7#q", "This password is too short"),
        ("password123", "This password is too common"),
        ("83749261530", "This password is entirely numeric"),
        ("nadia-nadia", "too similar to the username"),
    ],
)
def test_sign_up_refuses_a_weak_password(client, password, message):
    response = client.post(
        reverse("signup"),
        {
            "username": "nadia-nadia",
            "password1": password,
            "password2": password,
            "time_zone": "UTC",
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.filter(username="nadia-nadia").exists()


def run_deploy_check(**overrides: str | None) -> subprocess.CompletedProcess:
    environment = {
        "PATH": os.environ["PATH"],
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "spasms.example.org",
        "SECURE_SSL_REDIRECT": "1",
        "SECURE_COOKIES": "1",
        "DATABASE_URL": "sqlite:///:memory:",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        **overrides,
    }
    environment = {key: value for key, value in environment.items() if value is not None}
    return run_manage("check", "--deploy", "--fail-level", "WARNING", environment=environment)


def test_the_production_settings_pass_the_deploy_check():
    result = run_deploy_check()
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    # Only the HSTS-preload reminder is silenced (the operator opts in to preloading).
    assert project_settings.SILENCED_SYSTEM_CHECKS == ["security.W021"]


def test_the_deploy_check_would_catch_insecure_settings():
    result = run_deploy_check(SECRET_KEY="short", SECURE_SSL_REDIRECT="0", SECURE_COOKIES="0")
    assert result.returncode != 0
    for warning in ("security.W008", "security.W009", "security.W012", "security.W016"):
        assert warning in result.stderr


def test_without_debug_an_unchosen_email_backend_stops_the_app():
    result = run_deploy_check(EMAIL_BACKEND=None)
    assert result.returncode != 0
    assert "spasmlog.E001" in result.stderr
    assert "password-reset mail would be written" in result.stderr


def test_the_console_email_backend_chosen_on_purpose_is_accepted():
    result = run_deploy_check(EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend")
    assert "spasmlog.E001" not in result.stderr


def test_an_absurdly_long_username_at_the_admin_log_in_fails_like_any_wrong_one(client, user):
    # Once a 500 on PostgreSQL: axes stored the whole name in a 255-character column. Our own
    # log-in form refuses such a name beside the field; the admin's form passes it on.
    response = client.post(
        "/admin/login/", {"username": "é" * 10_000, "password": PASSWORD}, REMOTE_ADDR="10.5.5.5"
    )
    assert response.status_code == 200
    assert "enter the correct username and password" in response.content.decode()
    assert [len(attempt.username) for attempt in AccessAttempt.objects.all()] == [255]


def log_in_through_proxy(client, username: str, password: str, forwarded_for: str):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR="10.0.0.1",  # the proxy
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_behind_the_proxy_one_visitors_failures_lock_only_that_visitor(
    client, settings, user, other_user
):
    settings.BEHIND_TLS_PROXY = True
    for attempt in range(settings.ADDRESS_FAILURE_LIMIT):
        # The first entry is the visitor's own claim; the proxy appends the real address.
        log_in_through_proxy(client, f"guess{attempt}", "wrong", f"192.0.2.{attempt}, 203.0.113.7")
    assert_locked_out(log_in_through_proxy(client, "alice", PASSWORD, "203.0.113.7"), client)
    # A claimed address in front of the real one doesn't escape the lock.
    assert_locked_out(
        log_in_through_proxy(client, "alice", PASSWORD, "198.51.100.1, 203.0.113.7"), client
    )
    # Another visitor through the same proxy logs in.
    response = log_in_through_proxy(client, "mallory", PASSWORD, "203.0.113.8")
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(other_user.pk)


@pytest.mark.parametrize(
    ("behind_proxy", "forwarded_for", "address"),
    [
        (False, "203.0.113.7", "10.0.0.1"),
        (True, "203.0.113.7", "203.0.113.7"),
        (True, "192.0.2.1, 203.0.113.7", "203.0.113.7"),
        (True, "", "10.0.0.1"),
    ],
)
def test_the_throttled_address(rf, settings, behind_proxy, forwarded_for, address):
    settings.BEHIND_TLS_PROXY = behind_proxy
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded_for)
    assert throttling.client_address(request) == address
