"""Concurrent writers and a crash, against a real gunicorn on 127.0.0.1.

    python tests/scripts/concurrency.py sqlite     # 8 people x 200 quick logs, 4 workers
    python tests/scripts/concurrency.py postgres   # the same on a temporary PostgreSQL database
    python tests/scripts/concurrency.py crash      # kill -9 the server mid-load, restart, check

Each run uses a fresh temporary database (a SQLite file in a temporary folder, or a PostgreSQL
database it creates and drops), only talks to 127.0.0.1, sends a bounded number of requests and
stops its servers itself. It prints one line of figures and exits non-zero when a check fails.
The functions are also what tests/test_reliability_concurrency.py and the backup test use.
"""

import argparse
import http.client
import os
import re
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

BASE_DIR = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(BASE_DIR))  # run by hand, `tests` is importable as under pytest
from tests.hang_guard import HANG_GUARD_SECONDS  # noqa: E402
from tests.helpers import run_manage  # noqa: E402

HOST = "127.0.0.1"
POSTGRES_SERVER = os.environ.get("POSTGRES_SERVER_URL", "postgres://postgres@127.0.0.1:5432")
WORKERS = 4
PEOPLE = 8
QUICK_LOGS_EACH = 200
# The crash run kills the server once this many quick logs have been acknowledged.
KILL_AFTER_ACKNOWLEDGED = 400
# After SIGTERM gunicorn finishes its requests; past this it is killed (not a failure).
GRACEFUL_STOP_SECONDS = 20
EPISODE_URL = re.compile(r"/episodes/(\d+)/$")


def server_environment(database_url: str, data_dir: Path) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DATABASE_URL": database_url,
        "DATA_DIR": str(data_dir),
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        # The load logs in once per person; throttling has its own tests.
        "AXES_ENABLED": "0",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "WARNING",
    }


def manage(environment: dict[str, str], *arguments: str) -> str:
    result = run_manage(*arguments, environment=environment)
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(arguments)} failed:\n{result.stderr}")
    return result.stdout


CREATE_PEOPLE = """
from django.contrib.auth.models import User
from diary.models import Profile
for username, password in {people!r}:
    Profile.objects.create(user=User.objects.create_user(username, password=password),
                           time_zone="Europe/Berlin")
"""


def create_people(environment: dict[str, str], count: int) -> list[tuple[str, str]]:
    people = [(f"writer{number}", secrets.token_urlsafe(16)) for number in range(count)]
    manage(environment, "shell", "--no-imports", "-c", CREATE_PEOPLE.format(people=people))
    return people


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill_everything(self) -> None:
        """kill -9 the master and every worker at once, as a power cut to the process would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=HANG_GUARD_SECONDS)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=GRACEFUL_STOP_SECONDS)
            except subprocess.TimeoutExpired:
                self.kill_everything()


def start_server(environment: dict[str, str], log_path: Path) -> Server:
    port = free_port()
    with log_path.open("a") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "spasmlog.wsgi",
                f"--workers={WORKERS}",
                f"--bind={HOST}:{port}",
                f"--timeout={HANG_GUARD_SECONDS}",
            ],
            cwd=BASE_DIR,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so the master and workers die together
        )
    server = Server(process, port, log_path)
    deadline = time.monotonic() + HANG_GUARD_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{server.log()}")
        try:
            if Session(port).request("GET", "/accounts/login/").status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"gunicorn did not answer within {HANG_GUARD_SECONDS} s:\n{server.log()}")


@dataclass
class Response:
    status: int
    location: str
    body: str


class Session:
    """A browser's worth of HTTP: cookies kept, redirects not followed, one connection each."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> Response:
        connection = http.client.HTTPConnection(HOST, self.port, timeout=HANG_GUARD_SECONDS)
        headers = {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items())}
        payload = None
        if form is not None:
            payload = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=payload, headers=headers)
            answer = connection.getresponse()
            body = answer.read().decode("utf-8", errors="replace")
            for header in answer.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return Response(answer.status, answer.headers.get("Location", ""), body)
        finally:
            connection.close()

    def post(self, path: str, form: dict[str, str]) -> Response:
        return self.request(
            "POST", path, {**form, "csrfmiddlewaretoken": self.cookies["csrftoken"]}
        )

    def log_in(self, username: str, password: str) -> None:
        self.request("GET", "/accounts/login/")
        answer = self.post("/accounts/login/", {"username": username, "password": password})
        if answer.status != 302:
            raise RuntimeError(f"log-in of {username} answered {answer.status}")


