"""How long a year's doctor's report takes to build, in this process (a figure to read, never a
test), on the demo diary in a throwaway SQLite database:

    .venv/bin/python tests/scripts/report_timing.py            # median of 5 builds, by stage
    .venv/bin/python tests/scripts/report_timing.py profile    # one build under pyinstrument

The stages: gathering (the insights document, cached after the first build, and the rows), the
Report's blocks, the chart SVGs, and the PDF layout. pyinstrument is not a dependency: install
it beside the project to profile. Times are this process's CPU time, which other sessions on a
shared machine disturb far less than the wall clock (the PDF build is single-threaded, waits on
nothing, so on an idle machine the two agree).
"""

import io
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ["DATA_DIR"] = tempfile.mkdtemp(prefix="spasmlog-report-timing-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spasmlog.settings")
os.environ.setdefault("SECRET_KEY", "report-timing-only")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from diary.days import local_date  # noqa: E402
from diary.models import Profile  # noqa: E402
from diary.pdf import report  # noqa: E402
from diary.reportdata import report_input  # noqa: E402

RUNS = 5


def build_once(user, profile) -> dict[str, float]:
    last = local_date(timezone.now(), profile.zone)
    first = last - timedelta(days=364)
    times: dict[str, float] = {}
    start = time.process_time()
    data = report_input(user, profile, first, last, "a4", tuple(report.APPENDIX_SECTIONS))
    times["gather"] = time.process_time() - start
    start = time.process_time()
    built = report.build_report(data)
    times["blocks"] = time.process_time() - start
    start = time.process_time()
    report.build_pdf(built)
    times["pdf (charts and layout)"] = time.process_time() - start
    times["total"] = sum(times.values())
    return times


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=io.StringIO())
    user = get_user_model().objects.get(username="demo")
    profile = Profile.get_or_create_for(user)
    if sys.argv[1:] == ["profile"]:
        from pyinstrument import Profiler

        build_once(user, profile)  # warm: fonts registered, document cached
        with Profiler() as profiler:
            build_once(user, profile)
        print(profiler.output_text(unicode=True, color=False, show_all=False))
        return
    first = build_once(user, profile)
    print("first build (fonts, empty cache):", {k: round(v, 3) for k, v in first.items()})
    runs = [build_once(user, profile) for _ in range(RUNS)]
    for stage in runs[0]:
        print(f"{stage}: median {statistics.median(r[stage] for r in runs):.3f} s")


if __name__ == "__main__":
    main()
