"""Change of answer from a phone in a real browser (Debian's Chromium, Playwright, a real
`tohyo serve`): where a question allows it and is open, an answered card offers "Change
your answer", which brings the control back filled with what was sent (after a reload
too: the page is told what this participant sent); sending again replaces the answer —
the host's GET /api/events/{id} moves the count, the number of answers stays.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests import browser as pages
from tests.answer_browser import (
    LIVE,
    checked_at_widths,
    host_results,
    ranking,
    scale,
    wordcloud,
)
from tests.browser import PHONE, goto, shot, wait_ready
from tests.conftest import ServerProcess
from tests.event_browser import Host, bar_value, card, following, question
from tests.test_browser_answer_ranking import arrange

pytestmark = pytest.mark.slow

browser, server, open_page = pages.browser, pages.server, pages.open_page


def cloud(host: Host) -> dict[str, int]:
    return {e["text"]: e["count"] for e in host_results(host)["entries"]}


def test_a_word_cloud_answer_changed_moves_the_count(open_page: Any, server: ServerProcess) -> None:
    from playwright.sync_api import expect

    host = Host(server, wordcloud("Your drink?", allowChange=True, resultsVisibility="host"))
    phone = open_page(PHONE)
    goto(phone, host.path)
    followed = following(phone)
    host.open_and_present("q1")
    section = card(phone, "Your drink?")
    field = section.get_by_label("Your word or short phrase")
    for word in ("Tea", "Coffee"):
        field.fill(word)
        field.press("Enter")
    section.get_by_role("button", name="Send").click()
    thanks = section.locator(".thanks")
    expect(thanks.locator(".ev-chip-text")).to_have_text(["Tea", "Coffee"])
    assert cloud(host) == {"Tea": 1, "Coffee": 1}
    change = section.get_by_role("button", name="Change your answer")
    expect(change).to_be_visible()
    checked_at_widths(phone, "answered, may change")

    change.click()  # the control again, with what was sent
    expect(thanks).to_be_hidden()
    chips = section.locator("form .ev-chip-text")
    expect(chips).to_have_text(["Tea", "Coffee"])
    expect(field).to_be_focused()
    section.get_by_role("button", name="Keep my answer").click()  # changed their mind
    expect(thanks).to_be_visible()
    expect(thanks.locator(".ev-chip-text")).to_have_text(["Tea", "Coffee"])
    expect(section.locator("form")).to_be_hidden()

    change.click()
    section.get_by_role("button", name="Remove “Coffee”").click()
    field.fill("Juice")
    field.press("Enter")
    checked_at_widths(phone, "changing")
    shot(phone, "answer-change")
    section.get_by_role("button", name="Send").click()
    expect(thanks).to_be_focused()
    expect(thanks.locator("h3")).to_have_text("Your answer has been changed.")
    expect(thanks.locator(".ev-chip-text")).to_have_text(["Tea", "Juice"])
    results = host_results(host)
    assert results["totalVotes"] == 1  # replaced, not added
    assert cloud(host) == {"Tea": 1, "Juice": 1}
    followed()

    # After a reload the page is told what this participant sent: it says it again, and a
    # change starts from it.
    phone.reload()
    wait_ready(phone)
    section = card(phone, "Your drink?")
    thanks = section.locator(".thanks")
    expect(thanks.locator("h3")).to_have_text("Thank you for your answer!")
    expect(thanks.locator(".ev-chip-text")).to_have_text(["Tea", "Juice"])
    expect(section.locator(".notice")).to_have_text("")
    section.get_by_role("button", name="Change your answer").click()
    expect(section.locator("form .ev-chip-text")).to_have_text(["Tea", "Juice"])
    for word in ("Tea", "Juice"):
        section.get_by_role("button", name=f"Remove “{word}”").click()
    field = section.get_by_label("Your word or short phrase")
    expect(field).to_have_value("")
    field.fill("Water")
    section.get_by_role("button", name="Send").click()
    expect(section.locator(".thanks h3")).to_have_text("Your answer has been changed.")
    assert cloud(host) == {"Water": 1}
    assert host_results(host)["totalVotes"] == 1

    host.close("q1")  # closed: no more changes
    expect(section.locator(".notice")).to_have_text("Voting is closed.", timeout=LIVE)
    expect(section.get_by_role("button", name="Change your answer")).to_be_hidden()

    host.call("POST", "/questions/q1/reset")  # a new round: a fresh, empty control
    expect(section.locator(".ev-position")).to_have_text(
        "Question 1 · asked again (round 2)", timeout=LIVE
    )
    expect(field).to_be_visible()
    expect(section.locator("form .ev-chip")).to_have_count(0)
    expect(section.locator(".thanks")).to_be_hidden()
    expect(section.get_by_role("button", name="Change your answer")).to_be_hidden()
    field.fill("Milk")
    section.get_by_role("button", name="Send").click()
    expect(section.locator(".thanks h3")).to_have_text("Thank you for your answer!")
    assert cloud(host) == {"Milk": 1}  # this round's tally alone


def test_a_choice_changed_moves_the_bars(open_page: Any, server: ServerProcess) -> None:
    from playwright.sync_api import expect

    host = Host(server, question("Lunch?", "Ramen", "Curry", "Sushi", allowChange=True))
    host.open_and_present("q1")
    phone = open_page(PHONE)
    goto(phone, host.path)
    section = card(phone, "Lunch?")
    section.get_by_label("Curry", exact=True).check()
    section.get_by_role("button", name="Vote").click()
    expect(bar_value(section, "Curry")).to_have_text("1 vote, 100%", timeout=LIVE)
    section.get_by_role("button", name="Change your answer").click()
    expect(section.get_by_label("Curry", exact=True)).to_be_checked()
    expect(section.get_by_label("Curry", exact=True)).to_be_focused()
    section.get_by_label("Sushi", exact=True).check()
    section.get_by_role("button", name="Vote").click()
    expect(section.locator(".ev-mine")).to_have_text("Sushi")
    expect(bar_value(section, "Sushi")).to_have_text("1 vote, 100%", timeout=LIVE)
    expect(bar_value(section, "Curry")).to_have_text("0 votes, 0%")
    expect(section.locator(".total")).to_have_text("1 ballot")
    choices = {c["choiceId"]: c["voteCount"] for c in host_results(host)["choices"]}
    assert choices == {"1": 0, "2": 0, "3": 1}


def test_a_scale_and_a_ranking_come_back_as_they_were_sent(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    host = Host(
        server,
        scale("How was it?", 5, allowChange=True),
        ranking("Which talk?", "Alpha", "Beta", "Gamma", allowChange=True),
        pace="audience",
    )
    host.open("q1")
    host.open("q2")
    phone = open_page(PHONE, locale="ja-JP")
    goto(phone, host.path)
    rating = card(phone, "How was it?")
    rating.get_by_role("radio", name="2", exact=True).click()
    rating.get_by_role("button", name="送信する").click()
    expect(rating.locator(".thanks .ev-mine li")).to_have_text(["5段階中 2"])
    talks = card(phone, "Which talk?")
    arrange(
        talks, ["Alpha", "Beta", "Gamma"], "「{}」を移動"
    )  # from the page's random starting order
    talks.get_by_role("button", name="「Gamma」を上へ").click()
    talks.get_by_role("button", name="送信する").click()
    expect(talks.locator(".thanks .ev-mine li")).to_have_text(["Alpha", "Gamma", "Beta"])

    rating.get_by_role("button", name="回答を変更する").click()
    expect(rating.get_by_role("radio", name="2", exact=True)).to_be_checked()
    rating.get_by_role("radio", name="5", exact=True).click()
    rating.get_by_role("button", name="送信する").click()
    expect(rating.locator(".thanks h3")).to_have_text("回答を変更しました。")
    talks.get_by_role("button", name="回答を変更する").click()
    texts = talks.locator(".ev-rank-list .ev-rank-text")
    expect(texts).to_have_text(["Alpha", "Gamma", "Beta"])
    talks.get_by_role("button", name="「Beta」を上へ").click()
    talks.get_by_role("button", name="「Beta」を上へ").click()
    talks.get_by_role("button", name="送信する").click()
    expect(talks.locator(".thanks .ev-mine li")).to_have_text(["Beta", "Alpha", "Gamma"])

    rated = host_results(host, "q1")
    assert (rated["totalVotes"], rated["statements"][0]["counts"]) == (1, [0, 0, 0, 0, 1])
    ranked = host_results(host, "q2")
    assert ranked["totalVotes"] == 1
    assert {i["choiceId"]: i["points"] for i in ranked["items"]} == {"2": 3, "1": 2, "3": 1}
