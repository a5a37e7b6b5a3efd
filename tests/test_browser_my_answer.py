"""What you chose, after a reload (Debian's Chromium, Playwright, a real `tohyo serve`): a
poll's phone that has voted says what it voted for, not only that it voted; an event's
phone shows its own answer on each card it answered (choices, words, a rating, text, a
ranking), as it did before the reload — and the event's stream, whose frames other phones
share, never carries it.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests import browser as pages
from tests.answer_browser import ranking, scale, text, wordcloud
from tests.browser import LAPTOP, create_through_form, goto, vote, wait_ready
from tests.conftest import ServerProcess
from tests.event_browser import Host, card, question

pytestmark = pytest.mark.slow

browser, server, open_page = pages.browser, pages.server, pages.open_page


def test_a_poll_phone_says_what_it_voted_for_after_a_reload(open_page: Any) -> None:
    from playwright.sync_api import expect

    host = open_page(LAPTOP)
    url = create_through_form(host, "Which drinks?", ["Coffee", "Tea", "Juice"], multiple=True)
    phone = open_page()
    vote(phone, url, ["Juice", "Coffee"])
    expect(phone.locator("#your-choices")).to_have_text("Coffee and Juice")  # the poll's order
    phone.reload()
    wait_ready(phone)
    expect(phone.locator("#thanks")).to_be_visible()
    expect(phone.locator("#your-choices")).to_have_text("Coffee and Juice")
    expect(phone.locator("#notice")).to_have_text("You have already voted.")
    expect(phone.locator("#vote-form")).to_be_hidden()

    other = open_page()  # has not voted: nothing of anyone's
    goto(other, url)
    expect(other.locator("#thanks")).to_be_hidden()
    expect(other.locator("#your-choices")).to_have_text("")


def snapshot_of(server: ServerProcess, event_id: str, cookie: str) -> str:
    """The first frame of the event's stream, as this participant's phone gets it."""
    url = f"{server.url}/api/events/{event_id}/stream"
    with httpx.stream("GET", url, headers={"cookie": f"tohyo_voter={cookie}"}, timeout=10) as s:
        for line in s.iter_lines():
            if line.startswith("data:"):
                return line[len("data:") :]
    raise AssertionError("no frame")


def test_an_event_phone_shows_its_own_answers_after_a_reload(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    host = Host(
        server,
        question("Lunch?", "Ramen", "Curry", "Sushi", type="multiple", allowChange=True),
        wordcloud("A word for it?"),
        scale("How was it?", 5),
        text("Anything else?"),
        ranking("Rank them", "Red", "Green"),
        pace="audience",
    )
    for question_id in ("q1", "q2", "q3", "q4", "q5"):
        host.open(question_id)
    phone = open_page()
    goto(phone, host.path)
    lunch = card(phone, "Lunch?")
    for choice in ("Sushi", "Ramen"):
        lunch.get_by_label(choice, exact=True).check()
    lunch.get_by_role("button", name="Vote").click()
    words = card(phone, "A word for it?")
    words.get_by_label("Your word or short phrase").fill("Bright")
    words.get_by_role("button", name="Send").click()
    rating = card(phone, "How was it?")
    rating.get_by_role("radio", name="4").click()
    rating.get_by_role("button", name="Send").click()
    note = card(phone, "Anything else?")
    note.get_by_label("Your answer").fill("More tea")
    note.get_by_role("button", name="Send").click()
    for section in (lunch, words, rating, note):
        expect(section.locator(".thanks")).to_be_visible()
    before = {s: s.locator(".ev-sent").text_content() for s in (lunch, words, rating, note)}

    phone.reload()
    wait_ready(phone)
    for section, sent in before.items():
        expect(section.locator(".thanks")).to_be_visible()
        expect(section.locator(".ev-sent")).to_have_text(sent)
        expect(section.locator(".notice")).to_have_text("")
    expect(card(phone, "Lunch?").locator(".ev-mine")).to_have_text("Ramen and Sushi")
    expect(card(phone, "A word for it?").locator(".ev-chip-text")).to_have_text(["Bright"])
    expect(card(phone, "Rank them").locator("form")).to_be_visible()  # not answered: the form

    # A change starts from what was sent.
    lunch = card(phone, "Lunch?")
    lunch.get_by_role("button", name="Change your answer").click()
    expect(lunch.get_by_label("Ramen", exact=True)).to_be_checked()
    expect(lunch.get_by_label("Sushi", exact=True)).to_be_checked()
    expect(lunch.get_by_label("Curry", exact=True)).not_to_be_checked()

    # The stream's frames are shared per audience: never anyone's answer.
    (cookie,) = [c["value"] for c in phone.context.cookies() if c["name"] == "tohyo_voter"]
    frame = snapshot_of(server, host.event_id, cookie)
    assert "myAnswer" not in frame
    assert all(q.get("answered") for q in json.loads(frame)["questions"][:4])
