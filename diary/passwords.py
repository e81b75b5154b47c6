"""How passwords are kept: the Argon2id parameters, and a check Django's four validators leave
out."""

from typing import TYPE_CHECKING

from django.contrib.auth.hashers import Argon2PasswordHasher
from django.core.exceptions import ValidationError

if TYPE_CHECKING:
    # Only for the annotation: the settings name this module before the apps are loaded.
    from diary.signedin import User

MIN_DISTINCT_CHARACTERS = 4


class VarietyValidator:
    """At least 4 different characters besides spaces.

    Django's length check counts every character, so twelve spaces, or "aaaaaaaaaaaa", passed
    it; neither is in its common-passwords list.
    """

    def validate(self, password: str, user: "User | None" = None) -> None:
        if len(set(password) - {" "}) < MIN_DISTINCT_CHARACTERS:
            raise ValidationError(
                f"This password needs at least {MIN_DISTINCT_CHARACTERS} different characters "
                "besides spaces.",
                code="password_too_plain",
            )

    def get_help_text(self) -> str:
        return (
            f"Your password must contain at least {MIN_DISTINCT_CHARACTERS} different characters "
            "besides spaces."
        )


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with the first of OWASP's Password Storage Cheat Sheet's equivalent settings:
    19 MiB of memory, 2 passes, 1 lane.

    Django's own defaults (100 MiB, 8 lanes) cost 100 MiB for each log-in under way, which set
    every server process's peak memory. Same algorithm name, so a hash stored with the old
    parameters still checks, and Django stores it again with these at that log-in (must_update
    compares them).
    """

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
