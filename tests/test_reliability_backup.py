"""`manage.py backup PATH`: a consistent copy of a live SQLite database, restored and compared."""

import shutil
import sqlite3
import subprocess
import time
from contextlib import closing
from pathlib import Path

from tests.hang_guard import HANG_GUARD_SECONDS
from tests.helpers import run_manage
from tests.scripts.concurrency import (
    episode_ids,
    finish_load,
    integrity_check,
    manage,
    prepare,
    server_environment,
    start_load,
    start_server,
    temporary_database,
)

COUNT_ROWS = """
from django.contrib.auth.models import User
from diary.models import Episode
print(User.objects.count(), Episode.objects.count())
"""


def wait_for_acknowledged(result, count: int) -> None:
    deadline = time.monotonic() + HANG_GUARD_SECONDS
    while len(result.acknowledged) < count:
        assert time.monotonic() < deadline, f"only {len(result.acknowledged)} of {count} writes"
        time.sleep(0.01)


def rows(sqlite_path: Path, table: str) -> list[tuple]:
    with closing(sqlite3.connect(sqlite_path)) as connection:
        return connection.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()


def dump(sqlite_path: Path) -> list[str]:
    with closing(sqlite3.connect(sqlite_path)) as connection:
        return list(connection.iterdump())


def test_a_backup_taken_while_people_write_is_consistent_and_restores():
    with temporary_database("sqlite") as (database_url, data_dir):
        prepared = prepare(database_url, data_dir, people=4)
        live = data_dir / "db.sqlite3"
        server = start_server(prepared.environment, prepared.log_path)
        try:
            started = time.monotonic()
            threads, result = start_load(server.port, prepared.people, 500)
            wait_for_acknowledged(result, 40)
            acknowledged_before = set(result.acknowledged)
            during = data_dir / "during.sqlite3"
            output = manage(prepared.environment, "backup", str(during))
            wait_for_acknowledged(result, len(result.acknowledged) + 20)  # writers go on
            result.stop.set()
            finish_load(threads, result, started)
        finally:
            server.stop()
        assert output.startswith("Backed up 4 people, ")
        assert integrity_check(during) == "ok"

        backed_up = episode_ids(f"sqlite:///{during}")
        live_rows = {row[0]: row for row in rows(live, "diary_episode")}
        print(
            f"backup during load: {len(backed_up)} of {len(live_rows)} episodes "
            f"({len(acknowledged_before)} acknowledged before it began)"
        )
        assert acknowledged_before <= backed_up
        assert len(backed_up) < len(live_rows) == len(result.acknowledged)
        assert result.server_errors == result.unanswered == 0
        # A snapshot, not a torn copy: every row it holds is the row the database holds.
        assert all(live_rows[row[0]] == row for row in rows(during, "diary_episode"))

        # Around a backup, with nobody writing, the copy is the database.
        after = data_dir / "after.sqlite3"
        manage(prepared.environment, "backup", str(after))
        assert dump(after) == dump(live)

        # Restore as the README says: the copy becomes db.sqlite3 of a fresh data folder.
        restored_dir = data_dir / "restored"
        restored_dir.mkdir()
        shutil.copyfile(during, restored_dir / "db.sqlite3")
        restored = server_environment(f"sqlite:///{restored_dir / 'db.sqlite3'}", restored_dir)
        manage(restored, "migrate", "--check")
        people, episodes = map(
            int, manage(restored, "shell", "--no-imports", "-c", COUNT_ROWS).split()
        )
        assert (people, episodes) == (4, len(backed_up))
        assert dump(restored_dir / "db.sqlite3") == dump(during)


def run_backup(path: Path, **environment: str) -> subprocess.CompletedProcess:
    environment = {**server_environment("sqlite:///unused", path.parent), **environment}
    return run_manage("backup", str(path), environment=environment)


def test_backup_refuses_postgresql_and_points_to_pg_dump(tmp_path):
    result = run_backup(
        tmp_path / "copy.sqlite3", DATABASE_URL="postgres://postgres@127.0.0.1:5432/x"
    )
    assert result.returncode == 1
    assert "this one is postgresql" in result.stderr
    assert "pg_dump" in result.stderr
    assert not (tmp_path / "copy.sqlite3").exists()


def test_backup_never_overwrites_a_file(tmp_path):
    database = tmp_path / "db.sqlite3"
    environment = {"DATABASE_URL": f"sqlite:///{database}", "DATA_DIR": str(tmp_path)}
    manage(server_environment(f"sqlite:///{database}", tmp_path), "migrate", "--noinput")
    existing = tmp_path / "existing.sqlite3"
    existing.write_text("keep me")
    result = run_backup(existing, **environment)
    assert result.returncode == 1
    assert "exists; a backup never overwrites a file" in result.stderr
    assert existing.read_text() == "keep me"
    assert not list(tmp_path.glob(".*partial"))
