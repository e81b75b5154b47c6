"""The diary file and its CSVs as pure functions: no database, no request."""

import csv
import io
import json
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.db import models
from hypothesis import given
from hypothesis import strategies as st

from diary import vocabularies as diary_vocabularies
from diary.files import csvfiles, diaryfile
from diary.files.diaryfile import (
    PRESENT_KEYS,
    DiaryFileError,
    build_document,
    dumps,
    parse_document,
)
from diary.models import CheckIn, CustomFactor, Episode, Medication, Profile

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")
DOC = Path(__file__).resolve().parent.parent / "docs" / "diary-format.md"


def episode_row(**changes) -> dict:
    row = {
        "started_at": datetime(2025, 6, 1, 3, 15, tzinfo=UTC),
        "duration_seconds": 90,
        "muscle": "calf",
        "side": "left",
        "intensity": 7,
        "kind": "cramp",
        "activity": "asleep",
        "hydration": "",
        "relief": ["stretching", "water"],
        "relief_effect": "a_lot",
        "symptoms": [],
        "notes": "",
        "time_estimated": False,
    }
    return {**row, **changes}


def checkin_row(**changes) -> dict:
    row = {
        "date": date(2025, 6, 1),
        "water_ml": 1500,
        "electrolytes": None,
        "caffeine_drinks": 2,
        "alcohol_drinks": 0,
        "exercise_minutes": None,
        "exercise_intensity": "",
        "warmed_up": None,
        "stretched": False,
        "sleep_hours": Decimal("6.5"),
        "stress": None,
        "sitting_hours": Decimal("8.0"),
        "cold_exposure": True,
        "sleep_disturbance": None,
        "medications_taken": [],
        "custom_factors": {},
        "episodes_all_logged": None,
        "notes": "",
    }
    return {**row, **changes}


def medication_row(**changes) -> dict:
    row = {
        "name": "Magnesium",
        "kind": "supplement",
        "dose": "400 mg",
        "started_on": date(2025, 1, 1),
        "stopped_on": None,
    }
    return {**row, **changes}


def document(episodes=(), checkins=(), medications=(), time_zone="Europe/Berlin") -> dict:
    return build_document(
        time_zone=time_zone,
        profile={
            "conditions": ["diabetes", "other"],
            "other_condition": "Gicht",
            "hidden_checkin_questions": ["sitting", "cold"],
            "report_name": "Alice Émile",
            "date_of_birth": date(1970, 2, 3),
        },
        medications=list(medications),
        episodes=list(episodes),
        checkins=list(checkins),
        exported_at=NOW,
    )


def parse(doc: dict, **kwargs) -> diaryfile.ParsedDiary:
    return parse_document(json.dumps(doc).encode(), now=NOW, **kwargs)


def rejection(doc: dict) -> list[str]:
    with pytest.raises(DiaryFileError) as error:
        parse(doc)
    return error.value.messages


EDGE_EPISODES = [
    episode_row(),
    # 02:30 on the night Berlin's clocks go back happens twice; the offset says which.
    episode_row(started_at=datetime(2025, 10, 26, 0, 30, tzinfo=UTC), muscle="foot"),
    episode_row(started_at=datetime(2025, 10, 26, 1, 30, tzinfo=UTC), muscle="foot"),
    episode_row(
        started_at=datetime(2025, 3, 30, 1, 0, 0, 123456, tzinfo=UTC),
        duration_seconds=None,
        side="not_applicable",
        muscle="face",
        kind="twitch",
        activity="",
        relief=[],
        relief_effect="",
        symptoms=["numbness", "weakness"],
        notes='Krampf 😖 "nachts"\nzweite Zeile; =SUM(A1) \\ é',
    ),
]
EDGE_CHECKINS = [
    checkin_row(),
    checkin_row(
        date=date(2025, 6, 2),
        electrolytes=[],
        medications_taken=["Magnesium"],
        episodes_all_logged=True,
    ),
    checkin_row(
        date=date(2025, 10, 26),
        electrolytes=["magnesium", "sodium"],
        **{key: None for key in ("water_ml", "sleep_hours", "sitting_hours", "stretched")},
        notes="+49 ☎ @home",
    ),
]


