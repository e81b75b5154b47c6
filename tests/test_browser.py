"""The real pages in the system Chromium at phone size: no request leaves the server, no CSP
violation, dark mode, the two-tap quick log and axe-core's accessibility rules."""

import contextlib
import io
import os
import re
import threading
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import OperationalError
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect, sync_playwright

from diary.models import CheckIn, Episode, Profile
from tests.factories import PASSWORD, make_checkin, make_episode, make_user
from tests.hang_guard import HANG_GUARD_SECONDS
from tests.html_checker import html_errors
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


@pytest.fixture(autouse=True)
def live_server_idle_before_the_flush(browser, live_server, transactional_db):
    """Each test ends with no page open and no request being answered.

    Pages send on their own (the offline queue on every load, the service worker's refreshes), so
    a request may still be running when the test's last assertion passes. The flush after the test
    must not race it: on PostgreSQL the two deadlocked, and the rows left behind failed the next
    test. Closing the contexts drops the connections; the server's request threads then finish."""
    yield
    for context in browser.contexts:
        context.close()
    deadline = time.monotonic() + HANG_GUARD_SECONDS
    while any(thread.name.endswith("(process_request_thread)") for thread in threading.enumerate()):
        assert time.monotonic() < deadline, "the live server is still answering a request"
        time.sleep(0.05)


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


def sign_in(context, live_server, user) -> None:
    client = signed_in_client(user)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def signed_in_page(browser, live_server, user, color_scheme: str = "light"):
    context = browser.new_context(
        viewport=PHONE, color_scheme=color_scheme, has_touch=True, is_mobile=True
    )
    sign_in(context, live_server, user)
    return context.new_page()


def serious_accessibility_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} "
        f"at {[(node['target'], node['failureSummary']) for node in violation['nodes'][:2]]}"
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


def html_pages(client: Client, diary) -> dict[str, bytes]:
    """Every page (not download) each route answers with for this client, by path."""
    pages = {}
    for route in app_routes():
        for path in fill(route, diary):
            response = client.get(path)
            if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
                pages[path] = response.content
    return pages


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_loads_only_from_here_without_errors_or_axe_violations(
    browser, live_server, scheme
):
    diary = make_diary(make_user("alice", "Europe/Berlin"), "browser-check")
    page = signed_in_page(browser, live_server, diary.user, color_scheme=scheme)
    recorder = Recorder(page)
    host = urlsplit(live_server.url).netloc
    signed_in = html_pages(signed_in_client(diary.user), diary)
    violations = {}
    for path in signed_in:
        assert page.goto(live_server.url + path).status == 200, path
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= PHONE["width"], f"{path} is {overflow} px wide at 360 px"
        if found := serious_accessibility_violations(page):
            violations[path] = found
    print(f"browser: {len(signed_in)} pages, {len(recorder.requests)} requests, all to {host}")
    assert {"/", "/episodes/quick/", "/episodes/", "/episodes/new/"} <= set(signed_in)
    assert recorder.foreign(host) == []
    assert recorder.errors == [], "console errors (a CSP violation shows here)"
    assert violations == {}, "axe-core: serious or critical violations"
    page.context.close()


def test_every_page_signed_in_and_public_has_no_nu_html_checker_error(tmp_path):
    diary = make_diary(make_user("alice", "Europe/Berlin"), "html-check")
    pages = html_pages(signed_in_client(diary.user), diary)
    public = html_pages(Client(), diary)
    assert {"/accounts/login/", "/accounts/signup/", "/offline/"} <= set(public)
    pages |= {f"{path} (signed out)": html for path, html in public.items()}
    errors = html_errors(pages, tmp_path)
    print(f"Nu Html Checker: {len(pages)} pages, {len(errors)} errors")
    assert errors == []


def test_forms_showing_their_errors_have_no_nu_html_checker_error(tmp_path):
    user = make_user("alice", "Europe/Berlin")
    client = signed_in_client(user)
    today = timezone.localdate().isoformat()
    wrong = {"water_ml": "lots", "caffeine_drinks": "-1", "stress": "12", "notes": "<b>"}
    pages = {
        "check-in, wrong answers": client.post(f"/checkins/{today}/", wrong).content,
        "check-in, nothing answered": client.post(f"/checkins/{today}/", {}).content,
        "episodes, wrong filter": client.get("/episodes/?start=2999-01-01&end=1800-01-01").content,
    }
    assert b"is-invalid" in pages["check-in, wrong answers"]
    assert b"alert-danger" in pages["check-in, nothing answered"]
    assert b"is-invalid" in pages["episodes, wrong filter"]
    assert html_errors(pages, tmp_path) == []


