"""Two host consoles racing on one event, in a real browser (Debian's Chromium driven by
Playwright, a real `tohyo serve` on a free port: tests/browser.py). The host's cookie is
in two browser contexts (a laptop and a second screen), both on the console.

Each race holds both consoles' requests on their way (tests/console_browser.Held) until
both are in flight, then lets them go together: the server decides the order, and each
test checks what must hold whichever it chose. One presses Next while the other presses
Close; both press New round on the same question; both press Next at once. Each console
converges to the same state from the stream, exactly one new round is made (the second
reset, made for the round before, is refused 409 `round_changed`, which the console
takes as no error), no console shows an error, and a phone following the event shows
the final state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests import browser as pages
from tests.browser import LAPTOP, goto, wait_ready
from tests.conftest import ServerProcess
from tests.console_browser import LIVE, Held, phone_by_link, presented, release_together
from tests.event_browser import answer, card, following
from tests.host_browser import Host, open_console, question, row

pytestmark = pytest.mark.slow

browser, server, open_page = pages.browser, pages.server, pages.open_page

PROMPTS = ["Lunch?", "Drinks?", "Dessert?", "Coffee?"]


@dataclass
class Room:
    host: Host
    consoles: tuple[Any, Any]
    phone: Any
    followed: list[Callable[[], None]]

    def question(self, prompt: str) -> dict[str, Any]:
        found: dict[str, Any] = next(
            q for q in self.host.event()["questions"] if q["prompt"] == prompt
        )
        return found


@pytest.fixture
def room(open_page: Any, server: ServerProcess) -> Iterator[Room]:
    """Four questions, all drafts; the first opened and presented from console A; console
    B is the same host in another browser context; one phone follows."""
    from playwright.sync_api import expect

    host = Host(server, *(question(p, "Yes", "No") for p in PROMPTS))
    first = open_console(open_page, host)
    second = open_page(LAPTOP)
    second.context.add_cookies(first.context.cookies())  # the host's cookie, a second screen
    goto(second, f"/e/{host.event_id}/host")
    expect(second.locator("body")).to_have_attribute("data-page", "event-host")
    wait_ready(second)
    phone = phone_by_link(open_page, f"/e/{host.event_id}")
    followed = [following(page) for page in (first, second, phone)]
    first.get_by_role("button", name="Next").click()
    for console in (first, second):
        expect(console.locator("#presented-prompt")).to_have_text("Lunch?", timeout=LIVE)
    expect(card(phone, "Lunch?")).to_be_visible(timeout=LIVE)
    yield Room(host, (first, second), phone, followed)
    for check in followed:  # nobody reloaded, nobody opened a second stream
        check()


def assert_no_error_shown(console: Any) -> None:
    from playwright.sync_api import expect

    expect(console.locator("#action-error")).to_have_text("")
    expect(console.locator("#reset-error")).to_have_text("")
    expect(console.locator("#reset-dialog")).to_be_hidden()


def test_one_console_presses_next_while_the_other_closes(room: Room) -> None:
    from playwright.sync_api import expect

    a, b = room.consoles
    presents = Held(a, "**/api/events/*/present")  # Next opens the draft, then presents it
    closes = Held(b, "**/api/events/*/questions/*/close")
    a.get_by_role("button", name="Next").click()
    presented(b).get_by_role("button", name="Close", exact=True).click()
    presents.wait()
    closes.wait()
    release_together(presents, closes)

    for console in room.consoles:  # the same state on both, from the stream
        expect(console.locator("#presented-prompt")).to_have_text("Drinks?", timeout=LIVE)
        expect(console.locator("#presented-status")).to_have_text("Open")
        expect(row(console, "Lunch?").locator('[data-field="status"]')).to_have_text(
            "Closed", timeout=LIVE
        )
        expect(row(console, "Dessert?").locator('[data-field="status"]')).to_have_text("Draft")
        assert_no_error_shown(console)
    event = room.host.event()
    assert event["presenting"] == room.question("Drinks?")["questionId"]
    assert [q["status"] for q in event["questions"]] == ["closed", "open", "draft", "draft"]
    expect(card(room.phone, "Drinks?")).to_be_visible(timeout=LIVE)
    expect(card(room.phone, "Lunch?")).to_have_count(0)


def test_both_consoles_press_new_round_on_the_same_question_and_one_round_is_made(
    open_page: Any, room: Room
) -> None:
    from playwright.sync_api import expect

    open_page.tolerate("409")  # the refused second reset, logged by Chromium as a failed load
    answer(room.phone, "Lunch?", "Yes")
    for console in room.consoles:
        expect(console.locator("#total")).to_have_text("1 ballot", timeout=LIVE)
    resets = [Held(console, "**/api/events/*/questions/*/reset") for console in room.consoles]
    answers: list[Any] = []
    for console in room.consoles:
        console.on("response", lambda r: answers.append(r) if r.url.endswith("/reset") else 0)
        presented(console).get_by_role("button", name="New round").click()
        ask = console.locator("#reset-dialog")
        expect(ask.locator("#reset-subject")).to_have_text("Lunch?")
        ask.get_by_role("button", name="New round").click()
    for held in resets:
        held.wait()
    assert [r.post_data_json for held in resets for r in (h.request for h in held.routes)] == [
        {"round": 1},
        {"round": 1},
    ]  # each made for the round its console showed
    release_together(*resets)

    for console in room.consoles:
        expect(console.locator("#presented-round")).to_have_text("Round 2", timeout=LIVE)
        expect(console.locator("#presented-status")).to_have_text("Open")
        expect(console.locator("#total")).to_have_text("No votes yet")
        assert_no_error_shown(console)
    made = [r for r in answers if r.ok]
    refused = [r for r in answers if not r.ok]
    assert len(made) == 1 and len(refused) == 1, [r.status for r in answers]
    assert refused[0].status == 409
    assert refused[0].json()["code"] == "round_changed"
    assert refused[0].json()["details"]["round"] == 2
    lunch = room.question("Lunch?")
    assert (lunch["round"], lunch["status"], lunch["results"]["totalVotes"]) == (2, "open", 0)

    section = card(room.phone, "Lunch?")  # the phone may answer again, in round 2
    expect(section.get_by_role("button", name="Vote")).to_be_visible(timeout=LIVE)
    expect(section.locator(".thanks")).to_be_hidden()
    answer(room.phone, "Lunch?", "No")
    for console in room.consoles:
        expect(console.locator("#total")).to_have_text("1 ballot", timeout=LIVE)
    assert room.question("Lunch?")["round"] == 2


def test_both_consoles_press_next_at_once_and_go_one_question_on(room: Room) -> None:
    from playwright.sync_api import expect

    opens = [Held(console, "**/api/events/*/questions/*/open") for console in room.consoles]
    for console in room.consoles:
        console.get_by_role("button", name="Next").click()  # each from Lunch?: to Drinks?
    for held in opens:
        held.wait()
    release_together(*opens)

    for console in room.consoles:
        expect(console.locator("#presented-prompt")).to_have_text("Drinks?", timeout=LIVE)
        expect(console.locator("#presented-status")).to_have_text("Open")
        expect(console.get_by_role("button", name="Next")).to_be_enabled(timeout=LIVE)
        assert_no_error_shown(console)
    event = room.host.event()
    assert event["presenting"] == room.question("Drinks?")["questionId"]
    assert [q["status"] for q in event["questions"]] == ["open", "open", "draft", "draft"]
    expect(card(room.phone, "Drinks?")).to_be_visible(timeout=LIVE)
    expect(card(room.phone, "Lunch?")).to_have_count(0)
