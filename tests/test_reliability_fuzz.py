"""Arbitrary input in every form: never a 500, and nothing saved from a rejected submission.

The forms are found the way a browser finds them: every page the resolver knows is rendered
for a signed-in person and each POST form on it is read for its fields and their options.
Hypothesis then fills those fields with valid options, arbitrary text, numbers, dates, huge
strings and (for file fields) arbitrary bytes or a diary file with arbitrary values.
"""

import json
from collections import Counter
from datetime import date, datetime

import pytest
from django.contrib.auth.models import User
from django.core import serializers
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diary.models import CheckIn, Episode, Medication, Profile
from tests.security_routes import Field, app_routes, body, fill, make_diary, owned_rows, page_forms

pytestmark = pytest.mark.django_db

EXAMPLES_PER_FORM = 25
# The longest text tried in a field, far past every limit a field has.
LONGEST_TEXT = 30_000
# Every form the diary has today; a new one is fuzzed too, this only guards against losing one.
PUBLIC_FORMS = {"signup", "login", "password_reset"}
SIGNED_IN_FORMS = {
    "diary:quick_log",
    "diary:episode_new",
    "diary:episode_edit",
    "diary:checkin_day",
    "diary:account",
    "diary:medication_new",
    "diary:medication_edit",
    "diary:import",
    "diary:delete_data",
    "diary:delete_account",
    "password_change",
}


def arbitrary_scalar() -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(max_size=200),
        st.integers(min_value=-(10**20), max_value=10**20).map(str),
        st.floats().map(str),
        st.dates(min_value=date(1, 1, 1)).map(date.isoformat),
        st.datetimes(min_value=datetime(1, 1, 1)).map(lambda moment: f"{moment:%Y-%m-%dT%H:%M}"),
        st.sampled_from(["", " ", "0", "-1", "24.01", "1e400", "NaN", "2027-02-29", "25:61"]),
        st.integers(min_value=10_000, max_value=LONGEST_TEXT).map(lambda size: "é" * size),
    )


EPISODE = {
    "started_at": "2026-01-10T03:15:00+01:00",
    "muscle": "calf",
    "side": "left",
    "intensity": 5,
    "kind": "cramp",
    "notes": "",
}
CHECKIN = {"date": "2026-01-09", "water_ml": 1500, "notes": "", "medications_taken": []}
FUZZ_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(),
    st.text(max_size=50),
    st.lists(st.text(max_size=12), max_size=3),
)


@st.composite
def diary_documents(draw) -> bytes:
    """A diary file whose records are valid but for arbitrary values in a few keys."""

    def record(base: dict) -> dict:
        values = dict(base)
        for key in draw(st.lists(st.sampled_from([*base, "unknown_key"]), max_size=3)):
            values[key] = draw(FUZZ_VALUE)
        return values

    document = {
        "format": draw(st.sampled_from(["spasmlog-diary", "spasmlog-diary", "other"])),
        "version": draw(st.sampled_from([1, 1, 2, "1", None])),
        "exported_at": "2026-01-11T10:00:00+01:00",
        "timezone": draw(st.sampled_from(["Europe/Berlin", "Mars/Olympus", ""])),
        "profile": {"conditions": draw(st.lists(st.text(max_size=20), max_size=2))},
        "episodes": [record(EPISODE) for _ in range(draw(st.integers(0, 3)))],
        "checkins": [record(CHECKIN) for _ in range(draw(st.integers(0, 3)))],
    }
    return json.dumps(document, allow_nan=True).encode()


# Values a person might really type into each kind of field, so some submissions are saved.
PLAUSIBLE = {
    "number": st.one_of(st.integers(-1, 30).map(str), st.decimals(0, 25, places=1).map(str)),
    "range": st.integers(-1, 11).map(str),
    "date": st.dates(date(2020, 1, 1), date(2027, 12, 31)).map(date.isoformat),
    "datetime-local": st.datetimes(datetime(2020, 1, 1), datetime(2027, 1, 1)).map(
        lambda moment: f"{moment:%Y-%m-%dT%H:%M}"
    ),
    "text": st.text(max_size=40),
    "textarea": st.text(max_size=400),
}


