"""The doctor's report: page 1 answers a clinician's questions, an appendix holds the detail.

Pure: `build_report` turns the insights document of a window (and the few things the document
leaves out: who, the episodes' notes, doses, conditions) into a `Report` of plain blocks, which
the printable page renders as HTML and `build_pdf` lays out with reportlab. Both show the same
content, and every number comes from the document, so the report agrees with /insights.json.
"""

import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import matplotlib
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from svglib import fonts as svg_fonts
from svglib.svglib import svg2rlg

from diary.analysis import charts
from diary.analysis.patterns import RELIEF_COLUMNS
from diary.pdf.printtext import (
    EMOJI_FILE,
    EMOJI_FONT,
    Font,
    has_right_to_left,
    isolate,
    markup,
    runs,
    visual_lines,
)
from diary.quantities import format_duration
from diary.vocabularies import Activity, EpisodeKind, Muscle, Relief, ReliefEffect, Side, Symptom

Document = dict[str, Any]

PAPERS = {"a4": ("A4", A4), "letter": ("US Letter", LETTER)}
DEFAULT_PAPER = "a4"
APPENDIX_SECTIONS = {
    "charts": "Charts",
    "triggers": "Every factor checked",
    "relief": "What helped",
    "checkins": "Check-ins week by week",
    "episodes": "Every episode",
}
DISCLAIMER = "Self-reported diary, not a diagnosis"
TITLE = "Muscle cramp diary"
FLAG_DATES_SHOWN = 8
TOP_MUSCLES = 3
# The appendix charts, drawn from the document; "triggers" shows only the judged factors.
APPENDIX_CHARTS = ("weekly", "medications", "hours", "muscles", "triggers")
MAX_FOREST_INCHES = 8.5
FONT = "DejaVuSans"
BOLD_FONT = "DejaVuSans-Bold"
FONT_FILES = {FONT: "DejaVuSans.ttf", BOLD_FONT: "DejaVuSans-Bold.ttf"}
# reportlab's paragraphs may fit a line a hair differently from our own measure of it.
LINE_SLACK = 0.5
FOOTER_SIZE = 7.5


@dataclass(frozen=True)
class EpisodeEntry:
    """One episode for the appendix, with its local start and free text as written."""

    started: datetime  # local
    muscle: str
    side: str
    intensity: int
    duration_seconds: int | None
    kind: str
    activity: str
    symptoms: tuple[str, ...]
    relief: tuple[str, ...]
    relief_effect: str
    notes: str
    time_estimated: bool = False  # counted in the morning: the hour is a placeholder


@dataclass(frozen=True)
class MedicationEntry:
    name: str
    kind: str
    dose: str
    started_on: date | None
    stopped_on: date | None


@dataclass(frozen=True)
class ReportInput:
    document: Document
    person: str
    date_of_birth: date | None
    made_on: date
    episodes: Sequence[EpisodeEntry] = ()
    medications: Sequence[MedicationEntry] = ()
    conditions: Sequence[str] = ()  # labels, as the person gave them
    paper: str = DEFAULT_PAPER
    sections: Sequence[str] = tuple(APPENDIX_SECTIONS)


# Blocks: what a section is made of, for the HTML template and the PDF alike.


@dataclass(frozen=True)
class Text:
    text: str
    kind: str = "body"  # "body", "strong", "small"


@dataclass(frozen=True)
class Facts:
    rows: tuple[tuple[str, str], ...]
    kind: str = "facts"


@dataclass(frozen=True)
class Grid:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]  # shares of the text width
    # A full-width line under a row (an episode's notes), by row index.
    notes: dict[int, str] = field(default_factory=dict)
    kind: str = "grid"

    @property
    def lines(self) -> list[tuple[tuple[str, ...], str | None]]:
        """Each row with its note, if it has one."""
        return [(row, self.notes.get(index)) for index, row in enumerate(self.rows)]


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    sentence: str
    kind: str = "chart"


Block = Text | Facts | Grid | Chart


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    blocks: tuple[Block, ...]
    appendix: bool = False


