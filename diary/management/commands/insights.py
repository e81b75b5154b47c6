import json

from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from diary.days import local_date
from diary.forms.insights import InsightsWindowForm
from diary.insights import build_document, diary_first_day, load_diary
from diary.models import Profile


class Command(BaseCommand):
    help = "Print a person's insights; with --json, the same document as /insights.json."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--start", help="first day, YYYY-MM-DD (default: 90 days back)")
        parser.add_argument("--end", help="last day, YYYY-MM-DD (default: today)")
        parser.add_argument("--json", action="store_true", help="print the JSON document")

    def handle(self, *args, username: str, start: str | None, end: str | None, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user called {username!r}.")
        profile = Profile.for_user(user)
        today = local_date(timezone.now(), profile.zone)
        # The dashboard's own form, so the command and the page accept the same windows.
        form = InsightsWindowForm({"start": start or "", "end": end or ""}, today=today)
        if not form.is_valid():
            raise CommandError(
                " ".join(
                    message if field == NON_FIELD_ERRORS else f"--{field}: {message}"
                    for field, messages in form.errors.items()
                    for message in messages
                )
            )
        start, end = form.window(lambda: diary_first_day(user, profile.zone))
        document = build_document(
            load_diary(user, profile.zone, start, end, today, form.judges_on_window())
        )
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
