"""A backup always restores: whatever the forms accept, its export imports into an empty
account and exports the same again. Arbitrary diaries are made through the forms themselves."""

import itertools
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diary.converters import IsoDateConverter
from diary.files.diaryfile import dumps
from diary.files.portability import merge_diary, read_upload
from diary.forms.checkins import CheckInForm
from diary.forms.episodes import EpisodeForm
from diary.forms.profile import MedicationForm, ProfileForm
from diary.limits import MAX_NOTE_LENGTH
from diary.models import CheckIn, Episode, Medication, Profile
from diary.vocabularies import MedicationKind, Muscle, Side
from tests.factories import make_episode, make_user
from tests.portability_helpers import exported, without_exported_at

ZONES = ["Europe/Berlin", "America/New_York", "Asia/Kathmandu", "UTC", "Australia/Lord_Howe"]
_people = itertools.count()

# Names that differ only in case, in scripts whose case a database's ASCII rules don't know.
names = st.sampled_from(["Ämilin", "ämilin", "ÄMILIN", "Magnesium", "magnesium", "Ωmega", "ωmega"])
# Mostly days the diary takes, and some it must refuse everywhere alike (year 1, 1800).
days = st.one_of(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31)),
    st.dates(max_value=date(1900, 1, 2)),
)
minutes = st.one_of(
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2025, 12, 31, 23, 59)),
    st.datetimes(max_value=datetime(1900, 1, 2)),
)
offsets = st.sampled_from(["", "+00:00", "-05:00", "+05:45", "+14:00", "-12:00"])
notes = st.text(st.characters(codec="utf-8", exclude_characters="\x00\r"), max_size=40)

medication_data = st.fixed_dictionaries(
    {
        "name": names,
        "kind": st.sampled_from(MedicationKind.values),
        "dose": notes,
        "started_on": days.map(date.isoformat),
        "stopped_on": st.one_of(st.just(""), days.map(date.isoformat)),
    }
)
episode_data = st.fixed_dictionaries(
    {
        "started_at": st.tuples(minutes, offsets).map(
            lambda pair: pair[0].isoformat(timespec="minutes") + pair[1]
        ),
        # Left and right at the same minute are two episodes.
        "muscle": st.sampled_from([Muscle.CALF, Muscle.FOOT]),
        "side": st.sampled_from([Side.LEFT, Side.RIGHT, Side.BOTH]),
        "intensity": st.integers(0, 10).map(str),
        "kind": st.just("cramp"),
        "duration_seconds": st.sampled_from(["", "30s", "1,5 min", "1:30", "1 500 s"]),
        "notes": notes,
    }
)
checkin_data = st.fixed_dictionaries(
    {
        "water_ml": st.sampled_from(["", "1,500 ml", "2.000 ml", "1,5 l", "6 glasses", "0"]),
        "stress": st.one_of(st.just(""), st.integers(0, 10).map(str)),
        "sleep_hours": st.sampled_from(["", "7.5", "0", "24"]),
        "notes": notes,
    }
)
profile_data = st.fixed_dictionaries(
    {
        "report_name": st.one_of(notes, st.just("x" * 200), st.just("x" * 201)),
        "date_of_birth": st.one_of(st.just(""), days.map(date.isoformat)),
    }
)
diaries = st.fixed_dictionaries(
    {
        "zone": st.sampled_from(ZONES),
        "profile": profile_data,
        "medications": st.lists(medication_data, max_size=4),
        "episodes": st.lists(episode_data, max_size=8),
        "checkins": st.lists(
            st.tuples(days, checkin_data), max_size=5, unique_by=lambda pair: pair[0]
        ),
    }
)


def through_the_forms(diary: dict):
    """A new account holding what the forms accept of `diary`; the rest is refused, as a
    person would see it refused."""
    user = make_user(f"person{next(_people)}", diary["zone"])
    with timezone.override(diary["zone"]):
        profile = Profile.get_or_create_for(user)
        form = ProfileForm({**diary["profile"], "time_zone": diary["zone"]}, instance=profile)
        if form.is_valid():
            form.save()
        for data in diary["medications"]:
            form = MedicationForm(data, instance=Medication(user=user))
            if form.is_valid():
                form.save()
        for data in diary["episodes"]:
            form = EpisodeForm(data, instance=Episode(user=user))
            if form.is_valid():
                form.save()
        taken = list(Medication.objects.for_user(user).values_list("pk", flat=True))
        for day, data in diary["checkins"]:
            try:  # A check-in's day comes from its URL, which refuses days before 1900.
                IsoDateConverter().to_python(day.isoformat())
            except ValueError:
                continue
            form = CheckInForm(
                {**data, "medications_taken": taken[:1]}, instance=CheckIn(user=user, date=day)
            )
            if form.is_valid():
                form.save()
    return user


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(diary=diaries)
def test_whatever_the_forms_accept_exports_imports_into_an_empty_account_and_exports_the_same(
    diary,
):
    owner = through_the_forms(diary)
    backup = exported(owner)

    empty = make_user(f"restored{next(_people)}")
    merge_diary(empty, read_upload(empty, dumps(backup)))

    assert without_exported_at(exported(empty)) == without_exported_at(backup)
    # The whole profile, the settings the file leaves out (theme, reminder) apart.
    restored, original = Profile.get_or_create_for(empty), Profile.get_or_create_for(owner)
    for key in ("time_zone", "conditions", "report_name", "date_of_birth"):
        assert getattr(restored, key) == getattr(original, key)
    # And into the same account, where it changes nothing.
    summary = merge_diary(owner, read_upload(owner, dumps(backup)))
    assert summary.episodes.added == summary.episodes.updated == 0
    assert summary.medications.added == summary.checkins.added == 0


