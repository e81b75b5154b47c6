"""Concurrent writers on SQLite and PostgreSQL, and a kill -9 mid-load, through real gunicorn.

The work is in tests/scripts/concurrency.py (also runnable by hand); these tests run it and
print its figures, which the README quotes.
"""

import pytest

from tests.hang_guard import HANG_GUARD_SECONDS
from tests.scripts.concurrency import (
    POSTGRES_SERVER,
    concurrency_failures,
    concurrency_run,
    crash_failures,
    crash_run,
)


def postgres_is_reachable() -> bool:
    import psycopg

    try:
        psycopg.connect(f"{POSTGRES_SERVER}/postgres", connect_timeout=HANG_GUARD_SECONDS).close()
    except psycopg.OperationalError:
        return False
    return True


def test_eight_people_posting_200_quick_logs_each_on_sqlite_lose_nothing():
    figures = concurrency_run("sqlite")
    print(f"concurrency: {figures}")
    assert figures["rows"] == 1600
    assert concurrency_failures(figures) == []


def test_eight_people_posting_200_quick_logs_each_on_postgresql_lose_nothing():
    if not postgres_is_reachable():
        pytest.skip(f"no PostgreSQL server at {POSTGRES_SERVER} (.ci/run starts one)")
    figures = concurrency_run("postgres")
    print(f"concurrency: {figures}")
    assert figures["rows"] == 1600
    assert concurrency_failures(figures) == []


def test_killing_the_server_mid_load_keeps_every_acknowledged_episode_and_a_sound_file():
    figures = crash_run()
    print(f"crash: {figures}")
    assert figures["acknowledged_before_kill"] >= 400
    assert figures["integrity_check"] == "ok"
    assert crash_failures(figures) == []
