"""How failed log-ins are counted and when they lock (django-axes, with our policy)."""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.db.models import Sum
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


class LoginThrottle(AxesDatabaseHandler):
    """Axes' database handler with the lock-out policy of the README ("Log-in throttling").

    A lock is per username *and* address (AXES_FAILURE_LIMIT failures), plus a wider one per
    address (ADDRESS_FAILURE_LIMIT failures, whatever usernames were tried). Someone who knows
    a username can so lock out only themselves, never its owner on another address; and since
    a try during a lock is not counted (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT off), a
    lock always ends one cool-off after the failure that set it.
    """

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        recent = AccessAttempt.objects.filter(
            ip_address=request.axes_ip_address,  # type: ignore[attr-defined]  # axes sets it
            attempt_time__gte=get_cool_off_threshold(request),
        )
        this_username = _failures(recent.filter(username=get_client_username(request, credentials)))
        if _failures(recent) >= settings.ADDRESS_FAILURE_LIMIT:
            # Axes compares the count with AXES_FAILURE_LIMIT: report the address as locked.
            return max(this_username, settings.AXES_FAILURE_LIMIT)
        return this_username


def _failures(attempts) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def lift_lockout(username: str) -> None:
    """Forget the failed log-ins for `username` from every address (after a password reset)."""
    axes_reset(username=username)