@dataclass(frozen=True)
class Report:
    title: str
    person: str
    date_of_birth: date | None
    start: str  # the window's first and last day, ISO
    end: str
    period: str
    made_on: date
    data_quality: str
    page_one: tuple[Section, ...]
    appendix: tuple[Section, ...]
    paper: str
    chart_documents: dict[str, Document]  # what each appendix chart is drawn from

    @property
    def footer(self) -> str:
        return f"{DISCLAIMER} · {isolate(self.person)} · {self.period}"

    @property
    def sections(self) -> tuple[Section, ...]:
        return self.page_one + self.appendix


def filename(report: Report) -> str:
    return f"spasmlog-report-{report.start}-to-{report.end}.pdf"


# Words and numbers


def day_text(day: date | str | None) -> str:
    if day is None:
        return "–"
    if isinstance(day, str):
        day = date.fromisoformat(day)
    return f"{day.day} {day:%b %Y}"


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else plural or word + 's'}"


def duration_text(seconds: float | None) -> str:
    # A median of an even count may fall between two whole seconds.
    return "–" if seconds is None else format_duration(round(seconds))


def _number(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _median(value: float | None) -> str:
    return "–" if value is None else f"{value:g}"


def share_text(item: dict[str, Any]) -> str:
    """ "41 of 52 (79%)", or "not recorded" when nothing was."""
    if not item["of"]:
        return "not recorded"
    return f"{item['count']} of {item['of']} ({item['share']:.0%})"


def _ratio(value: float | None) -> str:
    return "∞" if value is None else f"{value:.2f}"


def _ci_text(factor: dict[str, Any]) -> str:
    if not factor["enough_data"]:
        return "not judged"
    return (
        f"{_ratio(factor['rate_ratio'])} ({_ratio(factor['ci_low'])}–{_ratio(factor['ci_high'])})"
    )


def _lag_text(lag_days: int | None) -> str:
    # None: the insights judged the same day and the day before as one finding.
    texts: dict[int | None, str] = {0: "exposed the same day", 1: "exposed the day before"}
    return texts.get(lag_days, "exposed the same day or the day before")


def period_text(document: Document) -> str:
    window = document["window"]
    return f"{day_text(window['start'])} to {day_text(window['end'])}"


def data_quality_text(document: Document) -> str:
    quality = document["history"]["data_quality"]
    checkins = quality["checkin_days"]
    share = checkins / quality["days"] if quality["days"] else 0
    sentence = (
        f"Check-ins on {checkins} of {quality['days']} days ({share:.0%}), "
        f"{quality['confirmed_days']} of them confirming every episode of the day was logged; "
        f"{quality['entered_late']} of {quality['episodes']} episodes were entered more than "
        "24 h after they began"
    )
    if quality["imported"]:
        sentence += f", {quality['imported']} were imported from a file (not counted as late)"
    return sentence + "."


# Page 1


def _numbers(document: Document) -> Section:
    history = document["history"]
    duration = history["duration"]
    if not document["episodes"]:
        blocks: tuple[Block, ...] = (Text("Nothing was recorded in this period."),)
        return Section("numbers", "How often, how bad, how long", blocks)
    trend = document["trend"]
    rows = (
        (
            "Episodes",
            f"{document['episodes']} in {_plural(history['days'], 'day')}, "
            f"{_number(history['episodes_per_week'])} a week",
        ),
        (
            "Nights with a cramp",
            f"{history['nights_with_episode']}, "
            f"{_number(history['nights_with_episode_per_week'])} a week",
        ),
        (
            "Intensity (0–10)",
            f"median {_median(history['intensity']['median'])}, "
            f"worst {history['intensity']['worst']}",
        ),
        (
            "Duration",
            f"median {duration_text(duration['median_seconds'])}, longest "
            f"{duration_text(duration['longest_seconds'])}; "
            f"{duration['over_10_minutes']} longer than 10 min "
            f"({duration['recorded']} with a duration)",
        ),
        ("Sleep disturbance (0–10)", sleep_text(document["sleep_disturbance"])),
        ("Trend", trend["summary"]),
    )
    return Section("numbers", "How often, how bad, how long", (Facts(rows),))


def sleep_text(nights: dict[str, Any]) -> str:
    """The mornings' answers: on nights with a cramp, and on those without for comparison."""
    cramp, calm = nights["with_cramp"], nights["without_cramp"]
    if not cramp["nights"] and not calm["nights"]:
        return "not recorded (asked on the morning's “last night” screen)"
    parts = []
    if cramp["nights"]:
        parts.append(
            f"on {_plural(cramp['nights'], 'night')} with a cramp: median "
            f"{_median(cramp['median'])}, worst {cramp['worst']}"
        )
    if calm["nights"]:
        parts.append(
            f"on {_plural(calm['nights'], 'night')} without: median {_median(calm['median'])}"
        )
    return "; ".join(parts)


def estimated_text(document: Document) -> str | None:
    """How many episodes have only an estimated time, which no hour-of-day figure uses."""
    estimated = document["patterns"]["time_estimated_episodes"]
    if not estimated:
        return None
    return (
        f"{estimated} of {document['episodes']} episodes have estimated times (logged in the "
        "morning); left out of the time of day"
    )


def _muscle_text(muscle: dict[str, Any]) -> str:
    sides = ", ".join(
        f"{count} {Side(side).label.lower()}"
        for side, count in muscle["sides"].items()
        if count and side != Side.NOT_APPLICABLE
    )
    return f"{muscle['label']}: {muscle['episodes']}" + (f" ({sides})" if sides else "")


def _where_and_when(document: Document) -> Section:
    history = document["history"]
    if not document["episodes"]:
        return Section("where", "Where and when", (Text("No episodes."),))
    muscles = document["patterns"]["muscles"][:TOP_MUSCLES]
    rows: tuple[tuple[str, str], ...] = (
        ("Commonest muscles", "; ".join(_muscle_text(m) for m in muscles)),
        ("One side only", share_text(history["one_sided"])),
        ("At night (asleep, or 22:00–06:00)", share_text(history["when"]["night"])),
        ("During or just after exercise", share_text(history["when"]["exercise"])),
        ("At rest (resting or sitting)", share_text(history["when"]["rest"])),
    )
    estimated = estimated_text(document)
    if estimated:
        # Counted at night as "asleep", never by their placeholder hour.
        rows += (("Times estimated", estimated),)
    return Section("where", "Where and when", (Facts(rows),))


def _ordinary(document: Document) -> Section:
    features = document["history"]["ordinary_features"]
    blocks: tuple[Block, ...] = (
        Text(
            "Ordinary night cramps are only at night, in the calf or foot, 10 minutes or less, "
            "on one side, and eased by stretching. Of the episodes where each was recorded:",
            "small",
        ),
        Facts(tuple((feature["label"].capitalize(), share_text(feature)) for feature in features)),
    )
    return Section("ordinary", "Compared with ordinary night cramps", blocks)


def _flag_dates(flag: dict[str, Any]) -> str:
    evidence = flag["evidence"]
    if not any(item["episode_id"] for item in evidence):
        # Weekly counts name their own dates; anything else gets its date in front.
        return "; ".join(
            item["detail"]
            if item["detail"].startswith("week of")
            else f"{day_text(item['date'])}: {item['detail']}"
            for item in evidence
        )
    days = sorted({item["date"] for item in evidence})
    shown = ", ".join(day_text(day) for day in days[:FLAG_DATES_SHOWN])
    more = len(days) - FLAG_DATES_SHOWN
    return shown + (f" and {_plural(more, 'more day')}" if more > 0 else "")


def _red_flags(document: Document) -> Section:
    flags = document["red_flags"]
    if not flags:
        return Section("red_flags", "Red flags", (Text("None of the warning signs was met."),))
    rows = tuple((flag["message"], _flag_dates(flag)) for flag in flags)
    return Section("red_flags", "Red flags", (Facts(rows),))


def _associated(document: Document) -> Section:
    judged = [f for f in document["factors"] if f["enough_data"]]
    significant = [f for f in judged if f["significant"]]
    # The factors may be judged on more days than the report's period: the note says which.
    judged_on = Text(document["triggers_window"]["note"], "small")
    if not significant:
        text = f"No factor stands out yet ({len(judged)} checked)."
        return Section("associated", "What seems associated", (Text(text), judged_on))
    blocks = tuple(Text(f["summary"]) for f in significant)
    return Section(
        "associated",
        "What seems associated",
        (
            *blocks,
            Text(
                f"{len(significant)} of the {len(judged)} comparisons with enough data to "
                "judge; the appendix lists every one.",
                "small",
            ),
            judged_on,
        ),
    )


def _medication_rows(report: ReportInput) -> tuple[tuple[str, str], ...]:
    onsets = {onset["label"]: onset for onset in report.document["medication_onsets"]}
    rows = []
    for medication in report.medications:
        onset = onsets.get(f"medication:{medication.name}")
        taken = f"{day_text(medication.started_on) if medication.started_on else 'start unknown'}"
        taken += f" to {day_text(medication.stopped_on)}" if medication.stopped_on else ", ongoing"
        change = (
            onset["summary"]
            if onset
            else "No diary from before it started to compare with."
            if medication.started_on
            else "No start date, so no comparison."
        )
        dose = f", {isolate(medication.dose)}" if medication.dose else ""
        label = f"{isolate(medication.name)} ({medication.kind}{dose})"
        rows.append((label, f"{taken}. {change}"))
    return tuple(rows)


def _medications(report: ReportInput) -> Section:
    rows = _medication_rows(report)
    blocks: list[Block] = [Facts(rows) if rows else Text("No medications recorded.")]
    conditions = "; ".join(isolate(c) for c in report.conditions) or "none recorded"
    blocks.append(Text(f"Conditions: {conditions}."))
    return Section("medications", "Medications and conditions", tuple(blocks))


# The appendix


def _judged_document(document: Document) -> Document:
    judged = [f for f in document["factors"] if f["enough_data"]]
    return {**document, "factors": judged}


def _charts_section(document: Document) -> tuple[Section, dict[str, Document]]:
    sources = {name: document for name in APPENDIX_CHARTS}
    sources["triggers"] = _judged_document(document)
    if not sources["triggers"]["factors"]:
        del sources["triggers"]
    blocks = tuple(
        Chart(name, charts.CHARTS[name].title, charts.describe(name, source).sentence)
        for name, source in sources.items()
    )
    return Section("charts", APPENDIX_SECTIONS["charts"], blocks, appendix=True), sources


def _triggers_section(document: Document) -> Section:
    columns = (
        "Factor",
        "Definition",
        "Days exposed / not",
        "Episodes exposed / not",
        "Rate ratio (95% CI)",
        "q",
        "Significant",
    )
    rows = tuple(
        (
            f["exposure"],
            _lag_text(f["lag_days"]),
            f"{f['exposed_days']} / {f['unexposed_days']}",
            f"{f['exposed_episodes']} / {f['unexposed_episodes']}",
            _ci_text(f),
            _number(f["q_value"], 3),
            "yes" if f["significant"] else "no",
        )
        for f in document["factors"]
    )
    blocks = (
        Text(document["note"], "small"),
        Grid(columns, rows, (0.2, 0.16, 0.13, 0.14, 0.19, 0.08, 0.1)),
    )
    return Section("triggers", APPENDIX_SECTIONS["triggers"], blocks, appendix=True)


def _relief_section(document: Document) -> Section:
    relief = document["patterns"]["relief"]
    if not relief:
        blocks: tuple[Block, ...] = (Text("No relief recorded with how much it helped."),)
    else:
        rows = tuple(
            (r["label"], str(r["uses"]), str(r["helped"]), f"{r['share_helped']:.0%}")
            for r in relief
        )
        blocks = (Grid(RELIEF_COLUMNS, rows, (0.4, 0.15, 0.3, 0.15)),)
    return Section("relief", APPENDIX_SECTIONS["relief"], blocks, appendix=True)


def _checkins_section(document: Document) -> Section:
    columns = (
        "Week starting",
        "Check-ins",
        "Water (L a day)",
        "Sleep (h)",
        "Alcohol (drinks)",
        "Exercise (min)",
        "Stress (0–10)",
    )
    rows = tuple(
        (
            day_text(week["week_start"]),
            str(week["checkins"]),
            _number(week["water_litres"]),
            _number(week["sleep_hours"]),
            "–" if week["alcohol_drinks"] is None else str(week["alcohol_drinks"]),
            "–" if week["exercise_minutes"] is None else str(week["exercise_minutes"]),
            _number(week["stress"]),
        )
        for week in document["checkins_per_week"]
    )
    blocks = (
        Text("Means over the check-ins that recorded each; alcohol and exercise are totals."),
        Grid(columns, rows, (0.2, 0.12, 0.14, 0.12, 0.14, 0.14, 0.14)),
    )
    return Section("checkins", APPENDIX_SECTIONS["checkins"], blocks, appendix=True)


def _labels(values: Sequence[str], choices) -> str:
    return ", ".join(choices(value).label for value in values) or "–"


def _episode_row(episode: EpisodeEntry) -> tuple[str, ...]:
    relief = _labels(episode.relief, Relief)
    if episode.relief_effect:
        relief += f" ({ReliefEffect(episode.relief_effect).label.lower()})"
    # A night counted in the morning has no real hour to show.
    started = f"{episode.started:%Y-%m-%d}, night (time estimated)"
    return (
        started if episode.time_estimated else f"{episode.started:%Y-%m-%d %H:%M}",
        f"{Muscle(episode.muscle).label}, {Side(episode.side).label.lower()}",
        str(episode.intensity),
        duration_text(episode.duration_seconds),
        EpisodeKind(episode.kind).label.split(" (")[0],
        Activity(episode.activity).label if episode.activity else "–",
        _labels(episode.symptoms, Symptom),
        relief,
    )


def _episodes_section(report: ReportInput) -> Section:
    columns = ("Started", "Muscle, side", "Int.", "Duration", "Kind", "Doing", "Symptoms", "Relief")
    if not report.episodes:
        blocks: tuple[Block, ...] = (Text("No episodes in this period."),)
    else:
        rows = tuple(_episode_row(e) for e in report.episodes)
        notes = {i: f"Notes: {isolate(e.notes)}" for i, e in enumerate(report.episodes) if e.notes}
        widths = (0.14, 0.15, 0.05, 0.09, 0.1, 0.13, 0.15, 0.19)
        blocks = (Grid(columns, rows, widths, notes),)
    return Section("episodes", APPENDIX_SECTIONS["episodes"], blocks, appendix=True)


def build_report(report: ReportInput) -> Report:
    """Page 1's sections in the order a clinician asks, then the appendix sections chosen."""
    document = report.document
    page_one = (
        _numbers(document),
        _where_and_when(document),
        _ordinary(document),
        _red_flags(document),
        _associated(document),
        _medications(report),
    )
    appendix: list[Section] = []
    chart_documents: dict[str, Document] = {}
    # A period with nothing recorded is one page that says so.
    recorded = document["episodes"] or document["days_with_checkin"]
    for key in APPENDIX_SECTIONS:
        if key not in report.sections or not recorded:
            continue
        if key == "charts":
            section, chart_documents = _charts_section(document)
        elif key == "episodes":
            section = _episodes_section(report)
        else:
            section = {
                "triggers": _triggers_section,
                "relief": _relief_section,
                "checkins": _checkins_section,
            }[key](document)
        appendix.append(section)
    return Report(
        title=TITLE,
        person=report.person,
        date_of_birth=report.date_of_birth,
        start=document["window"]["start"],
        end=document["window"]["end"],
        period=period_text(document),
        made_on=report.made_on,
        data_quality=data_quality_text(document),
        page_one=page_one,
        appendix=tuple(appendix),
        paper=report.paper,
        chart_documents=chart_documents,
    )


def render_chart(report: Report, name: str, for_pdf: bool = False) -> bytes:
    """An appendix chart as SVG, drawn from what the report shows."""
    source = report.chart_documents[name]
    size = None
    if name == "triggers":
        # Only the judged factors: a short plot for a few of them.
        width, _ = charts.CHARTS[name].size
        size = (width, min(MAX_FOREST_INCHES, 1.6 + 0.28 * len(source["factors"])))
    svg = charts.render_svg(name, source, size)
    if for_pdf:
        # matplotlib writes a shape's alpha as `opacity`, which svglib ignores (the night band
        # of the time-of-day chart came out solid grey); it reads `fill-opacity`.
        svg = svg.replace(b"; opacity: ", b"; fill-opacity: ")
    return svg


# The PDF


def _dejavu(name: str) -> Path:
    return Path(matplotlib.get_data_path()) / "fonts" / "ttf" / FONT_FILES[name]


@cache
def font_chain(name: str) -> tuple[Font, ...]:
    """The fonts a character of a paragraph in `name` is looked up in, in turn: the paragraph's
    own, DejaVu Sans (the bold face lacks some scripts the regular has), then Noto Emoji."""
    names = dict.fromkeys((name, FONT))
    return (*(Font(n, _dejavu(n)) for n in names), Font(EMOJI_FONT, EMOJI_FILE))


@cache
def _register_fonts() -> None:
    """DejaVu Sans from matplotlib's own package data: accents, Greek, Cyrillic, Hebrew,
    Arabic…; Noto Emoji, shipped in diary/pdf/fonts, for the emoji DejaVu lacks."""
    # Registered under the name matplotlib gives it in the charts' SVG, for svglib too.
    svg_fonts.register_font("DejaVu Sans", str(_dejavu(FONT)), rlgFontName=FONT)
    svg_fonts.register_font(
        "DejaVu Sans", str(_dejavu(BOLD_FONT)), weight="bold", rlgFontName=BOLD_FONT
    )
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD_FONT)
    pdfmetrics.registerFont(TTFont(EMOJI_FONT, str(EMOJI_FILE)))


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=FONT, fontSize=8, leading=9.8, spaceAfter=1.5)
    return {
        "title": ParagraphStyle("title", body, fontName=BOLD_FONT, fontSize=14, leading=17),
        "heading": ParagraphStyle(
            "heading", body, fontName=BOLD_FONT, fontSize=9.5, leading=12, spaceBefore=5
        ),
        "appendix": ParagraphStyle(
            "appendix", body, fontName=BOLD_FONT, fontSize=13, leading=16, spaceAfter=4
        ),
        "body": body,
        "strong": ParagraphStyle("strong", body, fontName=BOLD_FONT),
        "small": ParagraphStyle(
            "small", body, fontSize=7, leading=8.6, textColor=colors.HexColor("#404040")
        ),
        "cell": ParagraphStyle("cell", body, fontSize=7, leading=8.6, spaceAfter=0),
        "head": ParagraphStyle("head", body, fontName=BOLD_FONT, fontSize=7, leading=8.6),
        "label": ParagraphStyle("label", body, fontName=BOLD_FONT, spaceAfter=0),
        "value": ParagraphStyle("value", body, spaceAfter=0),
    }


