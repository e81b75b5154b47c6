"""The insights charts, drawn with matplotlib from the insights document and returned as SVG.

Each figure is a `matplotlib.figure.Figure` built directly (pyplot keeps global state that
leaks in a server). Colours come from the Okabe–Ito palette, which colour-blind readers can
tell apart; the background is transparent and a small stylesheet inside the SVG swaps the text
colour for a light one when the system is in dark mode. Every chart has a text alternative with
the same numbers, for screen readers and for anyone who prefers a table.
"""

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

import matplotlib
import matplotlib.dates
import numpy as np
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont, get_font
from matplotlib.ft2font import LoadFlags
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator, NullFormatter
from matplotlib.typing import RcKeyType

from diary.analysis.redflags import SEVERE_INTENSITY
from diary.analysis.triggers import RateComparison
from diary.words import count_of

Document = dict[str, Any]

# Okabe & Ito (2008), "Color Universal Design".
BLUE = "#0072B2"
ORANGE = "#E69F00"
SKY = "#56B4E9"
GREEN = "#009E73"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
GREY = "#8C8C8C"
# Text and axes: dark on a light page; _for_both_themes lightens exactly this colour in dark mode.
FOREGROUND = "#404040"
DARK_MODE_FOREGROUND = "#DEE2E6"
SIDE_COLOURS = {"left": BLUE, "right": ORANGE, "both": GREEN, "not_applicable": PURPLE}
SIDE_LABELS = {"left": "Left", "right": "Right", "both": "Both", "not_applicable": "N/A"}
RATIO_LIMITS = (0.05, 50.0)
RATIO_TICKS = (0.05, 0.1, 0.25, 0.5, 1, 2, 4, 10, 25, 50)
# Yellow to vermillion: every step stays visible on a white and on a near-black page.
HEAT = LinearSegmentedColormap.from_list("heat", ["#F0E442", ORANGE, VERMILLION])

STYLE: dict[RcKeyType, Any] = {
    "font.size": 9,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "text.color": FOREGROUND,
    "axes.labelcolor": FOREGROUND,
    "axes.edgecolor": FOREGROUND,
    "xtick.color": FOREGROUND,
    "ytick.color": FOREGROUND,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
    "svg.hashsalt": "spasmlog",  # stable element ids: the same data gives the same bytes
    # Labels hold the person's own words (medication names): "$…$" in one is text, never
    # mathtext, which failed on a malformed name and made the chart a 500.
    "text.parse_math": False,
    "text.usetex": False,
    # Text stays text: the browser (or the PDF's embedded font) sets it. Drawing each glyph as
    # a path cost most of a chart's time and most of its bytes.
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    # A panel's title at a fixed height above it: left to matplotlib, every titled axes
    # measures its tick labels at draw time to lift the title clear of top ticks, which no
    # chart has (a fifth of the time of the eight-panel "amounts").
    "axes.titley": 1.0,
}
POINTS_PER_INCH = 72
MEASURING_POINTS = 100
TEXT_SLACK = 1.08
# The most of a chart's width its row labels may take; a longer name (an own factor's, a
# medication's) is shortened with "…" there, and given whole in the text alternative.
MAX_LABEL_SHARE = 0.5


@dataclass(frozen=True)
class TextAlternative:
    sentence: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    size: tuple[float, float]
    draw: Callable[[Figure, Document], None]
    describe: Callable[[Document], TextAlternative]


