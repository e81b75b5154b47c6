"""Draw the app's PNG icons (static/img/icon-*.png) from the same design as static/img/icon.svg.

Run `.venv/bin/python tools/make_icons.py` after changing the design; the PNGs are committed.
"""

from pathlib import Path

from PIL import Image, ImageDraw

RED = (176, 42, 55)  # #b02a37, the icon's and the theme's red
WHITE = (255, 255, 255)
# The pulse line of icon.svg, in its 32-unit box.
PULSE = [(6, 18), (11, 18), (14, 10), (18, 24), (21, 15), (23, 18), (26, 18)]
OVERSAMPLE = 4  # draw large, then shrink: Pillow draws lines without anti-aliasing
STATIC_IMG = Path(__file__).resolve().parent.parent / "static" / "img"


def draw(size: int, maskable: bool) -> Image.Image:
    big = size * OVERSAMPLE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    if maskable:
        # A launcher may cut any shape from the square: fill it, and keep the line inside the
        # central safe circle (80% of the width) by drawing it at 70% scale.
        pen.rectangle((0, 0, big, big), fill=RED)
        scale, offset = big * 0.7 / 32, big * 0.15
    else:
        pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 6 / 32, fill=RED)
        scale, offset = big / 32, 0.0
    points = [(offset + x * scale, offset + y * scale) for x, y in PULSE]
    width = round(2.5 * scale)
    pen.line(points, fill=WHITE, width=width, joint="curve")
    for x, y in (points[0], points[-1]):  # round caps, as stroke-linecap="round"
        pen.ellipse((x - width / 2, y - width / 2, x + width / 2, y + width / 2), fill=WHITE)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    for size in (192, 512):
        draw(size, maskable=False).save(STATIC_IMG / f"icon-{size}.png", optimize=True)
        draw(size, maskable=True).save(STATIC_IMG / f"icon-maskable-{size}.png", optimize=True)


if __name__ == "__main__":
    main()