def values(records: list[dict]) -> list[dict]:
    """Parsed records without the keys the file had, to compare with rows."""
    return [{key: value for key, value in row.items() if key != PRESENT_KEYS} for row in records]


def test_an_exported_document_parses_back_to_the_same_rows():
    meds = [medication_row(), medication_row(name="Furosemide; 40", kind="diuretic", dose="")]
    parsed = parse(document(EDGE_EPISODES, EDGE_CHECKINS, meds))

    assert values(parsed.episodes) == sorted(EDGE_EPISODES, key=lambda row: row["started_at"])
    assert values(parsed.checkins) == EDGE_CHECKINS
    assert values(parsed.medications) == sorted(meds, key=lambda row: row["name"])
    assert values([parsed.profile]) == [
        {
            "conditions": ["diabetes", "other"],
            "other_condition": "Gicht",
            "hidden_checkin_questions": ["sitting", "cold"],
            "report_name": "Alice Émile",
            "date_of_birth": date(1970, 2, 3),
            "time_zone": "Europe/Berlin",
        }
    ]


def test_times_are_written_in_the_diary_zone_with_their_offset():
    doc = document(EDGE_EPISODES[1:3])

    assert [row["started_at"] for row in doc["episodes"]] == [
        "2025-10-26T02:30:00+02:00",
        "2025-10-26T02:30:00+01:00",
    ]
    assert doc["exported_at"] == "2026-11-22T13:00:00+01:00"


def test_not_recorded_is_null_and_none_taken_is_an_empty_list():
    doc = document([episode_row(hydration="", duration_seconds=None)], EDGE_CHECKINS[:2])

    assert doc["episodes"][0]["hydration"] is None
    assert doc["episodes"][0]["duration_seconds"] is None
    assert doc["episodes"][0]["notes"] is None
    assert [row["electrolytes"] for row in doc["checkins"]] == [None, []]
    assert doc["checkins"][0]["warmed_up"] is None
    assert doc["checkins"][0]["alcohol_drinks"] == 0


def test_the_keys_are_the_documented_contract_in_order():
    doc = document([episode_row()], [checkin_row()], [medication_row()])

    assert list(doc) == [
        "format",
        "version",
        "exported_at",
        "timezone",
        "profile",
        "episodes",
        "checkins",
    ]
    assert list(doc["profile"]) == [
        "conditions",
        "other_condition",
        "hidden_checkin_questions",
        "report_name",
        "date_of_birth",
        "medications",
        "custom_factors",
    ]
    assert list(doc["profile"]["medications"][0]) == [
        "name",
        "kind",
        "dose",
        "started_on",
        "stopped_on",
    ]
    assert list(doc["episodes"][0]) == [
        "started_at",
        "duration_seconds",
        "muscle",
        "side",
        "intensity",
        "kind",
        "activity",
        "hydration",
        "relief",
        "relief_effect",
        "symptoms",
        "notes",
        "time_estimated",
    ]
    assert list(doc["checkins"][0]) == [
        "date",
        "water_ml",
        "electrolytes",
        "caffeine_drinks",
        "alcohol_drinks",
        "exercise_minutes",
        "exercise_intensity",
        "warmed_up",
        "stretched",
        "sleep_hours",
        "stress",
        "sitting_hours",
        "cold_exposure",
        "sleep_disturbance",
        "medications_taken",
        "custom_factors",
        "episodes_all_logged",
        "notes",
    ]


def test_the_same_diary_in_any_order_gives_the_same_bytes():
    first = dumps(document(EDGE_EPISODES, EDGE_CHECKINS, [medication_row()]))
    second = dumps(document(EDGE_EPISODES[::-1], EDGE_CHECKINS[::-1], [medication_row()]))

    assert first == second
    assert "😖".encode() in first  # UTF-8, not \\u escapes


