"""The doctor's report: /report/, /report.pdf and `manage.py report`, read back with pypdf."""

import io
import json
import re
import unicodedata
from datetime import datetime, time, timedelta

import _rl_accel  # rl_accel, installed by pyproject's reportlab[accel]
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader
from reportlab.lib import rl_accel

from diary.days import local_date
from diary.files.portability import merge_diary, read_upload
from diary.models import CheckIn, Episode, Profile
from diary.pdf.report import Grid, _grid, _register_fonts, _styles, consecutive_stretches
from tests.factories import make_checkin, make_episode, new_episode

pytestmark = pytest.mark.django_db

HOSTILE_NOTES = [
    "<script>alert(1)</script>",
    "$x^{$ and \\frac{1}{2}",
    "Krampf in der Wade, très fort, Ωμέγα, судорога",
    "עברית and العربية",
    "cramp 😖 again",
]
PAGE_ONE_HEADINGS = [
    "How often, how bad, how long",
    "Where and when",
    "Compared with ordinary night cramps",
    "Red flags",
    "What seems associated",
    "Medications and conditions",
]


def today(user):
    return local_date(timezone.now(), Profile.get_or_create_for(user).zone)


def pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def add_episode(user, days_ago: int, **fields):
    return add_at(user, timezone.now() - timedelta(days=days_ago, hours=1), **fields)


def add_at(user, started, **fields):
    return make_episode(user, started_at=started, **({"duration_seconds": 90} | fields))


@pytest.fixture
def diary(user):
    """Episodes inside the last 30 days, each with a marker note, and one outside them."""
    for days_ago in range(1, 29, 3):
        add_episode(user, days_ago, notes=f"inside-{days_ago:02d}", intensity=days_ago % 11)
    add_episode(user, 45, notes="outside-45")
    for days_ago in range(1, 29):
        make_checkin(user, today(user) - timedelta(days=days_ago), water_ml=1000 + 50 * days_ago)
    return user


def window(user, days=30):
    end = today(user)
    return {"start": (end - timedelta(days=days - 1)).isoformat(), "end": end.isoformat()}


def test_page_one_holds_the_sections_in_order_with_the_insights_numbers(auth_client, diary):
    dates = window(diary)
    document = auth_client.get(reverse("diary:insights_json"), dates).json()
    response = auth_client.get(reverse("diary:report_pdf"), dates)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="spasmlog-report-{dates["start"]}-to-{dates["end"]}.pdf"'
    )
    first = flat(pages(response.content)[0])
    positions = [first.index(heading) for heading in PAGE_ONE_HEADINGS]
    assert positions == sorted(positions)
    history = document["history"]
    assert document["episodes"] == 10
    assert f"{document['episodes']} in {history['days']} days" in first
    assert f"{history['episodes_per_week']:.1f} a week" in first
    assert f"worst {history['intensity']['worst']}" in first
    assert "10 of 10 (100%)" in first  # in the calf or foot
    assert document["trend"]["summary"] in first
    quality = history["data_quality"]
    assert f"Check-ins on {quality['checkin_days']} of {quality['days']} days" in first
    assert "0 of 10 episodes were entered more than 24 h after they began" in first


def test_the_appendix_lists_every_episode_of_the_period_once_and_none_outside(auth_client, diary):
    response = auth_client.get(reverse("diary:report_pdf"), window(diary))
    text = flat(" ".join(pages(response.content)))
    for days_ago in range(1, 29, 3):
        assert text.count(f"inside-{days_ago:02d}") == 1
    assert "outside-45" not in text


def test_every_page_is_numbered_and_carries_the_disclaimer(auth_client, diary):
    texts = pages(auth_client.get(reverse("diary:report_pdf"), window(diary)).content)
    assert len(texts) > 1
    for number, text in enumerate(texts, start=1):
        assert f"page {number} of {len(texts)}" in text
        assert "Self-reported diary, not a diagnosis" in text


def test_an_empty_period_gives_one_page_that_says_nothing_was_recorded(auth_client, user):
    response = auth_client.get(reverse("diary:report_pdf"), window(user))
    texts = pages(response.content)
    assert len(texts) == 1
    assert "Nothing was recorded in this period." in texts[0]
    assert "page 1 of 1" in texts[0]


