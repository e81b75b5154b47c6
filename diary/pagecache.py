"""The parts of the pages that only show the diary, cached per person: a part is made once per
data version (diary/dataversion.py: every write moves it on in its own transaction), and the
key also carries everything else the part shows (the time zone, the local date, the query).

A part never holds a per-request value: a CSRF token, a message, a nonce. Its templates are
rendered without the request, so `{% csrf_token %}` in one would render nothing, and the forms
that post keep their token in the page around the part. Theme, the signed-in name and the
messages are base.html's, outside every part.
"""

import hashlib
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache as shared_cache
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString

from diary.days import local_date
from diary.insights import CACHE_SECONDS, data_version, versioned_key
from diary.signedin import SignedInRequest

T = TypeVar("T")
_PACKAGE = Path(__file__).resolve().parent


@cache
def code_digest() -> str:
    """Changes with any template or any module of diary/, so a part made by the code before a
    deploy is never shown by the code after it (the file cache outlives the processes)."""
    digest = hashlib.sha256()
    for root, pattern in ((Path(settings.BASE_DIR, "templates"), "*.html"), (_PACKAGE, "*.py")):
        for path in sorted(root.rglob(pattern)):
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def cached_part(request: SignedInRequest, name: str, compute: Callable[[], T], *shown: object) -> T:
    """What `compute` gives for this page: made again only when the person's diary, their time
    zone, their local date, the page's query or `shown` (anything else the part depends on)
    changes."""
    profile = request.profile
    today = local_date(timezone.now(), profile.zone)
    depends_on = repr((profile.time_zone, today, sorted(request.GET.lists()), shown))
    item = f"page:{code_digest()}:{name}:{hashlib.sha256(depends_on.encode()).hexdigest()[:32]}"
    key = versioned_key(request.user, data_version(request.user, profile), item)
    found = shared_cache.get(key)
    if found is None:
        found = compute()
        shared_cache.set(key, found, CACHE_SECONDS)
    return found


def cached_html(
    request: SignedInRequest,
    template: str,
    context: Callable[[], dict[str, Any]],
    *shown: object,
) -> SafeString:
    """`template` rendered with `context()`, through cached_part (the template names the part).

    Rendered HTML is a SafeString, and the cache (pickle) gives it back as one, so a page shows
    a part, or HTML inside a cached dict, without marking it safe again."""
    return cached_part(request, template, lambda: render_to_string(template, context()), *shown)