def test_decimals_keep_their_value_through_the_file():
    rows = [checkin_row(date=date(2025, 6, day), sleep_hours=Decimal(f"{day}.5")) for day in (1, 2)]
    text = dumps(document(checkins=rows)).decode()

    assert '"sleep_hours": 1.5' in text
    assert [row["sleep_hours"] for row in parse(json.loads(text)).checkins] == [
        Decimal("1.5"),
        Decimal("2.5"),
    ]


def test_absent_keys_mean_not_recorded():
    doc = document()
    doc["episodes"] = [
        {
            "started_at": "2025-06-01T03:00:00+02:00",
            "muscle": "neck",
            "side": "both",
            "intensity": 3,
        }
    ]
    doc["checkins"] = [{"date": "2025-06-01"}]

    parsed = parse(doc)

    assert parsed.episodes[0]["kind"] == "cramp"  # the diary's default, as in the forms
    assert parsed.episodes[0]["activity"] == ""
    assert parsed.episodes[0]["relief"] == []
    assert parsed.checkins[0]["electrolytes"] is None
    assert parsed.checkins[0]["water_ml"] is None
    assert parsed.checkins[0]["medications_taken"] == []


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            b'{"format": "spasmlog-diary", "version": 1, "timezone": "UTC',
            "The file is not valid JSON: Unterminated string starting on line 1, column 56.",
        ),
        (
            b'{"format": "spasmlog-diary", "version": 1, "timezone": "\x01"}',
            "The file is not valid JSON: Invalid control character on line 1, column 57.",
        ),
        (
            b'{"format": "spasmlog-diary"} {}',
            "The file is not valid JSON: Extra data on line 1, column 30.",
        ),
    ],
)
def test_a_json_syntax_error_is_told_in_one_plain_sentence(raw, message):
    with pytest.raises(DiaryFileError) as error:
        parse_document(raw, now=NOW)
    assert error.value.messages == [message]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b'{"format": "spasmlog-diary", "version": 1,', "The file is not valid JSON"),
        (b"\xff\xfe{}", "The file is not UTF-8 text."),
        (b'{"format": "other-app", "version": 1}', 'format: "other-app" is not'),
        (b"[1, 2]", "this is not a spasmlog diary file"),
        (
            b'{"format": "spasmlog-diary", "version": 2}',
            "version: 2 is newer than this spasmlog reads (1)",
        ),
        (b'{"format": "spasmlog-diary", "version": "1"}', 'version: "1" is not a known version'),
        (b'{"format": "spasmlog-diary"}', "version: null is not a known version"),
    ],
)
def test_it_rejects_a_file_that_is_not_a_diary_of_this_version(raw, message):
    with pytest.raises(DiaryFileError) as error:
        parse_document(raw, now=NOW)

    assert message in error.value.messages[0]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"intensity": 11}, "episodes[0].intensity: 11 is not between 0 and 10"),
        ({"intensity": -1}, "episodes[0].intensity: -1 is not between 0 and 10"),
        ({"intensity": 6.5}, "episodes[0].intensity: 6.5 is not a whole number"),
        ({"intensity": True}, "episodes[0].intensity: true is not a number"),
        ({"intensity": "7"}, 'episodes[0].intensity: "7" is not a number'),
        ({"intensity": None}, "episodes[0].intensity: is required"),
        ({"muscle": "knee"}, 'episodes[0].muscle: "knee" is not one of calf, hamstring'),
        ({"side": None}, "episodes[0].side: is required"),
        ({"relief": "stretching"}, 'episodes[0].relief: "stretching" is not a list'),
        ({"relief": ["yoga"]}, 'episodes[0].relief: "yoga" is not one of stretching'),
        ({"symptoms": ["swelling", "swelling"]}, "episodes[0].symptoms: lists a choice twice"),
        ({"duration_seconds": 86401}, "episodes[0].duration_seconds: 86401 is not between"),
        ({"notes": "x" * 10_001}, "episodes[0].notes: is 10001 characters long"),
        (
            {"started_at": "2025-06-01T03:00:00"},
            'episodes[0].started_at: "2025-06-01T03:00:00" has no UTC offset',
        ),
        (
            {"started_at": "2025-02-29T03:00:00+01:00"},
            'episodes[0].started_at: "2025-02-29T03:00:00+01:00" is not a time that exists',
        ),
        ({"started_at": "yesterday"}, 'episodes[0].started_at: "yesterday" is not a time'),
        (
            {"started_at": "2026-11-22T14:00:00+01:00"},
            "episodes[0].started_at: 2026-11-22T14:00:00+01:00 is in the future",
        ),
        ({"mood": "bad"}, "episodes[0].mood: is not a key of this record"),
    ],
)
def test_it_names_the_record_and_key_of_a_bad_episode(change, message):
    doc = document([episode_row()])
    doc["episodes"][0].update(change)

    messages = rejection(doc)

    assert len(messages) == 1
    assert messages[0].startswith(message)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"date": "2023-02-29"}, 'checkins[0].date: "2023-02-29" is not a date that exists'),
        ({"date": "2025-13-01"}, 'checkins[0].date: "2025-13-01" is not a date that exists'),
        ({"date": "1.6.2025"}, 'checkins[0].date: "1.6.2025" is not a date written YYYY-MM-DD'),
        ({"date": "2026-11-23"}, "checkins[0].date: 2026-11-23 is in the future"),
        ({"sleep_hours": 25}, "checkins[0].sleep_hours: 25 is not between 0 and 24"),
        ({"sleep_hours": 7.25}, "checkins[0].sleep_hours: 7.25 has more than 1 decimal place"),
        ({"stress": 11}, "checkins[0].stress: 11 is not between 0 and 10"),
        ({"water_ml": -5}, "checkins[0].water_ml: -5 is not between 0 and 20000"),
        ({"warmed_up": 1}, "checkins[0].warmed_up: 1 is not true, false or null"),
        ({"electrolytes": ["zinc"]}, 'checkins[0].electrolytes: "zinc" is not one of'),
        (
            {"medications_taken": ["Aspirin"]},
            'checkins[0].medications_taken: "Aspirin" is not one of this diary\'s medications',
        ),
    ],
)
def test_it_names_the_record_and_key_of_a_bad_checkin(change, message):
    doc = document(checkins=[checkin_row()])
    doc["checkins"][0].update(change)

    messages = rejection(doc)

    assert messages == [message] or messages[0].startswith(message)