@dataclass
class LoadResult:
    statuses: Counter = field(default_factory=Counter)
    locked: int = 0
    unanswered: int = 0
    # Ids of the episodes the server confirmed (302 to the new episode's page).
    acknowledged: set[int] = field(default_factory=set)
    seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    # Set to end the load early; each writer still stops at its own count.
    stop: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def server_errors(self) -> int:
        return sum(count for status, count in self.statuses.items() if status >= 500)

    def record(self, answer: Response) -> None:
        with self.lock:
            self.statuses[answer.status] += 1
            self.locked += "database is locked" in answer.body
            if answer.status == 302 and (match := EPISODE_URL.search(answer.location)):
                self.acknowledged.add(int(match.group(1)))


def _write(port: int, person: tuple[str, str], count: int, result: LoadResult) -> None:
    session = Session(port)
    try:
        session.log_in(*person)
    except OSError:
        with result.lock:
            result.unanswered += count
        return
    for number in range(count):
        if result.stop.is_set():
            return
        form = {"muscle": "calf", "side": "left" if number % 2 else "right", "intensity": "6"}
        try:
            result.record(session.post("/episodes/quick/", form))
        except OSError:
            # The server is gone (the crash run kills it): stop, counting what was never sent.
            with result.lock:
                result.unanswered += count - number
            return


def start_load(port: int, people: list[tuple[str, str]], each: int) -> tuple[list, LoadResult]:
    result = LoadResult()
    threads = [
        threading.Thread(target=_write, args=(port, person, each, result), daemon=True)
        for person in people
    ]
    for thread in threads:
        thread.start()
    return threads, result


def finish_load(threads: list[threading.Thread], result: LoadResult, started: float) -> None:
    # One deadline for the whole load, not one per thread: the threads run side by side.
    deadline = started + HANG_GUARD_SECONDS
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
        if thread.is_alive():
            raise RuntimeError(f"a client thread did not finish in {HANG_GUARD_SECONDS} s")
    result.seconds = time.monotonic() - started


def run_load(port: int, people: list[tuple[str, str]], each: int) -> LoadResult:
    started = time.monotonic()
    threads, result = start_load(port, people, each)
    finish_load(threads, result, started)
    return result


