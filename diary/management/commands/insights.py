import json

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from diary.days import local_date
from diary.forms.insights import InsightsWindowForm
from diary.insights import build_document, diary_first_day, load_diary
from diary.management.arguments import add_person_and_window, person


class Command(BaseCommand):
    help = "Print a person's insights; with --json, the same document as /insights.json."

    def add_arguments(self, parser):
        add_person_and_window(parser)
        parser.add_argument("--json", action="store_true", help="print the JSON document")

    def handle(self, *args, username: str, start: str | None, end: str | None, **options):
        user, profile = person(username)
        today = local_date(timezone.now(), profile.zone)
        # The dashboard's own form, so the command and the page accept the same windows.
        form = InsightsWindowForm({"start": start or "", "end": end or ""}, today=today)
        if not form.is_valid():
            raise CommandError(
                " ".join(
                    # An ErrorList's items are its messages.
                    message if field == NON_FIELD_ERRORS else f"--{field}: {message}"  # type: ignore[misc]
                    for field, messages in form.errors.items()
                    for message in messages
                )
            )
        first_day, last_day = form.window(lambda: diary_first_day(user, profile.zone))
        document = build_document(
            load_diary(user, profile.zone, first_day, last_day, today, form.judges_on_window())
        )
        if options["json"]:
            self.stdout.write(json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False))
            return
        lines = [
            f"{first_day} to {last_day}: {document['episodes']} episodes, "
            f"{document['days_with_checkin']} days with a check-in.",
            *(f"Red flag: {flag['message']}" for flag in document["red_flags"]),
            *(f["summary"] for f in document["factors"] if f["significant"]),
            document["trend"]["summary"],
            *(onset["summary"] for onset in document["medication_onsets"]),
        ]
        self.stdout.write("\n".join(lines))
