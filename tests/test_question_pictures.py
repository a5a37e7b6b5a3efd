"""Pictures of the typed questions, whatever the type: PNGs of the asked size, SVGs that
parse and carry their texts, Japanese with no missing glyph, hostile text shown as text,
empty results drawn sensibly, and every size the exports allow.

The type-by-type checks (the cloud's boxes, the cards, the scale's means, the ranking's
bars and winner) are in tests/test_question_pictures_types.py.
"""

from __future__ import annotations

import io
import logging
import xml.etree.ElementTree as ET
from typing import Literal

import pytest
from PIL import Image

from tests import question_picture_samples as samples
from tests.components import unavailable
from tohyo import charts
from tohyo.charts import QuestionPicture, Text, render_question
from tohyo.charts.question_frame import WORDS
from tohyo.charts.question_pictures import layout_question

SVG = "{http://www.w3.org/2000/svg}"
TYPES = ("wordcloud", "text", "scale", "ranking")


def png_size(body: bytes) -> tuple[int, int]:
    assert body.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(body))
    image.load()  # decodes every pixel, or raises
    return image.size


def svg_texts(body: bytes) -> list[str]:
    root = ET.fromstring(body)  # well-formed XML, or this raises
    assert root.tag == f"{SVG}svg"
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def test_every_type_is_pictured_and_only_those() -> None:
    assert charts.PICTURED_TYPES == TYPES
    assert all(charts.pictured(t) for t in TYPES)
    assert not charts.pictured("single") and not charts.pictured("multiple")
    assert not charts.pictured("nonsense")


@pytest.mark.parametrize("kind", TYPES)
def test_a_png_decodes_at_the_asked_size(kind: str) -> None:
    picture = samples.every_type()[kind]
    for size in ((1280, 720), (800, 600), (600, 800)):
        body = render_question(picture, fmt="png", lang="en", width=size[0], height=size[1])
        assert png_size(body) == size


@pytest.mark.parametrize("kind", TYPES)
def test_an_svg_parses_with_its_size_title_and_status(kind: str) -> None:
    picture = samples.every_type()[kind]
    body = render_question(picture, fmt="svg", lang="en", width=1000, height=700)
    root = ET.fromstring(body)
    assert (root.get("width"), root.get("height")) == ("1000", "700")
    assert root.findtext(f"{SVG}title") == picture.prompt
    texts = svg_texts(body)
    assert texts[0] == picture.prompt  # the title, drawn first
    n = picture.answers
    assert f"{n} answer{'s' if n != 1 else ''}" in texts[1]
    assert ("Answers open" if picture.open else "Answers closed") in texts[1]


def test_the_status_names_the_round_once_a_question_was_reset() -> None:
    first = samples.text()
    again = QuestionPicture(first.prompt, "text", first.config, first.results, False, 3)
    texts = svg_texts(render_question(first, fmt="svg", lang="en", width=1280, height=720))
    assert "Round" not in texts[1]
    texts = svg_texts(render_question(again, fmt="svg", lang="en", width=1280, height=720))
    assert "Round 3" in texts[1] and "Answers closed" in texts[1]
    texts = svg_texts(render_question(again, fmt="svg", lang="ja", width=1280, height=720))
    assert "第3回" in texts[1] and "締め切り済み" in texts[1] and "3件の回答" in texts[1]