def test_hostile_and_long_text_comes_out_literally(auth_client, user):
    for index, note in enumerate(HOSTILE_NOTES):
        add_episode(user, index + 1, notes=note)
    long_note = " ".join(f"word{n:05d}" for n in range(1000))[:10_000]
    add_episode(user, 8, notes=long_note)
    response = auth_client.get(reverse("diary:report_pdf"), window(user))
    texts = pages(response.content)
    text = flat(" ".join(texts))
    for note in HOSTILE_NOTES[:3]:
        assert note in text
    # The emoji has a glyph (Noto Emoji) and a text mapping: it is found, not a blank box.
    assert "cramp 😖 again" in text
    # The 10,000 characters run on over more than one page, every word kept.
    assert "word00000" in text and "word00908" in text
    pages_with_words = [t for t in texts if "word0" in t]
    assert len(pages_with_words) >= 2


def test_right_to_left_notes_are_found_in_reading_order(auth_client, user):
    hebrew = "שלום, הכאב ברגל השמאלית היה חזק מאוד הלילה ונמשך כמה דקות"
    arabic = "تشنج في عضلة الساق اليسرى استمر خمس دقائق"
    add_episode(user, 1, notes=" ".join([hebrew] * 4))  # over two lines
    add_episode(user, 2, notes=arabic)
    response = auth_client.get(reverse("diary:report_pdf"), window(user))
    # Arabic is printed in its joined forms (presentation forms), which NFKC reads back as
    # letters; pypdf puts right-to-left runs back into reading order.
    text = unicodedata.normalize("NFKC", flat(" ".join(pages(response.content))))
    assert hebrew in text
    assert arabic in text


def test_a_character_no_font_has_is_printed_as_its_name(auth_client, user):
    add_episode(user, 1, notes="Krampf 漢")
    text = flat(" ".join(pages(auth_client.get(reverse("diary:report_pdf")).content)))
    assert "Krampf [CJK UNIFIED IDEOGRAPH-6F22]" in text


def test_the_html_page_shows_free_text_escaped(auth_client, user):
    add_episode(user, 1, notes="<script>alert(1)</script>")
    response = auth_client.get(reverse("diary:report"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(("paper", "size"), [("a4", (595, 842)), ("letter", (612, 792))])
def test_both_paper_sizes(auth_client, diary, paper, size):
    pdf = auth_client.get(reverse("diary:report_pdf"), {**window(diary), "paper": paper}).content
    for page in PdfReader(io.BytesIO(pdf)).pages:
        assert (round(page.mediabox.width), round(page.mediabox.height)) == size


def test_the_pdf_has_a_title_subject_and_language(auth_client, diary):
    reader = PdfReader(io.BytesIO(auth_client.get(reverse("diary:report_pdf")).content))
    assert reader.metadata.title.startswith("Muscle cramp diary: alice")
    assert "not a diagnosis" in reader.metadata.subject
    assert reader.trailer["/Root"]["/Lang"] == "en"


def test_the_profile_name_and_date_of_birth_head_the_report(auth_client, user):
    auth_client.post(
        reverse("diary:account"),
        {"time_zone": "Europe/Berlin", "report_name": "Alice Émile", "date_of_birth": "1970-02-03"},
    )
    first = pages(auth_client.get(reverse("diary:report_pdf")).content)[0]
    assert "Muscle cramp diary: Alice Émile · born 3 Feb 1970" in first


def test_a_date_of_birth_in_the_future_is_refused_beside_the_field(auth_client, user):
    tomorrow = (today(user) + timedelta(days=2)).isoformat()
    response = auth_client.post(
        reverse("diary:account"), {"time_zone": "Europe/Berlin", "date_of_birth": tomorrow}
    )
    assert "A date of birth can&#x27;t be in the future." in response.content.decode()
    assert Profile.get_or_create_for(user).date_of_birth is None


def test_the_command_and_the_url_give_the_same_bytes(auth_client, diary, tmp_path):
    dates = window(diary, 90)
    response = auth_client.get(reverse("diary:report_pdf"), {**dates, "paper": "letter"})
    out = tmp_path / "report.pdf"
    call_command(
        "report", "alice", "--start", dates["start"], "--end", dates["end"], "--out", str(out),
        "--paper", "letter", stdout=io.StringIO(),
    )  # fmt: skip
    assert out.read_bytes() == response.content


def test_the_sections_chosen_are_the_appendix(auth_client, diary):
    only_relief = {**window(diary), "sections": ["", "relief"]}
    text = flat(" ".join(pages(auth_client.get(reverse("diary:report_pdf"), only_relief).content)))
    assert "What helped" in text
    assert "Every episode" not in text and "inside-01" not in text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"start": "2026-05-02", "end": "2026-05-01"}, "The start must be on or before the end."),
        ({"start": "1899-12-31"}, "Choose a start from 1900 on."),
        ({"end": "2999-01-01"}, "The end can&#x27;t be in the future."),
        ({"start": "2000-01-01", "end": "2012-01-01"}, "A report covers at most 10 years."),
        ({"paper": "a3"}, "Select a valid choice: that is not one of the options."),
        ({"sections": "gossip"}, "Select a valid choice: that is not one of the options."),
    ],
)
def test_bad_input_is_named_on_the_page_on_the_pdf_url_and_by_the_command(
    auth_client, user, query, message
):
    page = auth_client.get(reverse("diary:report"), query)
    assert page.status_code == 200
    assert message in page.content.decode()
    assert page.context["report"] is None
    pdf = auth_client.get(reverse("diary:report_pdf"), query)
    assert pdf.status_code == 400
    assert message.replace("&#x27;", "'") in pdf.content.decode()
    arguments = [f"--{name}={value}" for name, value in query.items() if name != "sections"]
    if "sections" in query:
        arguments += ["--sections", query["sections"]]
    with pytest.raises(CommandError, match=re.escape(message.replace("&#x27;", "'")[:20])):
        call_command("report", "alice", "--out", "/dev/null", *arguments)