def _number(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


@cache
def _advance_ems(character: str) -> float:
    """How far the chart font moves on after `character`, in ems (unhinted, from the font)."""
    font = get_font(findfont(FontProperties(family=STYLE["font.sans-serif"])))
    font.set_size(MEASURING_POINTS, POINTS_PER_INCH)
    glyph = font.load_char(ord(character), flags=LoadFlags.NO_HINTING)
    return glyph.linearHoriAdvance / 65536 / MEASURING_POINTS  # 16.16 fixed point pixels


def _text_inches(labels: list[str], points: float = 9) -> float:
    """How wide the widest of `labels` is when set at `points`, from the font's advances,
    each character's looked up once (matplotlib's layout engine measured every text of a
    figure, twice: ~6,700 measurements a dashboard)."""
    widest = max((sum(map(_advance_ems, label)) for label in labels), default=0.0)
    # Hinted to a screen's pixels (or set in a browser's own sans-serif) a label comes out a
    # few percent wider.
    return TEXT_SLACK * widest * points / POINTS_PER_INCH


def _shortened(label: str, inches: float, points: float = 9) -> str:
    """`label`, cut with "…" to fit `inches`."""
    if _text_inches([label], points) <= inches:
        return label
    while len(label) > 1 and _text_inches([label + "…"], points) > inches:
        label = label[:-1]
    return label.rstrip() + "…"


def _title(figure: Figure, text: str) -> None:
    # Centred on the figure, not the axes: those sit right of the row labels, maybe narrow.
    figure.suptitle(text, fontsize=STYLE["axes.titlesize"], fontweight=STYLE["axes.titleweight"])


def _label_room(figure: Figure) -> float:
    return MAX_LABEL_SHARE * figure.get_size_inches()[0]


def _fit(
    figure: Figure,
    left: float = 0.75,
    bottom: float = 0.55,
    right: float = 0.2,
    top: float = 0.35,
    **spacing: float,
) -> None:
    """Fixed margins, in inches, around the figure's axes: room for the ticks, labels and title
    that each chart knows it has, without a layout engine drawing the figure to find out."""
    width, height = figure.get_size_inches()
    figure.subplots_adjust(
        left=left / width,
        right=1 - right / width,
        bottom=bottom / height,
        top=1 - top / height,
        **spacing,
    )


def _no_data(axes, text: str = "No episodes in this window") -> None:
    axes.text(0.5, 0.5, text, ha="center", va="center", color=GREY, transform=axes.transAxes)


# The trigger forest plot


def _factor_label(factor: dict[str, Any], inches: float | None = None) -> str:
    """ "water < 1.5 L (same day)"; within `inches`, the exposure is shortened, never the
    lag that tells two rows apart."""
    when = {0: "same day", 1: "day before"}.get(factor["lag_days"], "day or day before")
    exposure = factor["exposure"]
    if inches is not None:
        exposure = _shortened(exposure, inches - _text_inches([f" ({when})"]))
    return f"{exposure} ({when})"


def _missing_text(factor: dict[str, Any]) -> str:
    """What a thin row still needs, in fewer words than its summary so that it fits the row."""
    counts = ("exposed_days", "unexposed_days", "exposed_episodes", "unexposed_episodes")
    comparison = RateComparison(**{name: factor[name] for name in counts})
    needs = [
        (comparison.more_exposed_days_needed, "exposed day"),
        (comparison.more_unexposed_days_needed, "other day"),
        (comparison.more_episodes_needed, "episode"),
    ]
    return "not enough data: needs " + ", ".join(
        count_of(count, noun) for count, noun in needs if count
    )


def _clip_ratio(value: float | None, infinite_if_none: bool = True) -> float:
    low, high = RATIO_LIMITS
    if value is None:
        return high if infinite_if_none else low
    return min(max(value, low), high)


def _draw_triggers(figure: Figure, document: Document) -> None:
    factors = document["factors"]
    axes = figure.subplots()
    axes.set_xscale("log")
    judged = [f for f in factors if f["enough_data"]]
    bounds = [f["ci_low"] for f in judged if f["ci_low"]] + [
        f["ci_high"] for f in judged if f["ci_high"]
    ]
    low = max(RATIO_LIMITS[0], min([0.25, *bounds]) / 1.3)
    high = min(RATIO_LIMITS[1], max([4.0, *bounds]) * 1.3)
    axes.set_xlim(low, high)
    axes.axvline(1, color=GREY, linestyle="--", linewidth=1)
    positions = np.arange(len(factors))[::-1]
    # One artist per kind of mark, not one per row: each artist costs more than its points.
    intervals: list[tuple[float, float, float, str]] = []
    marks: dict[tuple[bool, str], list[tuple[float, float]]] = {}
    for y, factor in zip(positions, factors, strict=True):
        if not factor["enough_data"]:
            axes.text(low * 1.1, y, _missing_text(factor), va="center", fontsize=7.5, color=GREY)
            continue
        ratio = min(max(_clip_ratio(factor["rate_ratio"]), low), high)
        ci_low = max(_clip_ratio(factor["ci_low"], infinite_if_none=False), low)
        ci_high = min(_clip_ratio(factor["ci_high"]), high)
        significant = factor["significant"]
        intervals.append((y, ci_low, ci_high, VERMILLION if significant else BLUE))
        if factor["ci_high"] is None or factor["ci_high"] > high:
            marks.setdefault((significant, ">"), []).append((ci_high, y))
        marks.setdefault((significant, "D" if significant else "o"), []).append((ratio, y))
    if intervals:
        ys, lows, highs, colours = zip(*intervals, strict=True)
        axes.hlines(ys, lows, highs, colors=colours, linewidth=2)
    for (significant, marker), points in marks.items():
        xs, ys = zip(*points, strict=True)
        size = 8 if marker == "D" else 6
        colour = VERMILLION if significant else BLUE
        axes.plot(xs, ys, linestyle="none", marker=marker, markersize=size, color=colour)
    labels = [_factor_label(f, _label_room(figure)) for f in factors]
    axes.set_yticks(positions, labels)
    # Under the axes: tick labels, a two-line axis label and the legend.
    _fit(figure, left=0.15 + _text_inches(labels), bottom=1.15, right=0.1, top=0.4)
    for label, factor in zip(axes.get_yticklabels(), factors, strict=True):
        if not factor["enough_data"]:
            label.set_color(GREY)
    axes.set_ylim(-0.7, len(factors) - 0.3)
    axes.xaxis.set_major_locator(FixedLocator([t for t in RATIO_TICKS if low <= t <= high]))
    axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}×"))
    axes.xaxis.set_minor_formatter(NullFormatter())
    axes.set_xlabel("Rate ratio, log scale\n(right of 1×: more cramps when exposed)")
    _title(figure, "Cramp rate when exposed vs not (95% CI)")
    axes.plot([], [], "D", color=VERMILLION, label="significant (q < 0.05)")
    axes.plot([], [], "o", color=BLUE, label="not significant")
    # Below the two-line axis label, whatever the figure's height (the report's is shorter).
    legend_y = -0.85 / (figure.get_size_inches()[1] * (axes.get_position().height or 1))
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, legend_y), ncols=2, fontsize=8)


