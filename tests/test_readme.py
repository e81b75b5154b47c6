"""The README's security section states rules, not counts copied from one test run."""

import re
from pathlib import Path

README = (Path(__file__).parent.parent / "README.md").read_text()
SECURITY = README[README.index("### Security") : README.index("### Reliability")]
# "**40 URLs", "**26 HTML pages", "all **16 forms": a count that drifts as views are added.
COPIED_COUNT = re.compile(r"\*\*(?:all )?\d[\d,]* (?:URLs?|pages?|HTML|forms?|patterns?|id )")


def test_the_security_section_states_rules_not_copied_counts():
    assert COPIED_COUNT.findall(SECURITY) == []


def test_the_check_catches_a_copied_count():
    assert COPIED_COUNT.findall("to **40 URLs (32 patterns)** and the **26 HTML pages**") == [
        "**40 URLs",
        "**26 HTML",
    ]
