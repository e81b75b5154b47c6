"""What django-axes counts failed log-ins by: the username tried and the client's address."""

from django.conf import settings
from django.http import HttpRequest

# AccessAttempt.username is a 255-character column; no account's name is that long (150).
RECORDED_USERNAME_LENGTH = 255


def username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The username tried, cut to what axes can store.

    Django's log-in form passes on a username of any length, and on PostgreSQL a longer one
    failed axes' insert with a 500.
    """
    tried = (credentials or getattr(request, "data", request.POST)).get("username")
    return tried[:RECORDED_USERNAME_LENGTH] if isinstance(tried, str) else tried


def client_address(request: HttpRequest) -> str:
    """REMOTE_ADDR, or behind our TLS proxy the address that proxy appended to X-Forwarded-For.

    Every request reaches the app from the proxy, so its address would lock out everyone at
    once. Only the last entry is the proxy's own; the ones before it are whatever the client
    sent, so they are never trusted.
    """
    if settings.BEHIND_TLS_PROXY:
        appended = request.META.get("HTTP_X_FORWARDED_FOR", "").rpartition(",")[2].strip()
        if appended:
            return appended
    return request.META.get("REMOTE_ADDR", "")
