"""A word cloud answered from a phone in a real browser (Debian's Chromium, Playwright, a
real `tohyo serve`): the entry field and its count of what is left (code points, as the
server counts: an emoji is one, a Japanese IME's composition counts as it is typed), Add
and Enter, chips removable before sending, Send, the chips of what was sent — and the
host's GET /api/events/{id} counting every entry. In English and in Japanese.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests import browser as pages
from tests.answer_browser import LIVE, checked_at_widths, host_results, wordcloud
from tests.browser import PHONE, goto, shot
from tests.conftest import ServerProcess
from tests.event_browser import Host, card, following

pytestmark = pytest.mark.slow

browser, server, open_page = pages.browser, pages.server, pages.open_page


def counts(host: Host) -> dict[str, int]:
    return {e["text"]: e["count"] for e in host_results(host)["entries"]}


def test_a_phone_adds_entries_removes_one_sends_and_the_host_counts_them(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    host = Host(server, wordcloud("One word for today?", maxEntries=3, resultsVisibility="host"))
    phone = open_page(PHONE)
    goto(phone, host.path)
    followed = following(phone)
    host.open_and_present("q1")
    section = card(phone, "One word for today?")
    field = section.get_by_label("Your word or short phrase")
    expect(field).to_be_visible(timeout=LIVE)
    send = section.get_by_role("button", name="Send")
    expect(send).to_be_disabled()
    expect(section.locator(".ev-hint")).to_have_text(
        "You can send up to 3 entries: add each one, then send. 0 of 3 added."
    )
    expect(section.locator(".ev-count")).to_have_text("40 characters left")
    checked_at_widths(phone, "word cloud, empty")

    field.fill("  Calm   morning ")  # trimmed, inner spaces made one, as the server does
    expect(section.locator(".ev-count")).to_have_text("28 characters left")
    field.press("Enter")
    chips = section.locator(".ev-chips .ev-chip-text")
    expect(chips).to_have_text(["Calm morning"])
    expect(field).to_have_value("")
    expect(field).to_be_focused()
    field.fill('<script>alert(1)</script> & "x"')  # shown as text, sent as text
    section.get_by_role("button", name="Add", exact=True).click()
    field.fill("calm MORNING")  # the same key: told, not added
    field.press("Enter")
    expect(section.locator(".ev-entry-note")).to_have_text("You have already added “calm MORNING”.")
    field.fill("Sleepy")
    field.press("Enter")
    expect(chips).to_have_count(3)
    expect(section.get_by_role("button", name="Add", exact=True)).to_be_disabled()
    field.fill("Fourth")
    field.press("Enter")
    expect(section.locator(".ev-entry-note")).to_contain_text("the most you can send")
    field.fill("")
    expect(section.locator(".ev-hint")).to_contain_text("3 of 3 added.")
    checked_at_widths(phone, "word cloud, three chips")
    shot(phone, "answer-wordcloud-chips")

    section.get_by_role("button", name="Remove “Sleepy”").click()  # before sending
    expect(chips).to_have_text(["Calm morning", '<script>alert(1)</script> & "x"'])
    expect(phone.locator("script:not([src])")).to_have_count(0)
    field.fill("🍣 sushi 🍣")  # typed, not added: Send takes it with the chips
    expect(section.locator(".ev-count")).to_have_text("31 characters left")  # 🍣 is one
    send.click()
    thanks = section.locator(".thanks")
    expect(thanks).to_be_focused()
    expect(thanks.locator("h3")).to_have_text("Thank you for your answer!")
    expect(thanks.locator(".ev-chip-text")).to_have_text(
        ["Calm morning", '<script>alert(1)</script> & "x"', "🍣 sushi 🍣"]
    )
    expect(thanks.get_by_role("button")).to_have_count(0)  # what was sent is not removable
    expect(section.locator("form")).to_be_hidden()
    expect(section.locator(".ev-results-hidden")).to_have_text(
        "The results are shown on the host's screen."
    )
    assert counts(host) == {
        "Calm morning": 1,
        '<script>alert(1)</script> & "x"': 1,
        "🍣 sushi 🍣": 1,
    }
    checked_at_widths(phone, "word cloud, sent")
    shot(phone, "answer-wordcloud-sent")

    host.close("q1")
    expect(section.locator(".notice")).to_have_text("Voting is closed.", timeout=LIVE)
    followed()


def test_a_too_long_entry_is_told_before_it_is_sent(open_page: Any, server: ServerProcess) -> None:
    from playwright.sync_api import expect

    host = Host(server, wordcloud("A long word?", maxEntries=1))
    host.open_and_present("q1")
    phone = open_page(PHONE)
    goto(phone, host.path)
    section = card(phone, "A long word?")
    field = section.get_by_label("Your word or short phrase")
    expect(section.locator(".ev-hint")).to_have_text("You can send 1 entry. 0 of 1 added.")
    field.fill("x" * 39 + "😀")  # 40 code points, 41 UTF-16 units: fits
    expect(section.locator(".ev-count")).to_have_text("0 characters left")
    expect(section.get_by_role("button", name="Send")).to_be_enabled()
    field.fill("x" * 42)
    expect(section.locator(".ev-count")).to_have_text("2 characters too many")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(section.get_by_role("button", name="Send")).to_be_disabled()
    field.press("Enter")
    expect(section.locator(".ev-entry-note")).to_have_text(
        "That is too long: at most 40 characters."
    )
    field.fill("x" * 39 + "😀")
    section.get_by_role("button", name="Send").click()
    expect(section.locator(".thanks .ev-chip-text")).to_have_text(["x" * 39 + "😀"])
    assert counts(host) == {"x" * 39 + "😀": 1}


def test_a_japanese_phone_enters_words_through_an_ime(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    host = Host(server, wordcloud("今の気分は？", maxEntries=2))
    host.open_and_present("q1")
    phone = open_page(PHONE, locale="ja-JP")
    goto(phone, host.path)
    followed = following(phone)
    section = card(phone, "今の気分は？")
    field = section.get_by_label("言葉や短いフレーズ")
    expect(section.locator(".ev-hint")).to_have_text(
        "2個まで送信できます。ひとつずつ追加してから送信してください。2個中0個を追加済み。"
    )
    field.focus()
    # An IME's composition, as Chromium has it from a Japanese keyboard: the text being
    # composed is in the field and counts; Enter confirms it and adds nothing.
    ime = phone.context.new_cdp_session(phone)
    ime.send(
        "Input.imeSetComposition", {"text": "わくわく", "selectionStart": 4, "selectionEnd": 4}
    )
    expect(field).to_have_value("わくわく")
    expect(section.locator(".ev-count")).to_have_text("残り36文字")
    ime.send(
        "Input.imeSetComposition", {"text": "ワクワク", "selectionStart": 4, "selectionEnd": 4}
    )
    composing = phone.evaluate(
        """() => {
          const field = document.querySelector(".ev-entry");
          const enter = new KeyboardEvent("keydown", {
            key: "Enter", keyCode: 229, isComposing: true, bubbles: true, cancelable: true });
          field.dispatchEvent(enter);
          return document.querySelectorAll(".ev-chip").length;
        }"""
    )
    assert composing == 0  # the Enter that confirms a conversion adds nothing
    ime.send("Input.insertText", {"text": "ワクワク"})  # the composition, committed
    expect(field).to_have_value("ワクワク")
    field.press("Enter")
    chips = section.locator(".ev-chips .ev-chip-text")
    expect(chips).to_have_text(["ワクワク"])
    expect(section.locator(".ev-live")).to_contain_text("「ワクワク」を追加しました。")
    field.fill("ｗａｋｕｗａｋｕ　東京タワー")  # full-width letters and an ideographic space
    expect(section.locator(".ev-count")).to_have_text("残り26文字")
    section.get_by_role("button", name="追加").click()
    expect(chips).to_have_text(["ワクワク", "ｗａｋｕｗａｋｕ 東京タワー"])
    checked_at_widths(phone, "word cloud in Japanese")
    shot(phone, "answer-wordcloud-ja")
    section.get_by_role("button", name="送信する").click()
    thanks = section.locator(".thanks")
    expect(thanks.locator("h3")).to_have_text("回答ありがとうございました！")
    expect(thanks.locator(".ev-chip-text")).to_have_text(
        ["ワクワク", "ｗａｋｕｗａｋｕ 東京タワー"]
    )
    entries = host_results(host)["entries"]
    assert {(e["text"], e["count"]) for e in entries} == {
        ("ワクワク", 1),
        ("ｗａｋｕｗａｋｕ 東京タワー", 1),
    }
    followed()
