"""Japanese in the pictures breaks between phrases (issue 15, item 5): "投票ありがとう /
ございました！", never "投票ありがとうございまし / た！"; a phrase wider than the line alone
breaks between its characters. The layout's lines, the SVG's texts and the PNG's ink
agree."""

from __future__ import annotations

import pytest

from tests import question_picture_samples as samples
from tests.picture_geometry import (
    ink_right,
    needs_cjk_font,
    picture_texts,
    png,
    session,
    svg_texts,
)
from tohyo import charts
from tohyo.charts import Picture, font, render_question
from tohyo.charts.layout import wrap
from tohyo.charts.question_pictures import layout_question
from tohyo.domain.phrases import boundaries, phrases

THANKS = "投票ありがとうございました！"
DEPLOY = "デプロイとロールバック"
SENTENCES = (
    THANKS,
    DEPLOY,
    "今日はいい天気ですね。明日も晴れるでしょう。「週末」は雨です。",
    "GitHub Actionsでデプロイする手順を教えてください",
)


def test_the_issues_examples_are_cut_into_their_phrases() -> None:
    assert phrases(THANKS) == ("投票", "ありがとう", "ございました！")
    assert phrases(DEPLOY) == ("デプロイと", "ロールバック")
    assert phrases("GitHub Actionsでデプロイ") == ("GitHub Actionsで", "デプロイ")
    assert phrases("Plain English, v1.2.3") == ("Plain English, v1.2.3",)
    assert phrases("") == ()


@pytest.mark.parametrize("text", SENTENCES)
def test_no_line_splits_a_phrase_that_fits_a_line(text: str) -> None:
    needs_cjk_font()
    f = font(20)
    for width in range(40, 520, 9):
        lines = wrap(text, 20, "regular", width, 40)
        assert "".join(lines).replace(" ", "") == text.replace(" ", ""), width
        for phrase in phrases(text):
            if f.getlength(phrase.strip()) <= width:
                assert any(phrase.strip() in line for line in lines), (width, phrase, lines)


def test_a_phrase_wider_than_the_line_breaks_between_its_characters() -> None:
    needs_cjk_font()
    # 20 px a character, 3 to a line: ロールバック is 6; "ッ" may not start a line.
    assert wrap("ロールバック", 20, "regular", 60, 5) == ["ロール", "バック"]
    # The phrase before it keeps its own line: the wide one starts a fresh one.
    assert wrap(THANKS, 20, "regular", 60, 9)[:2] == ["投票", "ありが"]


# A poll's label column is 30 % of the inner width: 8 characters at 320 px, where the old
# wrap cut 投票ありがとうご / ざいました！, and 13 at 640 px (投票ありがとうございまし / た！).
POLL_LINES = {
    (320, 240): ["投票ありがとう", "ございました！", "デプロイと", "ロールバック"],
    (640, 480): ["投票ありがとう", "ございました！", "デプロイとロールバック"],
}


@pytest.mark.parametrize("size", list(POLL_LINES))
def test_a_polls_labels_break_between_phrases_in_svg_and_png(size: tuple[int, int]) -> None:
    needs_cjk_font()
    width, height = size
    poll = session([THANKS, DEPLOY], [3, 1], 4)
    pic = charts.layout(poll, "bar", "ja", width, height, now=0)
    lines = [t for t in picture_texts(pic) if t.text and t.text in THANKS + DEPLOY]
    assert [t.text for t in lines] == POLL_LINES[size]
    svg = charts.render(poll, fmt="svg", kind="bar", lang="ja", width=width, height=height, now=0)
    assert [t for t in svg_texts(svg) if t and t in THANKS + DEPLOY] == POLL_LINES[size]

    image = png(
        charts.render(poll, fmt="png", kind="bar", lang="ja", width=width, height=height, now=0)
    )
    unit = min(width / 1280, height / 720)
    label_w = (width - 2 * round(40 * unit)) * 0.3
    for line in lines:
        # The same line painted alone at the same place: its ink ends where the chart's
        # does, to the pixel (a character more or less would move it 11 px or more).
        alone = png(charts.to_png(Picture(width, height, [line])))
        box = (line.x, line.y - line.size * 0.95, line.x + label_w, line.y + line.size * 0.2)
        assert ink_right(image, *box) == pytest.approx(ink_right(alone, *box), abs=1), line.text
        assert ink_right(alone, *box) > line.size * 4


def _at_phrase_edges(line: str, text: str) -> bool:
    """`line` is a run of whole phrases of `text` (or, cut with an ellipsis, starts one)."""
    cut = line.endswith("…")
    line = line.removesuffix("…")
    edges = {0, len(text), *boundaries(text)}
    return any(text.startswith(line, at) and (cut or at + len(line) in edges) for at in edges)


CARD = f"{DEPLOY}、{THANKS}"


@pytest.mark.parametrize("fmt", ["svg", "layout"])
@pytest.mark.parametrize("size", [(320, 240), (480, 360), (640, 480)])
def test_a_rankings_items_and_a_walls_cards_break_between_phrases(
    fmt: str, size: tuple[int, int]
) -> None:
    needs_cjk_font()
    ranking = samples.ranking(texts=[THANKS, DEPLOY, "寿司", "天ぷら"])
    at = "2024-05-01T10:01:00.000Z"
    wall = samples.text(cards=[{"key": f"{n}.a", "text": CARD, "at": at} for n in range(3)])
    for picture, texts in ((ranking, (THANKS, DEPLOY)), (wall, (CARD,))):
        if fmt == "svg":
            body = render_question(picture, fmt="svg", lang="ja", width=size[0], height=size[1])
            lines = svg_texts(body)
        else:
            lines = [t.text for t in picture_texts(layout_question(picture, "ja", *size))]
        for text in texts:
            drawn = [line for line in lines if line and line.removesuffix("…") in text]
            assert drawn and all(_at_phrase_edges(line, text) for line in drawn), drawn
            if text is THANKS and size[0] == 320:
                assert drawn == ["投票ありがとう", "ございました！"]
            if text is CARD and size[0] == 320:  # three narrow cards, each wrapped
                assert drawn[:3] == ["デプロイと", "ロールバック、", "投票ありがとう"], drawn
