"""The export_diary and import_diary management commands."""

import io
import json

import pytest
from django.core.management import base, call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from diary.files.diaryfile import dumps
from diary.management.commands.import_diary import Command as ImportDiary
from tests.factories import make_user
from tests.portability_helpers import exported, fill_diary, row_counts, without_exported_at


def run(*args) -> str:
    stdout = io.StringIO()
    call_command(*args, stdout=stdout, stderr=io.StringIO())
    return stdout.getvalue()


def test_export_writes_the_same_bytes_as_the_download(auth_client, user, freeze_now):
    fill_diary(user)
    freeze_now(timezone.now())

    downloaded = auth_client.get(reverse("diary:export_diary")).content

    assert run("export_diary", "alice").encode() == downloaded


def test_export_writes_to_a_path(user, tmp_path):
    fill_diary(user)
    path = tmp_path / "alice.json"

    assert run("export_diary", "alice", str(path)) == ""

    document = json.loads(path.read_bytes())
    assert without_exported_at(document) == without_exported_at(exported(user))


def test_export_refuses_an_unknown_user(db):
    with pytest.raises(CommandError, match="There is no user named 'nobody'."):
        run("export_diary", "nobody")


def test_import_merges_a_file_and_says_what_it_did(user, tmp_path):
    source = make_user("source", "Europe/Berlin")
    fill_diary(source)
    path = tmp_path / "diary.json"
    path.write_bytes(dumps(exported(source)))

    output = run("import_diary", "alice", str(path))

    assert output == (
        "Imported: 5 episodes added, 0 updated, 0 unchanged; "
        "4 check-ins added, 0 updated, 0 unchanged; "
        "3 medications added, 0 updated, 0 unchanged; profile updated.\n"
    )
    assert row_counts(user) == row_counts(source)
    assert run("import_diary", "alice", str(path)).startswith(
        "Imported: 0 episodes added, 0 updated, 5 unchanged;"
    )


def test_import_dry_run_says_what_would_change_and_writes_nothing(user, tmp_path):
    fill_diary(user)
    before = exported(user)
    document = json.loads(dumps(before))
    document["episodes"][0].update(notes="changed", intensity=1)
    document["episodes"][1]["notes"] = "changed too"
    [with_medications, *_] = [row for row in document["checkins"] if row["medications_taken"]]
    with_medications["medications_taken"] = []
    path = tmp_path / "diary.json"
    path.write_bytes(dumps(document))

    output = run("import_diary", "alice", str(path), "--dry-run")

    assert output == (
        "Would import: 0 episodes added, 2 updated, 3 unchanged; "
        "0 check-ins added, 1 updated, 3 unchanged; "
        "0 medications added, 0 updated, 3 unchanged. Nothing was written.\n"
        "  episodes updated would change: notes in 2, intensity in 1.\n"
        "  check-ins updated would change: medications_taken in 1.\n"
    )
    assert without_exported_at(exported(user)) == without_exported_at(before)
    # Without --dry-run the same file writes what the preview said.
    assert run("import_diary", "alice", str(path)).startswith(
        "Imported: 0 episodes added, 2 updated, 3 unchanged;"
    )


def test_import_of_a_bad_file_exits_non_zero_with_the_errors_on_stderr(
    user, tmp_path, capsys, monkeypatch
):
    # run_from_argv closes every connection when it ends, the test's transaction's too.
    monkeypatch.setattr(base.connections, "close_all", lambda: None)
    fill_diary(user)
    document = json.loads(dumps(exported(user)))
    document["episodes"][3]["intensity"] = 11
    document["checkins"][0]["date"] = "2025-02-30"
    path = tmp_path / "bad.json"
    path.write_bytes(json.dumps(document).encode())
    before = row_counts(user)

    with pytest.raises(SystemExit) as exit_:
        ImportDiary().run_from_argv(["manage.py", "import_diary", "alice", str(path)])

    assert exit_.value.code == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"CommandError: {path} was not imported; nothing changed.\n"
        "episodes[3].intensity: 11 is not between 0 and 10\n"
        'checkins[0].date: "2025-02-30" is not a date that exists\n'
    )
    assert row_counts(user) == before


def test_import_refuses_a_file_over_the_size_limit(user, tmp_path, settings):
    settings.MAX_UPLOAD_BYTES = 2**20
    path = tmp_path / "big.json"
    path.write_bytes(b" " * (2**20 + 1))

    with pytest.raises(CommandError, match="The file is 1.0 MB; the largest accepted is 1 MB."):
        run("import_diary", "alice", str(path))


def test_import_says_when_the_file_is_missing(user, tmp_path):
    with pytest.raises(CommandError, match="Couldn't read .*missing.json: No such file"):
        run("import_diary", "alice", str(tmp_path / "missing.json"))


def test_import_refuses_an_unknown_user(db, tmp_path):
    with pytest.raises(CommandError, match="There is no user named 'nobody'."):
        run("import_diary", "nobody", str(tmp_path / "any.json"))
