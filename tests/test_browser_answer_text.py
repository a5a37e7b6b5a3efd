"""Open text answered from a phone in a real browser (Debian's Chromium, Playwright, a real
`tohyo serve`): a textarea with the count of what is left (code points after the server's
trimming and line breaks), Send, the text shown as sent (as text, its lines kept) — and
the host's GET /api/events/{id} holding the card. A banned word refused politely.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests import browser as pages
from tests.answer_browser import LIVE, checked_at_widths, host_results, text
from tests.browser import PHONE, goto, shot
from tests.conftest import ServerProcess
from tests.event_browser import Host, card, following

pytestmark = pytest.mark.slow

browser, server, open_page = pages.browser, pages.server, pages.open_page

HOSTILE = '<script>alert("x")</script>\n\n\n\n=cmd & "quotes"\n🍣 寿司'
SENT = '<script>alert("x")</script>\n\n=cmd & "quotes"\n🍣 寿司'  # blank lines made one


def test_a_phone_writes_an_answer_and_the_host_holds_its_card(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    host = Host(server, text("What should we improve?", resultsVisibility="host"))
    phone = open_page(PHONE)
    goto(phone, host.path)
    followed = following(phone)
    host.open_and_present("q1")
    section = card(phone, "What should we improve?")
    field = section.get_by_label("Your answer")
    expect(field).to_be_visible(timeout=LIVE)
    send = section.get_by_role("button", name="Send")
    expect(send).to_be_disabled()
    count = section.locator(".ev-count")
    expect(count).to_have_text("500 characters left")
    expect(field).to_have_accessible_description("500 characters left")
    field.fill("   \n  ")  # only white space: nothing to send
    expect(send).to_be_disabled()
    field.fill("x" * 499 + "😀😀")
    expect(count).to_have_text("1 character too many")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(send).to_be_disabled()
    expect(section.locator(".ev-live")).to_have_text("1 character too many")
    field.fill(f"  {HOSTILE}\r\n  ")
    expect(count).to_have_text(f"{500 - len(SENT)} characters left")
    expect(send).to_be_enabled()
    checked_at_widths(phone, "open text")
    shot(phone, "answer-text")

    send.click()
    thanks = section.locator(".thanks")
    expect(thanks).to_be_focused()
    expect(thanks.locator("h3")).to_have_text("Thank you for your answer!")
    mine = thanks.locator(".ev-mine")
    assert mine.evaluate("(p) => p.textContent") == SENT  # as text, every line
    assert mine.evaluate("(p) => p.children.length") == 0
    expect(phone.locator("script:not([src])")).to_have_count(0)
    assert [c["text"] for c in host_results(host)["cards"]] == [SENT]
    checked_at_widths(phone, "open text, sent")
    followed()


def test_approve_first_and_a_banned_word_are_said_in_japanese(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    host = Host(server, text("ご意見は？", moderation="approve"))
    host.call("PATCH", "", {"bannedWords": ["ネタバレ"]})
    host.open_and_present("q1")
    phone = open_page(PHONE, locale="ja-JP")
    open_page.tolerate("400")  # the refusal, logged by Chromium as a failed load
    goto(phone, host.path)
    section = card(phone, "ご意見は？")
    field = section.get_by_label("あなたの回答")
    field.fill("最後のネタバレが\nよかった")
    expect(section.locator(".ev-count")).to_have_text("残り487文字")
    section.get_by_role("button", name="送信する").click()
    expect(section.locator(".form-error")).to_have_text(
        "申し訳ありませんが、回答にこのイベントで使えない言葉が含まれています。"
        "言い換えてから、もう一度送信してください。"
    )
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_value("最後のネタバレが\nよかった")  # kept, to be reworded
    assert host_results(host)["totalVotes"] == 0
    field.fill("最後の場面が\nよかった")
    section.get_by_role("button", name="送信する").click()
    thanks = section.locator(".thanks")
    expect(thanks.locator(".ev-mine")).to_have_text("最後の場面が\nよかった")
    expect(thanks).to_contain_text("回答は、ホストが承認すると表示されます。")
    assert host_results(host)["totalVotes"] == 1
