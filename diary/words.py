"""Counted nouns in the app's sentences, so no page says "1 more check-in days"."""


def count_of(count: int, noun: str, plural: str | None = None) -> str:
    """ "1 day", "3 days"; `plural` for a noun that doesn't just take an s."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"
