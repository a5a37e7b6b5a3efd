"""A ranking's picture: the items in the results' order (by Borda points), each with its
place, a bar of its mean score, the mean and the points; at close, the instant-runoff
winner.

The bars are on an honest scale: a full bar is the most a mean score can be — n points
for n items, every ballot putting the item first — not the leader's score, so a room that
barely agrees does not look unanimous. A note under the rows says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tohyo import palette
from tohyo.charts.fonts import font
from tohyo.charts.layout import EDGE, MUTED, TRACK, Box, Picture, Text, wrap
from tohyo.charts.question_frame import Area, QuestionPicture, shown_text


@dataclass(frozen=True)
class _Item:
    place: int  # 1-based, shared by items with equal points
    text: str
    points: int
    mean: float
    color: str


def items(picture: QuestionPicture) -> list[_Item]:
    """The items as the results order them, with the config's texts and colors (an item's
    color is its choice's, as on the host's screen); every choice with 0 points when the
    results list none yet."""
    choices: Sequence[Mapping[str, Any]] = picture.config.get("choices") or ()
    order = [str(c.get("choiceId")) for c in choices]
    texts = {str(c.get("choiceId")): shown_text(c.get("text", "")) for c in choices}
    listed: Sequence[Mapping[str, Any]] = picture.results.get("items") or [
        {"choiceId": choice_id, "points": 0, "meanScore": 0} for choice_id in order
    ]
    out: list[_Item] = []
    for i, item in enumerate(listed):
        choice_id = str(item.get("choiceId"))
        points = int(item.get("points") or 0)
        place = out[-1].place if out and out[-1].points == points else i + 1
        index = order.index(choice_id) if choice_id in order else i
        color = palette.COLORS[index % len(palette.COLORS)]
        mean = float(item.get("meanScore") or 0)
        out.append(_Item(place, texts.get(choice_id, choice_id), points, mean, color))
    return out


def notes(picture: QuestionPicture, words: dict[str, str], area: Area) -> tuple[str, ...]:
    return ()


def winner_line(picture: QuestionPicture, words: dict[str, str]) -> str | None:
    """The runoff's outcome, when the results have one (only once the question closed)."""
    runoff = picture.results.get("runoff")
    if not isinstance(runoff, Mapping):
        return None
    winner = runoff.get("winner")
    if winner is None:
        return words["no_winner"]
    choices = picture.config.get("choices") or ()
    text = next(
        (shown_text(c.get("text", "")) for c in choices if str(c.get("choiceId")) == winner),
        shown_text(winner),
    )
    rounds = len(runoff.get("rounds") or ())
    if rounds > 1:
        return words["winner_rounds"].format(text=text, n=rounds)
    return words["winner"].format(text=text)


def draw(pic: Picture, area: Area, picture: QuestionPicture, words: dict[str, str]) -> None:
    table = items(picture)
    most = max(1, len(picture.config.get("choices") or table))  # n points: a full bar
    unit = area.unit
    small = max(10, round(18 * unit))
    top, bottom = area.top, area.bottom

    won = winner_line(picture, words)
    if won is not None:
        big = max(12, round(26 * unit))
        line = wrap(won, big, "bold", area.width, 1)[0]
        pic.shapes.append(Text(area.left, top + big, line, big, "bold"))
        top += big * 1.8
    note = wrap(words["mean_scale"].format(n=most), small, "regular", area.width, 1)[0]
    pic.shapes.append(Text(area.left, bottom, note, small, color=MUTED))
    bottom -= small * 1.8

    if not table:
        return
    row_h = min((bottom - top) / len(table), 96 * unit)
    size = max(11, min(round(26 * unit), round(row_h * 0.42)))
    bold = font(size, "bold")
    values = [_value(item, words) for item in table]
    value_w = max(bold.getlength(v) for v in values) + 12 * unit
    place_w = bold.getlength(f"{len(table)}.") + 10 * unit
    label_w = area.width * 0.3
    track_x = area.left + place_w + label_w + 16 * unit
    track_w = max(10.0, area.right - value_w - 12 * unit - track_x)
    for i, (item, value) in enumerate(zip(table, values, strict=True)):
        y = top + i * row_h
        baseline = y + row_h / 2 + size * 0.35
        pic.shapes.append(Text(area.left, baseline, f"{item.place}.", size, "bold", MUTED))
        lines = wrap(item.text, size, "regular", label_w, 2)
        line_h = size * 1.2
        first = y + row_h / 2 - len(lines) * line_h / 2 + size * 0.95
        for k, line in enumerate(lines):
            pic.shapes.append(Text(area.left + place_w, first + k * line_h, line, size))
        bar_h = row_h * 0.62
        bar_y = y + (row_h - bar_h) / 2
        pic.shapes.append(Box(track_x, bar_y, track_w, bar_h, TRACK, EDGE))
        if item.mean > 0:
            # mean / n = points / (n × answers): the share of the most points the room
            # could have given it (every ballot putting it first).
            filled = track_w * min(1.0, item.mean / most)
            pic.shapes.append(Box(track_x, bar_y, filled, bar_h, item.color))
        pic.shapes.append(Text(area.right, baseline, value, size, "bold", anchor="end"))


def _value(item: _Item, words: dict[str, str]) -> str:
    return f"{item.mean:.2f}  ·  {words['points'].format(n=f'{item.points:,}')}"
