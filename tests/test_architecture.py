"""The architecture, stated: the pure modules of diary/ compute over plain data and never reach
the database or the request.

Read from the source with ast, not by importing, so a forbidden import anywhere in a module
(at the top, inside a function, behind TYPE_CHECKING) counts, whatever it would load at run time.
"""

import ast
from pathlib import Path

import pytest

DIARY = Path(__file__).resolve().parent.parent / "diary"

# The modules of diary/ that hold the statistics, the red flags, the charts, the report's layout,
# the diary file and CSV formats, the demo diary and the vocabularies: plain typed functions over
# plain data, tested without a database. The views, forms, insights (the caches and the queries
# that feed the analyses), portability, reportdata and the rest fetch and store.
PURE_MODULES = (
    "analysis/charts",
    "converters",
    "files/csvfiles",
    "days",
    "analysis/daytable",
    "demo",
    "files/diaryfile",
    "analysis/doses",
    "analysis/history",
    "limits",
    "logfilters",
    "analysis/monitoring",
    "months",
    "analysis/nights",
    "analysis/patterns",
    "pdf/printtext",
    "quantities",
    "analysis/redflags",
    "pdf/report",
    "analysis/triggers",
    "vocabularies",
    "words",
)

# Packages of diary/ whose every module is pure: a new module there is checked, or moves out.
PURE_PACKAGES = ("analysis", "pdf")

# A module and everything under it.
FORBIDDEN = ("django.db", "django.http", "diary.models")
# Django's labelled enumerations are plain Python enums that hold no query: the vocabularies are
# written in them, and a pure module may name the type.
ALLOWED = {("django.db.models", "TextChoices")}


def imported_names(source: str) -> list[tuple[str, str | None]]:
    """Every import in the source as (module, name): `import a.b` is ("a.b", None),
    `from a import b` is ("a", "b"); a relative import is resolved inside the diary package."""
    found: list[tuple[str, str | None]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend((alias.name, None) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                module = ".".join(filter(None, ["diary", module]))
            found.extend((module, alias.name) for alias in node.names)
    return found


def is_forbidden(module: str, name: str | None) -> bool:
    if (module, name) in ALLOWED:
        return False
    # `from django import db` and `from diary import models` name the module as `name`.
    targets = [module] if name is None else [module, f"{module}.{name}"]
    return any(
        target == forbidden or target.startswith(forbidden + ".")
        for target in targets
        for forbidden in FORBIDDEN
    )


def forbidden_imports(source: str) -> list[str]:
    return [
        module if name is None else f"{module}.{name}"
        for module, name in imported_names(source)
        if is_forbidden(module, name)
    ]


@pytest.mark.parametrize("module", PURE_MODULES)
def test_a_pure_module_imports_neither_the_database_nor_the_models_nor_http(module):
    source = (DIARY / f"{module}.py").read_text()
    assert forbidden_imports(source) == []


def test_every_module_of_a_pure_package_is_checked():
    in_packages = {
        path.relative_to(DIARY).with_suffix("").as_posix()
        for package in PURE_PACKAGES
        for path in (DIARY / package).glob("*.py")
        if path.name != "__init__.py"
    }
    assert sorted(in_packages - set(PURE_MODULES)) == []


@pytest.mark.parametrize(
    "line",
    [
        "from django.db import models",
        "from django.db.models import Q",
        "import django.db.models",
        "from django import db",
        "from django.http import HttpResponse",
        "from django import http",
        "from diary.models import Episode",
        "from diary import models",
        "from .models import Episode",
        "from . import models",
        "import diary.models",
        "def f():\n    from diary.models import Episode",
    ],
)
def test_the_check_notices_every_spelling_of_a_forbidden_import(line):
    assert forbidden_imports(line) != []


@pytest.mark.parametrize(
    "line",
    [
        "from django.db.models import TextChoices",
        "from diary.vocabularies import Muscle",
        "from diary.modelsish import x",
        "from django.utils import timezone",
    ],
)
def test_the_check_lets_the_vocabularies_and_other_imports_through(line):
    assert forbidden_imports(line) == []
