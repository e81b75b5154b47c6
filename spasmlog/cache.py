"""Django's own Redis cache, for when REDIS_URL is set, except that Redis being down or slow
costs speed, not pages.

Everything the app keeps in the cache can be computed again (charts, insights documents,
red flags) or is a soft limit (the form rate limits, which then let requests through), so a
cache that cannot be reached acts as an empty one: reads miss, writes are dropped, and each
failure is logged as a warning with its kind of error only (the keys carry ids and dates, and
the values health data).
"""

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError, TimeoutError

logger = logging.getLogger(__name__)

# A refused or broken connection, or no answer within the socket timeout. Other Redis errors
# (a wrong type, a full memory) are bugs or configuration to fix, and stay errors.
UNREACHABLE = (ConnectionError, TimeoutError)

Result = TypeVar("Result")


class RedisCacheWithoutOutages(RedisCache):
    def _or(self, fallback: Result, operation: Callable[..., Result], *args: Any) -> Result:
        try:
            return operation(*args)
        except UNREACHABLE as error:
            logger.warning(
                "Redis unreachable (%s): going on without the cache", type(error).__name__
            )
            return fallback

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._or(False, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._or(default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._or(None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._or(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._or(False, super().delete, key, version)

    def get_many(self, keys, version=None):
        return self._or({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._or(False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        # A counter that cannot be read starts again, as it does in a new window.
        return self._or(delta, super().incr, key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._or(list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._or(None, super().delete_many, keys, version)

    def clear(self):
        return self._or(None, super().clear)
