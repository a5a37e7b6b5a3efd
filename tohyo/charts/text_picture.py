"""An open-text question's picture: a wall of the newest cards, as many as fit.

Cards come newest first (as the results list them) and fill a grid row by row; each
holds its answer wrapped to the card's width, line breaks kept, cut with an ellipsis
when it is longer than the card. The status line says how many answers are shown (the
cards everyone may see, as presenter mode and the phones count them), and which of them
the wall shows when not all fit. Hidden and pending cards are
never drawn: the public results a picture is made from hold none, and any flagged one is
left out.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from tohyo import palette
from tohyo.charts.layout import EDGE, Box, Picture, Text, wrap
from tohyo.charts.question_frame import Area, QuestionPicture, empty_note
from tohyo.domain.text import displayable

CARD_FILL = "#f7f7f7"
MIN_LINES = 3  # a card shorter than this shows too little of an answer to be worth it
MAX_LINES = 8  # a taller card leaves room unused that more cards could take


def cards(picture: QuestionPicture) -> list[Mapping[str, Any]]:
    """The cards a wall may show: not hidden, not awaiting approval, newest first."""
    listed: Sequence[Mapping[str, Any]] = picture.results.get("cards") or ()
    return [c for c in listed if not c.get("hidden") and not c.get("pending")]


class _Grid:
    """The wall's grid for an area: columns, card size, and the lines a card holds."""

    def __init__(self, area: Area, count: int) -> None:
        unit = area.unit
        self.size = max(11, round(24 * unit))
        self.line_h = self.size * 1.35
        self.pad = 16 * unit
        self.gap = 16 * unit
        most_columns = max(1, min(4, int((area.width + self.gap) // (340 * unit + self.gap))))
        self.columns = max(1, min(most_columns, count))
        shortest = 2 * self.pad + MIN_LINES * self.line_h
        most_rows = max(1, int((area.height + self.gap) // (shortest + self.gap)))
        self.shown = min(count, most_rows * self.columns)
        rows = max(1, math.ceil(self.shown / self.columns))
        tallest = 2 * self.pad + MAX_LINES * self.line_h
        self.card_h = min((area.height + self.gap) / rows - self.gap, tallest)
        self.card_w = (area.width + self.gap) / self.columns - self.gap
        self.lines = max(1, int((self.card_h - 2 * self.pad) // self.line_h))


def notes(picture: QuestionPicture, words: dict[str, str], area: Area) -> tuple[str, ...]:
    """ "The newest 12 of 40" when the wall cannot show every card."""
    shown = cards(picture)
    grid = _Grid(area, len(shown))
    # Of the cards everyone may see (`shown`; hidden and pending ones are not), which the
    # results list only the newest of.
    visible = picture.results.get("shown")
    total = max(visible if isinstance(visible, int) else picture.answers, len(shown))
    if grid.shown >= total:
        return ()
    return (words["newest"].format(shown=grid.shown, n=f"{total:,}"),)


def draw(pic: Picture, area: Area, picture: QuestionPicture, words: dict[str, str]) -> None:
    shown = cards(picture)
    if not shown:
        empty_note(pic, area, words)
        return
    grid = _Grid(area, len(shown))
    for i, card in enumerate(shown[: grid.shown]):
        row, column = divmod(i, grid.columns)
        x = area.left + column * (grid.card_w + grid.gap)
        y = area.top + row * (grid.card_h + grid.gap)
        pic.shapes.append(Box(x, y, grid.card_w, grid.card_h, CARD_FILL, EDGE))
        # A strip of color down the card's side tells neighbouring cards apart.
        strip = palette.COLORS[i % len(palette.COLORS)]
        pic.shapes.append(Box(x, y, 6 * area.unit, grid.card_h, strip))
        text = _card_text(card.get("text", ""))
        inner = grid.card_w - 2 * grid.pad
        baseline = y + grid.pad + grid.size
        for line in wrap(text, grid.size, "regular", inner, grid.lines):
            pic.shapes.append(Text(x + grid.pad, baseline, line, grid.size))
            baseline += grid.line_h


def _card_text(text: object) -> str:
    """An answer with its line breaks kept and anything else unprintable made a space."""
    return "\n".join(displayable(part) for part in str(text).split("\n"))
