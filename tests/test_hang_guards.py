"""Every wait in the suite that only guards against a hang uses HANG_GUARD_SECONDS.

A number written into a timeout is how the PostgreSQL load test came to give its client threads
60 s for work that takes 16 to 47 s on a quiet machine, and fail on a busy one.
"""

import re
from pathlib import Path

import pytest

TESTS = Path(__file__).parent
# timeout=…, connect_timeout=…, wait(10), join(60), monotonic() + …, set_default_timeout(…)
WAIT = re.compile(r"timeout\s*=|\b(?:wait|join)\(\s*\d|monotonic\(\)\s*\+|_timeout\(")
# What a wait may be bounded by: the guard, the time left to a deadline set from it, or the
# grace a stopping server gets before it is killed (running out of it fails nothing).
ALLOWED_BOUNDS = ("HANG_GUARD_SECONDS", "deadline - time.monotonic()", "GRACEFUL_STOP_SECONDS")


def waits_with_their_own_number(text: str) -> list[str]:
    return [
        line.strip()
        for line in text.splitlines()
        if WAIT.search(line) and not any(bound in line for bound in ALLOWED_BOUNDS)
    ]


def test_no_test_waits_with_a_number_of_its_own():
    found = {
        str(path.relative_to(TESTS)): waits
        for path in sorted(TESTS.rglob("*.py"))
        if path.name != Path(__file__).name
        and (waits := waits_with_their_own_number(path.read_text()))
    }
    assert found == {}


@pytest.mark.parametrize(
    "line",
    [
        "thread.join(timeout=REQUEST_TIMEOUT * 2)",
        "subprocess.run(command, timeout=120)",
        "psycopg.connect(url, connect_timeout=3)",
        "deadline = time.monotonic() + 30",
        "self.process.wait(10)",
        "page.set_default_timeout(5000)",
    ],
)
def test_the_check_catches_a_wait_with_its_own_number(line):
    assert waits_with_their_own_number(line) == [line]