def test_a_file_without_a_profile_leaves_the_profile_alone():
    doc = document([episode_row()])
    del doc["profile"]

    parsed = parse(doc)

    assert parsed.profile is None
    assert parsed.medications == []
    assert len(parsed.episodes) == 1


@pytest.mark.parametrize(
    ("born", "message"),
    [
        ("2026-11-23", "profile.date_of_birth: 2026-11-23 is in the future"),
        ("1899-12-31", "profile.date_of_birth: 1899-12-31 is before 1900-01-01"),
        ("3 Feb 1970", 'profile.date_of_birth: "3 Feb 1970" is not a date written YYYY-MM-DD'),
    ],
)
def test_it_refuses_a_date_of_birth_the_account_form_refuses(born, message):
    doc = document()
    doc["profile"]["date_of_birth"] = born

    assert rejection(doc) == [message]


def test_a_date_of_birth_of_today_in_the_diary_zone_is_taken():
    # NOW is 12:00 UTC on 22 November; in Kiritimati (UTC+14) it is already the 23rd.
    doc = document(time_zone="Pacific/Kiritimati")
    doc["profile"]["date_of_birth"] = "2026-11-23"

    assert parse(doc).profile["date_of_birth"] == date(2026, 11, 23)


def test_it_refuses_a_name_for_reports_longer_than_the_form_takes():
    doc = document()
    doc["profile"]["report_name"] = "A" * 201

    assert rejection(doc) == ["profile.report_name: is 201 characters long; the most is 200"]


