import json
from argparse import ArgumentTypeError
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from diary.days import EARLIEST_DAY, local_date
from diary.insights import DEFAULT_PRESET, PRESETS, build_document, load_diary
from diary.models import Profile


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ArgumentTypeError(f"{text!r} is not a date in the form YYYY-MM-DD") from None


class Command(BaseCommand):
    help = "Print a person's insights; with --json, the same document as /insights.json."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--start", type=iso_date, help="first day (default: 90 days back)")
        parser.add_argument("--end", type=iso_date, help="last day (default: today)")
        parser.add_argument("--json", action="store_true", help="print the JSON document")

    def handle(self, *args, username: str, start: date | None, end: date | None, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user called {username!r}.")
        profile = Profile.for_user(user)
        end = end or local_date(timezone.now(), profile.zone)
        start = start or end - timedelta(days=PRESETS[DEFAULT_PRESET] - 1)
        if start > end:
            raise CommandError("--start must be on or before --end.")
        if start < EARLIEST_DAY:
            raise CommandError(f"--start must be in {EARLIEST_DAY.year} or later.")
        document = build_document(load_diary(user, profile.zone, start, end))
        if options["json"]:
            self.stdout.write(json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False))
            return
        lines = [
            f"{start} to {end}: {document['episodes']} episodes, "
            f"{document['days_with_checkin']} days with a check-in.",
            *(f"Red flag: {flag['message']}" for flag in document["red_flags"]),
            *(f["summary"] for f in document["factors"] if f["significant"]),
            document["trend"]["summary"],
            *(onset["summary"] for onset in document["medication_onsets"]),
        ]
        self.stdout.write("\n".join(lines))
