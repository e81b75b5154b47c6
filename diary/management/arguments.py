"""What the commands that read one person's diary for a window have in common."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from diary.models import Profile


def add_person_and_window(parser) -> None:
    parser.add_argument("username")
    parser.add_argument("--start", help="first day, YYYY-MM-DD (default: 90 days back)")
    parser.add_argument("--end", help="last day, YYYY-MM-DD (default: today)")


def person(username: str):
    """The user called `username` and their profile, or a CommandError."""
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"No user called {username!r}.")
    return user, Profile.get_or_create_for(user)