def test_a_checkin_may_take_a_medication_the_account_already_has():
    doc = document(checkins=[checkin_row(medications_taken=["Aspirin"])])

    assert parse(doc, known_medications={"Aspirin"}).checkins[0]["medications_taken"] == ["Aspirin"]


def test_it_rejects_two_checkins_for_one_date():
    doc = document(checkins=[checkin_row(), checkin_row(notes="again")])

    assert rejection(doc) == [
        "checkins[1].date: a second check-in for 2025-06-01, as in checkins[0]"
    ]


def test_it_rejects_the_same_episode_twice():
    doc = document([episode_row(), episode_row(intensity=3)])

    assert rejection(doc) == ["episodes[1]: the same started_at, muscle and side as episodes[0]"]


def test_it_rejects_bad_medications_and_profile():
    doc = document(
        medications=[
            medication_row(),
            medication_row(name="MAGNESIUM"),
            medication_row(name="Statin", kind="pill"),
            medication_row(name="Late", started_on=date(2025, 5, 1), stopped_on=date(2025, 4, 1)),
        ]
    )
    doc["profile"]["conditions"] = ["gout"]
    doc["timezone"] = "Mars/Olympus"

    # Medications are checked in the file's order, which is by name.
    assert rejection(doc) == [
        'timezone: "Mars/Olympus" is not a known IANA time zone',
        'profile.conditions: "gout" is not one of diabetes, kidney_disease, thyroid_disorder, '
        "multiple_sclerosis, parkinsons, peripheral_artery_disease, peripheral_neuropathy, "
        "sciatica, restless_legs, pregnancy, other",
        "profile.medications[0].stopped_on: 2025-04-01 is before started_on 2025-05-01",
        'profile.medications[2].name: "Magnesium" is listed twice',  # ignoring case
        'profile.medications[3].kind: "pill" is not one of diuretic, statin, bronchodilator, '
        "blood_pressure, muscle_relaxant, supplement, other",
    ]


def test_it_lists_every_problem_but_not_endlessly():
    doc = document([episode_row()])
    doc["episodes"] = [{**doc["episodes"][0], "intensity": 11} for _ in range(80)]

    messages = rejection(doc)

    assert len(messages) == diaryfile.MAX_MESSAGES + 1
    assert messages[49] == "episodes[49].intensity: 11 is not between 0 and 10"
    assert messages[-1] == "Checking stopped after 50 problems."


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b'{"format": "spasmlog-diary", "version": 1' + b"0" * 5000 + b"}", "a number too long"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ],
)
def test_it_refuses_json_that_python_cannot_hold(raw, message):
    with pytest.raises(DiaryFileError) as error:
        parse_document(raw, now=NOW)

    assert message in error.value.messages[0]


def test_it_refuses_a_time_out_of_range_and_a_nul_in_text():
    doc = document([episode_row()], [checkin_row()])
    doc["episodes"][0]["started_at"] = "9999-12-31T23:30:00-01:00"
    doc["checkins"][0]["notes"] = "a\x00b"

    assert rejection(doc) == [
        'episodes[0].started_at: "9999-12-31T23:30:00-01:00" is out of range',
        "checkins[0].notes: contains a NUL character, which text can't hold",
    ]


def test_it_refuses_dates_before_1900():
    doc = document(
        [episode_row()],
        [checkin_row(date=date(2025, 6, day)) for day in range(1, 5)],
        [medication_row()],
    )
    doc["episodes"][0]["started_at"] = "0001-01-01T00:30:00+01:00"
    doc["checkins"][3]["date"] = "0001-01-01"
    doc["profile"]["medications"][0]["started_on"] = "1899-12-31"

    assert rejection(doc) == [
        "profile.medications[0].started_on: 1899-12-31 is before 1900-01-01",
        "episodes[0].started_at: 0001-01-01T00:30:00+01:00 is before 1900-01-01",
        "checkins[3].date: 0001-01-01 is before 1900-01-01",
    ]


