"""Refusals of typed answers, shown in the phone's form (Debian's Chromium, Playwright, a
real `tohyo serve`): a word the event bans (400 invalid_ballot naming the entry: said
politely, the entry marked, the rest kept to send again), an answer after the close (403
closed), an answer already given from another tab (409 already_voted).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests import browser as pages
from tests.answer_browser import checked_at_widths, host_results, wordcloud
from tests.browser import PHONE, goto, shot
from tests.conftest import ServerProcess
from tests.event_browser import Host, card

pytestmark = pytest.mark.slow

browser, server, open_page = pages.browser, pages.server, pages.open_page


def add(section: Any, *words: str) -> None:
    field = section.get_by_label("Your word or short phrase")
    for word in words:
        field.fill(word)
        field.press("Enter")


def test_a_banned_word_is_refused_politely_and_the_rest_can_be_sent(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    host = Host(server, wordcloud("Thoughts on the film?"))
    host.call("PATCH", "", {"bannedWords": ["spoiler"]})
    host.open_and_present("q1")
    phone = open_page(PHONE)
    open_page.tolerate("400")  # the refusal, logged by Chromium as a failed load
    goto(phone, host.path)
    section = card(phone, "Thoughts on the film?")
    add(section, "Lovely", "Big SPOILER ahead")
    section.get_by_role("button", name="Send").click()
    error = section.locator(".form-error")
    expect(error).to_have_text(
        "Sorry, “Big SPOILER ahead” is not accepted in this event. "
        "Please remove it and try another word."
    )
    expect(section.locator(".ev-chip-refused .ev-chip-text")).to_have_text(["Big SPOILER ahead"])
    expect(section.locator("form .ev-chip-text")).to_have_text(["Lovely", "Big SPOILER ahead"])
    checked_at_widths(phone, "a banned word refused")
    shot(phone, "answer-banned")
    assert host_results(host)["totalVotes"] == 0  # nothing of it counted

    section.get_by_role("button", name="Remove “Big SPOILER ahead”").click()
    expect(section.locator(".ev-chip-refused")).to_have_count(0)
    # Typed and sent straight from the field: it becomes a chip, marked, to be removed.
    section.get_by_label("Your word or short phrase").fill("spoiler")
    section.get_by_role("button", name="Send").click()
    expect(error).to_contain_text("“spoiler” is not accepted")
    expect(section.locator(".ev-chip-refused .ev-chip-text")).to_have_text(["spoiler"])
    expect(section.get_by_label("Your word or short phrase")).to_have_value("")
    section.get_by_role("button", name="Remove “spoiler”").click()
    section.get_by_role("button", name="Send").click()
    expect(section.locator(".thanks .ev-chip-text")).to_have_text(["Lovely"])
    assert [(e["text"], e["count"]) for e in host_results(host)["entries"]] == [("Lovely", 1)]


def test_a_word_cloud_sent_after_the_close_or_from_a_second_tab_is_told_so(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    host = Host(server, wordcloud("One word?"))
    host.open_and_present("q1")
    first = open_page(PHONE)
    open_page.tolerate("409")
    open_page.tolerate("403")
    open_page.tolerate("net::ERR_FAILED")  # the cut streams, on purpose
    goto(first, host.path)
    # A second tab of the same browser, its stream cut: it learns of the answer from the
    # refusal alone.
    second = first.context.new_page()
    second.route("**/stream", lambda route: route.abort())
    goto(second, host.path)
    add(card(first, "One word?"), "Sunny")
    card(first, "One word?").get_by_role("button", name="Send").click()
    expect(card(first, "One word?").locator(".thanks")).to_be_visible()
    add(card(second, "One word?"), "Rainy")
    card(second, "One word?").get_by_role("button", name="Send").click()
    expect(card(second, "One word?").locator(".notice")).to_have_text(
        "You have answered this question."
    )
    expect(card(second, "One word?").locator("form")).to_be_hidden()
    second.close()

    late = first.context.browser.new_context(base_url=server.url, viewport=PHONE)
    try:
        page = late.new_page()
        page.route("**/stream", lambda route: route.abort())
        goto(page, host.path)
        host.close("q1")  # unheard: the stream is cut
        add(card(page, "One word?"), "Windy")
        card(page, "One word?").get_by_role("button", name="Send").click()
        expect(card(page, "One word?").locator(".notice")).to_have_text("Voting is closed.")
        expect(card(page, "One word?").locator("form")).to_be_hidden()
    finally:
        late.close()
    assert [(e["text"], e["count"]) for e in host_results(host)["entries"]] == [("Sunny", 1)]
