"""The real pages in the system Chromium at phone size: no request leaves the server, no CSP
violation, dark mode, the two-tap quick log and axe-core's accessibility rules."""

import re
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client
from playwright.sync_api import sync_playwright

from diary.models import Episode
from tests.conftest import make_user
from tests.security_routes import app_routes, fill, make_diary

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="module", autouse=True)
def orm_beside_playwright():
    # Playwright's sync API runs an event loop in this thread; the ORM calls in these tests
    # are still plain synchronous calls between page loads.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Recorder:
    """Every request a page makes and every console error it logs."""

    def __init__(self, page):
        self.requests: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _console(self, message) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def foreign(self, host: str) -> list[str]:
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme not in ("data", "blob") and urlsplit(url).netloc != host
        ]


def signed_in_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def signed_in_page(browser, live_server, user, color_scheme: str = "light"):
    client = signed_in_client(user)
    context = browser.new_context(
        viewport=PHONE, color_scheme=color_scheme, has_touch=True, is_mobile=True
    )
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context.new_page()


def test_every_page_loads_only_from_this_server_without_csp_errors_at_360px(browser, live_server):
    diary = make_diary(make_user("alice", "Europe/Berlin"), "browser-check")
    page = signed_in_page(browser, live_server, diary.user)
    recorder = Recorder(page)
    host = urlsplit(live_server.url).netloc
    client = signed_in_client(diary.user)
    visited = []
    pages = [(route, path) for route in app_routes() for path in fill(route, diary)]
    for route, path in pages:
        response = client.get(path)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue  # logout only answers POST; downloads are not pages
        assert page.goto(live_server.url + path).status == 200, route
        visited.append(route.name)
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= PHONE["width"], f"{route} is {overflow} px wide at 360 px"
    print(f"browser: {len(visited)} pages, {len(recorder.requests)} requests, all to {host}")
    assert {"diary:home", "diary:quick_log", "diary:episode_list", "diary:episode_new"} <= set(
        visited
    )
    assert recorder.foreign(host) == []
    assert recorder.errors == [], "console errors (a CSP violation shows here)"
    page.context.close()


def test_a_spasm_is_logged_with_two_taps_from_home(browser, live_server):
    user = make_user("alice", "Europe/Berlin")
    page = signed_in_page(browser, live_server, user)
    recorder = Recorder(page)
    page.goto(live_server.url + "/")
    page.get_by_role("main").get_by_role("link", name="Log a spasm now").tap()
    save = page.get_by_role("button", name="Save: it's happening now")
    box = save.bounding_box()
    assert box and box["y"] + box["height"] <= PHONE["height"], "save needs a scroll first"
    save.tap()
    page.wait_for_url(re.compile(r"/episodes/\d+/$"))
    assert "Logged at" in page.get_by_role("main").inner_text()
    episode = Episode.objects.for_user(user).get()
    assert (episode.muscle, episode.side, episode.intensity) == ("calf", "left", 5)
    assert recorder.errors == []
    page.context.close()


@pytest.mark.parametrize("scheme", ["dark", "light"])
def test_the_page_follows_the_systems_colour_scheme(browser, live_server, scheme):
    page = signed_in_page(browser, live_server, make_user("alice"), color_scheme=scheme)
    page.goto(live_server.url + "/")
    assert page.evaluate("document.documentElement.dataset.bsTheme") == scheme
    page.context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["/", "/episodes/quick/"])
def test_home_and_quick_log_have_no_serious_accessibility_violations(
    browser, live_server, path, scheme
):
    user = make_user("alice", "Europe/Berlin")
    make_diary(user, "axe")
    page = signed_in_page(browser, live_server, user, color_scheme=scheme)
    page.goto(live_server.url + path)
    results = Axe().run(page)
    serious = [
        f"{violation['id']} ({violation['impact']}): {violation['help']} "
        f"at {[(node['target'], node['failureSummary']) for node in violation['nodes'][:2]]}"
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
    assert serious == []
    page.context.close()
