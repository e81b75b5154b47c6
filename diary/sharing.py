"""Share links: a random token in the URL, only its hash in the database, and a limit on how
often one address may try tokens."""

import hashlib
import secrets

from django.core.cache import cache

TOKEN_BYTES = 32  # 256 bits
MIN_DAYS, MAX_DAYS, DEFAULT_DAYS = 1, 30, 7
# Requests to shared links (page, PDF and charts together) one address may make per window.
OPENINGS_PER_WINDOW = 60
WINDOW_SECONDS = 10 * 60


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def allow_opening(address: str) -> bool:
    """Counts one request from `address`; False once it has made too many in this window."""
    key = f"share-openings:{hashlib.sha256(address.encode()).hexdigest()}"
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS)
        count = 1
    return count <= OPENINGS_PER_WINDOW
