"""Episodes and check-ins as CSV files for a spreadsheet, and read back from one.

The columns are the diary file's keys and the cells say what the JSON says (see
docs/diary-format.md), so a CSV row goes through the same checks as a JSON record.
UTF-8 with a byte order mark, which is what makes Excel read it as UTF-8.
"""

import csv
import io
from collections.abc import Collection, Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from diary.files.diaryfile import (
    CHECKIN_FIELDS,
    EPISODE_FIELDS,
    DiaryFileError,
    Errors,
    Kind,
    ParsedDiary,
    Record,
    parse_checkins,
    parse_episodes,
)

TABLES: dict[str, dict[str, Kind]] = {"episodes": EPISODE_FIELDS, "checkins": CHECKIN_FIELDS}
BOM = "\ufeff"
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection); a leading
# apostrophe makes it text. A cell that starts with an apostrophe gets one too, so the import
# can always remove exactly one and give back what was written.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")


def to_csv(document: dict, table: str) -> bytes:
    """The `table` ("episodes" or "checkins") of a diary document as CSV bytes."""
    fields = TABLES[table]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(fields)
    for record in document[table]:
        writer.writerow(neutralise(kind.to_cell(record[key])) for key, kind in fields.items())
    return (BOM + buffer.getvalue()).encode()


# A spreadsheet may also split a cell at ";" (a list joined with it, a note with one in it, or
# a locale whose separator it is), and each piece then starts a formula of its own. So every
# ";"-separated piece of every cell is neutralised, and the import undoes it piece by piece:
# the two are exact inverses for any text.
def neutralise(cell: str) -> str:
    return ";".join(
        "'" + piece if piece.startswith(_FORMULA_STARTS) else piece for piece in cell.split(";")
    )


def unneutralise(cell: str) -> str:
    return ";".join(piece[1:] if piece.startswith("'") else piece for piece in cell.split(";"))


def parse_csv(
    raw: bytes,
    *,
    zone: ZoneInfo,
    now: datetime,
    known_medications: Collection[str],
    known_factors: Mapping[str, str] | None = None,
) -> ParsedDiary:
    """Check an episodes or check-ins CSV, told apart by its header. `known_factors`: the
    account's own factors by name, with their kinds (a CSV carries no profile)."""
    try:
        lines = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    except UnicodeDecodeError:
        raise DiaryFileError(["The file is not UTF-8 text."]) from None
    except csv.Error as error:
        raise DiaryFileError([f"The file is not a readable CSV file: {error}."]) from None
    header = lines[0] if lines else []
    table = "episodes" if "started_at" in header else "checkins" if "date" in header else None
    if table is None:
        raise DiaryFileError(
            [
                "This is neither a diary file (JSON) nor an episodes or check-ins CSV file: "
                "the first row must name the columns, including started_at or date."
            ]
        )
    fields = TABLES[table]
    errors = Errors()
    for column in sorted(set(header)):
        if column not in fields:
            errors.add(f"{table}.csv: the column {column!r} is not a key of {table}")
        elif header.count(column) > 1:
            errors.add(f"{table}.csv: the column {column!r} appears twice")
    for key, kind in fields.items():
        if kind.required and key not in header:
            errors.add(f"{table}.csv: the column {key!r} is missing")
    errors.raise_if_any()

    records: list[Record] = []
    row_numbers: list[int] = []
    # Row numbers as a spreadsheet shows them: the header is row 1.
    for number, cells in enumerate(lines[1:], start=2):
        if not any(cells):
            continue
        if len(cells) != len(header):
            errors.add(f"{table}.csv row {number}: {len(cells)} cells, but {len(header)} columns")
            continue
        records.append(
            {
                key: fields[key].from_cell(unneutralise(cell))
                for key, cell in zip(header, cells, strict=True)
            }
        )
        row_numbers.append(number)

    def locate(index: int) -> str:
        return f"{table}.csv row {row_numbers[index]}"

    if table == "episodes":
        episodes = parse_episodes(records, now, zone, locate, errors)
        errors.raise_if_any()
        return ParsedDiary(profile=None, medications=[], episodes=episodes, checkins=[])
    checkins = parse_checkins(
        records, now.astimezone(zone).date(), known_medications, locate, errors, known_factors
    )
    errors.raise_if_any()
    return ParsedDiary(profile=None, medications=[], episodes=[], checkins=checkins)