def test_the_report_charts_are_served_as_svg(auth_client, diary):
    page = auth_client.get(reverse("diary:report"), window(diary))
    charts = re.findall(r'<img src="([^"]+)"', page.content.decode())
    assert len(charts) >= 4
    for url in charts:
        response = auth_client.get(url.replace("&amp;", "&"))
        assert response.status_code == 200
        assert response["Content-Type"] == "image/svg+xml"
    assert auth_client.get(reverse("diary:report_chart", args=["calendar"])).status_code == 404


def test_imported_episodes_are_counted_as_imported_not_late(auth_client, user):
    started = (timezone.now() - timedelta(days=3)).isoformat()
    episode = {"started_at": started, "muscle": "calf", "side": "left", "intensity": 4}
    upload = json.dumps(
        {"format": "spasmlog-diary", "version": 1, "timezone": "UTC", "episodes": [episode]}
    ).encode()
    merge_diary(user, read_upload(user, upload))
    assert Episode.objects.get(user=user).imported
    first = flat(pages(auth_client.get(reverse("diary:report_pdf")).content)[0])
    assert "0 of 1 episodes were entered more than 24 h after they began" in first
    assert "1 were imported from a file (not counted as late)" in first


@pytest.fixture
def thirsty_diary(user):
    """Half a year of check-ins with water low on alternate weeks, and cramps on those days."""
    episodes = []
    for days_ago in range(1, 197):
        low_water = (days_ago // 7) % 2 == 0
        make_checkin(
            user, today(user) - timedelta(days=days_ago), water_ml=1000 if low_water else 2500
        )
        for hour in (1, 3) if low_water else (1,) if days_ago % 5 == 0 else ():
            started = timezone.now() - timedelta(days=days_ago, hours=hour)
            episodes.append(new_episode(user, started_at=started))
    Episode.objects.bulk_create(episodes)
    return user


def test_page_one_names_the_significant_factors_in_the_insights_words(auth_client, thirsty_diary):
    dates = window(thirsty_diary, days=30)
    response = auth_client.get(reverse("diary:report_pdf"), dates)
    first = flat(pages(response.content)[0])

    # The report, like the dashboard's default, judges the triggers on the last 180 days.
    longer = dates | {"triggers": "longer"}
    document = auth_client.get(reverse("diary:insights_json"), longer).json()
    assert document["triggers_window"]["days"] == 180
    significant = [f for f in document["factors"] if f["significant"]]
    assert [(f["key"], f["lag_days"], f["lags"]) for f in significant] == [
        ("water_ml", None, [0, 1])
    ]
    (water,) = significant
    assert water["summary"].startswith("Associated with your cramps:")
    assert f"rate ratio {water['rate_ratio']:.2f}, 95% CI {water['ci_low']:.2f}" in first
    assert flat(water["summary"]) in first
    assert document["triggers_window"]["note"] in first
    assert "No factor stands out yet" not in first


def test_the_appendix_defines_a_merged_finding_over_both_days(auth_client, thirsty_diary):
    dates = window(thirsty_diary, days=30) | {"sections": ["triggers"]}
    response = auth_client.get(reverse("diary:report_pdf"), dates)
    text = flat(" ".join(pages(response.content)[1:]))
    assert "water < 1.5 L exposed the same day or the day before" in text


@pytest.fixture
def routine_diary(user):
    """Ten days with check-ins, four confirming every episode logged; two mornings counting
    last night's cramps (time estimated) and three that answered "none".

    Hand-checked: nights with a cramp are the two counted ones (2 and 1 cramps, disturbance 7
    and 3: median 5, worst 7); the three calm mornings answered 0, 1 and 2 (median 1); 3 of the
    4 episodes have estimated times.
    """
    zone = Profile.get_or_create_for(user).zone
    end = today(user)
    for days_ago in range(1, 11):
        make_checkin(user, end - timedelta(days=days_ago), episodes_all_logged=days_ago <= 4)
    mornings = {9: (2, 7), 7: (1, 3), 5: (0, 0), 4: (0, 1), 3: (0, 2)}
    for days_ago, (cramps, disturbance) in mornings.items():
        morning = end - timedelta(days=days_ago)
        CheckIn.objects.filter(user=user, date=morning).update(sleep_disturbance=disturbance)
        first = datetime.combine(morning, time(3, 0), tzinfo=zone)
        for index in range(cramps):
            add_at(user, first + timedelta(minutes=index), activity="asleep", time_estimated=True)
    # A cramp in the afternoon, with its real time.
    afternoon = datetime.combine(end - timedelta(days=2), time(15, 10), tzinfo=zone)
    add_at(user, afternoon)
    return user


def test_page_one_counts_confirmed_days_sleep_disturbance_and_estimated_times(
    auth_client, routine_diary
):
    dates = window(routine_diary)
    document = auth_client.get(reverse("diary:insights_json"), dates).json()
    assert document["history"]["data_quality"]["confirmed_days"] == 4
    assert document["sleep_disturbance"] == {
        "with_cramp": {"nights": 2, "median": 5, "worst": 7},
        "without_cramp": {"nights": 3, "median": 1, "worst": 2},
    }
    assert document["patterns"]["time_estimated_episodes"] == 3

    first = flat(pages(auth_client.get(reverse("diary:report_pdf"), dates).content)[0])
    assert "Check-ins on 10 of 11 days (91%), 4 of them confirming every episode" in first
    assert "on 2 nights with a cramp: median 5, worst 7; on 3 nights without: median 1" in first
    assert (
        "3 of 4 episodes have estimated times (logged in the morning); left out of the time of day"
        in first
    )


def test_an_estimated_time_is_not_printed_as_an_hour(auth_client, routine_diary):
    text = flat(" ".join(pages(auth_client.get(reverse("diary:report_pdf")).content)))
    nine_days_ago = (today(routine_diary) - timedelta(days=9)).isoformat()
    assert text.count(f"{nine_days_ago}, night (time estimated)") == 2
    assert f"{nine_days_ago} 03:0" not in text
    afternoon = (today(routine_diary) - timedelta(days=2)).isoformat()
    assert f"{afternoon} 15:10" in text


def test_the_html_report_shows_the_same_routine_lines(auth_client, routine_diary):
    html = flat(auth_client.get(reverse("diary:report"), window(routine_diary)).content.decode())
    assert "4 of them confirming every episode of the day was logged" in html
    assert "on 2 nights with a cramp: median 5, worst 7" in html
    assert "3 of 4 episodes have estimated times" in html


def test_reportlab_measures_and_writes_text_with_its_c_helpers():
    assert rl_accel.instanceStringWidthTTF is _rl_accel.instanceStringWidthTTF
    assert rl_accel.escapePDF is _rl_accel.escapePDF


def test_consecutive_numbers_are_stretches():
    assert consecutive_stretches([1, 2, 3, 5, 7, 8]) == [(1, 3), (5, 5), (7, 8)]
    assert consecutive_stretches([]) == []


def test_a_grid_rules_a_line_under_each_entry_and_its_note_not_between_them():
    grid = Grid(("a", "b"), (("1", "2"), ("3", "4"), ("5", "6"), ("7", "8")), (0.5, 0.5), {1: "n"})
    _register_fonts()
    table = _grid(grid, 300, _styles())
    # Rows: the head 0, then entries 1, 2 (its note is row 3), 4 and 5.
    grey = [(start[1], end[1]) for name, start, end, *_ in table._linecmds if name == "LINEBELOW"]
    assert grey == [(0, 0), (1, 1), (3, 5)]
