"""`manage.py benchmark`'s own pieces; .ci/run runs the whole of it with --quick."""

from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from diary import benchmark
from diary.benchmark import Sample, chart_urls_of, format_table, percentile, summarise
from diary.models import CheckIn, Episode
from spasmlog import benchmark_settings
from tests.factories import make_user


def test_the_95th_percentile_is_the_nearest_rank():
    assert percentile([float(n) for n in range(1, 101)], 0.95) == 95
    # 20 values: the 19th is the first with 95% at or below it.
    assert percentile([float(n) for n in range(20, 0, -1)], 0.95) == 19
    assert percentile([7.0], 0.95) == 7


def test_the_summary_gives_each_median_as_a_multiple_of_the_floor():
    samples = {
        "floor": Sample([0.010, 0.012, 0.008], [3, 3, 3]),
        "home": Sample([0.030, 0.020, 0.025, 0.100], [9, 9, 9, 10]),
    }
    summary = summarise(samples, "floor", 2, 123.456)
    assert summary["floor_ms"] == 10
    assert summary["workers"] == 2
    assert summary["peak_rss_mib"] == 123.5
    home = summary["results"][1]
    assert home == {"name": "home", "median_ms": 27.5, "p95_ms": 100, "ratio": 2.75, "queries": 9}
    assert summary["results"][0]["ratio"] == 1


def test_the_table_has_a_row_for_each_measurement():
    samples = {"floor": Sample([0.004], [3]), "chart weekly": Sample([0.008, 0.012], [])}
    table = format_table(summarise(samples, "floor", 2, 200.0), {"floor": 1, "chart weekly": 2})
    lines = table.splitlines()
    assert lines[0].split()[:3] == ["what", "n", "median"]
    assert lines[3].split() == ["chart", "weekly", "2", "10.0", "12.0", "2.50"]
    assert lines[-1] == "floor 4.00 ms, 2 workers, peak worker RSS 200.0 MiB"


def test_it_finds_the_charts_a_browser_loads_with_the_dashboard():
    page = (
        b'<img src="/insights/charts/weekly.svg?start=2026-01-01&amp;end=2026-03-31" alt="">'
        b'<a href="/insights/charts/no.svg">'
        b'<img src="/insights/charts/water.svg?start=2026-01-01&amp;end=2026-03-31" alt="">'
    )
    assert chart_urls_of(page) == [
        "/insights/charts/weekly.svg?start=2026-01-01&end=2026-03-31",
        "/insights/charts/water.svg?start=2026-01-01&end=2026-03-31",
    ]


@pytest.fixture
def benchmark_urls(settings):
    settings.ROOT_URLCONF = "spasmlog.benchmark_urls"
    settings.MIDDLEWARE = benchmark_settings.MIDDLEWARE


def test_the_floor_exists_only_in_the_benchmarks_urls(client, user):
    client.force_login(user)
    assert client.get("/_floor/").status_code == 404


def test_the_floor_needs_a_log_in_and_tells_its_queries(benchmark_urls, client, user):
    assert client.get("/_floor/").status_code == 302
    client.force_login(user)
    response = client.get("/_floor/")
    assert response.status_code == 200
    assert response.content == f"floor {user.pk}".encode()
    # The session, the user, the profile: counted by the middleware, not guessed.
    assert int(response[benchmark.QUERIES_HEADER]) >= 2


def test_the_header_counts_every_query_of_the_request(benchmark_urls, client, user):
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/episodes/")
    assert response.status_code == 200
    assert int(response[benchmark.QUERIES_HEADER]) == len(captured.captured_queries)


def test_it_fills_the_heavy_diary_and_the_one_year_ones(db):
    written = benchmark.fill_database(2, ZoneInfo("UTC"), heavy_days=20, light_days=10)
    heavy = User.objects.get(username=benchmark.HEAVY_USERNAME)
    assert written["users"] == 3
    assert CheckIn.objects.filter(user=heavy).count() in (19, 20)  # today's only after 20:00
    assert written["episodes"] == Episode.objects.count()
    assert written["checkins"] == CheckIn.objects.count()
    assert heavy.check_password(benchmark.PASSWORD)
    assert User.objects.get(username="light01").check_password(benchmark.PASSWORD)


def test_it_will_not_fill_a_database_that_is_not_the_benchmarks(db):
    make_user("someone")
    with pytest.raises(CommandError, match="throwaway"):
        call_command("benchmark", "--fill", "1", stdout=StringIO())
    assert not User.objects.filter(username=benchmark.HEAVY_USERNAME).exists()
