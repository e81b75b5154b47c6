from collections.abc import Callable
from datetime import datetime

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from tests.factories import make_user


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    # On SQLite, a test database in a file, as production has, not Django's in-memory default:
    # the live server's threads then get connections of their own instead of sharing the
    # test's one, so the browser's overlapping requests (a page's sends beside the service
    # worker's) are separate sessions, as they are in production.
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database["TEST"]["NAME"] = str(tmp_path_factory.mktemp("database") / "test.sqlite3")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Argon2 is the real hasher (see test_security); the suite creates many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def private_cache(settings):
    # Charts and insights are cached; each test starts empty and never touches data/cache.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def private_pending_imports(settings, tmp_path):
    # Uploads waiting for their confirmation never land in data/.
    settings.PENDING_IMPORTS_DIR = tmp_path / "pending-imports"


@pytest.fixture
def freeze_now(monkeypatch) -> Callable[[datetime], None]:
    """`freeze_now(instant)`: every `timezone.now()` returns `instant` for the rest of the test."""

    def freeze(instant: datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: instant)

    return freeze


@pytest.fixture
def user(db):
    return make_user("alice", "Europe/Berlin")


@pytest.fixture
def other_user(db):
    return make_user("mallory", "America/New_York")


@pytest.fixture
def auth_client(client, user):
    client.force_login(user)
    return client
