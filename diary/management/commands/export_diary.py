from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from diary.files import diaryfile, portability


class Command(BaseCommand):
    help = "Write a user's whole diary file (the same bytes as /export/diary.json)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "path", nargs="?", help="Where to write it; standard output if left out."
        )

    def handle(self, *args, username: str, path: str | None, **options):
        user = get_user_or_error(username)
        content = diaryfile.dumps(portability.export_document(user, timezone.now()))
        if path is None:
            self.stdout.write(content.decode(), ending="")
            return
        try:
            Path(path).write_bytes(content)
        except OSError as error:
            raise CommandError(f"Couldn't write {path}: {error.strerror}.") from None
        self.stderr.write(f"Wrote the diary of {username} to {path}.")


def get_user_or_error(username: str):
    try:
        return get_user_model().objects.get_by_natural_key(username)
    except get_user_model().DoesNotExist:
        raise CommandError(f"There is no user named {username!r}.") from None
