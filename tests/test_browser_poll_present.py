"""A poll's presenter mode on a projector, in a real browser (Debian's Chromium, Playwright,
a real `tohyo serve`): at 1024×768, 1280×720, 1366×768 and 1920×1080, with 2 to 10 choices
short and at their 100-character limit (multiple choice), as bars and as the pie, every
choice's whole text, its count with its full percentage and the total are on screen,
unclipped and uncut, the type stays large, nothing scrolls, and Close voting is on screen
with its key C, which asks first (in full screen too).
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from tests import browser as pages
from tests.browser import LAPTOP, settled, shot, wait_ready
from tests.conftest import ServerProcess, voter
from tests.layout_browser import EVERY_PROJECTOR, assert_shown_whole, nothing_scrolls

pytestmark = pytest.mark.slow

browser, server, open_page = pages.browser, pages.server, pages.open_page

QUESTION = "Where shall we have lunch after the workshop on Friday?"
WORDS = "A choice label that keeps going and going, with words " * 2
VALUE = re.compile(r"\d+ · \d+(\.\d)?%")


# 24 Japanese characters, as wide as 48 letters: shown whole too (a host's walk-through
# saw them cut to two lines and "…" when only their count of characters was weighed).
JAPANESE = "ロールバックのほうが精神的な負担が大きいと感じる"


def choices(n: int, long: bool | str) -> list[str]:
    if long == "ja":
        return [f"{i}{JAPANESE}"[:24] for i in range(1, n + 1)]
    if long:  # at the limit, as the API trims them
        return [f"{i}. {WORDS}"[:100].rstrip() for i in range(1, n + 1)]
    return [f"Choice {i}" for i in range(1, n + 1)]


def presented_poll(
    open_page: Any, server: ServerProcess, texts: list[str], vote_type: str = "single"
) -> Any:
    """A poll with 7 ballots, its host view in presenter mode in a fresh browser."""
    from playwright.sync_api import expect

    created = httpx.post(
        server.url + "/api/vote",
        json={"question": QUESTION, "voteType": vote_type, "choices": [{"text": t} for t in texts]},
    ).json()
    for n in range(7):
        response = httpx.post(
            f"{server.url}/api/vote/{created['sessionId']}",
            json={"choiceIds": [str(n % len(texts) + 1)]},
            headers=voter(7000 + n),
        )
        assert response.status_code == 201, response.text
    page = open_page(LAPTOP)
    page.goto(created["hostUrl"].replace(server.url, ""))
    expect(page.locator("body")).to_have_attribute("data-page", "host")
    wait_ready(page)
    expect(page.locator("#total")).to_have_text("7 ballots")
    page.get_by_role("button", name="Present").click()
    expect(page.locator("body")).to_have_class(re.compile("presenter"))
    return page


def assert_fits(page: Any, state: str, texts: list[str], open_: bool = True) -> None:
    """Every choice, its full value and the total shown whole; Close voting and the QR
    code while open."""
    settled(page)
    nothing_scrolls(page, state)
    assert_shown_whole(page, state, "#total", "#present", "h1.question")
    if open_:  # once closed, no more joining
        assert_shown_whole(page, state, "#close-voting", ".qr svg")
    if page.locator("#results").get_attribute("data-kind") == "bar":
        assert page.locator("#results .bar-label").all_text_contents() == texts
        for value in page.locator("#results .bar-value").all_text_contents():
            assert VALUE.fullmatch(value), f"{state}: {value!r}"
        assert_shown_whole(page, state, "#results .bar-label", "#results .bar-value")
    else:
        assert page.locator("#results .count-text").all_text_contents() == texts
        assert_shown_whole(page, state, "#results .pie", "#results .counts li")
        assert_shown_whole(page, state, "#results .count-text", "#results .count-value")
        if page.locator("#results").get_attribute("data-vote-type") == "multiple":
            assert_shown_whole(page, state, ".pie-note")  # what the slices are shares of


def type_size(page: Any) -> float:
    """The px size of the chart's text: a bar's value, or the pie's legend."""
    selector = "#results .bar-value"
    if page.locator("#results").get_attribute("data-kind") == "pie":
        selector = "#results .count-value"
    size: str = page.locator(selector).first.evaluate("(el) => getComputedStyle(el).fontSize")
    return float(size.removesuffix("px"))


@pytest.mark.parametrize("long", [False, True, "ja"], ids=["short", "long", "japanese"])
def test_presenter_mode_of_a_poll_fits_every_projector_with_two_to_ten_choices(
    open_page: Any, server: ServerProcess, long: bool | str
) -> None:
    for n in (2, 4, 6, 8, 10):
        texts = choices(n, long)
        # Long labels with multiple choice: the pie says what its slices are shares of.
        page = presented_poll(open_page, server, texts, "multiple" if long else "single")
        for kind in ("bar", "pie"):
            page.locator(f'input[name="chart"][value="{kind}"]').check()
            for viewport in EVERY_PROJECTOR:
                page.set_viewport_size(viewport)
                state = f"{n} {long or 'short'} choices, {kind}, {viewport}"
                assert_fits(page, state, texts)
                # Large type, scaled to the room each row gets: 16 px and up (ten long
                # labels, 30 lines, take 12 px at 720 px high), and with a few short
                # choices about 2% of the width and up.
                size = type_size(page)
                assert size >= (12 if long and n > 4 else 16), (state, size)
                if not long and n <= 4:
                    assert size >= 0.02 * viewport["width"], (state, size)
            if n in (6, 10):
                shot(page, f"poll-present-{n}-{kind}{f'-{long}' if long else ''}")
        page.context.close()


def test_close_voting_in_full_screen_with_its_key(open_page: Any, server: ServerProcess) -> None:
    """The host closes voting in front of the room without leaving full screen: C asks
    first (Escape keeps voting open), its button is there too, and the page stays on."""
    from playwright.sync_api import expect

    texts = choices(6, long=False)
    page = presented_poll(open_page, server, texts)
    page.set_viewport_size({"width": 1280, "height": 720})
    assert page.evaluate("() => document.fullscreenElement !== null")  # Present asked
    close = page.get_by_role("button", name="Close voting")
    expect(close).to_have_attribute("aria-keyshortcuts", "C")
    assert_fits(page, "full screen", texts)
    page.keyboard.press("c")
    dialog = page.locator("#close-dialog")
    expect(dialog).to_be_visible()
    assert_shown_whole(page, "the close dialog", "#close-dialog .button")
    page.keyboard.press("Escape")  # keeps voting open
    expect(dialog).to_be_hidden()
    expect(page.locator("#status")).to_have_text("Voting open")
    page.keyboard.press("c")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Close voting").click()
    expect(page.locator("#status")).to_have_text("Voting closed")
    expect(close).to_be_hidden()
    expect(page.locator("body")).to_have_class(re.compile("presenter"))
    assert page.evaluate("() => document.fullscreenElement !== null")
    assert_fits(page, "closed, in full screen", texts, open_=False)
    page.keyboard.press("c")  # nothing left to close
    expect(dialog).to_be_hidden()
    # Out of presenter mode, C is only a letter.
    page.get_by_role("button", name="Exit presentation").click()
    expect(page.locator("body")).not_to_have_class(re.compile("presenter"))
    expect(page.locator("#close-voting")).not_to_have_attribute("aria-keyshortcuts", "C")
