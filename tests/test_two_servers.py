"""Two app servers behind one load balancer: two gunicorn processes on two ports sharing one
DATABASE_URL (PostgreSQL), one REDIS_URL and one SECRET_KEY, as docs/deploy.md says.

Needs the machine's PostgreSQL (127.0.0.1:5432, user postgres, trust) and Redis
(127.0.0.1:6379); skipped when either is absent. It makes its own database and uses Redis
database 7, emptying it before and after.
"""

import json
import os
import re
import secrets
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from diary.benchmark import Client, chart_urls_of, free_port, wait_until_serving
from tests.hang_guard import HANG_GUARD_SECONDS
from tests.scripts.concurrency import manage

BASE_DIR = Path(__file__).resolve().parent.parent
REDIS_DB = 7
RENDERS = re.compile(r"documents=(\d+) charts=(\d+)")


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=HANG_GUARD_SECONDS).close()
    except OSError:
        return False
    return True


pytestmark = pytest.mark.skipif(
    not (_listening(5432) and _listening(6379)),
    reason="needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379",
)


def _renders(response) -> tuple[int, int]:
    """The documents and charts that server process has computed so far."""
    documents, charts = RENDERS.fullmatch(response.headers["x-renders"]).groups()
    return int(documents), int(charts)


@pytest.fixture
def shared(tmp_path):
    """The environment both servers share: a new PostgreSQL database, Redis, one key."""
    import psycopg
    import redis

    name = f"spasmlog_two_{secrets.token_hex(4)}"
    admin = "postgresql://postgres@127.0.0.1:5432/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    store = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB)
    store.flushdb()
    dropped = ("DATA_DIR", "DATABASE_URL", "REDIS_URL")
    environment = {key: value for key, value in os.environ.items() if key not in dropped}
    environment |= {
        "DJANGO_SETTINGS_MODULE": "spasmlog.benchmark_settings",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{name}",
        "REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATA_DIR": str(tmp_path),  # and each server its own below: nothing shared on disk
        "DEBUG": "0",
        "SECURE_COOKIES": "0",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    try:
        yield environment
    finally:
        store.flushdb()
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _serve(environment: dict, port: int, data_dir: Path) -> subprocess.Popen:
    data_dir.mkdir()
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "spasmlog.benchmark_wsgi:application",
            f"--bind=127.0.0.1:{port}",
            "--workers=1",
            f"--error-logfile={data_dir / 'gunicorn.log'}",
        ],
        cwd=BASE_DIR,
        env=environment | {"DATA_DIR": str(data_dir)},
    )


def test_two_servers_share_sessions_cached_charts_and_writes(shared, tmp_path):
    manage(shared, "migrate", "--noinput")
    printed = manage(shared, "seed_demo", "--days", "60")
    password = printed.rsplit("password: ", 1)[1].strip()
    ports = free_port(), free_port()
    servers = [
        _serve(shared, port, tmp_path / f"server{n}") for n, port in enumerate(ports, start=1)
    ]
    try:
        for port, server in zip(ports, servers, strict=True):
            wait_until_serving(port, server, HANG_GUARD_SECONDS)
        first = Client("127.0.0.1", ports[0])
        first.log_in("demo", password)
        # The same browser (its cookies), sent to the other server by the load balancer.
        second = Client("127.0.0.1", ports[1], cookies=first.cookies)

        # A session made on one is served by the other (the floor view needs a log-in).
        floor = second.get("/_floor/")
        assert floor.status == 200
        assert floor.body.startswith(b"floor ")

        # The dashboard rendered on the first ...
        page = first.get("/insights/")
        assert page.status == 200
        charts = chart_urls_of(page.body)
        assert charts
        drawn = {url: first.get(url).body for url in charts}
        assert _renders(first.get("/_floor/")) == (1, len(charts))

        # ... is served from the cache by the second, which computes nothing.
        assert second.get("/insights/").status == 200
        assert {url: second.get(url).body for url in charts} == drawn
        assert _renders(second.get("/_floor/")) == (0, 0)

        # A write on the second shows on the first's next dashboard.
        before = json.loads(first.get("/insights.json").body)
        documents, _ = _renders(first.get("/_floor/"))
        form = {"muscle": "calf", "side": "left", "intensity": 9}
        assert second.post("/episodes/quick/", form).status == 302
        after = json.loads(first.get("/insights.json").body)
        assert after["episodes"] == before["episodes"] + 1
        assert _renders(first.get("/_floor/"))[0] == documents + 1
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=HANG_GUARD_SECONDS)
