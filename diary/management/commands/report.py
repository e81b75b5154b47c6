from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.http import QueryDict
from django.utils import timezone

from diary.days import local_date
from diary.forms.report import ReportForm
from diary.management.arguments import add_person_and_window, person
from diary.pdf import report
from diary.reportdata import chosen_report


class Command(BaseCommand):
    help = "Write a person's doctor's report as PDF: the same bytes as /report.pdf."

    def add_arguments(self, parser):
        add_person_and_window(parser)
        parser.add_argument("--out", required=True, help="the PDF file to write")
        parser.add_argument("--paper", default=report.DEFAULT_PAPER, help="a4 or letter")
        parser.add_argument(
            "--sections",
            nargs="*",
            help=f"appendix sections (default: all of {', '.join(report.APPENDIX_SECTIONS)})",
        )

    def handle(self, *args, username: str, out: str, **options):
        user, profile = person(username)
        data = QueryDict(mutable=True)
        for name in ("start", "end", "paper"):
            data[name] = options[name] or ""
        if options["sections"] is not None:
            data.setlist("sections", ["", *options["sections"]])
        # The page's own form, so the command and the URL accept the same reports.
        form = ReportForm(data, today=local_date(timezone.now(), profile.zone))
        if not form.is_valid():
            raise CommandError(form.error_text())
        built = chosen_report(user, profile, form)
        Path(out).write_bytes(report.build_pdf(built))
        self.stdout.write(f"Wrote {out}: the report for {built.period}.")
