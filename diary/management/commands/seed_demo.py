import secrets
from dataclasses import asdict
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from diary.dataversion import diary_changed
from diary.demo import PROFILES, DemoDiary, entry_times, generate_diary
from diary.models import CheckIn, Episode, Medication, Profile
from diary.vocabularies import medication_name_key

DEMO_USERNAME = "demo"


class Command(BaseCommand):
    help = (
        "Creates a demo user with a made-up diary ending today: episodes, check-ins, "
        "medications. Run again, it replaces that user's diary and prints a new password."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same diary.")
        parser.add_argument("--days", type=int, default=365, help="Length of the diary.")
        parser.add_argument("--username", default=DEMO_USERNAME)
        parser.add_argument(
            "--profile",
            choices=sorted(PROFILES),
            default="ordinary",
            help="heavy: about two episodes and a check-in every day (the benchmark's diary).",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Allow replacing the diary of an existing user other than 'demo'.",
        )

    def handle(
        self, *args, seed: int, days: int, username: str, replace: bool, profile: str, **options
    ):
        if days < 1:
            raise CommandError("--days must be at least 1.")
        existing = User.objects.filter(username=username).first()
        # The demo account is disposable; anyone else's diary may be real health data.
        if existing and username != DEMO_USERNAME and not replace:
            raise CommandError(
                f"User {username!r} exists; --replace would delete their diary for the demo one."
            )
        try:
            diary = generate_diary(
                seed, days, ZoneInfo(settings.TIME_ZONE), timezone.now(), PROFILES[profile]
            )
        except ValueError as error:  # a diary reaching back before 1900
            raise CommandError(f"--days {days}: {error}") from None
        password = secrets.token_urlsafe(12)
        with transaction.atomic():
            user = existing or User(username=username)
            user.set_password(password)
            user.save()
            counts = write_demo_diary(user, diary, seed)
        self.stdout.write(
            f"{'Replaced' if existing else 'Created'} the diary of {username!r}: "
            f"{counts[Episode]} episodes, {counts[CheckIn]} check-ins over {days} days, "
            f"{counts[Medication]} medications.\n"
            f"Log in as {username!r} with the password: {password}"
        )


def write_demo_diary(user: User, diary: DemoDiary, seed: int) -> dict[type, int]:
    """Replace the saved user's diary and profile by the demo one; the counts written."""
    counts = _replace_diary(user, diary, seed, timezone.now())
    Profile.objects.update_or_create(
        user=user,
        defaults={
            "time_zone": settings.TIME_ZONE,
            "conditions": diary.conditions,
            "other_condition": "",
        },
    )
    diary_changed(user)
    return counts


def _replace_diary(user: User, diary: DemoDiary, seed: int, now) -> dict[type, int]:
    Episode.objects.for_user(user).delete()
    CheckIn.objects.for_user(user).delete()
    Medication.objects.for_user(user).delete()

    # bulk_create doesn't call Medication.save(), which keeps name_key.
    medications = Medication.objects.bulk_create(
        Medication(user=user, name_key=medication_name_key(medication.name), **asdict(medication))
        for medication in diary.medications
    )
    medication_ids = {medication.name: medication.pk for medication in medications}
    checkins = CheckIn.objects.bulk_create(
        CheckIn(user=user, **_without(asdict(checkin), "medications_taken"))
        for checkin in diary.checkins
    )
    taken = CheckIn.medications_taken.through
    taken.objects.bulk_create(
        taken(checkin_id=row.pk, medication_id=medication_ids[name])
        for row, checkin in zip(checkins, diary.checkins, strict=True)
        for name in checkin.medications_taken
    )
    episodes = Episode.objects.bulk_create(
        Episode(user=user, **asdict(episode)) for episode in diary.episodes
    )
    # bulk_create stamps every row as entered now; the report counts the late ones.
    for row, entered in zip(episodes, entry_times(seed, diary.episodes, now), strict=True):
        row.created_at = entered
    Episode.objects.bulk_update(episodes, ["created_at"], batch_size=500)
    return {Medication: len(medications), CheckIn: len(checkins), Episode: len(episodes)}


def _without(fields: dict, key: str) -> dict:
    return {name: value for name, value in fields.items() if name != key}
