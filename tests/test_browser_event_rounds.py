"""Rounds in a real browser (Debian's Chromium, Playwright, a real `tohyo serve`): the
pages send the round they show. A phone that answers a question the host has reset
since it last heard is refused, nothing counted, and shows the new round with no error;
presenter mode asks before R starts a new round (Escape keeps the round), and drops an R
pressed while its reset is on the way, so one confirmation, one round.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests import browser as pages
from tests.browser import PHONE, goto
from tests.conftest import ServerProcess
from tests.event_browser import LUNCH, Host, answer, card
from tests.test_browser_host import Host as ConsoleHost
from tests.test_browser_host import open_console

pytestmark = pytest.mark.slow

LIVE = 5000  # ms

browser, server, open_page = pages.browser, pages.server, pages.open_page


def until(page: Any, condition: Callable[[], bool]) -> None:
    """Wait for `condition`, which Playwright's events make true: a page's round trip
    lets them in."""
    deadline = time.monotonic() + LIVE / 1000
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        page.evaluate("() => new Promise((done) => setTimeout(done, 10))")


def round_of(host: Host, question_id: str = "q1") -> dict[str, Any]:
    """The question as the host sees it: its round and its current round's results."""
    event = host.call("GET", "")
    (question,) = [q for q in event["questions"] if q["questionId"] == question_id]
    return question


def test_a_phone_answering_a_question_reset_since_shows_the_new_round_and_counts_nothing(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    host = Host(server, LUNCH)
    host.open_and_present("q1")
    phone = open_page(PHONE)
    open_page.tolerate("409")  # the refusal, logged by Chromium as a failed load
    open_page.tolerate("net::ERR_FAILED")  # the cut stream, on purpose
    sent: list[Any] = []
    phone.on("request", lambda r: sent.append(r) if r.url.endswith("/responses") else None)
    # Its stream cut, the phone cannot hear of the reset but from its answer's refusal.
    phone.route("**/stream", lambda route: route.abort())
    goto(phone, host.path)
    lunch = card(phone, "Lunch?")
    expect(lunch.locator(".ev-position")).not_to_contain_text("round")
    host.call("POST", "/questions/q1/reset")

    answer(phone, "Lunch?", "Ramen")
    expect(lunch.locator(".ev-position")).to_contain_text("(round 2)", timeout=LIVE)
    assert sent[0].post_data_json == {"choiceIds": ["1"], "round": 1}
    expect(lunch.get_by_role("button", name="Vote")).to_be_visible()
    expect(lunch.get_by_label("Ramen", exact=True)).not_to_be_checked()  # a fresh form
    expect(lunch.locator(".form-error")).to_have_text("")  # nothing alarming
    expect(lunch.locator(".thanks")).to_be_hidden()
    q1 = round_of(host)
    assert (q1["round"], q1["results"]["totalVotes"]) == (2, 0)

    # Shown round 2, the same phone answers it: counted there, once.
    answer(phone, "Lunch?", "Curry")
    expect(lunch.locator(".thanks")).to_be_visible(timeout=LIVE)
    assert sent[-1].post_data_json == {"choiceIds": ["2"], "round": 2}
    q1 = round_of(host)
    assert (q1["round"], q1["results"]["totalVotes"]) == (2, 1)
    export = httpx.get(f"{server.url}/api/events/{host.event_id}/export", headers=host_auth(host))
    rounds = export.json()["questions"][0]["rounds"]
    assert [(r["round"], r["results"]["totalVotes"]) for r in rounds] == [(1, 0), (2, 1)]


def host_auth(host: Host) -> dict[str, str]:
    return {"authorization": f"Bearer {host.created['hostToken']}"}


def test_presenter_mode_drops_an_r_pressed_while_its_reset_is_on_the_way(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    host = ConsoleHost(server, LUNCH)
    host.open_and_present("q1")
    console = open_console(open_page, host)  # the host cookie for this browser
    page = console.context.new_page()
    goto(page, f"/e/{host.event_id}/present")
    expect(page.locator("#present-round")).to_have_text("Round 1")

    # The first reset is held on its way, so the second R certainly meets it in flight.
    resets: list[Any] = []

    def hold_the_first(route: Any) -> None:
        resets.append(route)
        if len(resets) > 1:
            route.continue_()

    page.route("**/reset", hold_the_first)
    dialog = page.locator("#reset-dialog")
    page.keyboard.press("r")  # a question first: a new round wipes the room's results
    expect(dialog).to_be_visible()
    expect(dialog.locator("#reset-subject")).to_have_text("Lunch?")
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    page.keyboard.press("c")  # the presenter's keys wait while it asks
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.locator("#reset")).to_be_focused()
    expect(page.locator("#present-state")).to_have_text("Open")
    assert not resets
    page.keyboard.press("r")
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    page.keyboard.press("Tab")
    expect(dialog.get_by_role("button", name="New round")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#reset")).to_be_disabled()  # on its way
    until(page, lambda: bool(resets))
    page.keyboard.press("r")  # while the first is on its way: dropped, not queued
    assert resets[0].request.post_data_json == {"round": 1}
    resets[0].continue_()
    expect(page.locator("#present-round")).to_have_text("Round 2", timeout=LIVE)
    expect(dialog).to_be_hidden()
    expect(page.locator("#reset")).to_be_focused()
    # A later key still works, and runs after anything queued: had the second R been
    # queued, its reset would have come first.
    page.keyboard.press("c")
    expect(page.locator("#present-state")).to_have_text("Closed", timeout=LIVE)
    assert len(resets) == 1
    (q1,) = host.event()["questions"]
    assert (q1["round"], q1["status"]) == (2, "closed")
    expect(page.locator("#action-error")).to_have_text("")
