"""The signed-in person, as the type checker sees them.

`LoginRequiredMiddleware` keeps every page but the `login_not_required` ones for signed-in people,
and `UserTimezoneMiddleware` gives each of their requests its profile. A view behind the log-in
takes a `SignedInRequest`, so `request.user` is a `User` (never the anonymous one) and
`request.profile` is there; a function of one person's diary takes a `User`.
"""

from typing import TYPE_CHECKING

from django.contrib.auth.models import User
from django.http import HttpRequest

if TYPE_CHECKING:
    # Only for the annotation: the models import User from here.
    from diary.models import Profile

__all__ = ["SignedInRequest", "User"]


class SignedInRequest(HttpRequest):
    user: User
    profile: "Profile"
