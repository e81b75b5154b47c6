from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from diary import portability
from diary.diaryfile import DiaryFileError, check_size
from diary.management.commands.export_diary import get_user_or_error


class Command(BaseCommand):
    help = (
        "Merge a diary file (JSON) or an episodes or check-ins CSV into a user's diary, "
        "as /import/ does. A file with any problem is refused whole."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("path")

    def handle(self, *args, username: str, path: str, **options):
        user = get_user_or_error(username)
        file = Path(path)
        try:
            check_size(file.stat().st_size, settings.MAX_UPLOAD_BYTES)
            summary = portability.merge_diary(
                user, portability.read_upload(user, file.read_bytes())
            )
        except OSError as error:
            raise CommandError(f"Couldn't read {path}: {error.strerror}.") from None
        except DiaryFileError as error:
            raise CommandError(
                f"{path} was not imported; nothing changed.\n" + "\n".join(error.messages)
            ) from None
        self.stdout.write(f"Imported: {summary}.")
