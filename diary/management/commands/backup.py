import sqlite3
from contextlib import closing
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections

COUNTED_TABLES = {"people": "auth_user", "episodes": "diary_episode", "check-ins": "diary_checkin"}


class Command(BaseCommand):
    help = (
        "Copies the SQLite database to PATH while the app keeps running (SQLite's online "
        "backup API: a consistent snapshot, even with writers). On PostgreSQL use pg_dump."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The backup file to create; must not exist.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, path: Path, database: str, **options) -> None:
        connection = connections[database]
        if connection.vendor != "sqlite":
            raise CommandError(
                f"backup copies SQLite databases; this one is {connection.vendor}. Use "
                "PostgreSQL's own tool, e.g. `pg_dump --format=custom --file=spasmlog.dump "
                "DATABASE_URL`, and `pg_restore` to restore it."
            )
        if path.exists():
            raise CommandError(f"{path} exists; a backup never overwrites a file.")
        if not path.parent.is_dir():
            raise CommandError(f"{path.parent} is not a folder.")
        # Written beside the target and renamed at the end, so PATH is never a half-written copy.
        partial = path.with_name(f".{path.name}.partial")
        partial.unlink(missing_ok=True)
        connection.ensure_connection()
        try:
            with closing(sqlite3.connect(partial)) as copy:
                # pages=-1 copies everything in one step, inside one read transaction: a
                # snapshot that writers committing meanwhile (WAL) can't tear.
                connection.connection.backup(copy, pages=-1)
                # The live file is in WAL mode; the copy is a single self-contained file.
                copy.execute("PRAGMA journal_mode=DELETE")
                integrity = copy.execute("PRAGMA integrity_check").fetchone()[0]
                counts = {
                    label: copy.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                    for label, table in COUNTED_TABLES.items()
                }
            if integrity != "ok":
                raise CommandError(f"The copy failed SQLite's integrity check: {integrity}")
            partial.rename(path)
        finally:
            partial.unlink(missing_ok=True)
        summary = ", ".join(f"{count} {label}" for label, count in counts.items())
        self.stdout.write(f"Backed up {summary} to {path}.")
