"""pyproject.toml in the form today's setuptools reads without a deprecation warning."""

import re
import tomllib
from pathlib import Path

PYPROJECT = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text())
# setuptools 77 reads `license` as an SPDX expression (PEP 639) and warns, three times per
# build, about the older `license = { text = … }` table.
SPDX_LICENSE_SETUPTOOLS = 77


def test_the_licence_is_an_spdx_expression_not_a_table():
    assert PYPROJECT["project"]["license"] == "MIT AND OFL-1.1"


def test_the_build_needs_a_setuptools_that_reads_that_expression():
    (requirement,) = [
        item for item in PYPROJECT["build-system"]["requires"] if item.startswith("setuptools")
    ]
    minimum = re.fullmatch(r"setuptools>=(\d+)", requirement)
    assert minimum and int(minimum.group(1)) >= SPDX_LICENSE_SETUPTOOLS
