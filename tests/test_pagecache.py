"""The cached parts of the pages (diary/pagecache.py): each page shown, changed, shown again
shows the change at once, whether the change is a write, a setting or a new day; no part holds
a CSRF token or a message."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse

from diary import pagecache
from diary.models import Profile
from diary.vocabularies import CheckInQuestion
from tests.factories import make_checkin, make_episode

# 12:00 in Berlin on 10 March 2026.
NOON = datetime(2026, 3, 10, 11, 0, tzinfo=UTC)
TODAY = date(2026, 3, 10)
PAGES = {
    "home": reverse("diary:home"),
    "episode list": reverse("diary:episode_list"),
    "check-in month": f"{reverse('diary:checkin_list')}?month=2026-03",
    "check-in day": reverse("diary:checkin_day", args=[TODAY]),
    "insights": reverse("diary:insights"),
    "insights, all": f"{reverse('diary:insights')}?period=all",
}
NECK_ROW = '<div class="fw-semibold">Neck, left</div>'


@pytest.fixture
def diary(user, freeze_now):
    freeze_now(NOON)
    user.date_joined = NOON - timedelta(days=30)
    user.save(update_fields=["date_joined"])
    return user


def quick_log(client, muscle: str = "neck"):
    form = {"muscle": muscle, "side": "left", "intensity": 7, "started_minutes_ago": 0}
    return client.post(reverse("diary:quick_log"), form)


@pytest.mark.parametrize("page", ["home", "episode list"])
def test_a_quick_log_shows_at_once(auth_client, diary, page):
    assert NECK_ROW not in auth_client.get(PAGES[page]).text
    assert NECK_ROW not in auth_client.get(PAGES[page]).text  # the cached part, read back
    assert quick_log(auth_client).status_code == 302
    assert NECK_ROW in auth_client.get(PAGES[page]).text


@pytest.mark.parametrize("page", ["insights", "insights, all"])
def test_the_insights_count_a_new_episode_at_once(auth_client, diary, page):
    make_episode(diary, started_at=NOON - timedelta(days=2))
    assert ": 1 episode, 0 days with a check-in." in auth_client.get(PAGES[page]).text
    quick_log(auth_client)
    assert ": 2 episodes, 0 days with a check-in." in auth_client.get(PAGES[page]).text


def test_a_saved_check_in_shows_on_its_month_and_its_day(auth_client, diary):
    month, day = PAGES["check-in month"], PAGES["check-in day"]
    assert "Review today's check-in" not in auth_client.get(month).text
    assert "Delete this check-in" not in auth_client.get(day).text
    assert auth_client.post(day, {"stress": "4"}).status_code == 302
    assert "Review today's check-in" in auth_client.get(month).text
    page = auth_client.get(day).text
    assert "Delete this check-in" in page
    assert 'value="4" checked' in page


def test_a_hidden_question_leaves_the_day_at_once(auth_client, diary):
    assert 'name="stress"' in auth_client.get(PAGES["check-in day"]).text
    shown = [q for q in CheckInQuestion.values if q != "stress"]
    assert auth_client.post(reverse("diary:checkin_questions"), {"shown": shown}).status_code == 302
    assert 'name="stress"' not in auth_client.get(PAGES["check-in day"]).text
    Profile.objects.filter(user=diary).update(hidden_checkin_questions=[])  # no new version
    assert 'name="stress"' in auth_client.get(PAGES["check-in day"]).text


def test_another_time_zone_shows_at_once_even_without_a_write(auth_client, diary):
    make_episode(diary, started_at=NOON - timedelta(hours=1))  # 11:00 in Berlin
    assert "10:00" not in auth_client.get(PAGES["episode list"]).text
    # Not through the account page, which moves the data version on: the zone is in the key.
    Profile.objects.filter(user=diary).update(time_zone="UTC")
    assert "10:00" in auth_client.get(PAGES["episode list"]).text
    assert "10:00" in auth_client.get(PAGES["home"]).text


def test_a_new_day_shows_at_once(auth_client, diary, freeze_now):
    make_checkin(diary, TODAY, stress=1)
    make_checkin(diary, TODAY - timedelta(days=1), stress=1)
    assert "check-in is missing" not in auth_client.get(PAGES["home"]).text
    month = auth_client.get(PAGES["check-in month"]).text
    assert "Review today's check-in" in month
    freeze_now(NOON + timedelta(days=1))
    assert "Today's check-in is missing" in auth_client.get(PAGES["home"]).text
    assert "Review today's check-in" not in auth_client.get(PAGES["check-in month"]).text


def test_the_query_is_part_of_the_key(auth_client, diary):
    make_episode(diary, muscle="neck", started_at=NOON - timedelta(days=3))
    make_episode(diary, muscle="foot", started_at=NOON - timedelta(days=1))
    assert NECK_ROW in auth_client.get(PAGES["episode list"]).text
    filtered = auth_client.get(PAGES["episode list"], {"muscle": "foot"}).text
    assert NECK_ROW not in filtered and "No episodes match" not in filtered
    assert 'href="?period=90" aria-current="page"' in auth_client.get(PAGES["insights"]).text
    month = auth_client.get(PAGES["insights"], {"period": "30"}).text
    assert 'href="?period=30" aria-current="page"' in month


@pytest.mark.parametrize("page", PAGES)
def test_no_part_holds_a_csrf_token_or_a_message(auth_client, diary, monkeypatch, page):
    stored = []

    class Recording:
        def get(self, key):
            return cache.get(key)

        def set(self, key, value, timeout):
            stored.append(repr(value))
            cache.set(key, value, timeout)

    monkeypatch.setattr(pagecache, "shared_cache", Recording())
    quick_log(auth_client)  # a message waits for the next page
    cache.clear()
    shown = auth_client.get(PAGES[page]).text
    assert "Logged at" in shown and "csrfmiddlewaretoken" in shown  # the page's own
    assert stored
    assert not any("csrfmiddlewaretoken" in value or "Logged at" in value for value in stored)
    assert "Logged at" not in auth_client.get(PAGES[page]).text


def test_each_person_has_their_own_parts(auth_client, diary, other_user, client):
    make_episode(diary, muscle="neck")
    assert NECK_ROW in auth_client.get(PAGES["episode list"]).text
    client.force_login(other_user)
    assert NECK_ROW not in client.get(PAGES["episode list"]).text


def test_the_code_digest_changes_with_a_template(settings, tmp_path):
    (tmp_path / "templates").mkdir()
    page = tmp_path / "templates" / "page.html"
    page.write_text("one")
    settings.BASE_DIR = tmp_path
    pagecache.code_digest.cache_clear()
    try:
        first = pagecache.code_digest()
        page.write_text("two")
        pagecache.code_digest.cache_clear()
        assert pagecache.code_digest() != first
    finally:
        pagecache.code_digest.cache_clear()
