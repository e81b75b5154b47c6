import io
import re
import xml.etree.ElementTree as ElementTree
from datetime import date, datetime, timedelta

import matplotlib
import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from synthetic_diary import ZONE, PlantedEffects, generate

from diary.analysis import charts
from diary.analysis.daytable import CustomFactorRecord, EpisodeRecord, MedicationRecord
from diary.analysis.doses import AMOUNTS
from diary.insights import Diary, build_document, load_diary
from diary.models import Profile

LAST_DAY = date(2025, 6, 30)


def document_for(episodes, checkins=(), medications=(), days: int = 90) -> dict:
    first_day = LAST_DAY - timedelta(days=days - 1)
    diary_start = min((c["date"] for c in checkins), default=first_day)
    return build_document(
        Diary(
            ZONE,
            first_day,
            LAST_DAY,
            diary_start,
            list(episodes),
            list(checkins),
            list(medications),
        )
    )


def empty_document() -> dict:
    return document_for([])


def one_episode_document() -> dict:
    episode = EpisodeRecord(datetime(2025, 6, 29, 3, 15, tzinfo=ZONE), "calf", "right", 9, 700)
    return document_for([episode], [{"date": date(2025, 6, 29), "water_ml": 900}])


def big_document() -> dict:
    diary = generate(4, PlantedEffects(low_water=3.0), days=730, last_day=LAST_DAY)
    medications = [MedicationRecord("Furosemide", "diuretic", started_on=date(2025, 3, 1))]
    return document_for(diary.episodes, diary.checkins, medications, days=730)


DOCUMENTS = {"empty": empty_document, "one episode": one_episode_document, "big": big_document}


def parse_svg(svg: bytes) -> ElementTree.Element:
    root = ElementTree.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    return root


@pytest.mark.parametrize("name", list(charts.CHARTS))
@pytest.mark.parametrize("diary", list(DOCUMENTS))
def test_every_chart_renders_for_every_diary(name, diary, db):
    document = DOCUMENTS[diary]()
    svg = charts.render_svg(name, document)
    parse_svg(svg)
    assert b"<script" not in svg
    text = charts.describe(name, document)
    assert text.sentence
    assert all(len(row) == len(text.columns) for row in text.rows)


def test_each_chart_renders_for_the_demo_diary(db):
    call_command("seed_demo", "--days", "365", "--username", "demo", stdout=io.StringIO())
    user = User.objects.get(username="demo")
    profile = Profile.get_or_create_for(user)
    today = datetime.now(profile.zone).date()
    document = build_document(load_diary(user, profile.zone, today - timedelta(days=364), today))
    for name in charts.CHARTS:
        parse_svg(charts.render_svg(name, document))


def test_charts_carry_a_dark_mode_stylesheet_for_their_text():
    svg = charts.render_svg("hours", empty_document()).decode()
    assert "@media (prefers-color-scheme: dark)" in svg
    assert f"fill: {charts.FOREGROUND.lower()}" in svg  # the colour the stylesheet swaps


def test_the_same_document_gives_the_same_bytes():
    document = one_episode_document()
    assert charts.render_svg("triggers", document) == charts.render_svg("triggers", document)


@pytest.mark.parametrize(
    "counts, text",
    [
        ((3, 5, 1, 0), "needs 4 exposed days, 2 other days, 4 episodes"),
        ((6, 9, 2, 2), "needs 1 exposed day, 1 episode"),
        ((9, 6, 5, 0), "needs 1 other day"),
    ],
)
def test_a_thin_row_of_the_forest_plot_says_what_is_missing(counts, text):
    names = ("exposed_days", "unexposed_days", "exposed_episodes", "unexposed_episodes")
    assert charts._missing_text(dict(zip(names, counts, strict=True))) == (
        f"not enough data: {text}"
    )


def test_the_forest_plot_marks_significant_rows_and_greys_thin_ones():
    diary = generate(4, PlantedEffects(low_water=3.0), days=730, last_day=LAST_DAY)
    # Cold exposure answered on only five days: too thin to judge.
    for n, checkin in enumerate(diary.checkins):
        checkin["cold_exposure"] = True if n < 5 else None
    text = charts.describe("triggers", document_for(diary.episodes, diary.checkins, days=730))
    assert "Significantly associated with your cramps: water < 1.5 L (same day)" in text.sentence
    cold_rows = [row for row in text.rows if row[0].startswith("cold exposure")]
    assert cold_rows and all(row[3] == "–" for row in cold_rows)
    assert all(row[6].startswith("Not enough data yet") for row in cold_rows)


def test_the_amounts_chart_text_gives_each_bins_rate(db):
    text = charts.describe("amounts", one_episode_document())
    assert text.sentence == "No amount has been recorded on enough check-in days yet."
    # One day under 1 L: counted, too few for a rate.
    assert text.rows[0] == ("Water", "< 1 L", "1", "1", "–", "–")
    assert len(text.rows) == sum(len(amount.labels) for amount in AMOUNTS)


def test_the_amounts_chart_has_a_panel_per_factor_with_each_rate_in_its_table():
    document = big_document()
    text = charts.describe("amounts", document)
    assert text.sentence.startswith(
        "Episodes per check-in day at each amount recorded that day, for water, sleep, stress,"
    )
    water = document["dose_response"][0]
    low = water["bins"][0]
    assert text.rows[0] == (
        "Water",
        "< 1 L",
        str(low["days"]),
        str(low["episodes"]),
        f"{low['rate_per_day']:.2f}",
        f"{low['ci_low']:.2f} to {low['ci_high']:.2f}",
    )
    svg = charts.render_svg("amounts", document).decode()
    for amount in AMOUNTS:
        assert amount.title in svg  # matplotlib writes each label's text in a comment


