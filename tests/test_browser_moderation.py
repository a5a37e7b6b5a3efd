"""The host's moderation in a real browser (Debian's Chromium, Playwright, a real `tohyo
serve`): hiding a word-cloud entry from the console takes it out of the cloud on the
console and on a phone showing results (the console keeps it listed, struck, with
Restore), and restoring brings it back; an "approve first" wall shows a card on the phones
only once the host approves it; the event's banned words and profanity filter set from
the console refuse new answers and take counted entries out; English and Japanese;
axe-core checks each.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests import browser as pages
from tests.browser import PHONE, goto, shot
from tests.conftest import ServerProcess
from tests.event_browser import card
from tests.host_browser import LIVE, assert_accessible, open_console
from tests.layout_browser import no_sideways_scroll
from tests.results_browser import TypedHost

pytestmark = pytest.mark.slow

browser, server, open_page = pages.browser, pages.server, pages.open_page

CLOUD = {
    "type": "wordcloud",
    "prompt": "One word for the film?",
    "maxEntries": 3,
    "resultsVisibility": "always",
}
APPROVE = {
    "type": "text",
    "prompt": "Questions for the speaker",
    "moderation": "approve",
    "resultsVisibility": "always",
}


def word(scope: Any, key: str) -> Any:
    return scope.locator(f'svg.rv-cloud text.rv-word[data-key="{key}"]')


def test_hiding_an_entry_takes_it_out_of_the_cloud_on_the_console_and_on_phones(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    host = TypedHost(server, CLOUD)
    (q,) = host.ids
    host.open_and_present(q)
    for entries in (["Moving", "Spoiler"], ["moving", "Long"], ["Spoiler", "Funny"]):
        assert host.respond(q, {"entries": entries}) == 201
    console = open_console(open_page, host)
    phone = open_page(PHONE)
    goto(phone, f"/e/{host.event_id}")
    on_phone = card(phone, CLOUD["prompt"])
    expect(word(on_phone, "spoiler")).to_have_text("Spoiler")
    results = console.locator("#results")
    expect(word(results, "spoiler")).to_have_count(1)

    entry = results.locator('.rv-entry[data-key="spoiler"]')
    hide = entry.get_by_role("button", name="Hide “Spoiler”")
    hide.click()
    # Gone from both clouds and from the phone's list; the console still lists it, struck.
    expect(word(results, "spoiler")).to_have_count(0, timeout=LIVE)
    expect(word(on_phone, "spoiler")).to_have_count(0, timeout=LIVE)
    expect(on_phone.locator("ol.rv-top li")).not_to_contain_text(["Spoiler"])
    expect(entry).to_have_class("rv-entry is-hidden")
    expect(entry.locator(".rv-flag")).to_have_text("Hidden")
    restore = entry.get_by_role("button", name="Restore “Spoiler”")
    expect(restore).to_be_focused()  # the same button, now Restore: focus stays
    assert (
        entry.locator(".rv-entry-text").evaluate("(el) => getComputedStyle(el).textDecorationLine")
        == "line-through"
    )
    question = host.question(q)
    assert [e for e in question["results"]["entries"] if e["key"] == "spoiler"] == [
        {"key": "spoiler", "text": "Spoiler", "count": 2, "hidden": True}
    ]
    expect(results.locator(".rv-total")).to_have_text("3 answers · 3 different entries")
    expect(on_phone.locator(".rv-total")).to_have_text("3 answers · 3 different entries")
    pages.settled(console)  # the words the hidden one made room for have moved
    shot(console, "moderation-hidden-entry")
    assert_accessible(console, "the console with a hidden entry")

    restore.click()
    expect(word(results, "spoiler")).to_have_count(1, timeout=LIVE)
    expect(word(on_phone, "spoiler")).to_have_count(1, timeout=LIVE)
    expect(entry).to_have_class("rv-entry")
    expect(entry.get_by_role("button", name="Hide “Spoiler”")).to_be_focused()
    no_sideways_scroll(phone, "the word cloud on a phone")
    assert_accessible(phone, "a phone's word cloud")


def test_approve_first_cards_reach_the_phones_once_approved(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    host = TypedHost(server, APPROVE)
    (q,) = host.ids
    host.open_and_present(q)
    for text in ("How long did it take?", "<i>Hostile</i> & rude"):
        assert host.respond(q, {"text": text}) == 201
    console = open_console(open_page, host)
    phone = open_page(PHONE)
    goto(phone, f"/e/{host.event_id}")
    wall = card(phone, APPROVE["prompt"])
    results = console.locator("#results")
    cards = results.locator(".rv-card")
    expect(cards).to_have_count(2)
    expect(results.locator(".rv-total")).to_have_text("2 answers · 0 shown · 2 awaiting approval")
    pending = cards.filter(has_text="How long")
    expect(pending).to_have_class("rv-card is-pending")
    expect(pending.locator(".rv-flag")).to_have_text("Awaiting approval")
    expect(wall.locator(".rv-card")).to_have_count(0)  # nothing public yet
    expect(wall.locator(".rv-total")).to_have_text("No answers yet")
    assert_accessible(console, "the console with cards awaiting approval")

    pending.get_by_role("button", name="Approve “How long did it take?”").click()
    expect(wall.locator(".rv-card-text")).to_have_text(["How long did it take?"], timeout=LIVE)
    expect(wall.locator(".rv-total")).to_have_text("1 answer")
    expect(pending).to_have_class("rv-card", timeout=LIVE)
    expect(pending.get_by_role("button", name="Approve “How long did it take?”")).to_be_hidden()
    # Focus went from Approve (gone) to the card's other control.
    expect(pending.get_by_role("button", name="Hide “How long did it take?”")).to_be_focused()
    expect(results.locator(".rv-total")).to_have_text("2 answers · 1 shown · 1 awaiting approval")
    # The filter: the cards still waiting only.
    console.get_by_label("Awaiting approval only").check()
    expect(cards.locator(".rv-card-text")).to_have_text(["<i>Hostile</i> & rude"])
    console.get_by_label("Awaiting approval only").uncheck()
    expect(cards).to_have_count(2)
    # Hidden once approved: off the phones again.
    pending.get_by_role("button", name="Hide “How long did it take?”").click()
    expect(wall.locator(".rv-card")).to_have_count(0, timeout=LIVE)
    expect(pending.locator(".rv-flag")).to_have_text("Hidden")
    assert wall.locator("i").count() == 0 and results.locator("i").count() == 0
    shot(console, "moderation-approve")
    assert_accessible(console, "the console with a hidden card")


def test_banned_words_and_the_profanity_filter_from_the_console(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    host = TypedHost(server, CLOUD)
    (q,) = host.ids
    host.open_and_present(q)
    for entries in (["Moving", "Spoiler"], ["Spoiler", "Funny"]):
        assert host.respond(q, {"entries": entries}) == 201
    console = open_console(open_page, host)
    filters = console.locator("#moderation")
    expect(filters).to_be_visible()
    expect(console.locator("#banned-words-count")).to_have_text("No banned words")
    words = console.get_by_label("Banned words")
    save = console.get_by_role("button", name="Save banned words")
    expect(save).to_be_disabled()  # nothing changed yet
    # Too long: said on the field, nothing sent.
    words.fill("x" * 41)
    save.click()
    expect(console.locator("#banned-words-error")).to_have_text(
        f"“{'x' * 41}” is too long: at most 40 characters."
    )
    expect(words).to_have_attribute("aria-invalid", "true")
    assert host.event()["bannedWords"] == []
    assert_accessible(console, "the banned words with an error")

    words.fill("ＳＰＯＩＬＥＲ\nplot twist\n\nspoiler")  # one per line; the same word once
    save.click()
    expect(console.locator("#filters-status")).to_have_text("Saved.", timeout=LIVE)
    banned = host.event()["bannedWords"]
    assert len(banned) == 2
    expect(console.locator("#banned-words-count")).to_have_text("2 banned words")
    expect(words).to_have_value("\n".join(banned))  # as the server keeps them
    # Counted entries leave the results at once; new answers with the word are refused.
    expect(word(console.locator("#results"), "spoiler")).to_have_count(0, timeout=LIVE)
    assert host.respond(q, {"entries": ["Spoiler"]}) == 400
    assert host.respond(q, {"entries": ["a plot twist"]}) == 400
    assert host.respond(q, {"entries": ["Plotting"]}) == 201

    console.get_by_label("Filter profanity (English)").check()
    expect(console.locator("#filters-status")).to_have_text("Saved.", timeout=LIVE)
    assert host.event()["profanityFilter"] is True
    assert host.respond(q, {"entries": ["shit"]}) == 400
    console.get_by_label("Filter profanity (English)").uncheck()
    expect(console.get_by_label("Filter profanity (English)")).not_to_be_checked()
    expect(console.locator("#filters-status")).to_have_text("Saved.", timeout=LIVE)
    assert host.event()["profanityFilter"] is False
    # Another host tab changes the filters: this console follows its stream.
    host.call("PATCH", "", {"bannedWords": ["boring"]})
    expect(words).to_have_value("boring", timeout=LIVE)
    assert_accessible(console, "the console's moderation")

    # In Japanese.
    ja = open_console(open_page, host, locale="ja-JP")
    expect(ja.get_by_label("禁止語", exact=True)).to_have_value("boring")
    expect(ja.get_by_label("不適切な表現を除外（英語）")).to_be_visible()
    expect(ja.locator("#banned-words-count")).to_have_text("禁止語1語")
    assert_accessible(ja, "the console's moderation in Japanese")
    # Other people cannot set them.
    refused = httpx.patch(f"{server.url}/api/events/{host.event_id}", json={"bannedWords": []})
    assert refused.status_code in (401, 403)