def test_the_first_of_january_1900_is_accepted():
    doc = document([episode_row()], [checkin_row()], [medication_row()])
    # The date as written counts, as in the episode form, though in UTC it is still 1899.
    doc["episodes"][0]["started_at"] = "1900-01-01T00:30:00+01:00"
    doc["checkins"][0]["date"] = "1900-01-01"
    doc["profile"]["medications"][0]["started_on"] = "1900-01-01"

    parsed = parse(doc)

    assert parsed.episodes[0]["started_at"] == datetime(1899, 12, 31, 23, 30, tzinfo=UTC)
    assert parsed.checkins[0]["date"] == date(1900, 1, 1)
    assert parsed.medications[0]["started_on"] == date(1900, 1, 1)


def test_a_message_does_not_echo_a_long_value():
    doc = document([episode_row()])
    doc["episodes"][0]["muscle"] = "my whole secret story " * 20

    [message] = rejection(doc)

    assert len(message) < 300
    assert message.count("secret") == 1


def test_it_rejects_a_file_over_the_size_limit():
    with pytest.raises(DiaryFileError) as error:
        diaryfile.check_size(21 * 2**20, 20 * 2**20)

    assert error.value.messages == ["The file is 21.0 MB; the largest accepted is 20 MB."]
    diaryfile.check_size(20 * 2**20, 20 * 2**20)  # the limit itself is fine


# CSV


def read_csv(content: bytes) -> list[dict]:
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def parse_csv(content: bytes, known_medications=()) -> diaryfile.ParsedDiary:
    return csvfiles.parse_csv(
        content, zone=BERLIN, now=NOW, known_medications=set(known_medications)
    )


def test_the_csvs_read_back_with_the_csv_module():
    doc = document(EDGE_EPISODES, EDGE_CHECKINS, [medication_row()])

    episodes = read_csv(csvfiles.to_csv(doc, "episodes"))
    checkins = read_csv(csvfiles.to_csv(doc, "checkins"))

    assert list(episodes[0]) == list(doc["episodes"][0])
    assert list(checkins[0]) == list(doc["checkins"][0])
    assert [row["started_at"] for row in episodes] == [
        "2025-03-30T03:00:00.123456+02:00",
        "2025-06-01T05:15:00+02:00",
        "2025-10-26T02:30:00+02:00",
        "2025-10-26T02:30:00+01:00",
    ]
    assert episodes[1]["relief"] == "stretching;water"
    assert episodes[0]["duration_seconds"] == ""
    assert episodes[0]["notes"] == 'Krampf 😖 "nachts"\nzweite Zeile; =SUM(A1) \\ é'
    assert [row["electrolytes"] for row in checkins] == ["", "none", "magnesium;sodium"]
    assert [row["sleep_hours"] for row in checkins] == ["6.5", "6.5", ""]
    assert [row["stretched"] for row in checkins] == ["false", "false", ""]
    assert checkins[2]["notes"] == "'+49 ☎ @home"


def test_the_csvs_import_back_to_the_same_rows():
    doc = document(EDGE_EPISODES, EDGE_CHECKINS, [medication_row()])

    episodes = parse_csv(csvfiles.to_csv(doc, "episodes")).episodes
    checkins = parse_csv(csvfiles.to_csv(doc, "checkins"), ["Magnesium"]).checkins

    assert episodes == parse(doc).episodes
    assert checkins == parse(doc).checkins


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+49 30", "'+49 30"),
        ("-3", "'-3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("'quoted", "''quoted"),
        ("plain = text", "plain = text"),
    ],
)
def test_cells_a_spreadsheet_would_run_get_an_apostrophe(cell, written):
    assert csvfiles.neutralise(cell) == written
    assert csvfiles.unneutralise(written) == cell


