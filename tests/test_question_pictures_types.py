"""Each typed question's picture shows what it should: the word cloud exactly as its
layout places it, the newest text cards and never a hidden one, a scale's distributions
and means, a ranking's mean scores on an honest scale and the runoff's winner; and the
line wrapping they share."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from PIL import Image

from tests import question_picture_samples as samples
from tohyo import palette
from tohyo.charts import Box, QuestionPicture, Text, font, render_question
from tohyo.charts.layout import wrap
from tohyo.charts.question_pictures import layout_question
from tohyo.charts.ranking_picture import items
from tohyo.charts.wordcloud_picture import word_color

SVG = "{http://www.w3.org/2000/svg}"


def texts_of(
    picture: QuestionPicture, lang: str = "en", size: tuple[int, int] = (1280, 720)
) -> list[Text]:
    return [s for s in layout_question(picture, lang, *size).shapes if isinstance(s, Text)]


def boxes_of(picture: QuestionPicture, size: tuple[int, int] = (1280, 720)) -> list[Box]:
    return [s for s in layout_question(picture, "en", *size).shapes if isinstance(s, Box)]


# The word cloud


@pytest.mark.parametrize("size", [(1280, 720), (800, 800), (3840, 1000)])
def test_each_word_fills_its_box_scaled_into_the_picture(size: tuple[int, int]) -> None:
    picture = samples.wordcloud()
    words = [t for t in texts_of(picture, size=size) if t.fit is not None]
    assert [w.text for w in words] == [w["text"] for w in samples.CLOUD]
    # One uniform scale from the 1000×600 space: every box keeps its proportions and its
    # place relative to the others.
    first, first_box = words[0], samples.CLOUD[0]
    assert first.fit is not None
    scale = first.fit / first_box["width"]
    origin = first.x - first_box["x"] * scale
    for word, box in zip(words, samples.CLOUD, strict=True):
        assert word.fit == pytest.approx(box["width"] * scale)
        assert word.x == pytest.approx(origin + box["x"] * scale)
        assert word.size == max(1, round(box["size"] * scale))
        assert word.weight == "bold"
    # The space fits the picture's width or height and is centred in the other.
    assert scale <= size[0] / 1000 and scale <= size[1] / 600
    assert origin > 0 and origin + 1000 * scale < size[0]


def test_the_svg_draws_each_word_to_its_box_width() -> None:
    picture = samples.wordcloud()
    root = ET.fromstring(render_question(picture, fmt="svg", lang="en", width=1280, height=720))
    fitted = [t for t in root.iter(f"{SVG}text") if t.get("textLength")]
    assert [t.text for t in fitted] == [w["text"] for w in samples.CLOUD]
    lengths = [float(t.get("textLength") or 0) for t in fitted]
    widths = [w["width"] for w in samples.CLOUD]
    ratios = {round(length / width, 2) for length, width in zip(lengths, widths, strict=True)}
    assert len(ratios) == 1  # one scale for all
    assert all(t.get("lengthAdjust") == "spacingAndGlyphs" for t in fitted)
    # Colors: from each word's key, so a word keeps its color as the cloud changes.
    colors = [word_color(w["key"]) for w in samples.CLOUD]
    assert [t.get("fill") for t in fitted] == colors
    assert len(set(colors)) > 1
    fewer = samples.wordcloud(samples.CLOUD[1:])
    root = ET.fromstring(render_question(fewer, fmt="svg", lang="en", width=1280, height=720))
    assert [t.get("fill") for t in root.iter(f"{SVG}text") if t.get("textLength")] == colors[1:]


def test_word_colors_are_the_palettes_by_the_sum_of_the_keys_code_points() -> None:
    assert word_color("") == palette.COLORS[0]
    assert word_color("a") == palette.COLORS[ord("a") % 10]  # 97: the eighth
    assert word_color("すし") == palette.COLORS[(ord("す") + ord("し")) % 10]


def ink_columns(png: bytes) -> tuple[int, int]:
    """The first and last pixel columns where anything is drawn below the status line."""
    image = Image.open(io.BytesIO(png)).convert("L")
    below = image.crop((0, 200, image.width, image.height))
    dark = below.point(lambda v: 255 if v < 200 else 0)
    bbox = dark.getbbox()
    assert bbox is not None
    return bbox[0], bbox[2]


@pytest.mark.parametrize("text", ["Ramen", "すし天ぷら", "Curry rice", "WWWWW", "iiii"])
@pytest.mark.parametrize("stretch", [0.8, 1.0, 1.25, 3.0])
def test_the_png_word_spans_its_box(text: str, stretch: float) -> None:
    """Drawn to its box's width as the layout measured it (about the word's own width at
    its size), and never out of it however far a box stretches the word."""
    own = font(80, "bold").getlength(text)
    word = {"key": "k", "text": text, "count": 1, "size": 80, "x": 100, "y": 250}
    word |= {"width": own * stretch, "height": 100}
    picture = samples.wordcloud([word])
    fitted = next(t for t in texts_of(picture) if t.fit is not None)
    assert fitted.fit is not None
    png = render_question(picture, fmt="png", lang="en", width=1280, height=720)
    left, right = ink_columns(png)
    assert fitted.x - 2 <= left and right <= fitted.x + fitted.fit + 2  # inside its box
    if stretch < 2:  # side bearings stretch with the glyphs: a few % of the box at most
        assert left <= fitted.x + fitted.fit * 0.06
        assert right >= fitted.x + fitted.fit * 0.94


def test_a_hidden_word_never_reaches_the_picture() -> None:
    hidden = {**samples.CLOUD[1], "hidden": True}
    picture = samples.wordcloud([samples.CLOUD[0], hidden])
    shown = [t.text for t in texts_of(picture)]
    assert "Ramen" in shown and "すし" not in shown


def test_the_status_counts_the_different_entries() -> None:
    status = texts_of(samples.wordcloud())[1].text
    assert "12 answers" in status and "4 different entries" in status
    assert "4種類の言葉" in texts_of(samples.wordcloud(), "ja")[1].text


# Open text


def test_cards_are_drawn_newest_first_with_their_line_breaks() -> None:
    drawn = [t.text for t in texts_of(samples.text())[2:]]
    assert drawn[:2] == ["Great talk,", "thanks!"]  # the newest card first, two lines
    assert drawn.index("More examples, please.") > drawn.index("Great talk,")


def test_hidden_and_pending_cards_are_never_drawn() -> None:
    cards: list[dict[str, Any]] = [
        {"key": "4.d", "text": "secret hidden", "at": "2024-05-01T10:04:00Z", "hidden": True},
        {"key": "3.c", "text": "secret pending", "at": "2024-05-01T10:03:00Z", "pending": True},
        {"key": "2.b", "text": "shown card", "at": "2024-05-01T10:02:00Z"},
    ]
    picture = samples.text(cards)
    body = render_question(picture, fmt="svg", lang="en", width=1280, height=720)
    assert b"secret" not in body and b"shown card" in body
    assert "secret" not in " ".join(t.text for t in texts_of(picture))


def test_the_wall_shows_as_many_cards_as_fit_and_says_so() -> None:
    cards = [
        {"key": f"{i}.a", "text": f"Card number {i}", "at": "2024-05-01T10:00:00Z"}
        for i in range(40, 0, -1)
    ]
    picture = samples.text(cards)
    texts = [t.text for t in texts_of(picture)]
    drawn = [t for t in texts if t.startswith("Card number")]
    assert 3 <= len(drawn) < 40
    assert drawn == [f"Card number {i}" for i in range(40, 40 - len(drawn), -1)]  # newest
    assert f"The newest {len(drawn)} of 40" in texts[1]
    ja = [t.text for t in texts_of(picture, "ja")]
    assert f"新しい順に{len(drawn)}件（全40件）" in ja[1]
    # Of the cards everyone may see: 2 more answers, hidden, are not among them, nor
    # counted — the room is told of the 40 cards it may see, as on its screens.
    hidden = QuestionPicture(
        picture.prompt, "text", picture.config, {**picture.results, "totalVotes": 42}
    )
    texts = [t.text for t in texts_of(hidden)]
    assert "40 answers" in texts[1] and f"The newest {len(drawn)} of 40" in texts[1]
    assert "42" not in texts[1]
    # Every card box inside the picture.
    for box in boxes_of(picture):
        assert box.x >= 0 and box.y >= 0 and box.x + box.w <= 1280 and box.y + box.h <= 720


def test_a_long_answer_is_cut_with_an_ellipsis_inside_its_card() -> None:
    long = "a line\n" * 60
    picture = samples.text([{"key": "1.a", "text": long.strip(), "at": "2024-05-01T10:00:00Z"}])
    lines = [t for t in texts_of(picture)[2:]]
    assert lines[-1].text.endswith("…")
    card = max(boxes_of(picture), key=lambda b: b.w)
    assert all(card.y < t.y < card.y + card.h for t in lines)


# Rating scale


def test_each_statement_shows_its_mean_with_one_decimal_and_the_ends_labels() -> None:
    picture = samples.scale([[0, 1, 2, 5, 2], [3, 3, 1, 0, 0]])
    texts = [t.text for t in texts_of(picture)]
    assert "The talk" in texts and "The venue" in texts
    assert "3.8" in texts and "1.7" in texts  # (2+6+20+10)/10, (3+6+3)/7
    assert "Not at all" in texts and "Completely" in texts and "Mean" in texts
    assert [str(p) for p in range(1, 6)] == [t for t in texts if t in {"1", "2", "3", "4", "5"}][
        -5:
    ]
    ja = [t.text for t in texts_of(picture, "ja")]
    assert "平均" in ja


def test_a_scales_bars_are_shares_of_each_statements_answers_on_one_scale() -> None:
    picture = samples.scale([[0, 0, 0, 0, 4], [1, 1, 0, 0, 0]])
    bars = [b for b in boxes_of(picture) if b.color in palette.COLORS[:2]]
    first = [b for b in bars if b.color == palette.COLORS[0]]
    second = [b for b in bars if b.color == palette.COLORS[1]]
    assert len(first) == 1 and len(second) == 2  # a bar per point with answers
    # 4/4 of the first row's answers at 5; half of the second's at 1 and at 2.
    assert second[0].h == pytest.approx(first[0].h / 2)
    assert second[0].x < second[1].x < first[0].x


def test_a_scale_without_statements_is_one_unnamed_row() -> None:
    picture = samples.scale([[1, 2, 3]], [], {}, points=3)
    texts = [t.text for t in texts_of(picture)]
    assert "2.3" in texts and "Not at all" not in texts
    assert sum(1 for t in texts if t in {"1", "2", "3"}) >= 3  # counts and the axis


# Ranking


def test_items_are_in_points_order_with_shared_places_for_ties() -> None:
    picture = samples.ranking()
    texts = [t.text for t in texts_of(picture)]
    order = [t for t in texts if t in {"Price", "Quality", "Support", "Speed"}]
    assert order == ["Quality", "Price", "Support", "Speed"]
    assert [t for t in texts if t.endswith(".") and t[:-1].isdigit()] == ["1.", "2.", "2.", "4."]
    assert "3.30  ·  33 pts" in texts and "1.70  ·  17 pts" in texts
    assert [i.place for i in items(picture)] == [1, 2, 2, 4]


def test_a_full_bar_is_n_points_not_the_leaders_score() -> None:
    picture = samples.ranking(points=[40, 30, 20, 10], answers=10)  # means 4, 3, 2, 1 of 4
    shapes = boxes_of(picture)
    tracks = [b for b in shapes if b.edge is not None]
    filled = [b for b in shapes if b.edge is None and b.color in palette.COLORS]
    assert len(tracks) == 4 and len(filled) == 4
    for track, bar, mean in zip(tracks, filled, (4, 3, 2, 1), strict=True):
        assert bar.w / track.w == pytest.approx(mean / 4)
    # The leader of a lukewarm room does not fill the bar.
    lukewarm = samples.ranking(points=[16, 14, 12, 8], answers=10)
    track = next(b for b in boxes_of(lukewarm) if b.edge is not None)
    leader = next(b for b in boxes_of(lukewarm) if b.edge is None and b.color in palette.COLORS)
    assert leader.w / track.w == pytest.approx(1.6 / 4)
    assert any("a full bar is 4" in t.text for t in texts_of(picture))


def test_the_runoffs_winner_is_named_at_close_and_only_then() -> None:
    rounds = [
        {"counts": {"1": 4, "2": 4, "3": 2}, "eliminated": ["3"], "exhausted": 0},
        {"counts": {"2": 6, "1": 4}, "eliminated": [], "exhausted": 0},
    ]
    won = samples.ranking(runoff={"winner": "2", "rounds": rounds})
    texts = [t.text for t in texts_of(won)]
    assert "Instant-runoff winner: Quality (after 2 rounds)" in texts
    assert any(
        t.startswith("即時決選投票の勝者：品質")
        for t in (x.text for x in texts_of(samples.japanese()["ranking"], "ja"))
    )
    none = samples.ranking(runoff={"winner": None, "rounds": rounds[:1]})
    assert "Instant runoff: no winner" in [t.text for t in texts_of(none)]
    open_ = samples.ranking()
    assert not any("runoff" in t.text for t in texts_of(open_))


# Wrapping, shared with the poll charts


def test_wrap_keeps_japanese_closing_marks_off_a_lines_start() -> None:
    text = "今日はいい天気ですね。明日も晴れるでしょう。「週末」は雨です。"
    for width in range(60, 400, 7):
        lines = wrap(text, 20, "regular", width, 20)
        assert "".join(lines) == text, width
        for line in lines[1:]:
            assert line[0] not in "、。」）", (width, lines)
        for line in lines[:-1]:
            assert line[-1] not in "「（", (width, lines)


def test_wrap_breaks_at_line_breaks_and_collapses_blank_runs() -> None:
    assert wrap("one\ntwo", 20, "regular", 500, 5) == ["one", "two"]
    assert wrap("\n\none\n\n\n\ntwo\n", 20, "regular", 500, 5) == ["one", "", "two"]
    assert wrap("a\nb\nc", 20, "regular", 500, 2) == ["a", "b…"]
    assert wrap("a\n\nb", 20, "regular", 500, 2) == ["a…"]  # no line of only "…"
    assert wrap("", 20, "regular", 500, 2) == [""]


def test_wrap_still_cuts_a_word_longer_than_the_line() -> None:
    lines = wrap("x" * 200, 20, "regular", 100, 50)
    assert "".join(lines) == "x" * 200 and len(lines) > 2
