"""The Japanese UI strings' zero-width spaces in Debian's Chromium (issue 15, item 5): with
`word-break: keep-all; overflow-wrap: anywhere`, what Safari and Firefox get, a line
breaks only between phrases; with `word-break: auto-phrase`, Chromium's own, the marks
change no line; and they change no accessible name (axe-core finds nothing)."""

from __future__ import annotations

import html
from typing import Any

import pytest

from tests import browser as pages
from tests.event_browser import assert_accessible
from tests.text_lines_browser import text_lines
from tohyo.domain.phrases import ZWSP, phrases
from tohyo.web import i18n

browser = pages.browser  # Debian's Chromium, once for the module

KEYS = ("thanks_title", "ans_refused", "not_found_text", "evh_reset_confirm_text", "ev_lobby_text")
SAFARI = "word-break: keep-all; overflow-wrap: anywhere;"
CHROMIUM = "word-break: auto-phrase;"


def lines_of(page: Any, text: str, style: str, width: int) -> list[str]:
    page.set_content(
        f'<!doctype html><html lang="ja"><body><p id="t" style="width: {width}px; '
        f"font: 22px 'Noto Sans CJK JP', sans-serif; {style}\">{html.escape(text)}</p>"
        "</body></html>"
    )
    return text_lines(page.locator("#t"))


@pytest.fixture(scope="module")
def page(browser: Any) -> Any:
    context = browser.new_context(viewport=pages.PHONE, locale="ja-JP")
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("width", [200, 260, 343])
def test_without_auto_phrase_a_line_breaks_only_between_phrases(page: Any, width: int) -> None:
    for key in KEYS:
        plain, shown = i18n.catalog()[key]["ja"], i18n.strings("ja")[key]
        lines = lines_of(page, shown, SAFARI, width)
        assert "".join(lines) == plain, key
        ends, wide, at = {0}, set(), 0
        for phrase in phrases(plain):
            if len(phrase) * 22 > width:  # wider than the line: broken where it overflows
                wide |= set(range(at + 1, at + len(phrase)))
            at += len(phrase)
            ends.add(at)
        at = 0
        for line in lines[:-1]:  # every line ends at a phrase's end
            at += len(line)
            assert at in ends | wide, (key, width, lines)


def test_unmarked_the_same_css_would_break_inside_a_word(page: Any) -> None:
    # Why the marks: keep-all alone leaves only the overflow to break at, mid-word.
    assert lines_of(page, i18n.catalog()["thanks_title"]["ja"], SAFARI, 200) != [
        "投票ありがとう",
        "ございました！",
    ]
    assert lines_of(page, i18n.strings("ja")["thanks_title"], SAFARI, 200) == [
        "投票ありがとう",
        "ございました！",
    ]


@pytest.mark.parametrize("width", [150, 200, 260, 343])
def test_with_auto_phrase_the_marks_change_no_line(page: Any, width: int) -> None:
    assert page.evaluate("CSS.supports('word-break', 'auto-phrase')")
    for key in KEYS:
        plain, shown = i18n.catalog()[key]["ja"], i18n.strings("ja")[key]
        assert lines_of(page, shown, CHROMIUM, width) == lines_of(page, plain, CHROMIUM, width)


def test_the_marks_change_no_accessible_name(page: Any) -> None:
    ja = {key: html.escape(text) for key, text in i18n.strings("ja").items()}
    page.set_content(
        f'<!doctype html><html lang="ja"><head><title>{ja["create_title"]}</title></head>'
        f"<body><main><h1>{ja['thanks_title']}</h1>"
        f'<button type="button">{ja["close_voting"]}</button>'
        f'<button type="button" aria-label="{ja["copy_host_link"]}">⧉</button>'
        f'<label for="q">{ja["question_label"]}</label>'
        f'<input id="q" placeholder="{ja["question_placeholder"]}">'
        f'<nav aria-label="{ja["ev_mine_link"]}"><a href="/mine">{ja["ev_mine_link"]}</a></nav>'
        "</main></body></html>"
    )
    plain = {key: texts["ja"] for key, texts in i18n.catalog().items()}
    assert ZWSP in page.locator("h1").text_content()
    for role, key in (
        ("heading", "thanks_title"),
        ("button", "close_voting"),
        ("button", "copy_host_link"),
        ("navigation", "ev_mine_link"),
        ("link", "ev_mine_link"),
    ):
        assert page.get_by_role(role, name=plain[key], exact=True).count() == 1, key
    assert page.get_by_label(plain["question_label"], exact=True).count() == 1
    assert_accessible(page, "Japanese strings with zero-width spaces")