def _paragraph(text: str, style: ParagraphStyle, width: float) -> Paragraph:
    """`text` as written, in a paragraph `width` wide: escaped, so "<b>" or "&" is never read
    as markup, each character in a font that has it, right-to-left text in display order."""
    fonts = font_chain(style.fontName)
    if not has_right_to_left(text):
        return Paragraph(markup(text, fonts), style)

    def measure(line: str) -> float:
        return sum(
            pdfmetrics.stringWidth(part, font, style.fontSize) for font, part in runs(line, fonts)
        )

    lines, direction = visual_lines(text, width - LINE_SLACK, measure)
    if direction == "R":
        style = ParagraphStyle(f"{style.name}-rtl", style, alignment=TA_RIGHT)
    return Paragraph("<br/>".join(markup(line, fonts) for line in lines), style)


GRID_PADDING = 2
FACTS_RIGHT_PADDING = 6
GRID_STYLE = TableStyle(
    [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.HexColor("#404040")),
        ("LEFTPADDING", (0, 0), (-1, -1), GRID_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), GRID_PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]
)


def _facts(block: Facts, width: float, styles) -> Table:
    label_width, value_width = 0.3 * width, 0.7 * width
    rows = [
        [
            _paragraph(label, styles["label"], label_width - FACTS_RIGHT_PADDING),
            _paragraph(value, styles["value"], value_width - FACTS_RIGHT_PADDING),
        ]
        for label, value in block.rows
    ]
    table = Table(rows, colWidths=[label_width, value_width], hAlign="LEFT", splitInRow=1)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), FACTS_RIGHT_PADDING),
                ("TOPPADDING", (0, 0), (-1, -1), 0.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5),
                ("LINEBELOW", (0, 0), (-1, -2), 0.25, colors.HexColor("#BBBBBB")),
            ]
        )
    )
    return table


