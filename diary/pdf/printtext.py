"""Text for the PDF as a person wrote it: every character drawn, right-to-left text in order.

reportlab draws each string in one font, left to right. So a string is cut into runs, each
character in the first font of a chain that has a glyph for it (the paragraph's own font,
DejaVu Sans, then Noto Emoji); a character none of them has is printed as its Unicode name in
brackets, "[CJK UNIFIED IDEOGRAPH-6F22]", never as a blank box. Text with right-to-left letters
(Hebrew, Arabic) is shaped (Arabic letters take their joined forms, arabic-reshaper), broken into
lines in reading order, and each line is then put in display order by the Unicode bidirectional
algorithm (python-bidi): reportlab's own bidi needs a library that is not on PyPI, and its
HarfBuzz shaping guesses each word's direction by itself, which a bidi pass would undo.
"""

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

import arabic_reshaper
from bidi import get_display
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).parent / "fonts"
# Noto Emoji (monochrome), SIL Open Font License 1.1 (fonts/OFL.txt), from Google's Noto
# project as packaged in npm's @expo-google-fonts/noto-emoji 0.4.7.
EMOJI_FONT = "NotoEmoji"
EMOJI_FILE = FONT_DIR / "NotoEmoji-Regular.ttf"
RIGHT_TO_LEFT = frozenset({"R", "AL"})
LEFT_TO_RIGHT = "L"
FIRST_STRONG_ISOLATE, POP_DIRECTIONAL_ISOLATE = "\u2068", "\u2069"


# What reportlab reads as a space in a paragraph.
AS_SPACES = str.maketrans("\n\r\t", "   ")
PRINTABLE_ASCII = frozenset(range(0x20, 0x7F))


@dataclass(frozen=True)
class Font:
    name: str  # as registered with reportlab
    path: Path

    @property
    def codepoints(self) -> frozenset[int]:
        return _codepoints(self.path)

    def draws_all(self, text: str) -> bool:
        """Whether the font has a glyph for every character of `text`. Most text is printable
        ASCII, which needs no look-up character by character."""
        if text.isascii() and text.isprintable() and _has_printable_ascii(self.path):
            return True
        codepoints = self.codepoints
        return all(ord(character) in codepoints for character in text)


@cache
def _codepoints(path: Path) -> frozenset[int]:
    # reportlab's own reading of the font's character map: what it will draw (and quicker
    # than fontTools, whose reading of Noto Emoji's map took 0.2 s; the tests use fontTools).
    face = TTFont(path.stem, str(path)).face
    return frozenset(code for code, glyph in face.charToGlyph.items() if glyph)


@cache
def _has_printable_ascii(path: Path) -> bool:
    return _codepoints(path) >= PRINTABLE_ASCII


def placeholder(character: str) -> str:
    """What stands in for a character no font can draw: its Unicode name, or its code point."""
    return f"[{unicodedata.name(character, f'U+{ord(character):04X}')}]"


def _invisible(character: str) -> bool:
    # Joiners, variation selectors, direction marks: nothing to draw, so nothing to stand in for.
    code = ord(character)
    return (
        unicodedata.category(character) == "Cf"
        or 0xFE00 <= code <= 0xFE0F
        or 0xE0100 <= code <= 0xE01EF
    )


def runs(text: str, fonts: Sequence[Font]) -> list[tuple[str, str]]:
    """(font name, text) runs, each character in the first of `fonts` that has it."""
    text = text.translate(AS_SPACES)
    if fonts[0].draws_all(text):
        return [(fonts[0].name, text)] if text else []
    result: list[tuple[str, str]] = []
    for character in text:
        code = ord(character)
        font = next((f.name for f in fonts if code in f.codepoints), None)
        if font is None:
            if _invisible(character):
                continue
            font, character = fonts[0].name, placeholder(character)
        if result and result[-1][0] == font:
            result[-1] = (font, result[-1][1] + character)
        else:
            result.append((font, character))
    return result


def markup(text: str, fonts: Sequence[Font]) -> str:
    """reportlab paragraph markup for `text`, escaped: runs not in the first font get a <font>."""
    return "".join(
        escape(part) if font == fonts[0].name else f'<font name="{font}">{escape(part)}</font>'
        for font, part in runs(text, fonts)
    )


def has_right_to_left(text: str) -> bool:
    if text.isascii():
        return False  # no ASCII character is right-to-left: spare the look-ups
    return any(unicodedata.bidirectional(character) in RIGHT_TO_LEFT for character in text)


def isolate(text: str) -> str:
    """Free text set into a sentence, kept to itself by the bidi algorithm: without it, the
    "3" of "אליס · 3 Nov" joins the Hebrew run and is printed before the name. Browsers honour
    the same marks on the HTML page; text without right-to-left letters needs none."""
    if not has_right_to_left(text):
        return text
    return f"{FIRST_STRONG_ISOLATE}{text}{POP_DIRECTIONAL_ISOLATE}"


def base_direction(text: str) -> str:
    """ "R" or "L": the direction of the first letter with one (rule P2 of the algorithm)."""
    for character in text:
        kind = unicodedata.bidirectional(character)
        if kind in RIGHT_TO_LEFT:
            return "R"
        if kind == LEFT_TO_RIGHT:
            return "L"
    return "L"


Measure = Callable[[str], float]


def _break_word(word: str, width: float, measure: Measure) -> list[str]:
    """A word wider than the line, in pieces that fit (at least one character each)."""
    pieces, piece = [], ""
    for character in word:
        if piece and measure(piece + character) > width:
            pieces.append(piece)
            piece = ""
        piece += character
    return [*pieces, piece] if piece else pieces


def logical_lines(text: str, width: float, measure: Measure) -> list[str]:
    """`text` broken at spaces into lines no wider than `width`, still in reading order."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if measure(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        pieces = _break_word(word, width, measure) if measure(word) > width else [word]
        lines.extend(pieces[:-1])
        line = pieces[-1]
    return [*lines, line] if line else lines


def visual_lines(text: str, width: float, measure: Measure) -> tuple[list[str], str]:
    """Right-to-left text as lines in display order, and the paragraph's base direction.

    Shaped before breaking, as joined Arabic letters have their own widths; reordered after,
    as the bidi algorithm reorders within a line (reordering first would put the last words of
    a Hebrew paragraph on its first line).
    """
    direction = base_direction(text)
    shaped = arabic_reshaper.reshape(text)
    lines = logical_lines(shaped, width, measure)
    return [get_display(line, base_dir=direction) for line in lines], direction
