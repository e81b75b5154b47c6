"""A password check Django's four validators leave out."""

from django.core.exceptions import ValidationError

MIN_DISTINCT_CHARACTERS = 4


class VarietyValidator:
    """At least 4 different characters besides spaces.

    Django's length check counts every character, so twelve spaces, or "aaaaaaaaaaaa", passed
    it; neither is in its common-passwords list.
    """

    def validate(self, password: str, user=None) -> None:
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
