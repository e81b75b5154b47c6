"""The README's security and reliability figures are read from where they are set.

Each figure below is built from its source (a setting, a limit, a hasher's parameter, a test's
own load) and looked up in the README, so changing one without the other fails here. The
security section states rules, never counts copied from one test run.
"""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.core.checks.security.base import SECRET_KEY_MIN_LENGTH
from django.core.files.uploadhandler import FileUploadHandler
from django.urls import reverse

from diary import ratelimit
from diary.limits import MAX_NOTE_LENGTH, MEDICATION_NAME_LENGTH
from diary.middleware import PERMISSIONS_POLICY
from diary.passwords import MIN_DISTINCT_CHARACTERS, OwaspArgon2PasswordHasher
from diary.throttling import RECORDED_USERNAME_LENGTH
from spasmlog import settings as project_settings
from tests.scripts.concurrency import (
    KILL_AFTER_ACKNOWLEDGED,
    PEOPLE,
    QUICK_LOGS_EACH,
    WORKERS,
)
from tests.test_reliability_fuzz import EXAMPLES_PER_FORM, LONGEST_TEXT

README = (Path(__file__).parent.parent / "README.md").read_text()
SECURITY = README[README.index("### Security") : README.index("### Reliability")]
# "**40 URLs", "**26 HTML pages", "all **16 forms": a count that drifts as views are added.
COPIED_COUNT = re.compile(r"\*\*(?:all )?\d[\d,]* (?:URLs?|pages?|HTML|forms?|patterns?|id )")
NUMBER_WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
MB = 1024 * 1024
MIB_IN_KIB = 1024
# `default-src 'self'` in the README's list of what every page's policy holds.
CSP_DIRECTIVE = re.compile(r"`([a-z-]+) ('[a-z-]+')`")
# `X-Frame-Options: DENY`
HEADER = re.compile(r"`([A-Z][A-Za-z-]+): ([^`]+)`")


def as_read(text: str) -> str:
    """The text with its line breaks and runs of spaces as single spaces."""
    return " ".join(text.split())


def not_in_readme(*figures: str) -> list[str]:
    return [figure for figure in figures if as_read(figure) not in as_read(README)]


def test_the_security_section_states_rules_not_copied_counts():
    assert COPIED_COUNT.findall(SECURITY) == []


def test_the_check_catches_a_copied_count():
    assert COPIED_COUNT.findall("to **40 URLs (32 patterns)** and the **26 HTML pages**") == [
        "**40 URLs",
        "**26 HTML",
    ]


def test_the_log_in_lock_out_figures_are_the_settings():
    cool_off_minutes = settings.AXES_COOLOFF_TIME // timedelta(minutes=1)
    missing = not_in_readme(
        f"{settings.AXES_FAILURE_LIMIT} failed log-ins for one username **from one address** "
        "(`AXES_FAILURE_LIMIT`)",
        f"{settings.ADDRESS_FAILURE_LIMIT} from one address, whatever usernames were tried "
        "(`AXES_ADDRESS_FAILURE_LIMIT`)",
        f"A lock ends {cool_off_minutes} minutes (`AXES_COOLOFF_MINUTES`)",
        f"Axes records at most {RECORDED_USERNAME_LENGTH} characters of a username tried",
        f"axes stored it whole in a {RECORDED_USERNAME_LENGTH}-character column; axes now records "
        f"at most {RECORDED_USERNAME_LENGTH} characters",
    )
    assert missing == []


def test_the_sign_up_and_reset_limits_are_the_settings():
    assert timedelta(hours=1) == ratelimit.WINDOW  # "an hour" below
    missing = not_in_readme(
        f"at most {settings.SIGNUPS_PER_ADDRESS_PER_HOUR} sign-up attempts an hour from one "
        "address",
        f"{settings.PASSWORD_RESETS_PER_ADDRESS_PER_HOUR} password-reset requests an hour from "
        f"one address and {settings.PASSWORD_RESETS_PER_EMAIL_PER_HOUR} an hour for one e-mail "
        "address",
    )
    assert missing == []


