"""The README's code map stays the map of the code: it names every module of diary/, names
nothing that is gone, and calls pure only what tests/test_architecture.py holds pure."""

import re
from pathlib import Path

from tests.test_architecture import PURE_MODULES

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
CODE_MAP = README[README.index("### The code map") : README.index("### Working on it")]
# `diary/models.py` or `diary/analysis/`, in backticks.
PATH = re.compile(r"`(diary/[\w/]*?(?:\.py|/))`")


def map_rows() -> list[tuple[list[str], str]]:
    """Each row of the map's table as (the paths it names, its kind)."""
    rows = []
    for line in CODE_MAP.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("| `diary/") and len(cells) == 3:
            rows.append((PATH.findall(cells[0]), cells[2]))
    return rows


def named_paths() -> set[str]:
    return {path for paths, _ in map_rows() for path in paths}


def modules_of_diary() -> list[str]:
    return sorted(
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "diary").rglob("*.py")
        if path.name != "__init__.py"
    )


def is_named(module: str, named: set[str]) -> bool:
    return module in named or any(module.startswith(path) for path in named if path.endswith("/"))


def modules_missing_from(named: set[str]) -> list[str]:
    return [module for module in modules_of_diary() if not is_named(module, named)]


def test_the_map_has_rows():
    assert len(map_rows()) >= 10


def test_every_module_of_diary_is_on_the_map():
    assert modules_missing_from(named_paths()) == []


def test_everything_on_the_map_exists():
    assert sorted(path for path in named_paths() if not (ROOT / path).exists()) == []


def test_what_the_map_calls_pure_is_held_pure_by_the_architecture_test():
    pure = {f"diary/{module}.py" for module in PURE_MODULES}
    called_pure = [
        module
        for paths, kind in map_rows()
        if kind.startswith("pure")
        for module in modules_of_diary()
        if is_named(module, set(paths))
    ]
    assert called_pure
    assert sorted(set(called_pure) - pure) == []


def test_the_check_catches_a_module_or_a_package_missing_from_the_map():
    named = named_paths()
    assert modules_missing_from(named - {"diary/models.py"}) == ["diary/models.py"]
    package = [module for module in modules_of_diary() if module.startswith("diary/analysis/")]
    assert package
    assert modules_missing_from(named - {"diary/analysis/"}) == package
