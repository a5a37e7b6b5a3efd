"""A rating scale's picture: per statement, the distribution of its answers over the
points (a bar per point, its count above), and the mean with one decimal.

Rows share one honest scale: a bar's height is its share of that statement's answers, a
bar reaching the row's top being all of them (never the tallest bar: a point chosen by
30 % is drawn at 30 %), so rows compare at a glance. Under the rows,
the axis: each point's number, and the two ends' labels ("Not at all" … "Completely").
A scale with no statements has one unnamed row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tohyo import palette
from tohyo.charts.fonts import font
from tohyo.charts.layout import EDGE, MUTED, Box, Picture, Text, wrap
from tohyo.charts.question_frame import Area, QuestionPicture, shown_text


@dataclass(frozen=True)
class _Row:
    name: str
    counts: tuple[int, ...]
    answers: int
    mean: float | None


def rows(picture: QuestionPicture) -> list[_Row]:
    """One row per statement (one unnamed row without statements), from the results,
    with zeros for a statement the results do not list yet."""
    points = int(picture.config.get("points") or 5)
    named: Sequence[Mapping[str, Any]] = picture.config.get("statements") or ()
    results = {str(s.get("statementId")): s for s in picture.results.get("statements") or () if s}
    ids = [(str(s.get("statementId")), shown_text(s.get("text", ""))) for s in named]
    out = []
    for statement_id, name in ids or [("1", "")]:
        found = results.get(statement_id, {})
        counts = tuple(int(n) for n in found.get("counts") or ())
        counts = (counts + (0,) * points)[:points]
        mean = found.get("mean")
        out.append(
            _Row(
                name,
                counts,
                int(found.get("answers") or 0),
                float(mean) if mean is not None else None,
            )
        )
    return out


def notes(picture: QuestionPicture, words: dict[str, str], area: Area) -> tuple[str, ...]:
    return ()


def draw(pic: Picture, area: Area, picture: QuestionPicture, words: dict[str, str]) -> None:
    table = rows(picture)
    points = len(table[0].counts)
    unit = area.unit
    size = max(11, min(round(24 * unit), round(area.height / (len(table) * 3.2))))
    small = max(10, round(size * 0.8))
    gap = 16 * unit

    mean_w = max(font(size, "bold").getlength(t) for t in (words["mean"], "10.0")) + gap
    name_w = area.width * 0.28 if any(r.name for r in table) else 0.0
    bars_left = area.left + name_w + (gap if name_w else 0.0)
    bars_w = max(10.0 * points, area.right - mean_w - gap - bars_left)
    column = bars_w / points

    labels = picture.config.get("labels")
    axis_h = small * 1.6 + (small * 1.5 if labels else 0.0)
    row_h = min((area.height - axis_h) / len(table), 260 * unit)
    with_counts = row_h * 0.8 >= small * 3.5  # room for a count above the tallest bar

    for i, row in enumerate(table):
        top = area.top + i * row_h
        color = palette.COLORS[i % len(palette.COLORS)]
        floor = top + row_h * 0.9
        tallest = row_h * 0.8 - (small * 1.3 if with_counts else 0.0)
        pic.shapes.append(Box(bars_left, floor, bars_w, max(1.0, unit), EDGE))
        for p, count in enumerate(row.counts):
            middle = bars_left + (p + 0.5) * column
            share = count / row.answers if row.answers else 0.0
            bar_h = tallest * min(1.0, share)
            if bar_h > 0:
                bar_w = column * 0.7
                pic.shapes.append(Box(middle - bar_w / 2, floor - bar_h, bar_w, bar_h, color))
            if with_counts:
                baseline = floor - bar_h - small * 0.4
                pic.shapes.append(
                    Text(middle, baseline, f"{count:,}", small, color=MUTED, anchor="middle")
                )
        centre = top + row_h * 0.5
        if row.name:
            lines = wrap(row.name, size, "regular", name_w, max(1, int(row_h // (size * 1.2))))
            first = centre - len(lines) * size * 1.2 / 2 + size * 0.95
            for k, line in enumerate(lines):
                pic.shapes.append(Text(area.left, first + k * size * 1.2, line, size))
        mean = f"{row.mean:.1f}" if row.mean is not None else words["no_mean"]
        pic.shapes.append(Text(area.right, centre + size * 0.35, mean, size, "bold", anchor="end"))

    # The axis: the points' numbers under the last row, then the ends' labels.
    axis = area.top + len(table) * row_h + small * 1.2
    for p in range(points):
        middle = bars_left + (p + 0.5) * column
        pic.shapes.append(Text(middle, axis, str(p + 1), small, color=MUTED, anchor="middle"))
    pic.shapes.append(Text(area.right, axis, words["mean"], small, color=MUTED, anchor="end"))
    if isinstance(labels, Mapping):
        half = bars_w / 2 - gap / 2
        low = wrap(shown_text(labels.get("low", "")), small, "regular", half, 1)[0]
        high = wrap(shown_text(labels.get("high", "")), small, "regular", half, 1)[0]
        below = axis + small * 1.5
        pic.shapes.append(Text(bars_left, below, low, small, color=MUTED))
        pic.shapes.append(Text(bars_left + bars_w, below, high, small, color=MUTED, anchor="end"))
