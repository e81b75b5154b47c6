import os
import subprocess
import sys
from pathlib import Path

from tests.hang_guard import HANG_GUARD_SECONDS

BASE_DIR = Path(__file__).resolve().parent.parent


def manage_check(data_dir: Path) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != "SECRET_KEY"}
    env |= {"DEBUG": "0", "DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "spasmlog.settings"}
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_SECONDS,
    )


def test_without_debug_a_missing_secret_key_stops_the_app_with_a_reason(tmp_path):
    result = manage_check(tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_the_key_make_run_keeps_in_the_data_folder_is_used(tmp_path):
    (tmp_path / "secret_key").write_text("k" * 60 + "\n")
    result = manage_check(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
