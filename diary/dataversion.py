"""Each person's data version: a number that goes up with every change to their diary, in the
same transaction as the change, so a cached chart or document keyed by it is never stale and
no server's clock decides (diary/insights.py's cache keys carry it).

Every view that changes the diary takes `changes_diary`; the domain functions that change it
outside a view (imports, deletion, the demo diary) call `diary_changed` themselves.
"""

from collections.abc import Callable
from functools import wraps

from django.db import connection, transaction
from django.db.models import F
from django.http import HttpResponse

from diary.models import Profile
from diary.signedin import SignedInRequest, User


def lock_diary(user: User) -> Profile:
    """The person's profile row, locked until the transaction ends: on PostgreSQL their writes
    then run one at a time, so a plan or a cap counted at the start still holds at the end
    (SQLite's write lock already covers the whole database). Every write takes it first, so
    none waits for another in the opposite order."""
    locked = Profile.objects.select_for_update().filter(user=user).first()
    return locked or Profile.get_or_create_for(user)


def diary_changed(user: User) -> None:
    """The user's diary changed: call it inside the transaction that changed it."""
    Profile.objects.filter(user=user).update(data_version=F("data_version") + 1)


def _saved(response: HttpResponse) -> bool:
    """Whether a POST saved: a form that saved redirects, the quick log's script gets JSON; a
    form shown again with its errors, or a refusal, saved nothing (and leaves the version)."""
    if response.status_code in (301, 302, 303):
        return True
    json = response.get("Content-Type", "").startswith("application/json")
    return json and response.status_code < 300


def changes_diary(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A POST to the view that saves runs in one transaction with the data version's bump."""

    @wraps(view)
    def wrapped(request: SignedInRequest, *args, **kwargs) -> HttpResponse:
        if request.method != "POST":
            return view(request, *args, **kwargs)
        with transaction.atomic():
            # SQLite's BEGIN IMMEDIATE has locked the whole database: a row lock there would
            # be a query that locks nothing (and the middleware has the profile already).
            if connection.features.has_select_for_update:
                lock_diary(request.user)
            response = view(request, *args, **kwargs)
            if _saved(response):
                diary_changed(request.user)
        return response

    return wrapped
