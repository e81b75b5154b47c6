"""A window stretched to a century by one far-back entry stays cheap to draw, and the page asks
whether that entry is a typo."""

import re
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from diary.analysis import charts
from diary.analysis.patterns import episodes_over_time, time_bin
from diary.insights import LONE_FIRST_ENTRY_GAP, Entry, lone_first_entry
from tests.factories import make_checkin, make_episode
from tests.html_checker import html_errors


@pytest.mark.parametrize(
    "days, expected",
    [
        (1, "week"),
        (2 * 366, "week"),
        (2 * 366 + 1, "month"),
        (20 * 366, "month"),
        (20 * 366 + 1, "year"),
    ],
)
def test_the_bin_grows_with_the_window(days, expected):
    first = date(2000, 1, 1)
    assert time_bin(first, first + timedelta(days=days - 1)) == expected


def test_months_count_each_month_and_the_days_the_window_holds_of_it():
    counts = Counter({date(2020, 1, 31): 2, date(2020, 2, 1): 1, date(2020, 2, 29): 4})
    first, last = date(2018, 1, 15), date(2020, 2, 29)  # over two years: months

    over_time = episodes_over_time(counts, first, last)

    assert over_time["bin"] == "month"
    bins = {row["start"]: row for row in over_time["bins"]}
    assert len(bins) == 26  # January 2018 (from the 15th) to February 2020
    assert (bins["2018-01-01"]["days"], bins["2018-01-01"]["full"]) == (17, False)
    assert (bins["2020-01-01"]["episodes"], bins["2020-01-01"]["days"]) == (2, 31)
    assert (bins["2020-02-01"]["episodes"], bins["2020-02-01"]["days"]) == (5, 29)
    assert bins["2020-02-01"]["per_week"] == pytest.approx(7 * 5 / 29)
    assert sum(row["episodes"] for row in bins.values()) == 7


def test_years_cut_by_the_window_count_only_its_days():
    counts = Counter({date(1926, 5, 1): 1, date(2026, 3, 2): 3, date(1926, 4, 30): 5})
    over_time = episodes_over_time(counts, date(1926, 5, 1), date(2026, 3, 10))

    assert over_time["bin"] == "year"
    first, last = over_time["bins"][0], over_time["bins"][-1]
    assert (first["start"], first["days"], first["episodes"]) == ("1926-01-01", 245, 1)
    assert (last["start"], last["days"], last["episodes"]) == ("2026-01-01", 69, 3)
    assert len(over_time["bins"]) == 101


@pytest.fixture
def century(user):
    """A year of diary, and one check-in typed as 1926."""
    make_checkin(user, date(1926, 5, 1), water_ml=1500)
    today = timezone.localdate()
    for days_ago in range(1, 365, 3):
        make_episode(
            user,
            started_at=datetime.combine(today - timedelta(days=days_ago), datetime.min.time(), UTC)
            + timedelta(hours=3),
            intensity=4,
        )
    return user


def test_an_all_time_window_from_1926_draws_one_bar_a_year(auth_client, century):
    page = auth_client.get(reverse("diary:insights"), {"period": "all"})
    document = page.context["document"]
    years = timezone.localdate().year - 1926 + 1

    assert document["patterns"]["episodes_over_time"]["bin"] == "year"
    assert len(document["patterns"]["episodes_over_time"]["bins"]) == years
    for name in ("weekly", "medications"):
        svg = charts.render_svg(name, document).decode()
        # matplotlib writes each bar as one path of the patch collection with its own id.
        bars = re.findall(r'<g id="patch_\d+">', svg)
        assert len(bars) <= years + 10, name  # the bars, and a few frame patches
        text = charts.describe(name, document)
        assert len(text.rows) <= years
    weekly = next(chart for chart in page.context["pattern_charts"] if chart["name"] == "weekly")
    assert len(weekly["text"].rows) == years


def test_the_page_asks_whether_a_lone_far_back_entry_is_a_typo(auth_client, century):
    content = auth_client.get(reverse("diary:insights")).content.decode()

    assert "Is the entry on 1 May 1926 a typo?" in content
    assert f'href="{reverse("diary:checkin_day", args=[date(1926, 5, 1)])}"' in content


def test_a_far_back_episode_links_to_the_episode(auth_client, user):
    old = make_episode(user, started_at=datetime(1999, 7, 1, 10, tzinfo=UTC), intensity=4)
    make_checkin(user, timezone.localdate(), water_ml=1500)

    content = auth_client.get(reverse("diary:insights")).content.decode()

    assert "Is the entry on 1 July 1999 a typo?" in content
    assert f'href="{old.get_absolute_url()}"' in content


def test_a_diary_without_a_far_gap_is_not_asked(auth_client, user):
    make_checkin(user, date(2025, 1, 1), water_ml=1500)
    make_checkin(user, date(2025, 12, 31), water_ml=1500)

    content = auth_client.get(reverse("diary:insights")).content.decode()

    assert "a typo?" not in content


def test_the_gap_is_more_than_a_year_before_the_next_entry():
    first = Entry(date(2024, 1, 1), "checkin")
    exactly = Entry(first.day + LONE_FIRST_ENTRY_GAP, "episode", 7)
    beyond = Entry(first.day + LONE_FIRST_ENTRY_GAP + timedelta(days=1), "episode", 7)

    assert lone_first_entry([exactly, first]) is None
    assert lone_first_entry([beyond, first]) == first
    assert lone_first_entry([first]) is None
    assert lone_first_entry([]) is None


@pytest.mark.browser
def test_the_page_with_the_question_is_valid_html(auth_client, century, tmp_path):
    page = auth_client.get(reverse("diary:insights"), {"period": "all"}).content
    assert b"a typo?" in page

    assert html_errors({"insights": page}, tmp_path) == []