def _cell(text: str, style: ParagraphStyle, width: float) -> str | Paragraph:
    """A cell that fits on one line in the paragraph's own font as a plain string, which the
    table draws itself (a year's episode list has thousands of cells: as paragraphs they took
    a third of the layout); anything else as a paragraph."""
    if (
        font_chain(style.fontName)[0].draws_all(text)
        and not has_right_to_left(text)
        and "\n" not in text
        and pdfmetrics.stringWidth(text, style.fontName, style.fontSize) <= width
    ):
        return text
    return _paragraph(text, style, width)


def consecutive_stretches(numbers: Sequence[int]) -> list[tuple[int, int]]:
    """Ascending `numbers` as (first, last) stretches of consecutive ones: 1 2 3 5 gives
    (1, 3) and (5, 5)."""
    stretches: list[tuple[int, int]] = []
    for number in numbers:
        if stretches and stretches[-1][1] == number - 1:
            stretches[-1] = (stretches[-1][0], number)
        else:
            stretches.append((number, number))
    return stretches


def _grid(block: Grid, width: float, styles) -> Table:
    widths = [share * width for share in block.widths]
    inner = [column - 2 * GRID_PADDING for column in widths]
    rows: list[list[Any]] = [
        [_paragraph(c, styles["head"], w) for c, w in zip(block.columns, inner, strict=True)]
    ]
    commands: list[tuple] = []
    group_ends = []  # the rows a line goes below: an entry's own, or its note's
    for index, row in enumerate(block.rows):
        rows.append([_cell(cell, styles["cell"], w) for cell, w in zip(row, inner, strict=True)])
        note = block.notes.get(index)
        if note is not None:
            spanned = _paragraph(note, styles["cell"], width - 2 * GRID_PADDING)
            rows.append([spanned] + [""] * (len(block.columns) - 1))
            commands.append(("SPAN", (0, len(rows) - 1), (-1, len(rows) - 1)))
        group_ends.append(len(rows) - 1)
    # One command for each stretch of rows in a row: the table applies every command again
    # to each page it is split into, and a year's episodes are hundreds of rows.
    for first, last in consecutive_stretches(group_ends):
        commands.append(("LINEBELOW", (0, first), (-1, last), 0.25, "#BBBBBB"))
    # splitInRow lets one row (a 10,000-character note) run on over several pages.
    table = Table(
        rows,
        colWidths=widths,
        repeatRows=1,
        splitInRow=1,
        hAlign="LEFT",
    )
    table.setStyle(GRID_STYLE)
    cell = styles["cell"]
    # How the table draws the plain-string cells: as the paragraph cells look.
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 1), (-1, -1), cell.fontName),
                ("FONTSIZE", (0, 1), (-1, -1), cell.fontSize),
                ("LEADING", (0, 1), (-1, -1), cell.leading),
            ]
        )
    )
    table.setStyle(TableStyle(commands))
    return table


