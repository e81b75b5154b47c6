import os
import secrets
import subprocess
from pathlib import Path

import pytest

from tests.helpers import redis_is_running, run_manage, run_python

BASE_DIR = Path(__file__).resolve().parent.parent


def manage_check(data_dir: Path) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != "SECRET_KEY"}
    env |= {"DEBUG": "0", "DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "spasmlog.settings"}
    env.pop("DATABASE_URL", None)
    return run_manage("check", environment=env)


def test_without_debug_a_missing_secret_key_stops_the_app_with_a_reason(tmp_path):
    result = manage_check(tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_the_key_make_run_keeps_in_the_data_folder_is_used(tmp_path):
    (tmp_path / "secret_key").write_text("k" * 60 + "\n")
    result = manage_check(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def settings_of(data_dir: Path, code: str, **environment: str) -> subprocess.CompletedProcess:
    """Run `code` with spasmlog's settings read afresh from this environment."""
    env = {key: value for key, value in os.environ.items() if key not in ("REDIS_URL",)}
    env |= {"DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "spasmlog.settings"}
    env |= environment
    program = f"import django; django.setup()\nfrom django.conf import settings\n{code}"
    return run_python("-c", program, environment=env)


BACKEND = "print(settings.CACHES['default']['BACKEND'])"


def test_without_redis_url_the_cache_is_files_in_the_data_folder(tmp_path):
    result = settings_of(tmp_path, BACKEND + "\nprint(settings.CACHES['default']['LOCATION'])")
    assert result.stdout.split() == [
        "django.core.cache.backends.filebased.FileBasedCache",
        str(tmp_path / "cache"),
    ]


def test_redis_url_selects_djangos_redis_cache_going_on_without_it_in_an_outage(tmp_path):
    result = settings_of(
        tmp_path,
        BACKEND + "\nprint(settings.CACHES['default']['LOCATION'])",
        REDIS_URL="redis://127.0.0.1:6379/3",
    )
    assert result.stdout.split() == [
        "spasmlog.cache.RedisCacheWithoutOutages",
        "redis://127.0.0.1:6379/3",
    ]


@pytest.mark.skipif(not redis_is_running(), reason="no Redis on 127.0.0.1:6379")
def test_the_redis_cache_keeps_what_one_process_sets_for_the_next(tmp_path):
    key = f"settings-test-{secrets.token_hex(8)}"
    url = "redis://127.0.0.1:6379/3"
    setting = "from django.core.cache import cache\ncache.set({key!r}, [1, 'two'], 60)"
    getting = (
        "from django.core.cache import cache\nprint(cache.get({key!r}))\ncache.delete({key!r})"
    )
    assert settings_of(tmp_path, setting.format(key=key), REDIS_URL=url).returncode == 0
    result = settings_of(tmp_path, getting.format(key=key), REDIS_URL=url)
    assert result.stdout.strip() == "[1, 'two']", result.stderr


def test_the_redis_keys_of_two_installs_differ_and_of_one_installs_servers_agree(tmp_path):
    prefix = "print(settings.CACHES['default']['KEY_PREFIX'])"
    url = "redis://127.0.0.1:6379/3"
    one, other = "a" * 60, "b" * 60
    first = settings_of(tmp_path, prefix, REDIS_URL=url, SECRET_KEY=one).stdout
    second = settings_of(tmp_path, prefix, REDIS_URL=url, SECRET_KEY=one).stdout
    elsewhere = settings_of(tmp_path, prefix, REDIS_URL=url, SECRET_KEY=other).stdout
    assert first == second != elsewhere
    assert one not in first  # a digest, never the key itself
