"""Pictures of the typed questions (word cloud, open text, rating scale, ranking), PNG or
SVG, from the question's config view and results as the API shows them.

Each type has a module that draws its results into the area under the frame (the prompt
and a status line: answers, open or closed, the round, and what the type notes); the
shapes are the poll charts' (tohyo.charts.layout), painted by the same painters, so
Japanese text, wrapping, escaping and the missing-glyph warnings work alike.
Choice questions keep the bar and pie charts (`tohyo.charts.render`).

    question_frame      QuestionPicture, the words, the title and status line
    wordcloud_picture   the cloud as the live layout places it
    text_picture        a wall of the newest cards
    scale_picture       per statement, the distribution and the mean
    ranking_picture     items by points, a bar of the mean score, the runoff's winner
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from tohyo.charts import ranking_picture, scale_picture, text_picture, wordcloud_picture
from tohyo.charts.layout import Picture
from tohyo.charts.painters import painted
from tohyo.charts.question_frame import WORDS, Area, Notes, QuestionPicture, frame

Draw = Callable[[Picture, Area, QuestionPicture, dict[str, str]], None]
_TYPES: dict[str, tuple[Notes, Draw]] = {
    "wordcloud": (wordcloud_picture.notes, wordcloud_picture.draw),
    "text": (text_picture.notes, text_picture.draw),
    "scale": (scale_picture.notes, scale_picture.draw),
    "ranking": (ranking_picture.notes, ranking_picture.draw),
}
PICTURED_TYPES: tuple[str, ...] = tuple(_TYPES)


def pictured(type_name: str) -> bool:
    """Whether `render_question` draws questions of this type."""
    return type_name in _TYPES


def layout_question(picture: QuestionPicture, lang: str, width: int, height: int) -> Picture:
    """The picture's shapes (ValueError for a type not pictured, an unknown language or
    a size out of WIDTH_RANGE/HEIGHT_RANGE)."""
    if picture.type not in _TYPES:
        raise ValueError(f"no picture for questions of type {picture.type!r}")
    if lang not in WORDS:
        raise ValueError(f"lang must be one of {', '.join(WORDS)}")
    notes, draw = _TYPES[picture.type]
    words = WORDS[lang]
    pic, area = frame(picture, words, width, height, notes)
    draw(pic, area, picture, words)
    return pic


def render_question(
    picture: QuestionPicture,
    *,
    fmt: Literal["png", "svg"],
    lang: str,
    width: int,
    height: int,
) -> bytes:
    """One round of a typed question as a PNG or SVG of `width`×`height`. CPU work:
    call it off the event loop."""
    pic = layout_question(picture, lang, width, height)
    return painted(pic, fmt)