def test_a_wrong_answer_in_a_stepper_shows_its_message_and_passes_axe(browser, live_server):
    user = make_user("alice", "Europe/Berlin")
    page = signed_in_page(browser, live_server, user)
    page.goto(live_server.url + f"/checkins/{timezone.localdate().isoformat()}/")
    page.locator("#id_caffeine_drinks").fill("-1")
    page.get_by_role("button", name="Save check-in").click()
    page.wait_for_load_state()
    # checkin.js has moved the input into its − + group; the message stays in sight.
    expect(page.locator(".stepper #id_caffeine_drinks")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_caffeine_drinks_error")).to_be_visible()
    expect(page.locator("#id_caffeine_drinks")).to_have_accessible_description(
        re.compile("Can't be negative")
    )
    assert serious_accessibility_violations(page) == []
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


class Taps:
    """Taps on a page, counted, each checked not to bring up the keyboard."""

    TYPING = "el => el.matches('textarea, select, input:not([type=radio]):not([type=checkbox])')"

    def __init__(self, page):
        self.page = page
        self.count = 0

    def tap(self, locator, navigates: bool = False) -> None:
        if navigates:
            with self.page.expect_navigation():
                locator.tap()
        else:
            locator.tap()
        self.count += 1
        assert not self.page.evaluate(f"({self.TYPING})(document.activeElement)"), (
            f"tap {self.count} focused a field that opens the keyboard"
        )


def _labelled(page, field: str, label: str):
    return page.locator(f"label[for^='id_{field}_']", has_text=label).first


def test_a_typical_check_in_takes_at_most_twelve_taps_and_no_keyboard(browser, live_server):
    user = make_user("alice", "Europe/Berlin")
    make_episode(user, intensity=4)
    page = signed_in_page(browser, live_server, user)
    recorder = Recorder(page)
    page.goto(live_server.url + "/checkins/")
    taps = Taps(page)
    taps.tap(page.get_by_role("link", name="Fill in today"), navigates=True)
    taps.tap(page.get_by_role("button", name="Water drunk: a glass more"))
    taps.tap(page.get_by_role("button", name="Water drunk: a glass more"))
    assert page.locator("#id_water_ml").input_value() == "1750 ml"
    assert "7 glasses" in page.locator(".stepper-glasses").inner_text()
    taps.tap(page.get_by_role("button", name="Caffeinated drinks: more by 1"))
    taps.tap(page.get_by_role("button", name="Caffeinated drinks: more by 1"))
    taps.tap(page.get_by_role("button", name="Alcoholic drinks: less by 1"))
    taps.tap(_labelled(page, "exercise_intensity", "None"))
    taps.tap(page.get_by_role("button", name="Hours of sleep the night before: more by 0.5"))
    taps.tap(_labelled(page, "stress", "4"))
    taps.tap(_labelled(page, "episodes_all_logged", "All logged (1)"))
    taps.tap(page.get_by_role("button", name="Save check-in"), navigates=True)
    page.wait_for_url(re.compile(r"/checkins/\?month="))
    print(f"check-in: {taps.count} taps, no keyboard")
    assert taps.count <= 12
    checkin = CheckIn.objects.get(user=user)
    assert (checkin.water_ml, checkin.caffeine_drinks, checkin.alcohol_drinks) == (1750, 2, 0)
    assert (checkin.exercise_intensity, checkin.sleep_hours, checkin.stress) == ("none", 7, 4)
    assert checkin.episodes_all_logged is True
    assert checkin.sitting_hours is None and checkin.stretched is None
    assert recorder.errors == []
    page.context.close()


def zone_where_it_is_daytime() -> str:
    """A time zone whose local hour is between 08:00 and 20:00 right now: the morning screen
    is offered there without stopping the server's clock."""
    candidates = ["Europe/Berlin", "America/New_York", "Asia/Tokyo", "Pacific/Honolulu"]
    now = timezone.now()
    return next(zone for zone in candidates if 8 <= now.astimezone(ZoneInfo(zone)).hour < 20)


def test_two_night_cramps_are_saved_in_six_taps_from_home(browser, live_server):
    user = make_user("alice", zone_where_it_is_daytime())
    page = signed_in_page(browser, live_server, user)
    recorder = Recorder(page)
    taps = Taps(page)
    page.goto(live_server.url + "/")

    taps.tap(page.get_by_role("link", name="Yes: count them"), navigates=True)
    taps.tap(_labelled(page, "episodes", "2"))
    taps.tap(_labelled(page, "worst_intensity", "7"))
    taps.tap(_labelled(page, "total_minutes", "5 min"))
    taps.tap(_labelled(page, "sleep_disturbance", "4"))
    taps.tap(page.get_by_role("button", name="Save last night"), navigates=True)

    assert taps.count == 6
    assert "Saved 2 night cramps" in page.get_by_role("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    episodes = Episode.objects.for_user(user)
    assert [(e.intensity, e.duration_seconds, e.time_estimated) for e in episodes] == [
        (7, 150, True)
    ] * 2
    assert CheckIn.objects.get(user=user).sleep_disturbance == 4
    assert recorder.errors == []
    page.context.close()


def test_same_as_yesterday_is_a_check_in_in_four_taps(browser, live_server):
    user = make_user("alice", "Europe/Berlin")
    today = timezone.localdate(timezone=user.profile.zone)
    make_checkin(user, today - timedelta(days=1), water_ml=2000, stress=3, stretched=True)
    page = signed_in_page(browser, live_server, user)
    page.goto(live_server.url + f"/checkins/{today.isoformat()}/")
    taps = Taps(page)
    taps.tap(page.get_by_role("link", name="Same as yesterday"), navigates=True)
    taps.tap(_labelled(page, "stress", "5"))
    taps.tap(_labelled(page, "episodes_all_logged", "All logged (0)"))
    taps.tap(page.get_by_role("button", name="Save check-in"), navigates=True)
    page.wait_for_url(re.compile(r"/checkins/\?month="))
    checkin = CheckIn.objects.get(user=user, date=today)
    assert (checkin.water_ml, checkin.stress, checkin.stretched) == (2000, 5, True)
    assert taps.count == 4
    page.context.close()


def test_the_check_in_works_without_javascript(browser, live_server):
    user = make_user("alice", "Europe/Berlin")
    client = signed_in_client(user)
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    page.goto(live_server.url + "/checkins/")
    page.get_by_role("link", name="Fill in today").click()
    assert page.get_by_role("button", name="Water drunk: a glass more").count() == 0
    page.locator("#id_water_ml").fill("6 glasses")
    page.locator("#id_sleep_hours").fill("6.5")
    _labelled(page, "stress", "8").click()
    _labelled(page, "cold_exposure", "Yes").click()
    page.get_by_role("button", name="Save check-in").click()
    page.wait_for_url(re.compile(r"/checkins/\?month="))
    checkin = CheckIn.objects.get(user=user)
    assert (checkin.water_ml, checkin.sleep_hours, checkin.stress) == (1500, Decimal("6.5"), 8)
    assert checkin.cold_exposure is True
    context.close()


# The installable, offline app. The service worker keeps the quick log for a night
# without a connection; these tests drive it as a phone would.
def wait_for_offline_ready(page) -> None:
    """The service worker is in control and this person's quick log is kept for offline."""
    page.evaluate("navigator.serviceWorker.ready")
    page.wait_for_function(
        "navigator.serviceWorker.controller && caches.open('spasmlog-pages')"
        ".then(cache => cache.match('/episodes/quick/')).then(Boolean)",
        polling=100,
    )


def queued_entries(page) -> list[dict]:
    return page.evaluate("SpasmlogQueue.entries(null, true)")


def wait_until_queue_is_empty(page) -> None:
    page.wait_for_function(
        "SpasmlogQueue.entries(null, true).then(all => all.length === 0)", polling=100
    )


def queue_one_offline(page, live_server) -> tuple:
    """Go offline, open the quick log from the phone's copy and save; the moments around it."""
    page.goto(live_server.url + "/")
    wait_for_offline_ready(page)
    page.context.set_offline(True)
    assert page.goto(live_server.url + "/episodes/quick/").ok
    page.locator("label", has_text="Hamstring").click()
    before = timezone.now()
    page.get_by_role("button", name="Save: it's happening now").click()
    status = page.locator("[data-offline-queue]")
    expect(status).to_contain_text(
        "Saved on this phone, it will be sent when you are online (1 waiting)."
    )
    after = timezone.now()
    time.sleep(1.5)  # so that the moment of sending differs from the moment of the tap
    return before, after


def test_chromium_finds_the_app_installable(browser, live_server, tmp_path):
    # A browser profile of its own: Chromium never offers to install from an incognito one.
    context = browser.browser_type.launch_persistent_context(
        tmp_path, executable_path=CHROMIUM, args=CHROMIUM_ARGS, viewport=PHONE
    )
    sign_in(context, live_server, make_user("alice"))
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.evaluate("navigator.serviceWorker.ready")
    cdp = page.context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["url"] == live_server.url + "/manifest.webmanifest"
    assert manifest["errors"] == []
    assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
    page.context.close()


def test_a_spasm_logged_offline_is_kept_on_the_phone_and_sent_with_its_tap_time(
    browser, live_server
):
    user = make_user("alice", "Europe/Berlin")
    page = signed_in_page(browser, live_server, user)
    before, after = queue_one_offline(page, live_server)
    assert not Episode.objects.exists()
    page.context.set_offline(False)  # the page's `online` event sends it
    expect(page.locator("[data-offline-queue]")).to_be_hidden()
    episode = Episode.objects.for_user(user).get()
    assert (episode.muscle, episode.side) == ("hamstring", "left")
    assert before <= episode.started_at <= after
    assert queued_entries(page) == []
    page.context.close()


def test_a_queue_sent_twice_saves_one_episode(browser, live_server):
    user = make_user("alice")
    page = signed_in_page(browser, live_server, user)
    queue_one_offline(page, live_server)
    [entry] = queued_entries(page)
    page.context.set_offline(False)
    page.reload()  # while the `online` event's round may still be sending
    page.reload()
    wait_until_queue_is_empty(page)
    # The answer was lost on the way: the phone still has the entry and sends it again.
    page.evaluate("entry => SpasmlogQueue.add(entry)", entry)
    page.reload()
    wait_until_queue_is_empty(page)
    assert Episode.objects.for_user(user).count() == 1
    page.context.close()


def test_an_entry_queued_before_the_session_expired_is_sent_after_logging_in(browser, live_server):
    user = make_user("alice")
    page = signed_in_page(browser, live_server, user)
    before, after = queue_one_offline(page, live_server)
    Session.objects.all().delete()
    page.context.set_offline(False)
    page.goto(live_server.url + "/")
    expect(page.locator("[data-offline-queue]")).to_contain_text(
        "1 entry saved on this phone will be sent after you log in."
    )
    assert len(queued_entries(page)) == 1
    assert not Episode.objects.exists()
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(live_server.url + "/")
    wait_until_queue_is_empty(page)
    [saved] = saved_episodes(user)
    assert before <= saved.started_at <= after
    page.context.close()


def saved_episodes(user) -> list[Episode]:
    """The person's episodes once one is saved by a request the browser sent on its own.

    The live server's thread may still be finishing that request, so look again for a while
    (a guard against a hang, not a timing)."""
    deadline = time.monotonic() + HANG_GUARD_SECONDS
    saved = []
    while not saved and time.monotonic() < deadline:
        with contextlib.suppress(OperationalError):  # the live server's thread holds the table
            saved = list(Episode.objects.for_user(user))
        time.sleep(0.1)
    return saved


def test_background_sync_sends_the_queue_with_no_page_of_the_app_open(browser, live_server):
    user = make_user("alice")
    page = signed_in_page(browser, live_server, user)
    before, after = queue_one_offline(page, live_server)
    tags = page.evaluate("navigator.serviceWorker.ready.then(r => r.sync.getTags())")
    assert tags == ["spasmlog-queue"]
    # Nothing of the app is open when the connection returns: only the worker can send it.
    page.goto("about:blank")
    page.context.set_offline(False)
    cdp = page.context.new_cdp_session(page)
    registrations = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda e: registrations.extend(e["registrations"]),
    )
    cdp.send("ServiceWorker.enable")  # the worker's registration arrives as an event
    deadline = time.monotonic() + HANG_GUARD_SECONDS
    while not registrations and time.monotonic() < deadline:
        page.evaluate("0")  # a round trip, so Playwright hands over the events that came
        time.sleep(0.05)
    [registration] = [r for r in registrations if r["scopeURL"] == live_server.url + "/"]
    cdp.send(
        "ServiceWorker.dispatchSyncEvent",
        {
            "origin": live_server.url,
            "registrationId": registration["registrationId"],
            "tag": "spasmlog-queue",
            "lastChance": False,
        },
    )
    [saved] = saved_episodes(user)
    assert before <= saved.started_at <= after
    page.goto(live_server.url + "/")
    wait_until_queue_is_empty(page)
    assert Episode.objects.for_user(user).count() == 1
    page.context.close()


def test_logging_out_deletes_the_cached_pages_and_the_queue(browser, live_server):
    page = signed_in_page(browser, live_server, make_user("alice"))
    queue_one_offline(page, live_server)
    [entry] = queued_entries(page)
    page.context.set_offline(False)
    # The page's round or the service worker's background sync sends it (the worker's requests
    # pass page.route by); then the page's sends fail, and the entry is put back to wait.
    wait_until_queue_is_empty(page)
    page.route("**/episodes/quick/", lambda route: route.abort())
    page.goto(live_server.url + "/episodes/")
    page.evaluate("entry => SpasmlogQueue.add(entry)", entry)
    assert len(queued_entries(page)) == 1
    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("button", name="Log out alice").click()
    page.wait_for_url(re.compile(r"/accounts/(login|logout)/"))
    assert dialogs == ["1 entry saved on this phone not sent yet. Log out and delete them?"]
    assert queued_entries(page) == []
    assert page.evaluate("caches.keys()") == []


def test_no_cramps_last_night_is_one_tap_from_home(browser, live_server):
    user = make_user("alice", zone_where_it_is_daytime())
    page = signed_in_page(browser, live_server, user)
    page.goto(live_server.url + "/")

    with page.expect_navigation():
        page.get_by_role("button", name="No cramps last night").tap()

    assert "Last night: no cramps." in page.get_by_role("main").inner_text()
    assert CheckIn.objects.get(user=user).sleep_disturbance == 0
    assert not Episode.objects.for_user(user).exists()

    page.context.close()


def test_a_spasm_that_started_15_minutes_ago_is_logged_and_ended_in_four_taps(browser, live_server):
    user = make_user("alice", "Europe/Berlin")
    page = signed_in_page(browser, live_server, user)
    recorder = Recorder(page)
    taps = Taps(page)
    page.goto(live_server.url + "/")

    main = page.get_by_role("main")
    taps.tap(main.get_by_role("link", name="Log a spasm now"), navigates=True)
    taps.tap(_labelled(page, "started_minutes_ago", "15 min ago"))
    taps.tap(page.get_by_role("button", name="Save: it's happening now"), navigates=True)
    taps.tap(page.get_by_role("button", name="It's over"), navigates=True)

    assert taps.count == 4
    assert "Saved: it lasted" in page.get_by_role("main").inner_text()
    episode = Episode.objects.for_user(user).get()
    # 15 minutes and the few seconds the taps took, however slow the machine.
    assert 15 * 60 <= episode.duration_seconds < 15 * 60 + 600
    assert recorder.errors == []
    page.context.close()


def test_home_at_360px_opens_with_the_quick_log_and_todays_status_and_one_red_flag_line(
    browser, live_server
):
    user = make_user("alice", zone_where_it_is_daytime())
    for days in range(1, 29):
        make_episode(
            user,
            started_at=timezone.now() - timedelta(days=days, hours=1),
            intensity=9,
            activity="asleep",
            symptoms=["weakness", "swelling"],
        )
    page = signed_in_page(browser, live_server, user)
    page.goto(live_server.url + "/")
    main = page.get_by_role("main")

    quick_log = main.get_by_role("link", name="Log a spasm now").bounding_box()
    status = page.locator("#today-status").bounding_box()
    flag_line = page.locator("#red-flag-line")
    assert quick_log["y"] < status["y"] < PHONE["height"]
    assert flag_line.count() == 1
    assert re.fullmatch(
        r"\d+ things worth raising with a doctor \d+ new · report for your doctor",
        flag_line.inner_text().strip(),
    )
    assert flag_line.bounding_box()["y"] < PHONE["height"]
    height = page.evaluate("document.documentElement.scrollHeight")
    print(f"home at 360 px with {len(page.locator('.list-group-item').all())} rows: {height} px")
    page.context.close()


FOCUSED_HAS_VISIBLE_RING = """() => {
    const style = getComputedStyle(document.activeElement);
    return style.outlineStyle !== "none" && style.outlineWidth !== "0px"
        || style.boxShadow !== "none";
}"""


def tab_to(page, selector: str) -> None:
    """Press Tab until the element matching `selector` has the focus, and see its focus ring."""
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            assert page.evaluate(FOCUSED_HAS_VISIBLE_RING), f"no visible focus on {selector}"
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_a_full_episode_is_logged_with_the_keyboard_alone(browser, live_server):
    user = make_user("alice", "Europe/Berlin")
    page = signed_in_page(browser, live_server, user)
    page.goto(live_server.url + "/episodes/new/")
    tab_to(page, "#id_duration_seconds")
    page.keyboard.type("2 min")
    tab_to(page, "#id_muscle")
    for _ in range(20):  # the form starts from a recent muscle: arrows walk to Calf
        chosen = page.evaluate("document.activeElement.value")
        if chosen == "calf":
            break
        page.keyboard.press("ArrowDown" if chosen == "" else "ArrowUp")
    tab_to(page, "input[name=side]")
    for _ in range(5):  # arrows move through the sides and choose each in turn
        if page.evaluate("document.activeElement.value") == "right":
            break
        page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.checked")
    tab_to(page, "#id_intensity")
    page.keyboard.type("7")
    tab_to(page, "input[name=relief]")
    page.keyboard.press("Space")  # the first thing tried
    tab_to(page, "#id_notes")
    page.keyboard.type("woke me up")
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/episodes/\d+/$"))
    episode = Episode.objects.for_user(user).get()
    assert (episode.muscle, episode.side, episode.intensity) == ("calf", "right", 7)
    assert (episode.duration_seconds, episode.notes) == (120, "woke me up")
    assert len(episode.relief) == 1
    page.context.close()


def test_a_theme_chosen_on_the_account_page_wins_over_the_device_and_keeps_charts_legible(
    browser, live_server
):
    user = make_user("alice", "Europe/Berlin")
    make_diary(user, "theme")
    Profile.objects.filter(user=user).update(theme="dark")
    page = signed_in_page(browser, live_server, user, color_scheme="light")
    recorder = Recorder(page)
    page.goto(live_server.url + "/insights/?period=all")
    assert page.evaluate("document.documentElement.dataset.bsTheme") == "dark"
    # The chart's own text follows the light device: it is drawn on a light backdrop.
    chart = page.locator(".chart img").first
    assert chart.evaluate("img => getComputedStyle(img).backgroundColor") == "rgb(255, 255, 255)"
    assert recorder.errors == []
    page.context.close()


# `make screenshots` sets it to docs/screenshots, the README's; a plain test run leaves the
# checkout alone (the demo diary's dates move with today, so every run's pictures differ).
SCREENSHOTS_DIR = "SCREENSHOTS_DIR"


def test_screenshots_of_home_quick_log_and_insights_in_dark_mode_at_360px(
    browser, live_server, tmp_path
):
    call_command("seed_demo", days=120, stdout=io.StringIO())
    page = signed_in_page(
        browser, live_server, User.objects.get(username="demo"), color_scheme="dark"
    )
    folder = Path(os.environ.get(SCREENSHOTS_DIR) or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    for name, path in [
        ("home", "/"),
        ("quick-log", "/episodes/quick/"),
        ("insights", "/insights/"),
    ]:
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=folder / f"{name}-dark-360.png")
        assert (folder / f"{name}-dark-360.png").stat().st_size > 0
    page.context.close()
