"""A limit on how often one address (or one e-mail address) may send a form that costs
something: a new account, a password-reset mail.

Counts live in Django's cache (files shared by every server process), one counter per fixed
window, so a burst is cut off at the limit and the count starts again in the next window.
The count is approximate under races between processes, which is enough to stop enumeration
and mail flooding; it is not an accounting of requests.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import wraps
from hashlib import sha256

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from diary.throttling import client_address

WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class Limit:
    name: str  # part of the cache key: "signup:address"
    setting: str  # the setting with the count per WINDOW
    key: Callable[[HttpRequest], str | None]  # what is counted; None counts nothing

    @property
    def count(self) -> int:
        return getattr(settings, self.setting)


def _email(request: HttpRequest) -> str | None:
    email = request.POST.get("email", "").strip().lower()
    return email or None


SIGNUP_LIMITS = [Limit("signup:address", "SIGNUPS_PER_ADDRESS_PER_HOUR", client_address)]
PASSWORD_RESET_LIMITS = [
    Limit("password_reset:address", "PASSWORD_RESETS_PER_ADDRESS_PER_HOUR", client_address),
    Limit("password_reset:email", "PASSWORD_RESETS_PER_EMAIL_PER_HOUR", _email),
]


def _over(limit: Limit, request: HttpRequest) -> bool:
    """Count this request against `limit`; whether it goes past it."""
    value = limit.key(request)
    if value is None:
        return False
    window = int(timezone.now().timestamp() // WINDOW.total_seconds())
    # Hashed: the cache files hold no address or e-mail address.
    digest = sha256(f"{limit.name}:{value}".encode()).hexdigest()
    key = f"ratelimit:{digest}:{window}"
    cache.add(key, 0, timeout=int(WINDOW.total_seconds()) * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=int(WINDOW.total_seconds()) * 2)
        count = 1
    return count > limit.count


def limited(limits: list[Limit]):
    """Refuse a POST with 429 once any of `limits` is past its count in this window."""

    def decorator(view):
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method == "POST":
                # Every limit counts the request, so none can be dodged by tripping another.
                over = [limit for limit in limits if _over(limit, request)]
                if over:
                    return render(request, "429.html", status=429)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
