from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from diary.files import portability
from diary.files.diaryfile import DiaryFileError, check_size
from diary.management.commands.export_diary import get_user_or_error


class Command(BaseCommand):
    help = (
        "Merge a diary file (JSON) or an episodes or check-ins CSV into a user's diary, "
        "as /import/ does. A file with any problem is refused whole. With --dry-run, say what "
        "the import would add, update and change, and write nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("path")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check the file and show what importing it would do, without writing anything",
        )

    def handle(self, *args, username: str, path: str, dry_run: bool = False, **options):
        user = get_user_or_error(username)
        file = Path(path)
        try:
            check_size(file.stat().st_size, settings.MAX_UPLOAD_BYTES)
            summary = portability.merge_diary(
                user, portability.read_upload(user, file.read_bytes()), dry_run=dry_run
            )
        except OSError as error:
            raise CommandError(f"Couldn't read {path}: {error.strerror}.") from None
        except DiaryFileError as error:
            raise CommandError(
                f"{path} was not imported; nothing changed.\n" + "\n".join(error.messages)
            ) from None
        if not dry_run:
            self.stdout.write(f"Imported: {summary}.")
            return
        self.stdout.write(f"Would import: {summary}. Nothing was written.")
        for name, tally in summary.tallies():
            if tally.changed_keys:
                self.stdout.write(f"  {name} updated would change: {tally.describe_changes()}.")