def value_strategy(entry: Field) -> st.SearchStrategy:
    if entry.kind == "file":
        content = st.one_of(st.binary(max_size=4000), diary_documents())
        return st.builds(SimpleUploadedFile, st.sampled_from(["diary.json", "x.csv"]), content)
    valid = plausible(entry)
    if entry.multiple:
        return st.lists(st.one_of(valid, st.text(max_size=20)), max_size=len(entry.options) + 1)
    return arbitrary_scalar() if valid is None else st.one_of(valid, arbitrary_scalar())


def plausible(entry: Field) -> st.SearchStrategy[str] | None:
    if entry.options:
        return st.sampled_from(entry.options)
    return PLAUSIBLE.get(entry.kind)


@st.composite
def submission(draw, fields: dict[str, Field]) -> dict:
    """The form as the page filled it in, with a few fields changed or left out."""
    data = {name: entry.unchanged() for name, entry in fields.items()}
    if draw(st.booleans()):
        # Fill the blanks the page left the way a person might.
        for name, entry in fields.items():
            if not data[name] and (valid := plausible(entry)) is not None:
                data[name] = draw(valid)
    for name in draw(st.sets(st.sampled_from(sorted(fields)), max_size=min(2, len(fields)))):
        data[name] = draw(st.one_of(st.none(), value_strategy(fields[name])))
    return {name: value for name, value in data.items() if value is not None}


def every_form(client, diary) -> dict[str, tuple[str, dict[str, Field]]]:
    forms = {}
    for route in app_routes():
        for path in fill(route, diary):
            response = client.get(path)
            if response.status_code != 200 or "html" not in response["Content-Type"]:
                continue
            for form in page_forms(body(response)).forms:
                if form.posts_to(path) and form.fields:
                    forms[route.name] = (path, form.fields)
    return forms


def assert_every_row_is_valid(user) -> None:
    for model in (Episode, CheckIn, Medication):
        for row in model.objects.for_user(user):
            row.full_clean()
    Profile.objects.get(user=user).full_clean()


def fuzz(client, name: str, path: str, fields: dict[str, Field], state, tally: Counter) -> None:
    """Posts arbitrary submissions; `state()` must not change when one is rejected."""

    @settings(
        max_examples=EXAMPLES_PER_FORM,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=submission(fields))
    def submit(data):
        before = state()
        response = client.post(path, data)
        tally["run"] += 1
        assert response.status_code < 500, (name, data)
        if response.status_code != 302:
            tally["rejected"] += 1
            assert state() == before, f"{name} saved a rejected submission"

    submit()


def report(tally: Counter, forms: dict, who: str) -> None:
    print(
        f"fuzz ({who}): {tally['run']} examples over {len(forms)} forms "
        f"({tally['rejected']} rejected, nothing saved from any of them)"
    )


def test_every_form_survives_arbitrary_input(client, user):
    diary = make_diary(user, "fuzz")
    client.force_login(user)
    forms = every_form(client, diary)
    assert set(forms) >= SIGNED_IN_FORMS, f"forms no longer found: {SIGNED_IN_FORMS - set(forms)}"
    tally = Counter()
    for name, (path, fields) in sorted(forms.items()):
        fuzz(client, name, path, fields, lambda: owned_rows(user), tally)
        assert_every_row_is_valid(user)
    report(tally, forms, "signed in")


class LoggedOut(Client):
    """A client that forgets any log-in a request made (a sign-up logs the new person in)."""

    def post(self, *args, **kwargs):
        response = super().post(*args, **kwargs)
        self.logout()
        return response


def every_account() -> str:
    return serializers.serialize("json", [*User.objects.order_by("pk"), *Profile.objects.all()])


def test_every_public_form_survives_arbitrary_input(user):
    client = LoggedOut()
    forms = every_form(client, make_diary(user, "fuzz"))
    assert set(forms) >= PUBLIC_FORMS, f"forms no longer found: {PUBLIC_FORMS - set(forms)}"
    tally = Counter()
    for name, (path, fields) in sorted(forms.items()):
        fuzz(client, name, path, fields, every_account, tally)
    for profile in Profile.objects.all():
        profile.full_clean()
    report(tally, forms, "public")
