"""A word cloud's picture: the cloud exactly as the results lay it out.

The layout (tohyo.domain.questions.wordcloud_layout) places each word's box in a
1000×600 space: `x`, `y` its top-left corner, `width`, `height` its size, `size` the
font size, all in that space's units. The picture scales the space uniformly into its
results area, centred, and draws each word as the layout asks a drawer to: at its size,
centred in its box (the baseline where SVG's `dominant-baseline: central` puts it) and
stretched to its box's width exactly (SVG's textLength, a resized PNG) — so the picture
shows what the host's screen shows whatever the font's metrics, with no two words
overlapping where the layout has none.

Color: a word's color follows from its key alone (`word_color`: the sum of its code
points picks one of palette.COLORS), so a word keeps its color while others come and go
in the cloud; the host page colors it the same way.
"""

from __future__ import annotations

from typing import Any

from tohyo import palette
from tohyo.charts.layout import Picture, Text
from tohyo.charts.question_frame import Area, QuestionPicture, empty_note, shown_text

SPACE = (1000.0, 600.0)  # the layout's box
# The baseline sits this many font sizes below the middle of a word's box, as
# `dominant-baseline: central` puts it: the middle of Noto Sans CJK's em box (.88 above
# the baseline, .12 below).
BASELINE_DROP = 0.38


def notes(picture: QuestionPicture, words: dict[str, str], area: Area) -> tuple[str, ...]:
    distinct = picture.results.get("distinct")
    if not isinstance(distinct, int) or not picture.answers:
        return ()
    return (words["distinct_one"] if distinct == 1 else words["distinct"].format(n=distinct),)


def draw(pic: Picture, area: Area, picture: QuestionPicture, words: dict[str, str]) -> None:
    cloud = [w for w in picture.results.get("cloud") or () if not _withheld(w)]
    if not cloud:
        empty_note(pic, area, words)
        return
    scale = min(area.width / SPACE[0], area.height / SPACE[1])
    left = area.left + (area.width - SPACE[0] * scale) / 2
    top = area.top + (area.height - SPACE[1] * scale) / 2
    for word in cloud:
        color = word_color(str(word.get("key", "")))
        size = float(word["size"]) * scale
        box_w = float(word["width"]) * scale
        middle = top + (float(word["y"]) + float(word["height"]) / 2) * scale
        pic.shapes.append(
            Text(
                left + float(word["x"]) * scale,
                middle + size * BASELINE_DROP,
                shown_text(word["text"]),
                max(1, round(size)),
                "bold",
                color,
                fit=box_w,
            )
        )


def word_color(key: str) -> str:
    """A word's color, from its entry key: in JavaScript,
    `COLORS[[...key].reduce((s, c) => s + c.codePointAt(0), 0) % COLORS.length]`."""
    return palette.COLORS[sum(map(ord, key)) % len(palette.COLORS)]


def _withheld(word: Any) -> bool:
    """Hidden words never reach a cloud; a picture leaves one out all the same."""
    return bool(word.get("hidden")) or not str(word.get("text", "")).strip()