def test_the_password_figures_are_the_hasher_and_the_validators():
    hasher = OwaspArgon2PasswordHasher()
    # The settings module's own list: the suite switches to a fast hasher (conftest).
    assert project_settings.PASSWORD_HASHERS[0] == "diary.passwords.OwaspArgon2PasswordHasher"
    assert hasher.encode("a password", hasher.salt()).startswith("argon2$argon2id$")
    djangos_validators = [
        validator
        for validator in settings.AUTH_PASSWORD_VALIDATORS
        if validator["NAME"].startswith("django.")
    ]
    lanes = "lane" if hasher.parallelism == 1 else "lanes"
    missing = not_in_readme(
        "hashed with Argon2id (`argon2$argon2id$…`)",
        f"Django's {NUMBER_WORDS[len(djangos_validators)]} validators refuse",
        f"fewer than {MIN_DISTINCT_CHARACTERS} different characters besides spaces",
        f"({hasher.memory_cost // MIB_IN_KIB} MiB of memory, {hasher.time_cost} passes, "
        f"{hasher.parallelism} {lanes}: `diary.passwords.OwaspArgon2PasswordHasher`)",
        f"Django's defaults ({Argon2PasswordHasher.memory_cost // MIB_IN_KIB} MiB, "
        f"{Argon2PasswordHasher.parallelism} lanes)",
    )
    assert missing == []


def test_the_deploy_check_figures_are_djangos_minimum_and_the_settings():
    assert timedelta(days=365).total_seconds() == settings.SECURE_HSTS_SECONDS
    missing = not_in_readme(
        f"a random `SECRET_KEY` of at least {SECRET_KEY_MIN_LENGTH} characters",
        "HSTS for a year",
    )
    assert missing == []


@pytest.mark.django_db
def test_the_headers_the_security_section_names_are_the_ones_a_page_sends(client):
    response = client.get(reverse("login"))
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
    )
    # Cache-Control: no-store is for a signed-in person only (test_security checks it).
    headers = [(name, value) for name, value in HEADER.findall(SECURITY) if name != "Cache-Control"]
    pages = SECURITY[SECURITY.index("**Headers on every page") :]
    directives = CSP_DIRECTIVE.findall(pages[: pages.index("A chart opened on its own")])
    assert len(set(headers)) >= 3 and len(directives) >= 5  # the README's lists were found
    for name, value in headers:
        assert response[name] == value, name
    for directive, sources in directives:
        assert policy[directive] == sources, directive
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in PERMISSIONS_POLICY
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY
    assert not_in_readme("turns off the camera, microphone, geolocation, payment, USB") == []


def test_the_loads_are_the_ones_the_concurrency_script_sets():
    missing = not_in_readme(
        f"({PEOPLE} people × {QUICK_LOGS_EACH} quick logs, {KILL_AFTER_ACKNOWLEDGED} acknowledged "
        "before the kill)",
        f"gunicorn with {WORKERS} workers",
        f"{PEOPLE} people each logging in and posting {QUICK_LOGS_EACH} quick logs at once",
        f"SQLite: **{PEOPLE * QUICK_LOGS_EACH:,} rows, {PEOPLE * QUICK_LOGS_EACH:,} answered 302",
        f"after **{KILL_AFTER_ACKNOWLEDGED} acknowledged quick logs**",
        f"**0 of the {KILL_AFTER_ACKNOWLEDGED} acknowledged episodes are missing**",
    )
    assert missing == []


def test_the_fuzz_and_large_input_figures_are_the_limits():
    missing = not_in_readme(
        f"**{EXAMPLES_PER_FORM} examples per form, never a 500**",
        f"strings of up to {LONGEST_TEXT:,} characters",
        f'"Ensure this value has at most {MAX_NOTE_LENGTH} characters"',
        f"a medication name over {MEDICATION_NAME_LENGTH} characters likewise",
        f"a form body over {settings.DATA_UPLOAD_MAX_MEMORY_SIZE // MB} MB answers 400",
        f'"The file is larger than {settings.MAX_UPLOAD_BYTES // MB} MB, the largest accepted."',
        f"in {FileUploadHandler.chunk_size // 1024} KB chunks",
        f"so at most {settings.MAX_UPLOAD_BYTES // MB} MB is ever written",
        f"(`DATA_UPLOAD_MAX_NUMBER_FILES = {settings.DATA_UPLOAD_MAX_NUMBER_FILES}`;",
    )
    assert missing == []


def test_a_figure_the_readme_does_not_state_is_reported():
    assert not_in_readme("at most 11 sign-up attempts an hour", "HSTS for a year") == [
        "at most 11 sign-up attempts an hour"
    ]
