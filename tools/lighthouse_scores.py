"""Print one Lighthouse JSON report's scores, and the audits that failed (tools/lighthouse.sh)."""

import json
import sys


def main(report_path: str, page: str) -> None:
    with open(report_path) as file:
        report = json.load(file)
    scores = {key: round(category["score"] * 100) for key, category in report["categories"].items()}
    print(
        f"{page:18} performance {scores['performance']:3}  "
        f"accessibility {scores['accessibility']:3}  best practices {scores['best-practices']:3}"
    )
    for audit in report["audits"].values():
        if audit.get("scoreDisplayMode") == "binary" and audit.get("score") == 0:
            print(f"    failed: {audit['id']}: {audit['title']}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
