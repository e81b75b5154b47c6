"""Export and import of the whole diary: the views and the merge into the database."""

import csv
import io
import json
from datetime import UTC, date, datetime

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from diary.files.csvfiles import to_csv
from diary.files.diaryfile import DiaryFileError, dumps
from diary.files.portability import export_document, merge_diary, read_upload
from diary.models import CheckIn, CustomAnswer, CustomFactor, Episode, Medication, Profile
from tests.factories import make_checkin, make_episode, make_factor, make_medication, make_user
from tests.portability_helpers import (
    exported,
    fill_diary,
    json_copy,
    row_counts,
    upload_and_confirm,
    without_exported_at,
)

PORTABILITY_URLS = [
    "diary:export_diary",
    "diary:export_episodes_csv",
    "diary:export_checkins_csv",
    "diary:import",
    "diary:delete_account",
    "diary:delete_data",
]


def import_file(client, content, name="diary.json"):
    return upload_and_confirm(client, content, name)


def success_message(response) -> str:
    [message] = [str(message) for message in response.context["messages"]]
    return message


@pytest.mark.parametrize("name", PORTABILITY_URLS)
def test_anonymous_visitors_are_sent_to_log_in(client, db, name):
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# Export


def test_the_diary_downloads_as_a_dated_attachment(auth_client, user):
    fill_diary(user)

    response = auth_client.get(reverse("diary:export_diary"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    today = timezone.localdate(timezone=Profile.get_or_create_for(user).zone)
    assert response["Content-Disposition"] == (
        f'attachment; filename="spasmlog-diary-{today.isoformat()}.json"'
    )
    assert "no-store" in response["Cache-Control"]
    document = json.loads(response.content)
    assert document["format"] == "spasmlog-diary"
    assert document["timezone"] == "Europe/Berlin"
    assert len(document["episodes"]) == 5
    assert len(document["checkins"]) == 4
    assert [row["name"] for row in document["profile"]["medications"]] == [
        "Furosemide; 40 \\ mg",
        "Ibuprofen",
        "Magnesium",
    ]
    assert document["profile"]["other_condition"] == "Gicht 🦶 (seit 2019)"


def test_an_export_holds_exactly_what_the_database_holds(auth_client, user):
    fill_diary(user)

    document = json.loads(auth_client.get(reverse("diary:export_diary")).content)

    first = document["episodes"][0]
    assert first == {
        "started_at": "2025-03-30T03:00:00+02:00",
        "duration_seconds": None,
        "muscle": "lower_back",
        "side": "both",
        "intensity": 10,
        "kind": "tightness",
        "activity": "just_after_exercise",
        "hydration": "unknown",
        "relief": ["nothing"],
        "relief_effect": "none",
        "symptoms": ["weakness", "numbness", "swelling", "redness", "injury"],
        "notes": None,
        "time_estimated": False,
    }
    assert [row["started_at"] for row in document["episodes"][1:]] == [
        "2025-06-01T03:15:30.250000+02:00",
        "2025-06-03T00:00:00+02:00",
        "2025-10-26T02:30:00+02:00",
        "2025-10-26T02:30:00+01:00",
    ]
    by_date = {row["date"]: row for row in document["checkins"]}
    assert by_date["2025-06-01"]["medications_taken"] == ["Furosemide; 40 \\ mg", "Magnesium"]
    assert by_date["2025-06-01"]["sleep_hours"] == 6.5
    assert by_date["2025-06-01"]["sitting_hours"] == 9.0
    assert by_date["2025-06-01"]["sleep_disturbance"] == 4
    assert document["episodes"][1]["time_estimated"] is True
    assert by_date["2025-06-02"]["electrolytes"] is None
    assert by_date["2025-06-02"]["medications_taken"] == []
    assert by_date["2025-10-26"]["electrolytes"] == []
    assert by_date["2025-10-26"]["sleep_hours"] == 0.0
    assert by_date["2025-03-30"]["water_ml"] == 0


def test_another_users_diary_never_appears_in_an_export(auth_client, user, other_user):
    fill_diary(other_user)
    make_episode(user, started_at=timezone.now(), muscle="neck", intensity=2)

    response = auth_client.get(reverse("diary:export_diary"))

    document = json.loads(response.content)
    assert [row["muscle"] for row in document["episodes"]] == ["neck"]
    assert document["checkins"] == []
    assert document["profile"] == {
        "conditions": [],
        "other_condition": None,
        "hidden_checkin_questions": [],
        "report_name": None,
        "date_of_birth": None,
        "medications": [],
        "custom_factors": [],
    }
    for table in ("episodes", "checkins"):
        csv_response = auth_client.get(reverse(f"diary:export_{table}_csv"))
        assert b"Gicht" not in csv_response.content
        assert b"Magnesium" not in csv_response.content


def test_the_export_takes_the_same_number_of_queries_however_big_the_diary(auth_client, user):
    with CaptureQueriesContext(connection) as empty:
        auth_client.get(reverse("diary:export_diary"))
    fill_diary(user)
    for day in range(1, 29):
        checkin = make_checkin(user, date(2024, 2, day))
        checkin.medications_taken.set(Medication.objects.for_user(user))

    with CaptureQueriesContext(connection) as full:
        response = auth_client.get(reverse("diary:export_diary"))

    assert len(json.loads(response.content)["checkins"]) == 32
    assert len(full) == len(empty)


@pytest.mark.parametrize("table", ["episodes", "checkins"])
def test_the_csvs_download_for_a_spreadsheet(auth_client, user, table):
    fill_diary(user)

    response = auth_client.get(reverse(f"diary:export_{table}_csv"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(f'attachment; filename="spasmlog-{table}-')
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    document = exported(user)
    assert len(rows) == len(document[table])
    assert list(rows[0]) == list(document[table][0])


def test_the_episodes_csv_reads_back_with_the_csv_module(auth_client, user):
    fill_diary(user)

    response = auth_client.get(reverse("diary:export_episodes_csv"))

    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert [row["started_at"] for row in rows][-2:] == [
        "2025-10-26T02:30:00+02:00",
        "2025-10-26T02:30:00+01:00",
    ]
    assert rows[1]["relief"] == "stretching;water;massage"
    assert rows[1]["notes"].startswith('Wadenkrampf 😖 "nachts", zweimal\nzweite Zeile; =SUM')
    assert rows[3]["notes"] == "'+1 @night -"  # neutralised for the spreadsheet
    assert rows[2]["duration_seconds"] == rows[2]["hydration"] == ""


def test_the_checkins_csv_reads_back_with_the_csv_module(auth_client, user):
    fill_diary(user)

    response = auth_client.get(reverse("diary:export_checkins_csv"))

    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert [row["date"] for row in rows] == ["2025-03-30", "2025-06-01", "2025-06-02", "2025-10-26"]
    assert [row["electrolytes"] for row in rows] == ["", "magnesium;sodium", "", "none"]
    assert rows[1]["medications_taken"] == "Furosemide\\; 40 \\\\ mg;Magnesium"
    assert [row["water_ml"] for row in rows] == ["0", "1750", "", ""]
    assert rows[1]["warmed_up"] == "false"


@pytest.mark.parametrize("name", PORTABILITY_URLS[:3])
def test_an_export_answers_only_get(auth_client, name):
    assert auth_client.post(reverse(name)).status_code == 405


# Round trips


@pytest.mark.parametrize(
    "time_zone", ["Europe/Berlin", "Pacific/Auckland", "America/New_York", "Asia/Kolkata"]
)
def test_export_import_export_gives_the_same_document(client, db, time_zone):
    source = make_user("source", time_zone)
    fill_diary(source)
    first = exported(source)
    target = make_user("target", "UTC")
    client.force_login(target)

    response = import_file(client, first)

    assert success_message(response) == (
        "Imported: 5 episodes added, 0 updated, 0 unchanged; "
        "4 check-ins added, 0 updated, 0 unchanged; "
        "3 medications added, 0 updated, 0 unchanged; profile updated."
    )
    assert without_exported_at(exported(target)) == without_exported_at(first)
    assert row_counts(target) == row_counts(source)


def test_the_round_trip_is_byte_for_byte(client, db):
    source = make_user("source", "Europe/Berlin")
    fill_diary(source)
    now = timezone.now()
    target = make_user("target", "Asia/Tokyo")
    client.force_login(target)

    first = dumps(export_document(source, now))
    import_file(client, first)

    assert dumps(export_document(target, now)) == first


def test_the_csvs_import_into_an_empty_account(client, db):
    source = make_user("source", "Europe/Berlin")
    fill_diary(source)
    document = exported(source)
    target = make_user("target", "Europe/Berlin")
    for row in Medication.objects.for_user(source):
        make_medication(target, name=row.name, kind=row.kind)
    for row in CustomFactor.objects.for_user(source):
        make_factor(target, name=row.name, kind=row.kind, threshold=row.threshold)
    client.force_login(target)

    episodes = import_file(client, to_csv(document, "episodes"), "episodes.csv")
    checkins = import_file(client, to_csv(document, "checkins"), "checkins.csv")

    assert success_message(episodes) == "Imported: 5 episodes added, 0 updated, 0 unchanged."
    assert success_message(checkins) == "Imported: 4 check-ins added, 0 updated, 0 unchanged."
    again = exported(target)
    assert again["episodes"] == document["episodes"]
    assert again["checkins"] == document["checkins"]


def test_seed_demo_data_survives_the_round_trip(client, db):
    call_command("seed_demo", "--days", "120", "--seed", "3", stdout=io.StringIO())
    demo = User.objects.get(username="demo")
    first = exported(demo)
    assert len(first["episodes"]) > 10 and len(first["checkins"]) > 60
    target = make_user("target", "UTC")
    client.force_login(target)

    import_file(client, first)

    assert without_exported_at(exported(target)) == without_exported_at(first)


# Merging


def test_importing_the_same_file_twice_changes_nothing(auth_client, user):
    fill_diary(user)
    document = exported(user)
    before = row_counts(user)
    stamps = sorted(Episode.objects.for_user(user).values_list("updated_at", flat=True))

    response = import_file(auth_client, document)

    assert success_message(response) == (
        "Imported: 0 episodes added, 0 updated, 5 unchanged; "
        "0 check-ins added, 0 updated, 4 unchanged; "
        "0 medications added, 0 updated, 3 unchanged."
    )
    assert row_counts(user) == before
    assert sorted(Episode.objects.for_user(user).values_list("updated_at", flat=True)) == stamps
    assert without_exported_at(exported(user)) == without_exported_at(document)


def test_a_matching_record_is_overwritten_and_the_rest_added(auth_client, user):
    fill_diary(user)
    document = json_copy(exported(user))
    document["episodes"][0]["intensity"] = 4
    document["episodes"][0]["notes"] = "neu"
    document["episodes"].append({**document["episodes"][0], "muscle": "hand"})
    checkin = next(row for row in document["checkins"] if row["date"] == "2025-06-01")
    checkin["medications_taken"] = ["Ibuprofen"]
    document["profile"]["medications"][1]["dose"] = "200 mg"

    response = import_file(auth_client, document)

    assert success_message(response) == (
        "Imported: 1 episode added, 1 updated, 4 unchanged; "
        "0 check-ins added, 1 updated, 3 unchanged; "
        "0 medications added, 1 updated, 2 unchanged."
    )
    lower_back = Episode.objects.for_user(user).get(muscle="lower_back")
    assert (lower_back.intensity, lower_back.notes) == (4, "neu")
    assert Episode.objects.for_user(user).get(muscle="hand").intensity == 4
    day = CheckIn.objects.for_user(user).get(date=date(2025, 6, 1))
    assert [medication.name for medication in day.medications_taken.all()] == ["Ibuprofen"]
    assert Medication.objects.for_user(user).get(name="Ibuprofen").dose == "200 mg"
    assert row_counts(user)["taken"] == 2


def test_an_import_keeps_what_the_file_does_not_mention(auth_client, user):
    fill_diary(user)
    document = json_copy(exported(user))
    document["episodes"] = document["episodes"][:1]
    document["checkins"] = []
    document["profile"]["medications"] = []
    before = row_counts(user)

    import_file(auth_client, document)

    assert row_counts(user) == before


def test_an_import_links_the_importers_own_medication(auth_client, user, other_user):
    fill_diary(other_user)
    document = json_copy(exported(other_user))

    import_file(auth_client, document)

    day = CheckIn.objects.for_user(user).get(date=date(2025, 6, 1))
    assert {medication.user for medication in day.medications_taken.all()} == {user}
    assert row_counts(other_user) == row_counts(user)


def test_a_file_without_a_profile_keeps_the_accounts(auth_client, user):
    fill_diary(user)
    document = json_copy(exported(user))
    del document["profile"]
    document["timezone"] = "Asia/Tokyo"

    response = import_file(auth_client, document)

    # The check-ins' medications are the account's own.
    assert success_message(response) == (
        "Imported: 0 episodes added, 0 updated, 5 unchanged; "
        "0 check-ins added, 0 updated, 4 unchanged."
    )
    profile = Profile.get_or_create_for(user)
    assert (profile.time_zone, profile.conditions) == ("Europe/Berlin", ["diabetes", "other"])


def test_the_name_for_reports_and_date_of_birth_restore_into_an_empty_account(user):
    fill_diary(user)
    empty = make_user("restored")

    merge_diary(empty, read_upload(empty, dumps(exported(user))))

    profile = Profile.get_or_create_for(empty)
    assert (profile.report_name, profile.date_of_birth) == (
        "Älice Ωmega-Cohen (אליס)",
        date(1970, 2, 3),
    )


def test_a_file_from_before_the_report_fields_keeps_the_accounts(user):
    Profile.objects.filter(user=user).update(report_name="Alice", date_of_birth=date(1970, 2, 3))
    older = {
        "format": "spasmlog-diary",
        "version": 1,
        "timezone": "UTC",
        "profile": {"conditions": ["diabetes"], "other_condition": None, "medications": []},
    }

    summary = merge_diary(user, read_upload(user, dumps(older)))

    profile = Profile.get_or_create_for(user)
    assert summary.profile_updated
    assert (profile.conditions, profile.report_name, profile.date_of_birth) == (
        ["diabetes"],
        "Alice",
        date(1970, 2, 3),
    )


def test_a_csv_checkin_may_name_the_accounts_medications(auth_client, user):
    make_medication(user)
    content = b"date,medications_taken\r\n2025-06-01,Magnesium\r\n"

    response = import_file(auth_client, content, "checkins.csv")

    assert success_message(response) == "Imported: 1 check-in added, 0 updated, 0 unchanged."
    day = CheckIn.objects.for_user(user).get(date=date(2025, 6, 1))
    assert [medication.name for medication in day.medications_taken.all()] == ["Magnesium"]
    assert Profile.get_or_create_for(user).time_zone == "Europe/Berlin"


def test_a_medication_deleted_between_checking_and_merging_refuses_the_whole_file(user):
    magnesium = make_medication(user)
    document = {
        "format": "spasmlog-diary",
        "version": 1,
        "timezone": "Europe/Berlin",
        "episodes": [
            {
                "started_at": "2025-06-01T03:00:00+02:00",
                "muscle": "calf",
                "side": "left",
                "intensity": 5,
            }
        ],
        "checkins": [
            {"date": "2025-06-01", "medications_taken": ["magnesium"]},
            {"date": "2025-06-02", "medications_taken": ["Magnesium"]},
        ],
    }
    parsed = read_upload(user, json.dumps(document).encode())
    magnesium.delete()  # in another tab, while the file was being checked

    with pytest.raises(DiaryFileError) as error:
        merge_diary(user, parsed)

    assert error.value.messages == [
        'The check-in for 2025-06-01: medications_taken: "magnesium" is no longer one of this '
        "diary's medications; it was deleted while the file was imported.",
        "Nothing was imported; try again.",
    ]
    assert row_counts(user) == {"episodes": 0, "checkins": 0, "medications": 0, "taken": 0}


def test_a_medication_name_matches_ignoring_case_as_in_the_profile_form(auth_client, user):
    make_medication(user, dose="300 mg", started_on=date(2025, 1, 1))
    document = json_copy(exported(user))
    document["profile"]["medications"][0].update(name="magnesium", dose="400 mg")
    document["checkins"] = [{"date": "2025-06-01", "medications_taken": ["MAGNESIUM"]}]

    response = import_file(auth_client, document)

    assert success_message(response) == (
        "Imported: 1 check-in added, 0 updated, 0 unchanged; "
        "0 medications added, 1 updated, 0 unchanged"
        "."
    )
    [medication] = Medication.objects.for_user(user)
    assert (medication.name, medication.dose) == ("magnesium", "400 mg")
    assert list(CheckIn.objects.for_user(user).get().medications_taken.all()) == [medication]
    response = import_file(auth_client, document)
    assert "0 check-ins added, 0 updated, 1 unchanged" in success_message(response)


def test_an_import_of_a_year_takes_a_constant_number_of_queries(user):
    source = make_user("source", "Europe/Berlin")
    fill_diary(source)
    small = read_upload(user, dumps(exported(source)))
    for day in range(1, 29):
        make_checkin(source, date(2024, 2, day), water_ml=day)
        make_episode(source, started_at=datetime(2024, 2, day, tzinfo=UTC), intensity=day % 11)
    big = read_upload(make_user("big", "UTC"), dumps(exported(source)))
    other = make_user("other", "Europe/Berlin")  # as the file says: no zone change either

    with CaptureQueriesContext(connection) as small_queries:
        merge_diary(user, small)
    with CaptureQueriesContext(connection) as big_queries:
        merge_diary(other, big)

    assert len(big_queries) == len(small_queries)


# Rejections: the message on the page, and nothing written


def bad_document(user, change) -> dict:
    document = json_copy(exported(user))
    change(document)
    return document


def set_in(path: str, value):
    def change(document):
        *parents, last = path.split(".")
        node = document
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        node[int(last) if last.isdigit() else last] = value

    return change


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (set_in("episodes.3.intensity", 11), "episodes[3].intensity: 11 is not between 0 and 10"),
        (
            set_in("episodes.4.muscle", "knee"),
            'episodes[4].muscle: "knee" is not one of calf, hamstring, quadriceps',
        ),
        (
            set_in("checkins.2.date", "2025-02-30"),
            'checkins[2].date: "2025-02-30" is not a date that exists',
        ),
        (
            set_in("checkins.2.date", "2025-06-01"),
            "checkins[2].date: a second check-in for 2025-06-01, as in checkins[1]",
        ),
        (set_in("version", 2), "version: 2 is newer than this spasmlog reads (1)"),
        (set_in("format", "other-diary"), "format: \"other-diary\" is not 'spasmlog-diary'"),
        (
            set_in("checkins.1.medications_taken", ["Aspirin"]),
            'checkins[1].medications_taken: "Aspirin" is not one of this diary\'s medications',
        ),
    ],
)
def test_a_bad_file_is_refused_whole_with_the_record_and_key(auth_client, user, change, message):
    fill_diary(user)
    document = bad_document(user, change)
    # Valid records beside the bad one must not be written either.
    document["episodes"].append({**document["episodes"][0], "muscle": "hand", "intensity": 1})
    before, profile_before = row_counts(user), Profile.get_or_create_for(user).conditions
    Profile.objects.filter(user=user).update(conditions=[])

    response = import_file(auth_client, document)

    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert any(error.startswith(message) for error in errors), errors
    assert escape(message) in response.content.decode()
    assert row_counts(user) == before
    assert not Episode.objects.for_user(user).filter(muscle="hand").exists()
    assert Profile.get_or_create_for(user).conditions == [] != profile_before


def test_malformed_json_is_refused(auth_client, user):
    response = import_file(auth_client, b'{"format": "spasmlog-diary", "episodes": [')

    assert response.context["form"].errors["file"] == [
        "The file is not valid JSON: Expecting value on line 1, column 43."
    ]
    assert row_counts(user) == {"episodes": 0, "checkins": 0, "medications": 0, "taken": 0}


def test_a_file_over_the_size_limit_is_refused(auth_client, user, settings):
    settings.MAX_UPLOAD_BYTES = 2**20
    document = exported(user)
    document["episodes"] = [
        {
            "started_at": f"2025-01-01T00:{minute % 60:02d}:{minute // 60:02d}+01:00",
            "muscle": "calf",
            "side": "left",
            "intensity": 5,
            "notes": "x" * 9000,
        }
        for minute in range(170)
    ]
    content = dumps(document)
    assert 1.4 * 2**20 < len(content) < 1.5 * 2**20

    response = import_file(auth_client, content)

    assert response.context["form"].errors["file"] == [
        "The file is larger than 1 MB, the largest accepted."
    ]
    assert row_counts(user)["episodes"] == 0
    settings.MAX_UPLOAD_BYTES = 2 * 2**20
    assert success_message(import_file(auth_client, content)).startswith(
        "Imported: 170 episodes added"
    )


def test_a_bad_csv_row_is_named_on_the_page(auth_client, user):
    content = "started_at,muscle,side,intensity\r\n2025-06-01T03:00:00+02:00,calf,left,11\r\n"

    response = import_file(auth_client, content.encode(), "episodes.csv")

    assert response.context["form"].errors["file"] == [
        "episodes.csv row 2.intensity: 11 is not between 0 and 10"
    ]
    assert row_counts(user)["episodes"] == 0


def test_an_upload_without_a_file_asks_for_one(auth_client, user):
    response = auth_client.post(reverse("diary:import"), {})

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["This field is required."]


def test_the_import_page_explains_the_merge(auth_client):
    response = auth_client.get(reverse("diary:import"))

    assert response.status_code == 200
    content = response.content.decode()
    assert 'enctype="multipart/form-data"' in content
    assert "importing the same file twice changes nothing" in content
    assert "The largest file accepted is 64 MB, and a diary holds at most 50,000 episodes and " in (
        content
    )
    assert reverse("diary:export_diary") in content


# A key or column left out means "not in this file": it leaves the stored value alone.


def test_a_csv_with_columns_left_out_changes_only_the_columns_it_has(user):
    magnesium = make_medication(user, started_on=date(2025, 1, 1))
    checkin = make_checkin(user, date(2025, 6, 1), water_ml=1500, stress=4, notes="old")
    checkin.medications_taken.add(magnesium)
    # notes given, stress emptied, water and medications left out.
    content = b"date,notes,stress\r\n2025-06-01,new,\r\n"

    summary = merge_diary(user, read_upload(user, content))

    assert str(summary) == "0 check-ins added, 1 updated, 0 unchanged"
    checkin.refresh_from_db()
    assert (checkin.notes, checkin.stress, checkin.water_ml) == ("new", None, 1500)
    assert list(checkin.medications_taken.all()) == [magnesium]


def test_a_checkin_that_leaves_out_custom_factors_keeps_its_answers_and_one_that_has_them_sets_them(
    user,
):
    salty = make_factor(user, name="Salty food", kind="yes_no")
    for day in (1, 2):
        checkin = make_checkin(user, date(2025, 6, day), notes="old")
        CustomAnswer.objects.create(checkin=checkin, factor=salty, value=1)
    document = {
        "format": "spasmlog-diary",
        "version": 1,
        "timezone": "UTC",
        "checkins": [
            {"date": "2025-06-01", "notes": "new"},
            {"date": "2025-06-02", "custom_factors": {"salty food": False}},
        ],
    }

    summary = merge_diary(user, read_upload(user, dumps(document)))

    assert summary.checkins.changed_keys == {"notes": 1, "custom_factors": 1}
    answers = dict(
        CustomAnswer.objects.filter(checkin__user=user).values_list("checkin__date", "value")
    )
    assert answers == {date(2025, 6, 1): 1, date(2025, 6, 2): 0}
    assert CheckIn.objects.get(user=user, date=date(2025, 6, 1)).notes == "new"


def test_a_json_key_left_out_leaves_the_value_alone_and_null_clears_it(user):
    episode = make_episode(
        user,
        started_at=datetime(2025, 6, 1, 3, 0, tzinfo=UTC),
        intensity=6,
        duration_seconds=90,
        notes="kept",
        activity="asleep",
    )
    document = {
        "format": "spasmlog-diary",
        "version": 1,
        "timezone": "UTC",
        "episodes": [
            {
                "started_at": "2025-06-01T03:00:00+00:00",
                "muscle": "calf",
                "side": "left",
                "intensity": 8,
                "duration_seconds": None,
            }
        ],
    }
    merge_diary(user, read_upload(user, dumps(document)))
    episode.refresh_from_db()
    assert (episode.intensity, episode.duration_seconds) == (8, None)
    assert (episode.notes, episode.activity) == ("kept", "asleep")


def test_a_new_record_gets_not_recorded_for_what_its_file_leaves_out(user):
    content = b"date,water_ml\r\n2025-06-02,2000\r\n"
    merge_diary(user, read_upload(user, content))
    checkin = CheckIn.objects.get(user=user)
    assert (checkin.water_ml, checkin.stress, checkin.notes, checkin.electrolytes) == (
        2000,
        None,
        "",
        None,
    )
