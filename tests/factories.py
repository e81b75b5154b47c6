"""The rows the tests make: a person with a profile, an episode, a check-in, a medication.

Each takes the fields a test cares about and fills the rest with ordinary values, so a test
reads as what it is about and a change to a model touches one place. Each saved row moves the
person's data version on, as the app's own writes do (diary/dataversion.py), so a page cached
before it shows it next time; rows from `new_*` and `bulk_create` don't (call `diary_changed`).
"""

from datetime import date

from django.contrib.auth.models import User

from diary.dataversion import diary_changed
from diary.models import CheckIn, CustomFactor, Episode, Medication, Profile

PASSWORD = "correct horse battery staple"
# An ordinary episode; `started_at` is the model's own default, now.
EPISODE = {"muscle": "calf", "side": "left", "intensity": 5}


def make_user(
    username: str, zone: str = "UTC", *, password: str = PASSWORD, email: str = ""
) -> User:
    user = User.objects.create_user(username, email=email, password=password)
    Profile.objects.create(user=user, time_zone=zone)
    return user


def new_episode(user: User, **fields) -> Episode:
    """An unsaved episode (for `bulk_create`): a calf cramp on the left, intensity 5."""
    return Episode(user=user, **(EPISODE | fields))


def make_episode(user: User, **fields) -> Episode:
    made = Episode.objects.create(user=user, **(EPISODE | fields))
    diary_changed(user)
    return made


def new_checkin(user: User, day: date, **answers) -> CheckIn:
    """An unsaved check-in (for `bulk_create`)."""
    return CheckIn(user=user, date=day, **answers)


def make_checkin(user: User, day: date, **answers) -> CheckIn:
    made = CheckIn.objects.create(user=user, date=day, **answers)
    diary_changed(user)
    return made


def make_factor(
    user: User, name: str = "Salty food", kind: str = "yes_no", **fields
) -> CustomFactor:
    """A factor of the person's own, asked at each check-in."""
    made = CustomFactor.objects.create(user=user, name=name, kind=kind, **fields)
    diary_changed(user)
    return made


def make_medication(
    user: User, name: str = "Magnesium", kind: str = "supplement", **fields
) -> Medication:
    made = Medication.objects.create(user=user, name=name, kind=kind, **fields)
    diary_changed(user)
    return made
