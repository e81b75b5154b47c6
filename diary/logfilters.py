"""A log never holds a secret of a URL: shared-report and unsubscribe links carry their token in
the path, and Django logs the path of every answer of 400 or more ("Not Found: /shared/…")."""

import logging
import re

# The URL parts (diary/urls.py) whose next path segment is a bearer token.
_TOKEN_IN_PATH = re.compile(r"(/(?:shared|reminders/unsubscribe)/)[^/\s]+")


def hide_tokens(text: str) -> str:
    return _TOKEN_IN_PATH.sub(r"\1…", text)


class HideTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = hide_tokens(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(
                hide_tokens(arg) if isinstance(arg, str) else arg for arg in record.args
            )
        return True
