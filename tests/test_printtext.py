"""Free text for the PDF: every character in a font that draws it, right-to-left text in order."""

import unicodedata
from functools import cache

import pytest
from fontTools.ttLib import TTFont

from diary.pdf.printtext import (
    EMOJI_FONT,
    base_direction,
    has_right_to_left,
    isolate,
    logical_lines,
    placeholder,
    runs,
    visual_lines,
)
from diary.pdf.report import BOLD_FONT, FONT, font_chain, utf16_to_unicode_map
from tests.test_report import HOSTILE_NOTES

EVERYDAY = [
    *HOSTILE_NOTES,
    "Wadenkrampf 😖 nachts ☔ 🦶 ❤️ 👍🏽 🤦‍♀️",
    "שלום, כאב חזק (8/10) בלילה",
    "تشنج في عضلة الساق",
    "Ærøskøbing, İstanbul, Łódź, Ğ, ß, ﬁ",
]


@cache
def fonttools_cmap(path) -> dict[int, str]:
    with TTFont(path, lazy=True) as font:
        return font.getBestCmap()


@pytest.mark.parametrize("font", [FONT, BOLD_FONT])
@pytest.mark.parametrize("text", EVERYDAY)
def test_every_character_is_drawn_by_a_font_whose_cmap_has_it(font, text):
    chain = font_chain(font)
    # Read independently of the code under test, by fontTools.
    cmaps = {f.name: fonttools_cmap(f.path) for f in chain}
    for name, part in runs(text, chain):
        missing = [c for c in part if cmaps[name].get(ord(c)) in (None, ".notdef")]
        assert not missing, f"{name} has no glyph for {missing}"


def test_emoji_that_dejavu_lacks_are_drawn_in_noto_emoji():
    chain = font_chain(FONT)
    assert ord("🦶") not in chain[0].codepoints
    assert runs("foot 🦶 cramp", chain) == [(FONT, "foot "), (EMOJI_FONT, "🦶"), (FONT, " cramp")]


def test_a_character_no_font_has_is_printed_as_its_name_never_a_blank():
    chain = font_chain(FONT)
    assert runs("a 漢 b", chain) == [(FONT, "a [CJK UNIFIED IDEOGRAPH-6F22] b")]
    assert placeholder("\x07") == "[U+0007]"
    assert placeholder("\ue000") == "[U+E000]"


def test_invisible_marks_no_font_has_are_left_out_and_line_breaks_are_spaces():
    chain = font_chain(FONT)
    every_code = set().union(*(f.codepoints for f in chain))
    language_tag = "\U000e0041"  # a tag character: format, invisible, in no font here
    assert ord(language_tag) not in every_code
    assert runs(f"a{language_tag}b\nc", chain) == [(FONT, "ab c")]


@pytest.mark.parametrize("font", [FONT, BOLD_FONT])
def test_printable_ascii_is_one_run_in_the_paragraphs_own_font(font):
    chain = font_chain(font)
    every_ascii = "".join(chr(code) for code in range(0x20, 0x7F))
    assert all(
        code in chain[0].codepoints for code in map(ord, every_ascii)
    )  # the shortcut's premise
    assert chain[0].draws_all(every_ascii)
    assert runs(every_ascii + "\tend\n", chain) == [(font, every_ascii + " end ")]


def test_ascii_a_font_cannot_draw_still_gets_its_placeholder():
    chain = font_chain(FONT)
    assert not chain[0].draws_all("bell \x07")
    assert runs("bell \x07", chain) == [(FONT, "bell [U+0007]")]
    assert not chain[0].draws_all("foot 🦶")


def test_only_text_beyond_ascii_can_be_right_to_left():
    assert not has_right_to_left("Calf, 8/10 <b> & 'quotes'")
    assert has_right_to_left("Calf שלום")


def test_the_base_direction_is_that_of_the_first_letter_with_one():
    assert base_direction("12, שלום and more") == "R"
    assert base_direction("Notes: שלום") == "L"
    assert base_direction("123 …") == "L"


def test_right_to_left_lines_are_broken_in_reading_order_then_reversed():
    # Each character is one unit wide: "אבג דהו" fits in 7, "זחט" goes on the next line.
    lines, direction = visual_lines("אבג דהו זחט", 7, len)
    assert direction == "R"
    assert lines == ["והד גבא", "טחז"]


def test_a_word_longer_than_the_line_is_cut():
    assert logical_lines("abcdefgh ij", 3, len) == ["abc", "def", "gh", "ij"]


def test_arabic_is_shaped_into_its_joined_forms_before_reordering():
    lines, _ = visual_lines("سلام", 100, len)
    (line,) = lines
    # Meem alone, lam and alef joined into one glyph, seen at the start: in display order.
    assert [unicodedata.name(c) for c in line] == [
        "ARABIC LETTER MEEM ISOLATED FORM",
        "ARABIC LIGATURE LAM WITH ALEF FINAL FORM",
        "ARABIC LETTER SEEN INITIAL FORM",
    ]
    assert unicodedata.normalize("NFKC", line) == "م" + "لا" + "س"


def test_free_text_with_right_to_left_letters_is_isolated_in_a_sentence():
    assert isolate("Alice") == "Alice"
    assert isolate("אליס") == "\u2068אליס\u2069"


def test_a_character_beyond_the_basic_plane_is_mapped_as_utf16():
    cmap = "2 beginbfchar\n<00> <0041>\n<01> <1F616>\nendbfchar"
    assert utf16_to_unicode_map(cmap) == "2 beginbfchar\n<00> <0041>\n<01> <D83DDE16>\nendbfchar"
