"""The Nu Html Checker (npm `vnu-jar`, installed by `make install-dev`, run with Java 17)."""

import json
import subprocess
from pathlib import Path

from django.conf import settings

from tests.hang_guard import HANG_GUARD_SECONDS

VNU_JAR = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def html_errors(pages: dict[str, bytes], folder: Path) -> list[str]:
    """The checker's errors for each page (name -> served HTML), as "name:line: message"."""
    files = {}
    for number, (name, html) in enumerate(pages.items()):
        path = folder / f"page-{number}.html"
        path.write_bytes(html)
        files[path.name] = name
    result = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--format", "json", "--stdout", "--exit-zero-always"]
        + [str(folder / f"page-{number}.html") for number in range(len(pages))],
        capture_output=True,
        check=True,
        timeout=HANG_GUARD_SECONDS,
    )
    return [
        f"{files.get(message.get('url', '').rpartition('/')[2])}:{message.get('lastLine')}: "
        f"{message['message']}"
        for message in json.loads(result.stdout)["messages"]
        if message["type"] in ("error", "non-document-error")
    ]
