"""The figures the README states for the trigger statistics and the warning flags.

    .venv/bin/python tests/scripts/statistics_figures.py 500      # every target, 500 seeds
    .venv/bin/python tests/scripts/statistics_figures.py speed    # a five-year diary, in-process

The targets reuse the functions of tests/test_honest_statistics.py (the slow suite asserts
them); the speed run times the insights document of a five-year realistic diary, median of
several runs, in this process (a figure to read, never a test), beside a plain Python loop that
shows how loaded the machine was.
"""

import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(TESTS), str(TESTS.parent)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spasmlog.settings")
# Only plain data is computed here: no request, no database; the key only satisfies settings.
os.environ.setdefault("SECRET_KEY", "statistics-figures-only")

import django  # noqa: E402

django.setup()

from synthetic_diary import NOISE, ZONE, generate_realistic  # noqa: E402

from diary.analysis.daytable import MedicationRecord  # noqa: E402
from diary.insights import Diary, build_document  # noqa: E402


def targets(seeds: range) -> None:
    import test_honest_statistics as measured

    for level in NOISE:
        for days in (180, 365):
            print("null", level, days, measured.null_rates(level, days, seeds), flush=True)
    for level in NOISE:
        for ratio in (2.5, 2.0):
            rates = measured.planted_rates(level, 365, seeds, ratio)
            print(f"planted {ratio}x", level, 365, rates, flush=True)
    print("partners flagged, named:", measured.partners_named(seeds), flush=True)
    for level in NOISE:
        print("amounts coverage", level, 365, measured.dose_coverage(level, 365, seeds), flush=True)
    import test_monitoring as watched

    for level in NOISE:
        print("worsening", level, watched.monitoring_rates(level, seeds), flush=True)


def speed(runs: int = 9) -> None:
    last_day = date(2025, 6, 30)
    days = 5 * 365 + 1
    diary, _ = generate_realistic(7, NOISE["medium"], days=days, last_day=last_day)
    first_day = last_day - timedelta(days=days - 1)
    medications = [
        MedicationRecord("Atorvastatin", "statin", date(2022, 3, 1), date(2023, 5, 1)),
        MedicationRecord("Magnesium", "supplement", date(2024, 1, 10)),
    ]
    whole = Diary(ZONE, first_day, last_day, first_day, diary.episodes, diary.checkins, medications)
    build_document(whole)  # imports and caches warmed up
    timings, processor = [], []
    for _ in range(runs):
        started, used = time.perf_counter(), time.process_time()
        build_document(whole)
        timings.append(time.perf_counter() - started)
        processor.append(time.process_time() - used)
    # A shared machine is slow by a varying factor: this loop takes about 26 ms on an idle core.
    started = time.process_time()
    total = 0
    for n in range(1_000_000):
        total += n
    loop = time.process_time() - started
    print(
        f"five-year diary ({len(diary.checkins)} check-ins, {len(diary.episodes)} episodes, "
        f"{len(medications)} medications): median {1000 * statistics.median(timings):.0f} ms, "
        f"fastest {1000 * min(timings):.0f} ms of {runs} (processor time: median "
        f"{1000 * statistics.median(processor):.0f} ms); a million-step Python loop took "
        f"{1000 * loop:.0f} ms of processor time at the same time"
    )


if __name__ == "__main__":
    if sys.argv[1:] == ["speed"]:
        speed()
    else:
        targets(range(int(sys.argv[1]) if len(sys.argv) > 1 else 500))