def _chart(block: Chart, svg: bytes, width: float, styles) -> Flowable:
    drawing = svg2rlg(io.BytesIO(svg))
    assert drawing is not None  # svglib gives None only for a file it cannot parse; ours parse
    scale = width / drawing.width
    drawing.scale(scale, scale)
    drawing.width, drawing.height = width, drawing.height * scale
    drawing.hAlign = "LEFT"
    return KeepTogether(
        [
            drawing,
            _paragraph(block.sentence, styles["small"], width),
            Spacer(1, 4 * mm),
        ]
    )


def _flowables(section: Section, svgs: dict[str, bytes], width: float, styles) -> list[Flowable]:
    heading = styles["appendix"] if section.appendix else styles["heading"]
    flowables: list[Flowable] = [_paragraph(section.title, heading, width)]
    for block in section.blocks:
        if isinstance(block, Text):
            flowables.append(_paragraph(block.text, styles[block.kind], width))
        elif isinstance(block, Facts):
            flowables.append(_facts(block, width, styles))
        elif isinstance(block, Grid):
            flowables.append(_grid(block, width, styles))
        else:
            flowables.append(_chart(block, svgs[block.name], width, styles))
    return flowables


def _header(report: Report, styles, width: float) -> list[Flowable]:
    born = f" · born {day_text(report.date_of_birth)}" if report.date_of_birth else ""
    made = f"Period {report.period} · made on {day_text(report.made_on)}"
    return [
        _paragraph(f"{report.title}: {isolate(report.person)}{born}", styles["title"], width),
        _paragraph(made, styles["body"], width),
        _paragraph(report.data_quality, styles["small"], width),
    ]


