"""A hand-made diary with the edge cases a diary file must carry, and ways to compare diaries."""

import json
from datetime import UTC, date, datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from diary.files.diaryfile import dumps
from diary.files.portability import export_document
from diary.models import CheckIn, CustomAnswer, Episode, Medication, Profile
from tests.factories import make_checkin, make_episode, make_factor, make_medication

ALL_NULL_CHECKIN = {
    "water_ml": None,
    "electrolytes": None,
    "caffeine_drinks": None,
    "alcohol_drinks": None,
    "exercise_minutes": None,
    "exercise_intensity": "",
    "warmed_up": None,
    "stretched": None,
    "sleep_hours": None,
    "stress": None,
    "sitting_hours": None,
    "cold_exposure": None,
    "episodes_all_logged": None,
    "notes": "",
}


def fill_diary(user) -> None:
    """Unicode, nulls everywhere, electrolytes None and [], and Berlin's DST change days."""
    Profile.objects.filter(user=user).update(
        conditions=["diabetes", "other"],
        other_condition="Gicht 🦶 (seit 2019)",
        report_name="Älice Ωmega-Cohen (אליס)",
        date_of_birth=date(1970, 2, 3),
    )
    magnesium = make_medication(user, dose="400 mg", started_on=date(2025, 1, 1))
    diuretic = make_medication(
        user,
        name="Furosemide; 40 \\ mg",
        kind="diuretic",
        started_on=date(2025, 2, 1),
        stopped_on=date(2025, 5, 1),
    )
    make_medication(user, name="Ibuprofen", kind="other", started_on=date(2024, 11, 3))

    make_episode(
        user,
        started_at=datetime(2025, 6, 1, 1, 15, 30, 250000, tzinfo=UTC),
        duration_seconds=95,
        intensity=8,
        kind="cramp",
        activity="asleep",
        hydration="dehydrated",
        relief=["stretching", "water", "massage"],
        relief_effect="a_lot",
        symptoms=["soreness"],
        time_estimated=True,
        notes='Wadenkrampf 😖 "nachts", zweimal\nzweite Zeile; =SUM(A1) <b>fett</b> – ü',
    )
    # Nothing recorded but what the diary requires.
    make_episode(
        user,
        started_at=datetime(2025, 6, 2, 22, 0, tzinfo=UTC),
        muscle="face",
        side="not_applicable",
        intensity=0,
        kind="twitch",
    )
    # 02:30 in Berlin happens twice on 26 October 2025, and not at all on 30 March 2025.
    for hour in (0, 1):
        make_episode(
            user,
            started_at=datetime(2025, 10, 26, hour, 30, tzinfo=UTC),
            muscle="foot",
            side="right",
            notes="+1 @night -",
        )
    make_episode(
        user,
        started_at=datetime(2025, 3, 30, 1, 0, tzinfo=UTC),
        muscle="lower_back",
        side="both",
        intensity=10,
        kind="tightness",
        activity="just_after_exercise",
        hydration="unknown",
        relief=["nothing"],
        relief_effect="none",
        symptoms=["weakness", "numbness", "swelling", "redness", "injury"],
    )

    full = make_checkin(
        user,
        date(2025, 6, 1),
        water_ml=1750,
        electrolytes=["magnesium", "sodium"],
        caffeine_drinks=3,
        alcohol_drinks=0,
        exercise_minutes=45,
        exercise_intensity="vigorous",
        warmed_up=False,
        stretched=True,
        sleep_hours=Decimal("6.5"),
        stress=7,
        sitting_hours=Decimal("9.0"),
        cold_exposure=False,
        episodes_all_logged=True,
        sleep_disturbance=4,
        notes="Lauf im Regen ☔",
    )
    full.medications_taken.set([magnesium, diuretic])
    make_checkin(user, date(2025, 6, 2), **ALL_NULL_CHECKIN)
    none_taken = make_checkin(
        user,
        date(2025, 10, 26),
        **{**ALL_NULL_CHECKIN, "electrolytes": [], "sleep_hours": Decimal("0.0"), "stress": 0},
    )
    none_taken.medications_taken.set([magnesium])
    make_checkin(user, date(2025, 3, 30), **{**ALL_NULL_CHECKIN, "water_ml": 0})

    # Own factors of every kind, with a semicolon and an equals sign for the CSV's cell.
    salty = make_factor(user, name="Salty food; crisps", kind="yes_no")
    gardening = make_factor(user, name="Hours = gardening", kind="count", threshold=2)
    pain = make_factor(user, name="Back pain", kind="scale", threshold=6)
    make_factor(user, name="Never answered", kind="yes_no")
    CustomAnswer.objects.bulk_create(
        [
            CustomAnswer(checkin=full, factor=salty, value=0),
            CustomAnswer(checkin=full, factor=gardening, value=3),
            CustomAnswer(checkin=full, factor=pain, value=10),
            CustomAnswer(checkin=none_taken, factor=salty, value=1),
        ]
    )


def exported(user) -> dict:
    return export_document(user, timezone.now())


def without_exported_at(document: dict) -> dict:
    return {key: value for key, value in document.items() if key != "exported_at"}


def as_upload(content: bytes | dict, name: str = "diary.json") -> SimpleUploadedFile:
    if isinstance(content, dict):
        content = dumps(content)
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def upload_and_confirm(client, content: bytes | dict, name: str = "diary.json"):
    """Upload a file to /import/, and confirm its preview if it has one (the final page)."""
    response = client.post(reverse("diary:import"), {"file": as_upload(content, name)})
    preview = response.context.get("preview") if response.context else None
    if not preview:
        return response
    confirm = {"action": "import", "token": preview["token"]}
    return client.post(reverse("diary:import"), confirm, follow=True)


def row_counts(user) -> dict[str, int]:
    return {
        "episodes": Episode.objects.for_user(user).count(),
        "checkins": CheckIn.objects.for_user(user).count(),
        "medications": Medication.objects.for_user(user).count(),
        "taken": CheckIn.medications_taken.through.objects.filter(checkin__user=user).count(),
    }


def json_copy(document: dict) -> dict:
    return json.loads(dumps(document))
