"""The states of the new question types on a phone, as choice questions have them (Debian's
Chromium, Playwright, a real `tohyo serve`): waiting in the lobby, each type presented in
turn, answered, its results as its visibility allows (after the answer, always, after the
close, the host's only), closed, and the ended event with the last results this phone may
see — one stream, no reload, axe-core and no sideways scroll at every step.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests import browser as pages
from tests.answer_browser import LIVE, checked_at_widths, ranking, scale, text, wordcloud
from tests.browser import PHONE, goto, shot
from tests.conftest import ServerProcess
from tests.event_browser import Host, card, following

pytestmark = pytest.mark.slow

browser, server, open_page = pages.browser, pages.server, pages.open_page


def test_each_new_type_goes_through_the_states_of_a_choice_question(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    host = Host(
        server,
        wordcloud("A word for it?"),  # after_vote, the default
        scale("How did it go?", 4, resultsVisibility="after_close"),
        ranking("Rank them", "Red", "Green", resultsVisibility="always"),
        text("Anything else?", resultsVisibility="host"),
    )
    phone = open_page(PHONE)
    goto(phone, host.path)
    followed = following(phone)
    expect(phone.get_by_role("heading", name="Waiting for the host…")).to_be_visible()

    host.open_and_present("q1")
    words = card(phone, "A word for it?")
    field = words.get_by_label("Your word or short phrase")
    expect(field).to_be_visible(timeout=LIVE)
    expect(words.locator(".ev-results")).to_be_hidden()  # after the answer only
    field.fill("Bright")
    words.get_by_role("button", name="Send").click()
    expect(words.locator(".thanks .ev-chip-text")).to_have_text(["Bright"])
    results = words.locator(".ev-results")
    expect(results).to_be_visible(timeout=LIVE)  # widened on the same stream
    expect(results.locator(".rv-wordcloud")).to_contain_text("Bright")
    expect(words.locator(".ev-results-hidden")).to_be_hidden()
    checked_at_widths(phone, "word cloud results")
    shot(phone, "answer-states-wordcloud")

    host.close("q1")
    host.open_and_present("q2")
    rating = card(phone, "How did it go?")
    expect(rating).to_be_visible(timeout=LIVE)
    expect(words).to_have_count(0)
    expect(phone.locator("#ev-announce")).to_have_text("New question: How did it go?")
    rating.get_by_role("radio", name="3", exact=True).click()
    rating.get_by_role("button", name="Send").click()
    expect(rating.locator(".ev-results-hidden")).to_have_text(
        "The results are shown when voting closes."
    )
    expect(rating.locator(".ev-results")).to_be_hidden()
    host.close("q2")
    expect(rating.locator(".notice")).to_have_text("Voting is closed.", timeout=LIVE)
    expect(rating.locator(".ev-results .rv-scale")).to_be_visible(timeout=LIVE)
    checked_at_widths(phone, "scale results once closed")

    host.open_and_present("q3")
    order = card(phone, "Rank them")
    expect(order.locator(".ev-results .rv-ranking")).to_be_visible(timeout=LIVE)  # always
    expect(order.get_by_role("button", name="Send")).to_be_visible()
    started = order.locator(".ev-rank-list .ev-rank-text").all_text_contents()  # random
    assert sorted(started) == ["Green", "Red"]
    order.get_by_role("button", name="Send").click()
    expect(order.locator(".thanks .ev-mine li")).to_have_text(started)
    checked_at_widths(phone, "ranking results")

    host.open_and_present("q4")
    notes = card(phone, "Anything else?")
    notes.get_by_label("Your answer").fill("All good")
    notes.get_by_role("button", name="Send").click()
    expect(notes.locator(".ev-results-hidden")).to_have_text(
        "The results are shown on the host's screen."
    )
    expect(notes.locator(".ev-results")).to_be_hidden()

    host.present(None)
    expect(phone.get_by_role("heading", name="Waiting for the host…")).to_be_visible(timeout=LIVE)
    host.call("POST", "/end")
    expect(phone.get_by_role("heading", name="This event has ended")).to_be_visible(timeout=LIVE)
    # The results this phone may see: the answered cloud, the closed scale, the public
    # ranking; not the host's wall. No form anywhere.
    expect(phone.locator(".ev-prompt")).to_have_text(
        ["A word for it?", "How did it go?", "Rank them"]
    )
    expect(phone.locator("form:visible")).to_have_count(0)
    expect(phone.get_by_role("button", name="Change your answer")).to_have_count(0)
    checked_at_widths(phone, "ended")
    followed()
