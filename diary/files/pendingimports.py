"""An uploaded file waiting for the person to confirm its import, after they saw its preview.

The file's bytes go to a file of their own under PENDING_IMPORTS_DIR (a diary file may be
64 MB, too big for a session row or a cookie), named by the hash of a random token that only
the person's session holds, so nothing in a URL or a form names it. It is read only with that
session, by that user, within PENDING_IMPORT_MAX_AGE; confirming or cancelling deletes it, and
every upload and every visit of the import page sweeps away files older than that (a closed
tab, a session logged out, a killed worker).
"""

import hashlib
import os
import secrets
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver
from django.http import HttpRequest

PENDING_IMPORT_MAX_AGE = timedelta(minutes=30)
_SESSION_KEY = "pending_import"


def _directory() -> Path:
    return Path(settings.PENDING_IMPORTS_DIR)


def _path(token: str) -> Path:
    return _directory() / hashlib.sha256(token.encode()).hexdigest()


def store(request: HttpRequest, raw: bytes, name: str) -> str:
    """Keep `raw` for the signed-in user until they confirm; returns the token that the
    confirmation form sends back (so a preview replaced in another tab is not confirmed)."""
    discard(request)
    sweep()
    token = secrets.token_urlsafe(32)
    directory = _directory()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = _path(token)
    partial = path.with_suffix(".part")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(raw)
    partial.replace(path)
    request.session[_SESSION_KEY] = {
        "token": token,
        "user": request.user.pk,
        "name": name[:200],
        "stored_at": time.time(),
    }
    return token


def pending(request: HttpRequest) -> dict | None:
    """The session's pending upload ({"token", "name", "stored_at"}), if still usable."""
    sweep()
    entry = request.session.get(_SESSION_KEY)
    if not entry or entry.get("user") != request.user.pk:
        return None
    expired = time.time() - entry["stored_at"] > PENDING_IMPORT_MAX_AGE.total_seconds()
    if expired or not _path(entry["token"]).exists():
        discard(request)
        return None
    return entry


def load(request: HttpRequest, token: str) -> bytes | None:
    """The bytes of the pending upload whose token is `token`, or None (expired, replaced by
    another upload, confirmed or cancelled already, or another session's)."""
    entry = pending(request)
    # Bytes: compare_digest refuses a str with letters beyond ASCII (a tampered form).
    if entry is None or not secrets.compare_digest(entry["token"].encode(), token.encode()):
        return None
    try:
        return _path(token).read_bytes()
    except FileNotFoundError:
        return None


def discard(request: HttpRequest) -> None:
    entry = request.session.pop(_SESSION_KEY, None)
    if entry:
        _path(entry["token"]).unlink(missing_ok=True)


@receiver(user_logged_out)
def _discard_at_log_out(sender, request: HttpRequest | None, **kwargs) -> None:
    """Logging out (deleting the account logs out too) forgets the session, and with it the
    only name of a waiting file: delete the file now, not 30 minutes later at a sweep."""
    if request is not None and hasattr(request, "session"):
        discard(request)


def sweep() -> None:
    """Delete pending uploads (and half-written ones) older than PENDING_IMPORT_MAX_AGE."""
    oldest = time.time() - PENDING_IMPORT_MAX_AGE.total_seconds()
    if not _directory().is_dir():
        return
    for path in _directory().iterdir():
        try:
            if path.stat().st_mtime < oldest:
                path.unlink(missing_ok=True)
        except FileNotFoundError:  # another worker swept it first
            continue