def test_the_calendar_text_sums_each_month():
    text = charts.describe("calendar", one_episode_document())
    assert text.rows[-1] == ("2025-06", "1", "1")
    assert len(text.rows) == 12
    assert text.sentence == "From 2024-07-01 to 2025-06-30: 1 episodes on 1 days."


def test_the_hours_text_counts_night_episodes():
    text = charts.describe("hours", one_episode_document())
    assert text.sentence == "1 of 1 episodes were at night (asleep, or between 22:00 and 06:00)."
    assert text.rows[3] == ("03:00", "1")


def test_svg_has_no_style_that_could_run_code():
    svg = charts.render_svg("muscles", big_document()).decode()
    assert not re.search(r"url\((?!#)", svg)  # no external references
    assert "javascript:" not in svg


def document_naming(name: str) -> dict:
    """120 days with a medication and an own factor (answered every other day) called `name`."""
    diary = generate(4, PlantedEffects(low_water=3.0), days=120, last_day=LAST_DAY)
    checkins = [
        {**checkin, "custom_factors": {name: number % 2 == 0}}
        for number, checkin in enumerate(diary.checkins)
    ]
    return build_document(
        Diary(
            ZONE,
            LAST_DAY - timedelta(days=119),
            LAST_DAY,
            min(c["date"] for c in checkins),
            diary.episodes,
            checkins,
            [MedicationRecord(name, "supplement", started_on=date(2025, 4, 1))],
            custom_factors=(CustomFactorRecord(name, "yes_no", None),),
        )
    )


@pytest.mark.parametrize("name", ["$\\frac{", "Mg $x^2$ 400", "$$", "a $\\undefined$ b"])
def test_dollar_signs_in_a_medication_or_own_factor_name_are_text_not_math(name):
    document = document_naming(name)
    for chart in charts.CHARTS:
        parse_svg(charts.render_svg(chart, document))
    # matplotlib writes each label's text in a comment
    assert name in charts.render_svg("medications", document).decode()
    assert f"{name}: yes" in charts.render_svg("triggers", document).decode()


def _texts_outside_the_figure(figure) -> list[str]:
    """Every visible text that does not fit in the figure, measured by matplotlib itself."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text

    renderer = FigureCanvasAgg(figure).get_renderer()
    figure.draw(renderer)
    # A tick outside the axis's view keeps its label object, but nothing draws it.
    undrawn = set()
    for axes in figure.axes:
        for axis in (axes.xaxis, axes.yaxis):
            low, high = sorted(axis.get_view_interval())
            span = (high - low) * 1e-9
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                if not low - span <= tick.get_loc() <= high + span:
                    undrawn |= {id(tick.label1), id(tick.label2)}
    box = figure.bbox
    outside = []
    for text in figure.findobj(Text):
        if id(text) in undrawn or not text.get_visible() or not text.get_text().strip():
            continue
        extent = text.get_window_extent(renderer)
        tolerance = 2  # pixels: anti-aliasing, and the ends of a glyph
        if (
            extent.x0 < box.x0 - tolerance
            or extent.x1 > box.x1 + tolerance
            or extent.y0 < box.y0 - tolerance
            or extent.y1 > box.y1 + tolerance
        ):
            outside.append(f"{text.get_text()} {extent.x0:.0f}..{extent.x1:.0f} of {box.x1:.0f}")
    return outside


@pytest.mark.parametrize("name", list(charts.CHARTS))
@pytest.mark.parametrize("diary", list(DOCUMENTS))
def test_every_label_fits_in_the_fixed_margins(name, diary, db):
    with matplotlib.rc_context(charts.STYLE):
        figure = charts.draw_figure(name, DOCUMENTS[diary]())
        assert _texts_outside_the_figure(figure) == []


def test_a_long_own_factor_or_medication_name_widens_the_margin_to_fit():
    document = document_naming("Magnesium glycinate with vitamin B6, evenings")
    for name in ("triggers", "medications"):
        with matplotlib.rc_context(charts.STYLE):
            assert _texts_outside_the_figure(charts.draw_figure(name, document)) == []


def test_text_is_kept_as_text_not_drawn_as_glyph_paths():
    svg = charts.render_svg("hours", one_episode_document()).decode()
    assert "<text" in svg and ">Time of day</text>" in svg
    assert 'id="DejaVuSans-' not in svg  # the glyph outlines of text drawn as paths


def test_no_layout_engine_draws_the_figure_first():
    figure = charts.draw_figure("weekly", one_episode_document())
    assert figure.get_layout_engine() is None


def test_a_name_too_long_for_the_chart_is_shortened_there_and_whole_in_the_text():
    name = "Magnesium " * 6  # 60 characters, the longest an own factor may have
    factor = {"exposure": name.strip(), "lag_days": 1}
    figure = charts.draw_figure("weekly", one_episode_document())
    label = charts._factor_label(factor, charts._label_room(figure))
    assert label.endswith("… (day before)")
    assert charts._text_inches([label]) <= charts._label_room(figure)
    assert charts._factor_label(factor) == f"{name.strip()} (day before)"