def _describe_triggers(document: Document) -> TextAlternative:
    factors = document["factors"]
    judged = [f for f in factors if f["enough_data"]]
    significant = [_factor_label(f) for f in factors if f["significant"]]
    sentence = f"{len(factors)} comparisons, {len(judged)} with enough data to judge. " + (
        "Significantly associated with your cramps: " + "; ".join(significant) + "."
        if significant
        else "None is significantly associated with your cramps."
    )
    rows = tuple(
        (
            _factor_label(f),
            f"{f['exposed_episodes']} in {f['exposed_days']} days",
            f"{f['unexposed_episodes']} in {f['unexposed_days']} days",
            _number(f["rate_ratio"])
            if f["enough_data"] and f["rate_ratio"] is not None
            else ("∞" if f["enough_data"] else "–"),
            f"{_number(f['ci_low'])} to {'∞' if f['ci_high'] is None else _number(f['ci_high'])}"
            if f["enough_data"]
            else "–",
            _number(f["q_value"], 3),
            f["summary"],
        )
        for f in factors
    )
    columns = ("Factor", "Exposed days", "Other days", "Rate ratio", "95% CI", "q", "In words")
    return TextAlternative(sentence, columns, rows)


# Dose and response: one small panel per numeric factor


def _draw_amounts(figure: Figure, document: Document) -> None:
    factors = document["dose_response"]
    columns = 2
    grid = figure.subplots(-(-len(factors) // columns), columns, sharey=True, squeeze=False)
    panels = grid.ravel()
    judged = [b for f in factors for b in f["bins"] if b["enough_data"]]
    # Room for the rates and most of their intervals; a longer one is cut with an arrow.
    top = max([0.5, *(2 * b["rate_per_day"] for b in judged)])
    top = min(top, max([0.5, *(b["ci_high"] for b in judged)])) * 1.05
    for axes, factor in zip(panels, factors, strict=False):
        positions = np.arange(len(factor["bins"]))
        for x, item in enumerate(factor["bins"]):
            if not item["enough_data"]:
                axes.text(
                    x, 0, f"{item['days']} days", ha="center", va="bottom", fontsize=6.5, color=GREY
                )
        judged_here = [(x, item) for x, item in enumerate(factor["bins"]) if item["enough_data"]]
        if judged_here:
            # One errorbar for the panel's points: each call builds its own artists.
            rates = np.array([item["rate_per_day"] for _, item in judged_here])
            highs = np.array([min(item["ci_high"], top) for _, item in judged_here])
            lows = np.array([item["ci_low"] for _, item in judged_here])
            axes.errorbar(
                [x for x, _ in judged_here],
                rates,
                yerr=[rates - lows, highs - rates],
                fmt="o",
                color=BLUE,
                capsize=3,
                markersize=4,
            )
        cut = [x for x, item in judged_here if item["ci_high"] > top]
        if cut:
            axes.plot(cut, [top] * len(cut), "^", color=BLUE, markersize=5)
        axes.set_xticks(positions, [item["label"] for item in factor["bins"]], fontsize=6.5)
        axes.set_ylim(0, top)
        axes.set_title(factor["title"], fontsize=9)
    for axes in panels[len(factors) :]:
        figure.delaxes(axes)  # an odd count leaves a cell empty
    for axes in grid[:, 0]:
        axes.set_ylabel("Episodes a day", fontsize=7.5)
    _title(figure, "Cramps by amount, on check-in days (95% CI)")
    # Each panel's title above it, its tick labels below: room between the rows.
    _fit(figure, left=0.6, bottom=0.45, right=0.35, top=0.55, hspace=0.75, wspace=0.2)


def _describe_amounts(document: Document) -> TextAlternative:
    factors = document["dose_response"]
    shown = [f["title"].lower() for f in factors if any(b["enough_data"] for b in f["bins"])]
    sentence = (
        "Episodes per check-in day at each amount recorded that day, for "
        + ", ".join(shown)
        + ". The sentences below give each one's rates."
        if shown
        else "No amount has been recorded on enough check-in days yet."
    )
    rows = tuple(
        (
            f["title"],
            b["label"],
            str(b["days"]),
            str(b["episodes"]),
            _number(b["rate_per_day"]),
            f"{_number(b['ci_low'])} to {_number(b['ci_high'])}" if b["enough_data"] else "–",
        )
        for f in factors
        for b in f["bins"]
    )
    columns = ("Factor", "Amount", "Days", "Episodes", "Per day", "95% CI")
    return TextAlternative(sentence, columns, rows)


# Episodes over time: per week, or per month or year in a long window (patterns.TIME_BINS)

_BIN_WORDS = {"week": "Week", "month": "Month", "year": "Year"}


def _over_time(document: Document) -> tuple[str, list[dict[str, Any]], list[date]]:
    over_time = document["patterns"]["episodes_over_time"]
    bins = over_time["bins"]
    return over_time["bin"], bins, [date.fromisoformat(b["start"]) for b in bins]


def _bar_widths(bins: list[dict[str, Any]], starts: list[date], last: date) -> list[float]:
    """Each bar a little narrower than its bin (a week's 6 of 7 days)."""
    ends = [*starts[1:], last]
    return [0.85 * (end - start).days for start, end in zip(starts, ends, strict=True)]


def _draw_weekly(figure: Figure, document: Document) -> None:
    bin_name, bins, starts = _over_time(document)
    axes = figure.subplots()
    window_end = date.fromisoformat(document["window"]["end"]) + timedelta(days=1)
    widths: float | list[float]
    if bin_name == "week":
        heights, widths, label = [b["episodes"] for b in bins], 6, "episodes"
    else:
        # Bins of unequal length compare as a rate; a bin the window cuts is still a rate.
        heights = [b["per_week"] for b in bins]
        widths, label = _bar_widths(bins, starts, window_end), "episodes a week"
    # Dates go through matplotlib's date converter, which its stubs do not know.
    axes.bar(starts, heights, width=widths, align="edge", color=SKY, label=label)  # type: ignore[arg-type]
    averages = [
        (s + timedelta(days=3.5), b["moving_average"])
        for s, b in zip(starts, bins, strict=True)
        if b["moving_average"] is not None
    ]
    if averages:
        axes.plot(
            *zip(*averages, strict=True), color=VERMILLION, linewidth=2, label="4-week average"
        )
        axes.legend(loc="upper left", fontsize=8)
    axes.set_ylim(bottom=0)
    axes.xaxis.set_major_formatter(
        matplotlib.dates.DateFormatter("%d %b\n%Y" if bin_name == "week" else "%Y")
    )
    axes.xaxis.set_major_locator(matplotlib.dates.AutoDateLocator(maxticks=7))
    axes.set_xlabel(f"{_BIN_WORDS[bin_name]} starting")
    if bin_name == "week":
        axes.set_ylabel("Episodes")
        _title(figure, "Episodes per week")
    else:
        axes.set_ylabel("Episodes a week")
        _title(figure, f"Episodes a week, by {bin_name}")
    _fit(figure, bottom=0.75)  # two-line dates


def _describe_weekly(document: Document) -> TextAlternative:
    bin_name, bins, _ = _over_time(document)
    total = sum(b["episodes"] for b in bins)
    busiest = max(bins, key=lambda b: b["per_week"] if bin_name != "week" else b["episodes"])
    sentence = f"{total} episodes over {count_of(len(bins), bin_name, bin_name + 's')}" + (
        f"; the most in the {bin_name} of {busiest['start']} ({busiest['episodes']})."
        if total
        else "."
    )
    if bin_name == "week":
        rows = tuple(
            (b["start"], str(b["days"]), str(b["episodes"]), _number(b["moving_average"], 1))
            for b in bins
        )
        columns = ("Week starting", "Days in window", "Episodes", "4-week average per week")
        return TextAlternative(sentence, columns, rows)
    rows = tuple(
        (b["start"], str(b["days"]), str(b["episodes"]), _number(b["per_week"], 1)) for b in bins
    )
    columns = (f"{_BIN_WORDS[bin_name]} starting", "Days in window", "Episodes", "Per week")
    return TextAlternative(sentence, columns, rows)


# Medications under the rate of episodes over time


def _draw_medications(figure: Figure, document: Document) -> None:
    bin_name, bins, starts = _over_time(document)
    medications = document["medications"]
    rate_axes, timeline = figure.subplots(
        2, 1, sharex=True, height_ratios=[2, max(1, 0.5 * len(medications))]
    )
    last = date.fromisoformat(document["window"]["end"]) + timedelta(days=1)
    widths = _bar_widths(bins, starts, last)
    # Only whole bins: a week the window cuts to a day or two would make a spike of nothing.
    whole = [
        (start, b["per_week"], width)
        for start, b, width in zip(starts, bins, widths, strict=True)
        if b["full"]
    ]
    rate_axes.bar(
        [start for start, _, _ in whole],
        [rate for _, rate, _ in whole],
        width=[6 if bin_name == "week" else width for _, _, width in whole],
        align="edge",
        color=SKY,
    )
    rate_axes.set_ylim(bottom=0)
    rate_axes.set_ylabel("Episodes a week")
    by = "" if bin_name == "week" else f" (by {bin_name})"
    _title(figure, f"Episodes a week{by}, and when each medication was taken")
    first = starts[0]
    for row, medication in enumerate(medications):
        began = date.fromisoformat(medication["started_on"] or first.isoformat())
        stopped = date.fromisoformat(medication["stopped_on"] or last.isoformat())
        shown = (max(began, first), min(stopped, last))
        if shown[0] < shown[1]:
            timeline.barh(row, shown[1] - shown[0], left=shown[0], height=0.6, color=GREEN)
    names = [_shortened(m["name"], _label_room(figure)) for m in medications]
    timeline.set_yticks(range(len(medications)), names)
    if medications:
        timeline.set_ylim(len(medications) - 0.5, -0.5)
    else:
        _no_data(timeline, "No medications recorded")
    timeline.set_xlim(first, last)
    timeline.xaxis.set_major_formatter(
        matplotlib.dates.DateFormatter("%d %b\n%Y" if bin_name == "week" else "%Y")
    )
    timeline.xaxis.set_major_locator(matplotlib.dates.AutoDateLocator(maxticks=7))
    _fit(figure, left=max(0.75, 0.15 + _text_inches(names)), bottom=0.5, hspace=0.15)


def _describe_medications(document: Document) -> TextAlternative:
    medications = document["medications"]
    rows = tuple(
        (m["name"], m["started_on"] or "unknown", m["stopped_on"] or "still taken")
        for m in medications
    )
    sentence = (
        "Medications: "
        + "; ".join(f"{name} from {began} to {stopped}" for name, began, stopped in rows)
        + "."
        if medications
        else "No medications recorded."
    )
    return TextAlternative(sentence, ("Medication", "Started", "Stopped"), rows)


# Time of day


def _draw_hours(figure: Figure, document: Document) -> None:
    hours = document["patterns"]["time_of_day"]
    axes = figure.subplots()
    axes.axvspan(-0.5, 5.5, color=GREY, alpha=0.2, linewidth=0, label="night (22:00–06:00)")
    axes.axvspan(21.5, 23.5, color=GREY, alpha=0.2, linewidth=0)
    axes.bar([h["hour"] for h in hours], [h["episodes"] for h in hours], color=BLUE)
    axes.set_xlim(-0.5, 23.5)
    axes.set_xticks(range(0, 24, 3), [f"{h:02d}:00" for h in range(0, 24, 3)])
    axes.yaxis.get_major_locator().set_params(integer=True)  # type: ignore[call-arg]  # the default AutoLocator takes it
    axes.set_xlabel("Hour the episode started (your time)")
    axes.set_ylabel("Episodes")
    _title(figure, "Time of day")
    _fit(figure)
    axes.legend(loc="upper center", fontsize=8)


def _describe_hours(document: Document) -> TextAlternative:
    patterns = document["patterns"]
    hours = patterns["time_of_day"]
    total = sum(h["episodes"] for h in hours) + patterns["time_estimated_episodes"]
    sentence = (
        f"{patterns['night_episodes']} of {total} episodes were at night "
        "(asleep, or between 22:00 and 06:00)."
    )
    if patterns["time_estimated_episodes"]:
        sentence += (
            f" The chart leaves out {patterns['time_estimated_episodes']} counted the next "
            "morning, whose time was only estimated."
        )
    rows = tuple((f"{h['hour']:02d}:00", str(h["episodes"])) for h in hours)
    return TextAlternative(sentence, ("Hour", "Episodes"), rows)


# Muscle and side


def _draw_muscles(figure: Figure, document: Document) -> None:
    muscles = document["patterns"]["muscles"]
    axes = figure.subplots()
    if not muscles:
        _no_data(axes)
    positions = np.arange(len(muscles))[::-1]
    left = np.zeros(len(muscles))
    for side, colour in SIDE_COLOURS.items():
        counts = np.array([m["sides"][side] for m in muscles])
        axes.barh(positions, counts, left=left, color=colour, label=SIDE_LABELS[side])
        left += counts
    axes.set_yticks(positions, [m["label"] for m in muscles])
    axes.xaxis.get_major_locator().set_params(integer=True)  # type: ignore[call-arg]  # the default AutoLocator takes it
    axes.set_xlabel("Episodes")
    _title(figure, "Where: muscle and side")
    _fit(figure, left=0.15 + _text_inches([m["label"] for m in muscles]), bottom=0.5)
    if muscles:
        axes.legend(loc="lower right", fontsize=8)


def _describe_muscles(document: Document) -> TextAlternative:
    muscles = document["patterns"]["muscles"]
    sentence = (
        "Most episodes were in the "
        + ", then ".join(f"{m['label'].lower()} ({m['episodes']})" for m in muscles[:3])
        + "."
        if muscles
        else "No episodes in this window."
    )
    rows = tuple(
        (m["label"], str(m["episodes"]), *(str(m["sides"][side]) for side in SIDE_COLOURS))
        for m in muscles
    )
    return TextAlternative(sentence, ("Muscle", "Episodes", *SIDE_LABELS.values()), rows)


# Intensity and duration


def _draw_intensity(figure: Figure, document: Document) -> None:
    levels = document["patterns"]["intensity"]
    axes = figure.subplots()
    axes.bar([lv["intensity"] for lv in levels], [lv["episodes"] for lv in levels], color=ORANGE)
    axes.set_xticks(range(11))
    axes.yaxis.get_major_locator().set_params(integer=True)  # type: ignore[call-arg]  # the default AutoLocator takes it
    axes.set_xlabel("Intensity (0 none, 10 worst imaginable)")
    axes.set_ylabel("Episodes")
    _title(figure, "How bad")
    _fit(figure)


def _describe_intensity(document: Document) -> TextAlternative:
    levels = document["patterns"]["intensity"]
    total = sum(lv["episodes"] for lv in levels)
    severe = sum(lv["episodes"] for lv in levels if lv["intensity"] >= SEVERE_INTENSITY)
    mean = sum(lv["intensity"] * lv["episodes"] for lv in levels) / total if total else None
    sentence = (
        f"Average intensity {mean:.1f} out of 10; {severe} of {total} episodes rated "
        f"{SEVERE_INTENSITY} or more."
        if total
        else "No episodes in this window."
    )
    rows = tuple((str(lv["intensity"]), str(lv["episodes"])) for lv in levels)
    return TextAlternative(sentence, ("Intensity", "Episodes"), rows)


def _draw_duration(figure: Figure, document: Document) -> None:
    duration = document["patterns"]["duration"]
    axes = figure.subplots()
    labels = [b["label"] for b in duration["bins"]]
    axes.bar(labels, [b["episodes"] for b in duration["bins"]], color=GREEN)
    axes.yaxis.get_major_locator().set_params(integer=True)  # type: ignore[call-arg]  # the default AutoLocator takes it
    axes.set_xlabel(f"Duration ({duration['not_recorded']} episodes without one not shown)")
    axes.set_ylabel("Episodes")
    _title(figure, "How long")
    _fit(figure)


def _describe_duration(document: Document) -> TextAlternative:
    duration = document["patterns"]["duration"]
    rows = tuple((b["label"], str(b["episodes"])) for b in duration["bins"])
    rows += (("not recorded", str(duration["not_recorded"])),)
    recorded = sum(b["episodes"] for b in duration["bins"])
    commonest = max(duration["bins"], key=lambda b: b["episodes"])
    sentence = (
        f"{recorded} episodes have a duration; the commonest is {commonest['label']}."
        if recorded
        else "No episode in this window has a duration."
    )
    return TextAlternative(sentence, ("Duration", "Episodes"), rows)


# Calendar heat map


def _calendar_grid(days: list[dict[str, Any]]) -> tuple[np.ndarray, date]:
    """Episodes arranged as weekday rows (Monday on top) by week columns."""
    first = date.fromisoformat(days[0]["date"])
    grid_start = first - timedelta(days=first.weekday())
    weeks = (date.fromisoformat(days[-1]["date"]) - grid_start).days // 7 + 1
    grid = np.full((7, weeks), np.nan)
    for item in days:
        offset = (date.fromisoformat(item["date"]) - grid_start).days
        grid[offset % 7, offset // 7] = item["episodes"]
    return grid, grid_start


def _draw_calendar(figure: Figure, document: Document) -> None:
    days = document["patterns"]["calendar"]["days"]
    grid, grid_start = _calendar_grid(days)
    axes = figure.subplots()
    _fit(figure, left=0.45, bottom=0.3, right=0.45, top=0.3)
    colours = HEAT.with_extremes(under=GREY + "33")
    peak = max(1.0, float(np.nanmax(grid)))
    mesh = axes.pcolormesh(grid, cmap=colours, vmin=0.5, vmax=peak, edgecolors="none")
    axes.set_aspect("equal")
    axes.invert_yaxis()
    axes.set_yticks([0.5, 2.5, 4.5, 6.5], ["Mon", "Wed", "Fri", "Sun"])
    month_starts = [date.fromisoformat(d["date"]) for d in days if d["date"].endswith("-01")]
    axes.set_xticks(
        [(m - grid_start).days // 7 + 0.5 for m in month_starts],
        [f"{m:%b}" for m in month_starts],
    )
    axes.tick_params(length=0)
    for spine in axes.spines.values():
        spine.set_visible(False)
    _title(figure, "Every day of the last 12 months")
    bar = figure.colorbar(mesh, ax=axes, shrink=0.8, extend="min", pad=0.02)
    bar.set_label("Episodes (grey: none)")
    bar.locator = MaxNLocator(integer=True)
    bar.update_ticks()


def _describe_calendar(document: Document) -> TextAlternative:
    calendar = document["patterns"]["calendar"]
    by_month: dict[str, list[int]] = {}
    for item in calendar["days"]:
        by_month.setdefault(item["date"][:7], []).append(item["episodes"])
    rows = tuple(
        (month, str(sum(counts)), str(sum(1 for c in counts if c)))
        for month, counts in by_month.items()
    )
    sentence = (
        f"From {calendar['start']} to {calendar['end']}: "
        f"{sum(int(r[1]) for r in rows)} episodes on {sum(int(r[2]) for r in rows)} days."
    )
    return TextAlternative(sentence, ("Month", "Episodes", "Days with episodes"), rows)


CHARTS: dict[str, Chart] = {
    chart.name: chart
    for chart in (
        Chart("triggers", "Triggers", (6.4, 7.5), _draw_triggers, _describe_triggers),
        Chart("amounts", "Cramps by amount", (6.4, 8.2), _draw_amounts, _describe_amounts),
        Chart("weekly", "Episodes per week", (6.4, 3.2), _draw_weekly, _describe_weekly),
        Chart(
            "medications",
            "Medications and the weekly rate",
            (6.4, 3.4),
            _draw_medications,
            _describe_medications,
        ),
        Chart("hours", "Time of day", (6.4, 3.2), _draw_hours, _describe_hours),
        Chart("muscles", "Muscle and side", (6.4, 3.6), _draw_muscles, _describe_muscles),
        Chart("intensity", "Intensity", (6.4, 3.0), _draw_intensity, _describe_intensity),
        Chart("duration", "Duration", (6.4, 3.0), _draw_duration, _describe_duration),
        Chart("calendar", "Calendar", (6.4, 1.5), _draw_calendar, _describe_calendar),
    )
}


def _for_both_themes(svg: bytes) -> bytes:
    """Lighten the foreground colour when the system is in dark mode.

    matplotlib writes colours into style attributes; an !important rule in the SVG's own
    stylesheet overrides them. No script is involved, so the image works as an <img>.
    """
    colour = FOREGROUND.lower()
    stylesheet = (
        "<style>@media (prefers-color-scheme: dark) {"
        f'[style*="fill: {colour}"] {{ fill: {DARK_MODE_FOREGROUND} !important; }}'
        f'[style*="stroke: {colour}"] {{ stroke: {DARK_MODE_FOREGROUND} !important; }}'
        "}</style>"
    ).encode()
    return re.sub(rb"(<svg[^>]*>)", lambda m: m.group(1) + stylesheet, svg, count=1)


def render_svg(name: str, document: Document, size: tuple[float, float] | None = None) -> bytes:
    """The chart `name` for the insights document, as SVG bytes; `size` in inches overrides
    the chart's own (the report's forest plot has only the judged factors).

    Drawn once, by savefig: fixed margins (_fit), no layout engine.
    """
    with matplotlib.rc_context(STYLE):
        figure = draw_figure(name, document, size)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="svg", transparent=True, metadata={"Date": None})
    return _for_both_themes(buffer.getvalue())


def draw_figure(name: str, document: Document, size: tuple[float, float] | None = None) -> Figure:
    """The chart's figure, laid out but not yet drawn (render_svg draws it, once)."""
    chart = CHARTS[name]
    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=size or chart.size)
        chart.draw(figure, document)
    return figure


def describe(name: str, document: Document) -> TextAlternative:
    return CHARTS[name].describe(document)
