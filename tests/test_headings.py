"""Every page is headed by one <h1>, and its headings go down one level at a time, so that a
screen reader's list of headings is the page's outline."""

import re
from html.parser import HTMLParser

import pytest

from tests.security_routes import app_routes, fill, make_diary

pytestmark = pytest.mark.django_db


class _Headings(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.levels: list[int] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if re.fullmatch(r"h[1-6]", tag):
            self.levels.append(int(tag[1]))


def heading_levels(page: str) -> list[int]:
    parser = _Headings()
    parser.feed(page)
    return parser.levels


def outline_problems(levels: list[int]) -> list[str]:
    problems = []
    if levels.count(1) != 1:
        problems.append(f"{levels.count(1)} <h1>")
    elif levels[0] != 1:
        problems.append(f"an <h{levels[0]}> before the <h1>")
    problems.extend(
        f"<h{after}> right after <h{before}>"
        for before, after in zip(levels, levels[1:], strict=False)
        if after > before + 1
    )
    return problems


def test_the_home_page_is_headed_today_then_its_sections(auth_client):
    page = auth_client.get("/").content.decode()
    assert heading_levels(page) == [1, 2]
    assert '<h1 id="today-heading" class="h3">Today</h1>' in page


@pytest.mark.parametrize("signed_in", [True, False], ids=["signed in", "anonymous"])
def test_every_page_has_one_h1_and_skips_no_heading_level(client, user, signed_in):
    diary = make_diary(user, "headings")
    if signed_in:
        client.force_login(user)
    problems, pages = {}, 0
    for route in app_routes():
        if route.is_public == signed_in:
            continue
        for path in fill(route, diary):
            response = client.get(path)
            if response.status_code != 200 or "text/html" not in response["Content-Type"]:
                continue
            pages += 1
            if found := outline_problems(heading_levels(response.content.decode())):
                problems[path] = found
    assert problems == {}
    assert pages >= (20 if signed_in else 5)


@pytest.mark.parametrize(
    ("levels", "problem"),
    [
        ([2, 3], "0 <h1>"),
        ([1, 2, 1], "2 <h1>"),
        ([2, 1], "an <h2> before the <h1>"),
        ([1, 3], "<h3> right after <h1>"),
        ([1, 2, 3, 2, 4], "<h4> right after <h2>"),
    ],
)
def test_the_outline_check_notices_a_missing_h1_or_a_skipped_level(levels, problem):
    assert outline_problems([1, 2, 3, 3, 2, 2, 3]) == []
    assert problem in outline_problems(levels)