FOOTER_STYLE = ParagraphStyle(
    "footer", fontName=FONT, fontSize=FOOTER_SIZE, leading=9, textColor=colors.HexColor("#404040")
)
PAGE_NUMBER_WIDTH = 25 * mm


# reportlab writes a character beyond U+FFFF in a font's ToUnicode map as 5 or 6 hex digits,
# which readers refuse ("odd-length string"), so an emoji could not be searched or copied.
_ASTRAL_ENTRY = re.compile(r"<([0-9A-F]{2})> <([0-9A-F]{5,6})>")


def utf16_to_unicode_map(cmap: str) -> str:
    """A ToUnicode CMap with every code point written as UTF-16BE, as the PDF format has it."""

    def entry(match: re.Match) -> str:
        utf16 = chr(int(match[2], 16)).encode("utf-16-be").hex().upper()
        return f"<{match[1]}> <{utf16}>"

    return _ASTRAL_ENTRY.sub(entry, cmap)


class _NumberedCanvas(Canvas):
    """Holds each page until the end, so that its footer can say "page x of y"."""

    footer = ""
    # reportlab's own state, which its stubs leave out.
    _doc: Any
    _pagesize: tuple[float, float]
    _pageNumber: int
    _startPage: Callable[[], None]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []

    def showPage(self) -> None:  # noqa: N802 (reportlab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        for page in self._pages:
            self.__dict__.update(page)
            self._draw_footer(len(self._pages))
            super().showPage()
        # The fonts' objects are made now rather than as the file is written, to mend their maps.
        document = self._doc
        for font in document.delayedFonts:
            font.addObjects(document)
        document.delayedFonts = []
        for name, stream in document.idToObject.items():
            if name.startswith("toUnicodeCMap:"):
                stream.content = utf16_to_unicode_map(stream.content)
        super().save()

    def _draw_footer(self, pages: int) -> None:
        width, _ = self._pagesize
        # The footer names the person, whose name may be in any script or hold an emoji.
        footer = _paragraph(self.footer, FOOTER_STYLE, width - 30 * mm - PAGE_NUMBER_WIDTH)
        footer.wrap(width - 30 * mm - PAGE_NUMBER_WIDTH, 20 * mm)
        footer.drawOn(self, 15 * mm, 10 * mm - FOOTER_STYLE.leading + FOOTER_SIZE)
        self.setFont(FONT, FOOTER_SIZE)
        self.setFillColor(colors.HexColor("#404040"))
        self.drawRightString(width - 15 * mm, 10 * mm, f"page {self._pageNumber} of {pages}")


