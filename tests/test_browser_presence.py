""" "N connected" on the host's screens in Chromium (tests/browser.py): the console and
presenter mode count the phone pages open on the event — two phones, "2 connected"; one
closes, "1 connected" — and presenter mode says it in Japanese too. The phones' own
pages show no count. (The count itself, over every backend: test_event_presence.py.)
"""

from __future__ import annotations

from typing import Any

import pytest

from tests import browser as pages
from tests.browser import LAPTOP, PHONE, goto, shot, wait_ready
from tests.conftest import ServerProcess
from tests.test_browser_host import Host, assert_accessible, open_console, question
from tohyo.event_presence import PRESENCE_INTERVAL

pytestmark = pytest.mark.slow

SOON = (3 * PRESENCE_INTERVAL + 3) * 1000  # ms: a phone joining or leaving shows within this

browser, server, open_page = pages.browser, pages.server, pages.open_page


def phone_page(open_page: Any, host: Host) -> Any:
    """A phone (its own browser context, so its own voter cookie) on the event's page."""
    page = open_page(PHONE)
    goto(page, f"/e/{host.event_id}")
    return page


def test_the_console_and_presenter_mode_count_the_phones_connected(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    host = Host(server, question("Lunch?", "Ramen", "Curry"))
    console = open_console(open_page, host)
    presence = console.locator("#join #presence")
    expect(presence).to_have_text("0 connected", timeout=SOON)  # the host is no phone

    phones = [phone_page(open_page, host) for _ in range(2)]
    expect(presence).to_have_text("2 connected", timeout=SOON)
    expect(presence).to_be_visible()
    assert presence.get_attribute("aria-live") is None  # read when looked at, not announced
    # Near the join code, in the same box.
    code_box = console.locator("#join-code").bounding_box()
    count_box = presence.bounding_box()
    assert code_box is not None and count_box is not None
    assert 0 <= count_box["y"] - (code_box["y"] + code_box["height"]) < 40
    assert_accessible(console, "console with 2 connected")
    shot(console, "event-console-presence")

    presenter = open_page(LAPTOP, locale="ja-JP")
    presenter.context.add_cookies(console.context.cookies())  # the host's cookie
    presenter.goto(f"/e/{host.event_id}/present")
    wait_ready(presenter)
    corner = presenter.locator("#join #presence")
    expect(corner).to_have_text("2人が接続中", timeout=SOON)
    box = corner.bounding_box()
    assert box is not None and box["x"] + box["width"] <= LAPTOP["width"]
    assert box["y"] + box["height"] <= LAPTOP["height"]
    shot(presenter, "event-present-presence")

    phones.pop().close()  # a phone leaves
    expect(presence).to_have_text("1 connected", timeout=SOON)
    expect(corner).to_have_text("1人が接続中", timeout=SOON)
    for page in phones:
        assert page.locator("#presence").count() == 0  # phones are not told
