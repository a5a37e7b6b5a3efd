"""Coming to events in a real browser: joining by code from `/` (and being refused
plainly), creating an event, and "My events" keeping every host link this browser made.
As test_browser_events: Chromium, a real server, axe-core on every page.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests import browser as pages
from tests.browser import LAPTOP, PHONE, goto, shot, wait_ready
from tests.budgets import inside_one_window
from tests.conftest import QUESTION, ServerProcess
from tests.event_browser import assert_accessible, join_from_index

pytestmark = pytest.mark.slow

browser, server, open_page = pages.browser, pages.server, pages.open_page


def test_join_refuses_unknown_codes_and_says_when_to_wait(
    browser: Any, open_page: Any, server: ServerProcess, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    page = open_page()
    open_page.tolerate("404")  # the lookup of the unknown code, logged by Chromium
    join_from_index(page, "")
    error = page.locator("#join-error")
    expect(error).to_have_text("Enter the code from the host's screen, such as 123 456.")
    page.get_by_label("Join with a code").fill("012 345")  # no code starts with 0
    page.get_by_role("button", name="Join", exact=True).click()
    expect(error).to_have_text("No live event has this code. Check the code on the host's screen.")
    expect(page.get_by_label("Join with a code")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Join with a code")).to_be_focused()
    assert_accessible(page, "join refused")
    shot(page, "join-refused")
    japanese = open_page(PHONE, locale="ja-JP")
    goto(japanese, "/")
    japanese.get_by_label("コードで参加").fill("０１２ー３４５")  # as a kana keyboard types it
    japanese.get_by_role("button", name="参加する").click()
    expect(japanese.locator("#join-error")).to_have_text(
        "このコードの開催中のイベントはありません。ホストの画面のコードを確認してください。"
    )

    limited = ServerProcess(
        f"sqlite:///{tmp_path / 'limited.db'}",
        tmp_path / "limited.log",
        TOHYO_LIMIT_JOIN="2/minute",
    ).start()
    context = browser.new_context(base_url=limited.url, viewport=PHONE)
    try:
        phone = context.new_page()
        goto(phone, "/")
        inside_one_window()
        for _ in range(2):
            httpx.get(f"{limited.url}/api/join/123456")  # spends this address's budget
        phone.get_by_label("Join with a code").fill("123 456")
        phone.get_by_role("button", name="Join", exact=True).click()
        expect(phone.locator("#join-error")).to_have_text(
            "Too many tries from this network. Wait a minute, then try again."
        )
        expect(phone.get_by_role("button", name="Join", exact=True)).to_be_enabled()
    finally:
        context.close()
        limited.stop()


def test_creating_an_event_keeps_its_host_link_in_my_events(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    laptop = open_page(LAPTOP)
    goto(laptop, "/mine")
    expect(laptop.locator("#mine-empty")).to_be_visible()
    goto(laptop, "/")
    laptop.get_by_role("link", name="Create an event with several questions").click()
    wait_ready(laptop)
    assert_accessible(laptop, "create an event")
    laptop.get_by_label("Event title").fill("Team retro")
    laptop.get_by_label("Question", exact=True).fill("How was the week?")
    laptop.get_by_role("button", name="Create event").click()  # its choices are missing
    expect(laptop.locator("#form-error")).to_have_text("Please correct the highlighted fields.")
    expect(laptop.get_by_label("Question 1: Choice 1")).to_be_focused()
    laptop.get_by_label("Question 1: Choice 1").fill("Good")
    laptop.get_by_label("Question 1: Choice 2").fill("Bad")
    laptop.get_by_role("button", name="Add a question").click()
    expect(laptop.get_by_role("group", name="Question 2", exact=True)).to_be_visible()
    shot(laptop, "event-create")
    laptop.get_by_role("button", name="Remove question 2").click()
    laptop.get_by_role("button", name="Create event").click()
    # The host link: its page trades the token for the cookie, and shows the host view.
    laptop.wait_for_url(re.compile(r"/e/[0-9a-f-]{36}/host$"))
    wait_ready(laptop)
    event_id = re.search(r"/e/([0-9a-f-]{36})/host", laptop.url).group(1)  # type: ignore[union-attr]
    read = httpx.get(f"{server.url}/api/events/{event_id}").json()
    assert read["title"] == "Team retro" and read["pace"] == "presenter"

    goto(laptop, "/")  # a poll, the classic way, is listed too
    laptop.get_by_label("Question").fill("Pizza?")
    laptop.get_by_label("Choice 1", exact=True).fill("Yes")
    laptop.get_by_label("Choice 2", exact=True).fill("No")
    laptop.get_by_role("button", name="Create vote").click()
    laptop.wait_for_url(re.compile(r"/vote/"))

    goto(laptop, "/")
    laptop.get_by_role("link", name="My events and votes").click()
    wait_ready(laptop)
    items = laptop.locator(".mine-item")
    expect(items).to_have_count(2)
    expect(items.locator(".mine-title")).to_have_text(["Pizza?", "Team retro"])  # newest first
    retro = items.nth(1)
    expect(retro.locator(".mine-kind")).to_have_text("Event")
    expect(retro.locator(".mine-state")).to_have_text("Live")
    link = retro.get_by_label("Host link").input_value()
    assert re.fullmatch(rf"{re.escape(server.url)}/e/{event_id}/host#host=[\w-]+", link)
    assert_accessible(laptop, "my events")
    shot(laptop, "my-events")

    # The host link opens the host view in a browser that never had the cookie.
    other = open_page(LAPTOP)
    other.goto(link)
    expect(other.locator("body")).to_have_attribute("data-page", "event-host", timeout=5000)

    items.first.get_by_role("button", name="Remove from this list").click()
    items.first.get_by_role("button", name="Keep").click()
    expect(items).to_have_count(2)
    items.first.get_by_role("button", name="Remove from this list").click()
    items.first.get_by_role("button", name="Remove", exact=True).click()
    expect(items).to_have_count(1)
    laptop.reload()
    expect(laptop.locator(".mine-item .mine-title")).to_have_text(["Team retro"])


def test_my_events_adopts_the_host_links_kept_before_it(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    poll = httpx.post(server.url + "/api/vote", json={**QUESTION, "question": "Older?"}).json()
    laptop = open_page(LAPTOP)
    goto(laptop, "/")
    # What the poll's create page kept before "My events" existed.
    laptop.evaluate(
        "([id, url]) => localStorage.setItem(`tohyo.hostUrl.${id}`, url)",
        [poll["sessionId"], poll["hostUrl"]],
    )
    goto(laptop, "/mine")
    item = laptop.locator(".mine-item")
    expect(item).to_have_count(1)
    expect(item.locator(".mine-title")).to_have_text("Older?")  # asked of the API
    expect(item.locator(".mine-state")).to_have_text("Voting open")
    expect(item.get_by_label("Host link")).to_have_value(poll["hostUrl"])
