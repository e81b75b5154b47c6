"""What several test modules do the same way: count a page's queries, run the project in a child,
ask whether Redis runs.

Plain functions, no fixtures: `tests/scripts/concurrency.py` runs by hand and imports them too.
"""

import socket
import subprocess
import sys
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.hang_guard import HANG_GUARD_SECONDS

BASE_DIR = Path(__file__).resolve().parent.parent


def page_queries(client, url: str, query: dict | None = None) -> int:
    """How many database queries one GET of `url` makes; the page must answer 200."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, query).status_code == 200
    return len(queries)


def run_python(*arguments: str, environment: dict[str, str]) -> subprocess.CompletedProcess:
    """`python ARGUMENTS` in the project folder with only `environment`, its output captured."""
    return subprocess.run(
        [sys.executable, *arguments],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_SECONDS,
    )


def run_manage(*arguments: str, environment: dict[str, str]) -> subprocess.CompletedProcess:
    """`python manage.py ARGUMENTS` in a child process with only `environment`."""
    return run_python("manage.py", *arguments, environment=environment)


def redis_is_running() -> bool:
    """Whether the machine's Redis answers on 127.0.0.1:6379 (tests that need it skip if not)."""
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=HANG_GUARD_SECONDS).close()
    except OSError:
        return False
    return True
