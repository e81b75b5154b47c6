"""The pieces of `manage.py benchmark` that need no server: the diaries it fills a throwaway
database with, a small HTTP client that keeps a session, the statistics, and the table and
JSON it reports. The command (diary/management/commands/benchmark.py) runs the server."""

import html
import math
import re
import socket
import statistics
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from http.client import HTTPConnection
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from diary.demo import HEAVY, ORDINARY, generate_diary

HEAVY_USERNAME = "heavy"
HEAVY_DAYS = 1826  # five years
LIGHT_DAYS = 365
LIGHT_USERS = 50
QUICK_LIGHT_USERS = 3
# Every benchmark user has it; the database lives minutes, in a temporary directory.
PASSWORD = "benchmark-password-not-a-secret"
QUERIES_HEADER = "X-Queries"


def light_username(number: int) -> str:
    return f"light{number:02d}"


def fill_database(
    light_users: int, zone: ZoneInfo, heavy_days: int = HEAVY_DAYS, light_days: int = LIGHT_DAYS
) -> dict[str, int]:
    """The heavy five-year diary and `light_users` one-year ones; the rows written."""
    from diary.management.commands.seed_demo import write_demo_diary

    password = make_password(PASSWORD)  # hashed once: every user shares it
    now = timezone.now()
    written = {"users": 0, "episodes": 0, "checkins": 0}
    plan = [(HEAVY_USERNAME, heavy_days, HEAVY, 1)]
    plan += [(light_username(n), light_days, ORDINARY, 100 + n) for n in range(light_users)]
    for username, days, profile, seed in plan:
        diary = generate_diary(seed, days, zone, now, profile)
        with transaction.atomic():
            user = User.objects.create(username=username, password=password)
            write_demo_diary(user, diary, seed)
        written["users"] += 1
        written["episodes"] += len(diary.episodes)
        written["checkins"] += len(diary.checkins)
    return written


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float

    @property
    def queries(self) -> int | None:
        value = self.headers.get(QUERIES_HEADER.lower())
        return int(value) if value is not None else None


@dataclass
class Client:
    """One browser: its cookies, one new connection a request (gunicorn's sync workers close
    each), the time from sending to the last byte read."""

    host: str
    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, url: str, form: dict[str, Any] | None = None) -> Response:
        headers = {"Host": f"{self.host}:{self.port}", "Accept": "text/html"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode({"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **form})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        connection = HTTPConnection(self.host, self.port, timeout=300)
        try:
            connection.request(method, url, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        seconds = time.perf_counter() - started
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return Response(
            response.status, {k.lower(): v for k, v in response.getheaders()}, content, seconds
        )

    def get(self, url: str) -> Response:
        return self.request("GET", url)

    def post(self, url: str, form: dict[str, Any]) -> Response:
        return self.request("POST", url, form)

    def log_in(self, username: str, password: str = PASSWORD) -> Response:
        self.get("/accounts/login/")
        response = self.post("/accounts/login/", {"username": username, "password": password})
        if response.status != 302:
            raise RuntimeError(f"Log-in as {username!r} failed with {response.status}.")
        return response


def chart_urls_of(dashboard_html: bytes) -> list[str]:
    """The chart images a browser loads with the dashboard, in page order."""
    found = re.findall(r'src="(/insights/charts/[^"]+)"', dashboard_html.decode())
    return [html.unescape(url) for url in found]


def quick_log_form() -> dict[str, Any]:
    return {
        "client_id": str(uuid.uuid4()),
        "muscle": "calf",
        "side": "left",
        "intensity": 5,
        "started_minutes_ago": 0,
    }


def warm_pages(today: date) -> dict[str, str]:
    """What a person reads, by name: each is asked for again with nothing changed."""
    return {
        "floor": "/_floor/",
        "home": "/",
        "episode list": "/episodes/",
        "check-in month": f"/checkins/?month={today:%Y-%m}",
        "check-in day": f"/checkins/{today - timedelta(days=1)}/",
        "insights 90 days": "/insights/",
        "insights all": "/insights/?period=all",
        "insights.json": "/insights.json",
        "report PDF (1 year)": "/report.pdf?period=365",
    }


@dataclass
class Sample:
    seconds: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)

    def add(self, seconds: float, queries: int | None) -> None:
        self.seconds.append(seconds)
        if queries is not None:
            self.queries.append(queries)


def percentile(values: list[float], share: float) -> float:
    """Nearest rank: the smallest value with at least `share` of them at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def summarise(
    samples: dict[str, Sample], floor_name: str, workers: int, peak_rss_mib: float
) -> dict[str, Any]:
    """The benchmark's JSON: each measurement's median and 95th percentile in milliseconds,
    its median as a multiple of the floor's, and the median queries per request."""
    floor_ms = statistics.median(samples[floor_name].seconds) * 1000
    results = []
    for name, sample in samples.items():
        median_ms = statistics.median(sample.seconds) * 1000
        results.append(
            {
                "name": name,
                "median_ms": round(median_ms, 1),
                "p95_ms": round(percentile(sample.seconds, 0.95) * 1000, 1),
                "ratio": round(median_ms / floor_ms, 2),
                "queries": statistics.median(sample.queries) if sample.queries else None,
            }
        )
    return {
        "floor_ms": round(floor_ms, 2),
        "workers": workers,
        "results": results,
        "peak_rss_mib": round(peak_rss_mib, 1),
    }


def format_table(summary: dict[str, Any], requests_each: dict[str, int]) -> str:
    rows = [("what", "n", "median ms", "p95 ms", "× floor", "queries")]
    for result in summary["results"]:
        queries = result["queries"]
        rows.append(
            (
                result["name"],
                str(requests_each[result["name"]]),
                f"{result['median_ms']:.1f}",
                f"{result['p95_ms']:.1f}",
                f"{result['ratio']:.2f}",
                "" if queries is None else f"{queries:g}",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    lines.append(
        f"floor {summary['floor_ms']:.2f} ms, {summary['workers']} workers, "
        f"peak worker RSS {summary['peak_rss_mib']:.1f} MiB"
    )
    return "\n".join(lines)


def peak_rss_mib(pids: list[int]) -> float:
    """The largest peak resident set (VmHWM) of these processes, from /proc."""
    peaks = []
    for pid in pids:
        status = Path(f"/proc/{pid}/status").read_text()
        match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
        if match:
            peaks.append(int(match.group(1)) / 1024)
    return max(peaks, default=0.0)


def child_pids(parent: int) -> list[int]:
    """The processes whose parent is `parent` (gunicorn's workers), from /proc."""
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces: the fields follow the last ")".
        if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
            children.append(int(entry.name))
    return children


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_serving(port: int, server: subprocess.Popen, seconds: float) -> None:
    """Until the server on `port` answers its log-in page; an error if it stops or is late."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped with {server.returncode}")
        try:
            if Client("127.0.0.1", port).get("/accounts/login/").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not serve within {seconds} s")
