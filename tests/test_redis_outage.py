"""With REDIS_URL set and Redis down, pages are slower, never errors: the cache acts as an
empty one and says so in the log, without the keys."""

import logging
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from diary.analysis.charts import CHARTS
from diary.benchmark import free_port
from spasmlog.cache import RedisCacheWithoutOutages
from tests.factories import make_checkin, make_episode
from tests.helpers import redis_is_running


def unreachable_redis_url() -> str:
    # A port just freed: nothing listens there, so every connection is refused.
    return f"redis://127.0.0.1:{free_port()}/0"


def cache_at(url: str) -> RedisCacheWithoutOutages:
    return RedisCacheWithoutOutages(url, {"OPTIONS": {"socket_connect_timeout": 1}})


def test_every_operation_on_an_unreachable_redis_acts_as_on_an_empty_cache(caplog):
    down = cache_at(unreachable_redis_url())
    with caplog.at_level(logging.WARNING, logger="spasmlog.cache"):
        assert down.get("chart:7", "missing") == "missing"
        assert down.get_many(["a", "b"]) == {}
        assert down.has_key("a") is False
        assert down.add("a", 1) is False
        assert down.set("a", 1) is None
        assert down.set_many({"a": 1, "b": 2}) == ["a", "b"]
        assert down.touch("a") is False
        assert down.delete("a") is False
        assert down.delete_many(["a"]) is None
        assert down.incr("count", 3) == 3
        assert down.clear() is None
    assert len(caplog.records) == 11
    assert {record.getMessage() for record in caplog.records} == {
        "Redis unreachable (ConnectionError): going on without the cache"
    }


@pytest.mark.skipif(not redis_is_running(), reason="no Redis on 127.0.0.1:6379")
def test_a_reachable_redis_is_used_as_django_s_own_cache(caplog):
    up = cache_at("redis://127.0.0.1:6379/4")
    up.delete_many(["outage-test", "outage-count"])
    with caplog.at_level(logging.WARNING, logger="spasmlog.cache"):
        up.set("outage-test", {"kept": True}, 60)
        assert up.get("outage-test") == {"kept": True}
        assert up.add("outage-count", 0, 60) is True
        assert up.incr("outage-count", 2) == 2
        with pytest.raises(ValueError):
            up.incr("outage-never-set")
    up.delete_many(["outage-test", "outage-count"])
    assert caplog.records == []


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "spasmlog.cache.RedisCacheWithoutOutages",
            "LOCATION": unreachable_redis_url(),
            "OPTIONS": {"socket_connect_timeout": 1},
        }
    }
    yield
    cache.close()


@pytest.mark.django_db
def test_the_diary_works_while_redis_is_down(redis_down, auth_client, user):
    yesterday = timezone.localdate() - timedelta(days=1)
    make_episode(user, started_at=timezone.now() - timedelta(days=1))
    make_checkin(user, yesterday, water_ml=900)
    for url in (
        reverse("diary:home"),
        reverse("diary:insights"),
        reverse("diary:insights") + "?period=all",
        reverse("diary:insights_json"),
        reverse("diary:episode_list"),
    ):
        assert auth_client.get(url).status_code == 200, url
    for name in CHARTS:
        chart = reverse("diary:insights_chart", args=[name])
        assert auth_client.get(chart).status_code == 200, chart


@pytest.mark.django_db
def test_sign_up_works_while_redis_is_down(redis_down, client):
    password = "a long and unusual passphrase"
    response = client.post(
        reverse("signup"),
        {"username": "newcomer", "time_zone": "UTC", "password1": password, "password2": password},
    )
    assert response.status_code == 302
