"""Helpers of the browser tests where a host runs an event from the console page itself
(test_browser_event_end_to_end, test_browser_console_races): the console's presented
question and its results found by what the host reads, phones joining the way a room
does, and requests held on their way so that two consoles' actions are in flight at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from tests.browser import PHONE, goto, wait_ready
from tests.event_browser import join_from_index
from tohyo.event_presence import PRESENCE_INTERVAL

LIVE = 5000  # ms: what one screen does reaches every other open page within this
SOON = (3 * PRESENCE_INTERVAL + 3) * 1000  # ms: a phone joining shows in the count within this
HELD_S = 20  # bound on waiting for a page to send a request (a loaded 2-core machine)


def exactly(text: str) -> re.Pattern[str]:
    return re.compile(f"^{re.escape(text)}$")


def console_bar(console: Any, choice: str) -> Any:
    """The count and percentage the console shows for a choice of the presented question."""
    bar = console.locator("#results .bar").filter(
        has=console.locator(".bar-label", has_text=exactly(choice))
    )
    return bar.locator(".bar-value")


def presented(console: Any) -> Any:
    """The console's part about the question on every phone (its own Close, New round)."""
    return console.locator("#presented")


def join_code_shown(console: Any) -> str:
    """The join code as the console shows it to the room ("123 456")."""
    text = console.locator("#join-code").inner_text()
    found = re.search(r"\d[\d ]*\d", text)
    assert found, text
    return found.group()


def phone(open_page: Callable[..., Any], accept_language: str | None, **options: Any) -> Any:
    """A phone: its own browser context (its own cookies). `accept_language` is sent with
    every request, as a phone set to that language sends it."""
    page = open_page(PHONE, **options)
    if accept_language:
        page.context.set_extra_http_headers({"accept-language": accept_language})
    return page


def phone_by_link(
    open_page: Callable[..., Any], url: str, accept_language: str | None = None, **options: Any
) -> Any:
    """A phone opening the event's link, as its QR code does."""
    page = phone(open_page, accept_language, **options)
    goto(page, url)
    return page


def phone_by_code(
    open_page: Callable[..., Any],
    code: str,
    event_path: str,
    accept_language: str | None = None,
    **options: Any,
) -> Any:
    """A phone typing the join code on `/`, then on the event's page."""
    page = phone(open_page, accept_language, **options)
    join_from_index(page, code)
    page.wait_for_url(re.compile(re.escape(event_path) + "$"))
    wait_ready(page)
    return page


def wait_until(page: Any, condition: Callable[[], bool], what: str) -> None:
    """Wait for `condition`, which Playwright's handlers make true (they run while the page
    is waited on)."""
    for _ in range(HELD_S * 20):
        if condition():
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"never happened: {what}")


class Held:
    """Requests of a page matching `pattern`, held until released: a console's action
    that has left the page but not reached the server, so another console's action can
    be put in flight beside it."""

    def __init__(self, page: Any, pattern: str) -> None:
        self.page = page
        self.routes: list[Any] = []
        self.released = False
        page.route(pattern, self._hold)

    def _hold(self, route: Any) -> None:
        if self.released:
            route.continue_()
        else:
            self.routes.append(route)

    def wait(self, n: int = 1) -> None:
        wait_until(self.page, lambda: len(self.routes) >= n, f"{n} request(s) held")

    def release(self) -> None:
        self.released = True
        for route in self.routes:
            route.continue_()


def release_together(*held: Held) -> None:
    """Let every held request go at once: the server takes them in whatever order they
    arrive, and what each screen shows afterwards must not depend on it."""
    for h in held:
        h.released = True
    for h in held:
        for route in h.routes:
            route.continue_()