# Exports the import once refused, each restored now.


@pytest.mark.django_db
def test_left_and_right_calf_at_the_same_minute_restore(user):
    moment = timezone.now().replace(second=0, microsecond=0) - timedelta(days=1)
    for side in (Side.LEFT, Side.RIGHT):
        make_episode(user, started_at=moment, muscle=Muscle.CALF, side=side)
    restored = make_user("restored")
    merge_diary(restored, read_upload(restored, dumps(exported(user))))
    assert sorted(Episode.objects.for_user(restored).values_list("side", flat=True)) == [
        "left",
        "right",
    ]


@pytest.mark.django_db
def test_the_episode_form_refuses_a_second_episode_of_the_same_muscle_side_and_minute(user):
    data = {"started_at": "2025-06-10T03:00", "muscle": "calf", "side": "left", "intensity": "5"}
    with timezone.override(user.profile.zone):
        first = EpisodeForm({**data, "kind": "cramp"}, instance=Episode(user=user))
        assert first.is_valid(), first.errors
        first.save()
        second = EpisodeForm({**data, "kind": "cramp"}, instance=Episode(user=user))
        assert not second.is_valid()
        assert (
            "You already logged this muscle and side starting at 03:00 on 10 June 2025"
            in (second.non_field_errors()[0])
        )
        other_side = EpisodeForm(
            {**data, "kind": "cramp", "side": "right"}, instance=Episode(user=user)
        )
        assert other_side.is_valid(), other_side.errors
    assert Episode.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("second", ["ämilin", "ÄMILIN", "A\u0308milin"])
def test_medication_names_differing_only_in_unicode_case_are_one_medication(user, second):
    form = MedicationForm(
        {"name": "Ämilin", "kind": "other", "started_on": "2025-01-01"},
        instance=Medication(user=user),
    )
    assert form.is_valid(), form.errors
    form.save()
    again = MedicationForm(
        {"name": second, "kind": "other", "started_on": "2025-01-01"},
        instance=Medication(user=user),
    )
    assert not again.is_valid()
    assert again.errors["name"] == [f"You already have a medication called “{second}”."]
    assert Medication.objects.count() == 1


@pytest.mark.django_db
def test_a_medication_started_before_1900_is_refused_by_the_form_as_by_the_import(user):
    form = MedicationForm(
        {"name": "Old", "kind": "other", "started_on": "0001-01-01"},
        instance=Medication(user=user),
    )
    assert not form.is_valid()
    assert form.errors["started_on"] == ["Choose a date from 1900 on."]


def test_every_limit_of_the_diary_file_is_the_models():
    from diary.files.diaryfile import (
        CHECKIN_FIELDS,
        EPISODE_FIELDS,
        MEDICATION_FIELDS,
        Number,
        Text,
    )

    for model, fields in ((Episode, EPISODE_FIELDS), (CheckIn, CHECKIN_FIELDS)):
        for key, kind in fields.items():
            if not isinstance(kind, Number | Text):
                continue  # medications_taken and custom_factors are links, not columns
            field = model._meta.get_field(key)
            limits = {
                type(v).__name__: v.limit_value
                for v in field.validators
                if hasattr(v, "limit_value")
            }
            if isinstance(kind, Number):
                assert limits.get("MaxValueValidator") == kind.most, key
            if isinstance(kind, Text):
                assert (field.max_length or limits.get("MaxLengthValidator")) == kind.max_length
    for key, kind in MEDICATION_FIELDS.items():
        if isinstance(kind, Text):
            assert Medication._meta.get_field(key).max_length == kind.max_length, key
    assert EPISODE_FIELDS["notes"].max_length == MAX_NOTE_LENGTH


@pytest.mark.django_db
@pytest.mark.parametrize(
    "started_at",
    ["0001-01-01T00:00+00:00", "1800-01-01T00:00+00:00", "1900-01-01T00:00+05:45"],
)
def test_the_episode_form_refuses_an_early_time_sent_with_an_offset_as_one_typed_without(
    auth_client, user, started_at
):
    response = auth_client.post(
        "/episodes/new/",
        {"started_at": started_at, "muscle": "calf", "side": "left", "intensity": "5"},
    )
    assert response.status_code == 200
    assert "Choose a time from 1900 on." in response.text
    assert not Episode.objects.exists()


def test_the_import_refuses_a_time_that_is_before_1900_on_the_diarys_clock():
    from diary.files.diaryfile import DiaryFileError, parse_document

    document = {
        "format": "spasmlog-diary",
        "version": 1,
        "timezone": "Europe/Berlin",
        "episodes": [
            {
                "started_at": "1900-01-01T00:00:00+05:45",
                "muscle": "calf",
                "side": "left",
                "intensity": 5,
            }
        ],
    }
    with pytest.raises(DiaryFileError) as error:
        parse_document(dumps(document), now=timezone.now())
    assert error.value.messages == [
        "episodes[0].started_at: 1900-01-01T00:00:00+05:45 is before 1900-01-01 in Europe/Berlin"
    ]
