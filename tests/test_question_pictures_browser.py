"""The typed questions' SVGs in a real browser (Debian's Chromium): the word cloud's words
are drawn where the PNG draws them, each to its box's width, none overlapping; every
type's picture shows its text as text."""

from __future__ import annotations

import io
import itertools
from typing import Any

import pytest
from PIL import Image, ImageChops

from tests import browser as pages
from tests import question_picture_samples as samples
from tests.question_picture_samples import picture_of, wordcloud_answers
from tohyo.charts import QuestionPicture, render_question

pytestmark = pytest.mark.slow
browser = pages.browser  # Debian's Chromium, once for the module

SIZE = (1280, 720)


def shown_in_chromium(
    browser: Any, picture: QuestionPicture, dialogs: list[str] | None = None
) -> tuple[Any, Any]:
    """A page showing the picture's SVG at its size, top-left, and the page's context;
    any dialog a script opened is noted in `dialogs`."""
    svg = render_question(picture, fmt="svg", lang="ja", width=SIZE[0], height=SIZE[1])
    context = browser.new_context(viewport={"width": SIZE[0], "height": SIZE[1]})
    page = context.new_page()
    noted = dialogs if dialogs is not None else []

    def dismissed(dialog: Any) -> None:
        noted.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismissed)
    page.set_content(
        '<!doctype html><meta charset="utf-8"><style>body{margin:0}</style>' + svg.decode()
    )
    return page, context


def ink(png: bytes) -> Image.Image:
    """A mask of the picture's dark pixels (its text) below the title and status."""
    image = Image.open(io.BytesIO(png)).convert("L").crop((0, 180, SIZE[0], SIZE[1]))
    return image.point(lambda v: 255 if v < 180 else 0)


def share_in_both(a: Image.Image, b: Image.Image) -> float:
    """Of the pixels inked in either mask, the share inked in both."""
    both = sum(ImageChops.darker(a, b).histogram()[1:])
    either = sum(ImageChops.lighter(a, b).histogram()[1:])
    return both / either


def test_the_cloud_in_chromium_is_the_cloud_in_the_png(browser: Any) -> None:
    spec = {"type": "wordcloud", "prompt": "好きな食べ物は？", "maxEntries": 4}
    picture = picture_of(spec, wordcloud_answers(120))
    page, context = shown_in_chromium(browser, picture)
    try:
        boxes = page.eval_on_selector_all(
            "text[textLength]",
            "ts => ts.map(t => { const b = t.getBBox();"
            " return [t.textContent, b.x, b.y, b.width, b.height,"
            " Number(t.getAttribute('textLength'))] })",
        )
        screen = page.screenshot()
    finally:
        context.close()
    cloud = picture.results["cloud"]
    assert [b[0] for b in boxes] == [w["text"] for w in cloud]
    for _, _, _, width, _, length in boxes:  # each word as wide as its box
        assert width == pytest.approx(length, rel=0.02, abs=1.5)
    # Ink boxes a little tighter than the font's em boxes: none of them overlap.
    inset = [(x + 1, y + h * 0.2, w - 2, h * 0.6) for _, x, y, w, h, _ in boxes]
    for a, b in itertools.combinations(inset, 2):
        assert not (
            a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]
        ), (a, b)
    png = render_question(picture, fmt="png", lang="ja", width=SIZE[0], height=SIZE[1])
    # The browser's text and the PNG's cover the same pixels, give or take antialiasing.
    assert share_in_both(ink(screen), ink(png)) > 0.8


@pytest.mark.parametrize("kind", ["wordcloud", "text", "scale", "ranking"])
def test_hostile_text_in_chromium_is_text(browser: Any, kind: str) -> None:
    dialogs: list[str] = []
    page, context = shown_in_chromium(browser, samples.hostile()[kind], dialogs)
    try:
        assert page.locator("script").count() == 0  # the page has no script element
        texts = page.eval_on_selector_all("text", "ts => ts.map(t => t.textContent)")
    finally:
        context.close()
    assert texts[0] == samples.HOSTILE
    assert dialogs == []  # the alert never ran