def build_pdf(report: Report) -> bytes:
    """The report as PDF bytes: page 1, then each appendix section from a new page."""
    _register_fonts()
    styles = _styles()
    _, size = PAPERS[report.paper]
    buffer = io.BytesIO()
    document = BaseDocTemplate(
        buffer,
        pagesize=size,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=14 * mm,
        bottomMargin=16 * mm,
        title=f"{report.title}: {report.person}, {report.period}",
        subject=f"{DISCLAIMER}: cramps and spasms from {report.period}",
        author=report.person,
        creator="Spasmlog",
        lang="en",
        invariant=1,  # the same diary gives the same bytes, whoever asks and when
    )
    frame = Frame(
        document.leftMargin,
        document.bottomMargin,
        document.width,
        document.height,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    document.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    # Each chart is drawn once, however the layout splits the pages.
    svgs = {
        block.name: render_chart(report, block.name, for_pdf=True)
        for section in report.appendix
        for block in section.blocks
        if isinstance(block, Chart)
    }
    story = _header(report, styles, document.width)
    for section in report.page_one:
        story += _flowables(section, svgs, document.width, styles)
    for section in report.appendix:
        story += [PageBreak(), *_flowables(section, svgs, document.width, styles)]
    canvas_class: type[_NumberedCanvas] = type(
        "ReportCanvas", (_NumberedCanvas,), {"footer": report.footer}
    )
    document.build(story, canvasmaker=canvas_class)
    return buffer.getvalue()
