"""Results as pictures: a bar or pie chart of a session, as PNG (Pillow) or SVG; and the
typed questions' pictures (word cloud, open text, scale, ranking: `render_question`).

One layout, two painters. The layout places the title (the question), the status line
(ballots, open or closed, when), and the chart: every choice with its count and
percentage, in the host view's colors (tohyo.palette). Text is measured with the same
font for both formats, so the SVG wraps where the PNG does.

Fonts: Japanese needs a CJK font. tohyo uses Noto Sans CJK, which Debian installs with
`apt-get install fonts-noto-cjk` (as .ci/run does); `TOHYO_FONT` may name another font
file. A character the chosen font lacks would print as a box ("tofu"): each one is
logged as a warning, and tests check that a Japanese poll logs none.

Rendering is CPU work: callers run it off the event loop (tohyo.web.api does).

    fonts      the font files, and the characters a font lacks
    layout     where everything goes, as Text, Box and Wedge shapes
    painters   the shapes as SVG or PNG
    question_pictures   the typed questions' pictures, one module per type
"""

from __future__ import annotations

from typing import Literal

from tohyo.charts.fonts import font, font_path, missing_glyphs
from tohyo.charts.layout import (
    CHARTS,
    HEIGHT_RANGE,
    LANGUAGES,
    SIZE_DEFAULT,
    WIDTH_RANGE,
    WORDS,
    Box,
    ChartKind,
    Picture,
    Text,
    Wedge,
    layout,
)
from tohyo.charts.painters import painted, to_png, to_svg
from tohyo.charts.question_frame import QuestionPicture
from tohyo.charts.question_pictures import PICTURED_TYPES, pictured, render_question
from tohyo.domain import Session

__all__ = [
    "CHARTS",
    "HEIGHT_RANGE",
    "LANGUAGES",
    "PICTURED_TYPES",
    "SIZE_DEFAULT",
    "WIDTH_RANGE",
    "WORDS",
    "Box",
    "ChartKind",
    "Picture",
    "QuestionPicture",
    "Text",
    "Wedge",
    "font",
    "font_path",
    "layout",
    "missing_glyphs",
    "pictured",
    "render",
    "render_question",
    "to_png",
    "to_svg",
]


def render(
    session: Session,
    *,
    fmt: Literal["png", "svg"],
    kind: ChartKind = "bar",
    lang: str = "en",
    width: int = SIZE_DEFAULT[0],
    height: int = SIZE_DEFAULT[1],
    now: int,
) -> bytes:
    pic = layout(session, kind, lang, width, height, now)
    return painted(pic, fmt)