@pytest.mark.parametrize("kind", TYPES)
def test_japanese_renders_with_no_missing_glyph(
    kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    path = charts.font_path("regular")
    if path is None or "CJK" not in path:
        unavailable("no CJK font: apt-get install fonts-noto-cjk (see README)")
    picture = samples.japanese()[kind]
    caplog.set_level(logging.WARNING, logger="tohyo.charts")
    png = render_question(picture, fmt="png", lang="ja", width=1280, height=720)
    svg = render_question(picture, fmt="svg", lang="ja", width=1280, height=720)
    assert [r for r in caplog.records if "glyph" in r.getMessage()] == []
    assert png_size(png) == (1280, 720)
    shapes = layout_question(picture, "ja", 1280, 720).shapes
    drawn = "".join(s.text for s in shapes if isinstance(s, Text))
    assert charts.missing_glyphs(drawn) == set()
    assert charts.missing_glyphs(drawn, 24, "bold") == set()
    texts = "".join(svg_texts(svg))
    assert picture.prompt in texts and "件の回答" in texts


def test_a_missing_glyph_in_a_picture_is_reported(caplog: pytest.LogCaptureFixture) -> None:
    # Proof the check above can fail: a character no font here has, in an entry.
    picture = samples.text([{"key": "1.a", "text": "odd \U0001fbf0", "at": "2024-05-01T10:00:00Z"}])
    formats: tuple[Literal["png", "svg"], ...] = ("png", "svg")
    for fmt in formats:
        caplog.clear()
        caplog.set_level(logging.WARNING, logger="tohyo.charts")
        render_question(picture, fmt=fmt, lang="en", width=640, height=480)
        assert any("glyph" in r.getMessage() for r in caplog.records), fmt


@pytest.mark.parametrize("kind", TYPES)
def test_hostile_text_is_text_in_the_svg(kind: str) -> None:
    picture = samples.hostile()[kind]
    body = render_question(picture, fmt="svg", lang="en", width=1280, height=720)
    assert b"<script>" not in body and b"<b>" not in body
    texts = svg_texts(body)  # parses: every <, &, " escaped
    assert texts[0] == samples.HOSTILE
    shown = " ".join(texts[1:])
    expected = samples.HOSTILE[:40] if kind == "wordcloud" else "<script>alert("
    assert expected in shown, shown
    if kind == "scale":
        assert "<b>low</b>" in shown and "&high;" in shown
    root = ET.fromstring(body)
    assert root.findtext(f"{SVG}title") == samples.HOSTILE
    assert png_size(render_question(picture, fmt="png", lang="en", width=640, height=360))


@pytest.mark.parametrize("kind", TYPES)
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_no_answers_yet_draws_a_sensible_picture(kind: str, lang: str) -> None:
    picture = samples.no_answers()[kind]
    svg = render_question(picture, fmt="svg", lang=lang, width=1280, height=720)
    texts = svg_texts(svg)
    assert texts[0] == picture.prompt
    assert WORDS[lang]["answers"].format(n=0) in texts[1]
    shown = " ".join(texts)
    if kind in ("wordcloud", "text"):
        assert WORDS[lang]["no_answers"] in shown  # nothing to draw but the news
    elif kind == "scale":
        assert WORDS[lang]["no_mean"] in shown and "7" in texts  # the axis, no mean
    else:
        assert "1." in texts and "A" in texts and "B" in texts  # every item, 0 points
    assert png_size(render_question(picture, fmt="png", lang=lang, width=1280, height=720))


@pytest.mark.parametrize("kind", TYPES)
def test_the_smallest_and_largest_sizes_render(kind: str) -> None:
    picture = samples.japanese()[kind]
    low = (charts.WIDTH_RANGE[0], charts.HEIGHT_RANGE[0])
    high = (charts.WIDTH_RANGE[1], charts.HEIGHT_RANGE[1])
    for width, height in (low, (low[0], high[1]), (high[0], low[1])):
        body = render_question(picture, fmt="png", lang="ja", width=width, height=height)
        assert png_size(body) == (width, height)
        svg_texts(render_question(picture, fmt="svg", lang="ja", width=width, height=height))
    shapes = layout_question(picture, "ja", *low).shapes
    for shape in shapes:  # nothing drawn off a small picture's edge
        if isinstance(shape, Text) and shape.anchor == "start":
            assert 0 <= shape.x < low[0] and 0 < shape.y <= low[1], shape


def test_the_largest_size_renders() -> None:
    picture = samples.wordcloud()
    width, height = charts.WIDTH_RANGE[1], charts.HEIGHT_RANGE[1]
    body = render_question(picture, fmt="png", lang="en", width=width, height=height)
    assert png_size(body) == (width, height)


def test_sizes_outside_the_ranges_languages_and_types_are_refused() -> None:
    picture = samples.text()
    for width, height in ((charts.WIDTH_RANGE[0] - 1, 720), (1280, charts.HEIGHT_RANGE[1] + 1)):
        with pytest.raises(ValueError, match="must be"):
            render_question(picture, fmt="png", lang="en", width=width, height=height)
    with pytest.raises(ValueError, match="lang"):
        render_question(picture, fmt="svg", lang="fr", width=1280, height=720)
    odd = QuestionPicture("Q", "single", {}, {"totalVotes": 0})
    with pytest.raises(ValueError, match="single"):
        render_question(odd, fmt="svg", lang="en", width=1280, height=720)


def test_both_languages_have_every_word() -> None:
    assert set(WORDS) == set(charts.LANGUAGES)
    assert all(set(words) == set(WORDS["en"]) for words in WORDS.values())
