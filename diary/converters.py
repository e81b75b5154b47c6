from datetime import date


class IsoDateConverter:
    """YYYY-MM-DD in a URL; a date that doesn't exist (2025-02-30) simply doesn't match: 404."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> date:
        return date.fromisoformat(value)

    def to_url(self, value: date) -> str:
        return value.isoformat()
