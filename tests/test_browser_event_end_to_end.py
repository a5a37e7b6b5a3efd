"""A whole event run from the browser, end to end (Debian's Chromium driven by Playwright,
a real `tohyo serve` on a free port: tests/browser.py). Nothing goes through the API
behind the pages' backs: the host creates the event on /events/new, builds its three
questions (single choice, multiple choice, word cloud) with the console's dialog, and
runs it from the console — Next opens and presents the first, Next, Next, Close, a new
round, End. Five phones, each its own browser context, follow on one stream each with
no reload: three open the event's link (its QR code), one in Japanese types the code on
`/`, one joins late by typing the code as the console shows it ("123 456"). They answer;
the console's live results and its count of connected phones reach the exact tallies;
each phone shows the presented question each time, "voting closed" once closed, a fresh
form after the new round, and the ended screen at the end.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests import browser as pages
from tests.browser import LAPTOP, goto
from tests.conftest import ServerProcess
from tests.console_browser import (
    LIVE,
    SOON,
    console_bar,
    join_code_shown,
    phone_by_code,
    phone_by_link,
    presented,
)
from tests.event_browser import answer, card, following
from tests.host_browser import add_question
from tests.question_forms_browser import created_event

pytestmark = pytest.mark.slow

browser, server, open_page = pages.browser, pages.server, pages.open_page

LUNCH, DRINKS, WORD = "Lunch?", "Drinks?", "One word for today?"


def add_word_cloud(console: Any, prompt: str) -> None:
    from playwright.sync_api import expect

    console.get_by_role("button", name="Add a question").click()
    dialog = console.locator("#question-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Question", exact=True).fill(prompt)
    dialog.get_by_label("Word cloud").check()
    dialog.get_by_role("button", name="Add a question").click()
    expect(dialog).to_be_hidden()


def send_word(phone: Any, word: str, ja: bool) -> None:
    section = card(phone, WORD)
    section.get_by_label("言葉や短いフレーズ" if ja else "Your word or short phrase").fill(word)
    section.get_by_role("button", name="送信する" if ja else "Send").click()


def test_a_host_runs_a_three_question_event_from_the_console_and_five_phones_follow(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    # The host: an event made on the create page, its questions built in the console.
    console = open_page(LAPTOP)
    goto(console, "/events/new")
    console.get_by_label("Event title").fill("Friday workshop")
    console.get_by_role("button", name="Create event").click()
    event = created_event(console, server)  # on the console, as the host
    assert event["questions"] == []
    add_question(console, LUNCH, ["Ramen", "Curry", "Sushi"])
    add_question(console, DRINKS, ["Tea", "Coffee", "Juice"], multiple=True)
    add_word_cloud(console, WORD)
    expect(console.locator("#question-list .question-prompt")).to_have_text(
        [LUNCH, DRINKS, WORD], timeout=LIVE
    )
    console_followed = following(console)
    event_path = f"/e/{event['eventId']}"
    join_url = console.locator("#join-url").get_attribute("href")
    assert join_url is not None and join_url.endswith(event_path)
    code = join_code_shown(console)
    assert " " in code  # shown in groups, to be read aloud
    presence = console.locator("#presence")

    # Four phones before the start: three by the link, one in Japanese by the code.
    phones = [phone_by_link(open_page, join_url) for _ in range(3)]
    ja = phone_by_code(
        open_page, code.replace(" ", ""), event_path, accept_language="ja", locale="ja-JP"
    )
    phones.insert(2, ja)
    checks = [following(phone) for phone in phones]
    expect(ja.locator("html")).to_have_attribute("lang", "ja")
    for phone in phones:
        lobby = "ホストを待っています…" if phone is ja else "Waiting for the host…"
        expect(phone.get_by_role("heading", name=lobby)).to_be_visible()
    expect(presence).to_have_text("4 connected", timeout=SOON)

    def vote_button(phone: Any) -> str:
        return "投票する" if phone is ja else "Vote"

    # Next, from the lobby: the first question, opened and presented.
    console.get_by_role("button", name="Next").click()
    expect(console.locator("#presented-prompt")).to_have_text(LUNCH, timeout=LIVE)
    expect(console.locator("#presented-status")).to_have_text("Open")
    for phone, choice in zip(phones, ["Ramen", "Curry", "Ramen", "Sushi"], strict=True):
        expect(card(phone, LUNCH)).to_be_visible(timeout=LIVE)
        answer(phone, LUNCH, choice, button=vote_button(phone))
    expect(console_bar(console, "Ramen")).to_have_text("2 · 50%", timeout=LIVE)
    expect(console_bar(console, "Curry")).to_have_text("1 · 25%")
    expect(console_bar(console, "Sushi")).to_have_text("1 · 25%")
    expect(console.locator("#total")).to_have_text("4 ballots")
    for phone in phones:  # after_vote: each phone sees the room's tally once it answered
        total = "4票" if phone is ja else "4 ballots"
        expect(card(phone, LUNCH).locator(".total")).to_have_text(total, timeout=LIVE)

    # Next: the second question; a latecomer types the code as the console shows it.
    console.get_by_role("button", name="Next").click()
    expect(console.locator("#presented-prompt")).to_have_text(DRINKS, timeout=LIVE)
    late = phone_by_code(open_page, code, event_path)
    checks.append(following(late))
    phones.append(late)
    expect(presence).to_have_text("5 connected", timeout=SOON)
    picks = [["Tea", "Coffee"], ["Tea"], ["Coffee"], ["Tea", "Juice"], ["Tea"]]
    for phone, chosen in zip(phones, picks, strict=True):
        expect(card(phone, DRINKS)).to_be_visible(timeout=LIVE)
        expect(card(phone, LUNCH)).to_have_count(0)  # the question on screen, not the last
        answer(phone, DRINKS, *chosen, button=vote_button(phone))
    expect(console_bar(console, "Tea")).to_have_text("4 · 80%", timeout=LIVE)
    expect(console_bar(console, "Coffee")).to_have_text("2 · 40%")
    expect(console_bar(console, "Juice")).to_have_text("1 · 20%")
    expect(console.locator("#total")).to_have_text("5 ballots")

    # Next: the word cloud; the same word from three phones is one entry counted three times.
    console.get_by_role("button", name="Next").click()
    expect(console.locator("#presented-prompt")).to_have_text(WORD, timeout=LIVE)
    expect(console.get_by_role("button", name="Next")).to_be_disabled()  # the last one
    for phone, word in zip(phones, ["Calm", "Calm", "静か", "Sleepy", "Calm"], strict=True):
        expect(card(phone, WORD)).to_be_visible(timeout=LIVE)
        expect(card(phone, DRINKS)).to_have_count(0)
        send_word(phone, word, phone is ja)
        expect(card(phone, WORD).locator(".thanks")).to_be_visible(timeout=LIVE)
    results = console.locator("#results")
    expect(results.locator(".rv-total")).to_have_text(
        "5 answers · 3 different entries", timeout=LIVE
    )
    expect(results.locator("ol.rv-top li").first).to_have_text("Calm: 3")

    # Close: every phone says so.
    presented(console).get_by_role("button", name="Close", exact=True).click()
    expect(console.locator("#presented-status")).to_have_text("Closed", timeout=LIVE)
    for phone in phones:
        closed = "投票は締め切られました。" if phone is ja else "Voting is closed."
        expect(card(phone, WORD).locator(".notice")).to_have_text(closed, timeout=LIVE)

    # A new round (asked first): open again from zero, every phone's form fresh.
    presented(console).get_by_role("button", name="New round").click()
    console.locator("#reset-dialog").get_by_role("button", name="New round").click()
    expect(console.locator("#presented-round")).to_have_text("Round 2", timeout=LIVE)
    expect(console.locator("#presented-status")).to_have_text("Open")
    expect(results.locator("text.rv-word")).to_have_count(0)
    for phone in phones:
        section = card(phone, WORD)
        label = "言葉や短いフレーズ" if phone is ja else "Your word or short phrase"
        expect(section.get_by_label(label)).to_be_visible(timeout=LIVE)
        expect(section.get_by_label(label)).to_have_value("")
        expect(section.locator(".thanks")).to_be_hidden()
        expect(section.locator(".notice")).to_be_hidden()
    send_word(late, "Again", ja=False)  # everyone may answer again: counted in round 2
    expect(results.locator(".rv-total")).to_have_text("1 answer · 1 different entry", timeout=LIVE)

    # End (asked first): every phone shows the ended screen.
    console.get_by_role("button", name="End event").click()
    console.locator("#end-dialog").get_by_role("button", name="End event").click()
    expect(console.locator("#event-status")).to_have_text("Ended", timeout=LIVE)
    for phone in phones:
        ended = "このイベントは終了しました" if phone is ja else "This event has ended"
        expect(phone.get_by_role("heading", name=ended)).to_be_visible(timeout=LIVE)
    for check in checks:
        check()
    console_followed()

    # What the console did is what the event holds: three questions, the cloud in round 2.
    final = console.request.get(f"{server.url}/api/events/{event['eventId']}").json()
    assert final["status"] == "ended"
    assert [(q["type"], q["round"]) for q in final["questions"]] == [
        ("single", 1),
        ("multiple", 1),
        ("wordcloud", 2),
    ]
    assert [q["results"]["totalVotes"] for q in final["questions"][:2]] == [4, 5]
