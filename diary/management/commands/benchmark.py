import argparse
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from diary import benchmark
from diary.benchmark import Client, Sample

BASE_DIR = Path(__file__).resolve().parents[3]
WORKERS = 2
ROUNDS, QUICK_ROUNDS = 100, 5
WARM_UP_PASSES, QUICK_WARM_UP_PASSES = 2, 1
SERVER_START_SECONDS = 60
# Whatever the caller's environment says about the database, cache or mail, the benchmark's
# server reads none of it: it serves its own throwaway SQLite database.
DROPPED_VARIABLES = ("DATABASE_URL", "REDIS_URL", "EMAIL_BACKEND", "SECRET_KEY", "DATA_DIR")


class Command(BaseCommand):
    help = (
        "Measures the app as it runs in production (gunicorn, 2 workers, DEBUG off) on a "
        "throwaway database with a heavy five-year diary and 50 one-year ones, against a "
        "trivial signed-in view measured in the same run. Touches no existing database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--quick",
            action="store_true",
            help=f"{QUICK_ROUNDS} rounds and {benchmark.QUICK_LIGHT_USERS} one-year users: "
            "proves it runs, measures little.",
        )
        parser.add_argument("--out", type=Path, help="Also write the results there as JSON.")
        # Run by the benchmark itself, inside the server's environment.
        parser.add_argument("--fill", type=int, metavar="USERS", help=argparse.SUPPRESS)

    def handle(self, *args, quick: bool, out: Path | None, fill: int | None, **options):
        if fill is not None:
            self._fill(fill)
            return
        light_users = benchmark.QUICK_LIGHT_USERS if quick else benchmark.LIGHT_USERS
        rounds = QUICK_ROUNDS if quick else ROUNDS
        passes = QUICK_WARM_UP_PASSES if quick else WARM_UP_PASSES
        with tempfile.TemporaryDirectory(prefix="spasmlog-benchmark-") as data_dir:
            environment = _server_environment(Path(data_dir))
            self.stdout.write(f"Filling a throwaway database in {data_dir} ...")
            for command in (
                ["migrate", "--noinput"],
                ["collectstatic", "--noinput"],
                ["benchmark", "--fill", str(light_users)],
            ):
                _manage(command, environment)
            summary, counts = self._measure(
                Path(data_dir), environment, light_users, rounds, passes
            )
        self.stdout.write(benchmark.format_table(summary, counts))
        if out is not None:
            out.write_text(json.dumps(summary, indent=2) + "\n")
            self.stdout.write(f"Wrote {out}")

    def _fill(self, light_users: int) -> None:
        if not getattr(settings, "BENCHMARK", False):
            raise CommandError("--fill is the benchmark's own step, for its throwaway database.")
        written = benchmark.fill_database(light_users, ZoneInfo(settings.TIME_ZONE))
        self.stdout.write(
            f"{written['users']} users, {written['episodes']} episodes, "
            f"{written['checkins']} check-ins."
        )

    def _measure(
        self, data_dir: Path, environment: dict, light_users: int, rounds: int, passes: int
    ) -> tuple[dict, dict[str, int]]:
        port = benchmark.free_port()
        log = data_dir / "gunicorn.log"
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "spasmlog.benchmark_wsgi:application",
                f"--bind=127.0.0.1:{port}",
                f"--workers={WORKERS}",
                "--timeout=300",
                f"--error-logfile={log}",
            ],
            cwd=BASE_DIR,
            env=environment,
        )
        try:
            benchmark.wait_until_serving(port, server, SERVER_START_SECONDS)
            samples, peak = self._rounds(port, server.pid, light_users, rounds, passes, data_dir)
        except Exception as error:
            raise CommandError(f"{error}\n--- gunicorn log ---\n{_tail(log)}") from error
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        counts = {name: len(sample.seconds) for name, sample in samples.items()}
        return benchmark.summarise(samples, "floor", WORKERS, peak), counts

    def _rounds(
        self, port: int, master: int, light_users: int, rounds: int, passes: int, data_dir: Path
    ) -> tuple[dict[str, Sample], float]:
        today = timezone.localdate()
        pages = benchmark.warm_pages(today)
        samples: dict[str, Sample] = {}

        def measure(name: str, response: benchmark.Response, expected: int = 200) -> None:
            if response.status != expected:
                raise RuntimeError(f"{name}: status {response.status}, expected {expected}")
            samples.setdefault(name, Sample()).add(response.seconds, response.queries)

        # Every one-year person logs in (Argon2 sets the workers' peak memory) and looks at home.
        for number in range(light_users):
            person = Client("127.0.0.1", port)
            measure("log-in POST", person.log_in(benchmark.light_username(number)), 302)
            measure("home (one-year diary)", person.get("/"))

        heavy = Client("127.0.0.1", port)
        heavy.log_in(benchmark.HEAVY_USERNAME)
        charts = benchmark.chart_urls_of(heavy.get(pages["insights 90 days"]).body)
        if not charts:
            raise RuntimeError("The dashboard shows no charts.")

        def warm_up() -> None:
            for url in [*pages.values(), *charts]:
                heavy.get(url)

        for _ in range(passes):
            warm_up()
        for round_number in range(rounds):
            self.stderr.write(f"\rround {round_number + 1}/{rounds}", ending="")
            for name, url in pages.items():
                measure(name, heavy.get(url))
            for url in charts:
                measure(f"chart {_chart_name(url)}", heavy.get(url))
            measure(
                "quick-log POST", heavy.post("/episodes/quick/", benchmark.quick_log_form()), 302
            )
            measure("home after a write", heavy.get("/"))
            _empty_cache(data_dir)
            page = heavy.get(pages["insights 90 days"])
            cold = [page, *(heavy.get(url) for url in charts)]
            if any(response.status != 200 for response in cold):
                raise RuntimeError("The cold dashboard or one of its charts failed.")
            samples.setdefault("dashboard and charts, cold", Sample()).add(
                sum(r.seconds for r in cold), sum(r.queries or 0 for r in cold)
            )
            _empty_cache(data_dir)
            measure("report PDF (1 year), cold", heavy.get(pages["report PDF (1 year)"]))
            warm_up()
        self.stderr.write("")
        return samples, benchmark.peak_rss_mib(benchmark.child_pids(master))


