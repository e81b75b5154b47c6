from collections.abc import Callable
from datetime import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from tests.factories import make_user


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