@given(st.text())
def test_any_cell_survives_neutralising(cell):
    assert csvfiles.unneutralise(csvfiles.neutralise(cell)) == cell


@given(st.lists(st.text(min_size=1).map(str.strip).filter(bool), min_size=1))
def test_any_list_of_names_survives_a_csv_cell(names):
    assert diaryfile.split_cell(diaryfile.join_cell(names)) == names


def test_a_csv_error_names_the_spreadsheet_row_and_column():
    content = csvfiles.to_csv(document([episode_row(), episode_row(muscle="neck")]), "episodes")
    content = content.replace(b",neck,left,7,", b",neck,left,11,")

    with pytest.raises(DiaryFileError) as error:
        parse_csv(content)

    assert error.value.messages == ["episodes.csv row 3.intensity: 11 is not between 0 and 10"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "This is neither a diary file (JSON) nor an episodes or check-ins CSV"),
        (b"when,what\n1,2\n", "This is neither a diary file (JSON) nor an episodes or check-ins"),
        (b"date,mood\n2025-06-01,ok\n", "checkins.csv: the column 'mood' is not a key of checkins"),
        (b"started_at,muscle,side\n", "episodes.csv: the column 'intensity' is missing"),
        (b"date,date\n", "checkins.csv: the column 'date' appears twice"),
        (b"date,water_ml\n2025-06-01\n", "checkins.csv row 2: 1 cells, but 2 columns"),
        (
            b"date,water_ml\n2025-06-01,lots\n",
            'checkins.csv row 2.water_ml: "lots" is not a number',
        ),
        (
            b"date,stretched\n2025-06-01,yes\n",
            'checkins.csv row 2.stretched: "yes" is not true, false or null',
        ),
        (b"date\n2025-06-01\n2025-06-01\n", "checkins.csv row 3.date: a second check-in"),
        (
            b"date\n2025-06-01\n0001-01-01\n",
            "checkins.csv row 3.date: 0001-01-01 is before 1900-01-01",
        ),
        (
            b"started_at,muscle,side,intensity\n0001-01-01T03:00:00+01:00,calf,left,5\n",
            "episodes.csv row 2.started_at: 0001-01-01T03:00:00+01:00 is before 1900-01-01",
        ),
        (b"date\n\xff\n", "The file is not UTF-8 text."),
    ],
)
def test_it_rejects_a_bad_csv(content, message):
    with pytest.raises(DiaryFileError) as error:
        parse_csv(content)

    assert error.value.messages[0].startswith(message)


def test_a_hand_made_csv_may_leave_out_columns_and_blank_lines():
    content = "date,notes,water_ml\r\n2025-06-01,Müde,2000\r\n\r\n".encode()

    [checkin] = parse_csv(content).checkins

    expected = {key: None for key in checkin_row()}
    expected.update(
        date=date(2025, 6, 1),
        notes="Müde",
        water_ml=2000,
        exercise_intensity="",
        medications_taken=[],
        custom_factors={},
    )
    assert values([checkin]) == [expected]
    # The columns left out are told apart from empty cells: an update leaves them alone.
    assert checkin[PRESENT_KEYS] == {"date", "notes", "water_ml"}


# The document


def test_the_format_document_lists_every_key_and_slug():
    text = DOC.read_text()
    vocabularies = [
        value
        for value in vars(diary_vocabularies).values()
        if isinstance(value, type)
        and issubclass(value, models.TextChoices)
        and value is not models.TextChoices
    ]
    fields = {
        **diaryfile.EPISODE_FIELDS,
        **diaryfile.CHECKIN_FIELDS,
        **diaryfile.MEDICATION_FIELDS,
        **diaryfile.PROFILE_FIELDS,
    }

    assert len(vocabularies) >= 12
    for vocabulary in vocabularies:
        for slug in vocabulary.values:
            assert f"`{slug}`" in text, f"{vocabulary.__name__}.{slug} is not documented"
    for key in [*fields, *diaryfile.TOP_LEVEL_KEYS]:
        assert f"`{key}`" in text, f"{key} is not documented"