def _server_environment(data_dir: Path) -> dict[str, str]:
    environment = {
        name: value for name, value in os.environ.items() if name not in DROPPED_VARIABLES
    }
    environment |= {
        "DJANGO_SETTINGS_MODULE": "spasmlog.benchmark_settings",
        "DATA_DIR": str(data_dir),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "0",
        # Plain http on the loopback: secure cookies would never be sent back.
        "SECURE_COOKIES": "0",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "TIME_ZONE": settings.TIME_ZONE,
        "STATICFILES_BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    }
    return environment


def _manage(command: list[str], environment: dict[str, str]) -> None:
    arguments = [sys.executable, "manage.py", *command]
    try:
        subprocess.check_output(arguments, cwd=BASE_DIR, env=environment, stderr=subprocess.STDOUT)
    except subprocess.CalledProcessError as failed:
        output = failed.output.decode(errors="replace")[-3000:]
        raise CommandError(f"manage.py {' '.join(command)} failed:\n{output}") from None


def _empty_cache(data_dir: Path) -> None:
    # The file cache of the benchmark's settings; the next request finds nothing in it.
    shutil.rmtree(data_dir / "cache", ignore_errors=True)


def _chart_name(url: str) -> str:
    return url.rsplit("/", 1)[1].split(".svg", 1)[0]


def _tail(path: Path, characters: int = 3000) -> str:
    return path.read_text()[-characters:] if path.exists() else "(no log)"