@contextmanager
def temporary_database(kind: str) -> Iterator[tuple[str, Path]]:
    """(DATABASE_URL, data folder) of a fresh database, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="spasmlog-load-") as folder:
        data_dir = Path(folder)
        if kind == "sqlite":
            yield f"sqlite:///{data_dir / 'db.sqlite3'}", data_dir
            return
        import psycopg

        name = f"spasmlog_load_{secrets.token_hex(4)}"
        with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield f"{POSTGRES_SERVER}/{name}", data_dir
        finally:
            with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def episode_ids(database_url: str) -> set[int]:
    query = "SELECT id FROM diary_episode"
    if database_url.startswith("sqlite:///"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as connection:
            return {row[0] for row in connection.execute(query)}
    import psycopg

    with psycopg.connect(database_url) as connection:
        return {row[0] for row in connection.execute(query)}


def integrity_check(sqlite_path: Path) -> str:
    with sqlite3.connect(sqlite_path) as connection:
        return "; ".join(row[0] for row in connection.execute("PRAGMA integrity_check"))


@dataclass
class Prepared:
    environment: dict[str, str]
    people: list[tuple[str, str]]
    log_path: Path


def prepare(database_url: str, data_dir: Path, people: int = PEOPLE) -> Prepared:
    environment = server_environment(database_url, data_dir)
    manage(environment, "migrate", "--noinput")
    return Prepared(environment, create_people(environment, people), data_dir / "gunicorn.log")


def concurrency_run(kind: str, each: int = QUICK_LOGS_EACH) -> dict:
    """Every person posts `each` quick logs at once; the figures the README quotes."""
    with temporary_database(kind) as (database_url, data_dir):
        prepared = prepare(database_url, data_dir)
        server = start_server(prepared.environment, prepared.log_path)
        try:
            result = run_load(server.port, prepared.people, each)
        finally:
            server.stop()
        log = server.log()
        return {
            "database": kind,
            "expected": PEOPLE * each,
            "rows": len(episode_ids(database_url)),
            "acknowledged": len(result.acknowledged),
            "server_errors": result.server_errors + log.count("Internal Server Error"),
            "database_locked": result.locked + log.count("database is locked"),
            "unanswered": result.unanswered,
            "statuses": dict(result.statuses),
            "seconds": round(result.seconds, 1),
        }


def crash_run(kill_after: int = KILL_AFTER_ACKNOWLEDGED, each: int = QUICK_LOGS_EACH) -> dict:
    """kill -9 gunicorn (master and workers) mid-load, restart it, check the SQLite file."""
    with temporary_database("sqlite") as (database_url, data_dir):
        prepared = prepare(database_url, data_dir)
        server = start_server(prepared.environment, prepared.log_path)
        started = time.monotonic()
        threads, result = start_load(server.port, prepared.people, each)
        deadline = time.monotonic() + HANG_GUARD_SECONDS
        while len(result.acknowledged) < kill_after and time.monotonic() < deadline:
            time.sleep(0.01)
        server.kill_everything()
        finish_load(threads, result, started)

        restarted = start_server(prepared.environment, prepared.log_path)
        try:
            after = run_load(restarted.port, prepared.people[:1], 1)
        finally:
            restarted.stop()
        stored = episode_ids(database_url)
        return {
            "database": "sqlite",
            "acknowledged_before_kill": len(result.acknowledged),
            "acknowledged_missing": len(result.acknowledged - stored),
            "rows_after_restart": len(stored),
            "integrity_check": integrity_check(data_dir / "db.sqlite3"),
            "restart_quick_log_statuses": dict(after.statuses),
            "server_errors": result.server_errors + after.server_errors,
        }


def concurrency_failures(figures: dict) -> list[str]:
    problems = []
    if figures["rows"] != figures["expected"]:
        problems.append(f"{figures['rows']} rows, expected {figures['expected']}")
    for name in ("server_errors", "database_locked", "unanswered"):
        if figures[name]:
            problems.append(f"{name}: {figures[name]}")
    return problems


def crash_failures(figures: dict) -> list[str]:
    problems = []
    if figures["integrity_check"] != "ok":
        problems.append(f"integrity_check: {figures['integrity_check']}")
    if figures["acknowledged_missing"]:
        problems.append(f"{figures['acknowledged_missing']} acknowledged episodes lost")
    if figures["restart_quick_log_statuses"] != {302: 1}:
        problems.append(f"after restart: {figures['restart_quick_log_statuses']}")
    if figures["server_errors"]:
        problems.append(f"server errors: {figures['server_errors']}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run", choices=["sqlite", "postgres", "crash"])
    arguments = parser.parse_args()
    if arguments.run == "crash":
        figures = crash_run()
        problems = crash_failures(figures)
    else:
        figures = concurrency_run(arguments.run)
        problems = concurrency_failures(figures)
    print(" ".join(f"{name}={value}" for name, value in figures.items()))
    for problem in problems:
        print(f"FAILED: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