@pytest.mark.parametrize(
    ("key", "field"),
    [
        (key, field)
        for key, field in {**diaryfile.EPISODE_FIELDS, **diaryfile.CHECKIN_FIELDS}.items()
        if isinstance(field, diaryfile.Number)
    ],
)
def test_the_format_document_states_each_number_range_the_parser_holds(key, field):
    # The limits are defined once (diary/limits.py); the document's table copies them for
    # people, so it is checked against them: "0 to 20000 ml", "0 (calm) to 10 (extreme)".
    row = next(line for line in DOC.read_text().splitlines() if line.startswith(f"| `{key}` |"))
    stated = re.search(r"(\d+)(?: \([^)]*\))? to (\d+)", row)
    assert stated, f"{key}: the document states no range"
    assert (int(stated[1]), int(stated[2])) == (field.least, field.most)


def test_the_documented_example_is_a_valid_diary_file():
    example = DOC.read_text().split("```json\n")[1].split("```")[0]

    parsed = parse_document(example.encode(), now=NOW)

    assert values([parsed.profile]) == [
        {
            "conditions": ["diabetes", "other"],
            "other_condition": "Gout",
            "hidden_checkin_questions": ["sitting"],
            "report_name": "Alice Émile",
            "date_of_birth": date(1970, 2, 3),
            "time_zone": "Europe/Berlin",
        }
    ]
    assert parsed.episodes[0]["started_at"] == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    assert parsed.checkins[0]["medications_taken"] == ["Magnesium"]
    assert parsed.checkins[0]["sleep_hours"] == Decimal("6.5")


@pytest.mark.parametrize("zone", ["localtime", "Factory"])
def test_it_rejects_a_time_zone_that_is_not_a_place(zone):
    doc = document()
    doc["timezone"] = zone

    assert rejection(doc) == [f'timezone: "{zone}" is not a known IANA time zone']


# Columns a record keeps that are not the person's diary: ids, bookkeeping, the name keys
# derived from names, an episode's local date (derived from its start and the zone), the time
# zone (the file's top-level "timezone"), and the settings of the app that stay with the
# account by decision (README, "Data formats").
NOT_IN_THE_FILE = {
    Episode: {"id", "user", "local_date", "client_id", "created_at", "imported", "updated_at"},
    CheckIn: {"id", "user", "updated_at"},
    Medication: {"id", "user", "name_key", "updated_at"},
    CustomFactor: {"id", "user", "name_key", "updated_at"},
    Profile: {
        "id",
        "user",
        "time_zone",
        "theme",
        "reminder_time",
        "seen_red_flags",
        "data_version",
        "updated_at",
    },
}
# A check-in's answers to the person's own factors are rows of their own (CustomAnswer).
FILE_KEYS_BEYOND_COLUMNS = {CheckIn: {"custom_factors"}}


@pytest.mark.parametrize(
    "model, file_fields",
    [
        (Episode, diaryfile.EPISODE_FIELDS),
        (CheckIn, diaryfile.CHECKIN_FIELDS),
        (Medication, diaryfile.MEDICATION_FIELDS),
        (CustomFactor, diaryfile.CUSTOM_FACTOR_FIELDS),
        (Profile, diaryfile.PROFILE_FIELDS),
    ],
)
def test_every_column_of_a_record_is_a_field_of_the_diary_file(model, file_fields):
    # A new model field fails here until the diary file carries it (or it is named above).
    columns = {field.name for field in model._meta.get_fields() if field.concrete}
    assert columns - NOT_IN_THE_FILE[model] == set(file_fields) - FILE_KEYS_BEYOND_COLUMNS.get(
        model, set()
    )
