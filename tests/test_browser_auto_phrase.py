"""Japanese breaks between phrases on the pages themselves (issue 15, item 5), in Debian's
Chromium (Playwright, a real `tohyo serve`): at 320 px the thanks after a vote and a
Japanese choice break only where BudouX puts a phrase boundary — tohyo.css's
`:lang(ja) { word-break: auto-phrase }`, Chromium's own phrase model — where, without it,
the thanks breaks inside a word, as the issue saw it ("投票ありがとうございまし / た！").
Zero-width spaces the server may add between phrases (for browsers without auto-phrase)
are left out of the lines.
"""

from __future__ import annotations

from typing import Any

import budoux
import httpx
import pytest

from tests import browser as pages
from tests.browser import goto
from tests.conftest import ServerProcess
from tests.event_browser import Host, card, question
from tests.text_lines_browser import text_lines

pytestmark = pytest.mark.slow

browser, server, open_page = pages.browser, pages.server, pages.open_page

NARROW = {"width": 320, "height": 640}
CHOICE = "デプロイとロールバックの手順を確認する"


def lines(element: Any) -> list[str]:
    return [line.strip() for line in text_lines(element) if line.strip()]


def boundaries(text: str) -> set[int]:
    """Where BudouX's Japanese model ends a phrase, as offsets into `text`."""
    ends, at = set(), 0
    for phrase in budoux.load_default_japanese_parser().parse(text):
        at += len(phrase)
        ends.add(at)
    return ends


def assert_breaks_at_phrases(element: Any, what: str) -> list[str]:
    shown = lines(element)
    text = "".join(shown)
    assert len(shown) >= 2, f"{what} fits one line at 320 px: nothing is tested ({shown})"
    allowed = boundaries(text)
    at = 0
    for line in shown[:-1]:
        at += len(line)
        assert at in allowed, f"{what} breaks inside a phrase: {' / '.join(shown)}"
    return shown


def test_a_japanese_poll_breaks_between_phrases_at_320_px(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    created = httpx.post(
        server.url + "/api/vote",
        json={
            "question": "どれにしますか？",
            "voteType": "single",
            "choices": [{"text": CHOICE}, {"text": "ほかの案"}],
        },
    ).json()
    phone = open_page(NARROW, locale="ja-JP")
    goto(phone, f"/vote/{created['sessionId']}")
    assert_breaks_at_phrases(phone.locator(".option span").first, "the choice")
    phone.locator(".option input").first.check()
    phone.locator('#vote-form button[type="submit"]').click()
    thanks = phone.locator("#thanks h2")
    expect(thanks).to_be_visible()
    assert assert_breaks_at_phrases(thanks, "the thanks") == ["投票ありがとう", "ございました！"]
    # Without the rule the same box breaks inside a word, as the issue saw it.
    thanks.evaluate("(el) => { el.style.wordBreak = 'normal'; }")
    naive = lines(thanks)
    assert len(naive[0]) not in boundaries("".join(naive)), naive


def test_a_japanese_phone_of_an_event_breaks_between_phrases_at_320_px(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    host = Host(server, question("どれにしますか？", CHOICE, "ほかの案"))
    host.open_and_present("q1")
    host.answer_as(9100, "q1", "2")  # results to show after the answer
    phone = open_page(NARROW, locale="ja-JP")
    goto(phone, host.path)
    section = card(phone, "どれにしますか？")
    option = section.locator(".option span").first
    expect(option).to_have_text(CHOICE)
    assert_breaks_at_phrases(option, "the choice")
    section.locator(".option input").first.check()
    section.locator('button[type="submit"]').click()
    thanks = section.locator(".thanks h3")
    expect(thanks).to_be_visible()
    assert_breaks_at_phrases(thanks, "the thanks")
    assert_breaks_at_phrases(section.locator(".bar-label").first, "the choice's bar")
