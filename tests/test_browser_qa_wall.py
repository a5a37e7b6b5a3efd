"""Presenter mode's Q&A wall in a real browser (Debian's Chromium, Playwright, a real `tohyo
serve`): with nine questions of 280 characters (English words, Japanese without a space, a
link-like token) it fits a 1280×720 and a 1024×768 projector — nothing scrolls, the
question being answered is shown whole and bigger than the list, the list shows the most
upvoted that fit, each whole inside the screen, and the controls and the join code stay on
it; in Japanese too, axe-core clean. Its button and Q show and take it away, moving on
(→) leaves it for the question, and it exists only while the event's Q&A is on.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests import browser as pages
from tests.browser import goto, shot
from tests.conftest import ServerProcess
from tests.host_browser import LIVE, PROJECTORS, assert_accessible, question
from tests.layout_browser import JAPANESE, LONG_TEXT, assert_shown_whole, nothing_scrolls
from tests.qa_host_browser import LOCALES, QaHost, says, upvotes
from tohyo.web.event_host_pages import spaced_code

pytestmark = pytest.mark.slow

browser, server, open_page = pages.browser, pages.server, pages.open_page

WORDS = "Could you say more about how the team decided what to measure first and why "


def long_text(seed: str, n: int) -> str:
    """280 characters (at most, after trimming) of `seed` repeated, numbered."""
    return f"{n}. {seed * (280 // len(seed) + 1)}"[:280].strip()


LONG = {
    "en": [long_text(WORDS, n) if n % 3 else long_text(LONG_TEXT + " ", n) for n in range(9)],
    "ja": [long_text(JAPANESE, n) if n % 3 else long_text(LONG_TEXT, n) for n in range(9)],
}

# Every visible question of the wall's list: inside the viewport and inside the wall.
LIST_BOXES = """() => {
  const wall = document.getElementById('qa-wall').getBoundingClientRect();
  return [...document.querySelectorAll('#qa-wall-list .qaw-entry')]
    .filter((li) => !li.hidden)
    .map((li) => { const r = li.getBoundingClientRect();
      return {top: r.top, bottom: r.bottom, left: r.left, right: r.right,
              inside: r.top >= wall.top - 0.5 && r.bottom <= wall.bottom + 0.5
                && r.left >= -0.5 && r.right <= innerWidth + 0.5 && r.bottom <= innerHeight}; });
}"""


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_wall_fits_a_projector_with_280_character_questions(
    open_page: Any, server: ServerProcess, lang: str
) -> None:
    from playwright.sync_api import expect

    host = QaHost(server, question("Lunch?", "Ramen", "Curry"))
    host.call("PATCH", "", {"qa": "open"})
    host.name(1, "Aki" if lang == "en" else "あき")
    ids = [host.ask(n + 1, text, named=n == 0)["entryId"] for n, text in enumerate(LONG[lang])]
    for i, entry_id in enumerate(ids):
        host.upvote(entry_id, *range(20, 20 + i))  # the later asked, the more upvoted
    host.call("POST", f"/qa/{ids[0]}/pin", {})
    page = open_page(PROJECTORS[0], locale=LOCALES[lang])
    goto(page, host.host_path)  # the host link: this browser becomes the host
    goto(page, f"/e/{host.event_id}/present")
    page.locator("#qa-button").click()
    expect(page.locator("#qa-wall-pinned")).to_have_text(LONG[lang][0], timeout=LIVE)
    expect(page.locator("#qa-wall-pinned-meta")).to_have_text(
        says(lang, "qah_wall_meta", upvotes=upvotes(lang, 0), who="Aki" if lang == "en" else "あき")
    )
    for viewport in PROJECTORS:
        page.set_viewport_size(viewport)
        size = f"{viewport['width']}x{viewport['height']}"
        expect(page.locator(f'#qa-wall[data-fitted="{size}"]')).to_be_attached()
        state = f"{lang} at {size}"
        nothing_scrolls(page, state)
        assert_shown_whole(page, state, "#qa-wall-pinned", "#qa-wall-pinned-meta", ".qaw-ask")
        boxes = page.evaluate(LIST_BOXES)
        assert boxes and all(box["inside"] for box in boxes), (state, boxes)
        # The most upvoted first: the last asked.
        first = page.locator("#qa-wall-list .qaw-entry").first
        expect(first).to_have_attribute("data-entry-id", ids[-1])
        pinned = page.locator("#qa-wall-pinned").evaluate(
            "(el) => parseFloat(getComputedStyle(el).fontSize)"
        )
        listed = first.locator(".qaw-text").evaluate(
            "(el) => parseFloat(getComputedStyle(el).fontSize)"
        )
        assert pinned >= listed, (state, pinned, listed)
        for name in ("qa-button", "next", "previous", "lobby", "fullscreen"):
            box = page.locator(f"#{name}").bounding_box()
            assert box and box["y"] + box["height"] <= viewport["height"], (state, name)
        shot(page, f"qa-wall-long-{lang}")
    assert_accessible(page, f"{lang}: the wall with 280-character questions")


def test_the_wall_comes_and_goes_with_its_key_its_button_and_the_events_qa(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    host = QaHost(server, question("Lunch?", "Ramen", "Curry"))
    page = open_page(PROJECTORS[0])
    goto(page, host.host_path)
    goto(page, f"/e/{host.event_id}/present")
    wall, wall_button = page.locator("#qa-wall"), page.locator("#qa-button")
    expect(wall_button).to_be_hidden()  # Q&A is off
    page.keyboard.press("q")
    expect(wall).to_be_hidden()

    host.call("PATCH", "", {"qa": "moderated"})
    expect(wall_button).to_be_visible(timeout=LIVE)
    wall_button.click()
    expect(wall).to_be_visible()
    expect(wall_button).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#qa-wall-empty")).to_be_visible()
    code = spaced_code(host.created["code"])
    expect(page.locator(".qaw-ask")).to_have_text(f"Ask from your phone: join with code {code}")
    expect(page.locator("#present-state")).to_have_text("Q&A")
    # Waiting for approval: not on the wall until the host approves it.
    entry = host.ask(1, "Is there a recording?")
    assert entry["status"] == "pending"
    host.ask(2, "What comes next?")
    host.call("POST", f"/qa/{entry['entryId']}/approve", {})
    expect(page.locator("#qa-wall-list .qaw-text")).to_have_text(
        ["Is there a recording?"], timeout=LIVE
    )
    expect(page.locator("#qa-wall-empty")).to_be_hidden()
    assert_accessible(page, "the wall with one question")

    # Moving on leaves the wall for the question; Q brings it back, and takes it away.
    page.keyboard.press("ArrowRight")
    expect(page.locator("#present-prompt")).to_have_text("Lunch?", timeout=LIVE)
    expect(wall).to_be_hidden()
    expect(wall_button).to_have_attribute("aria-pressed", "false")
    expect(page.locator("#results-slot")).to_be_visible()
    page.keyboard.press("q")
    expect(wall).to_be_visible()
    expect(page.locator("#results-slot")).to_be_hidden()
    expect(page.locator("#qa-wall-list .qaw-text")).to_have_text(["Is there a recording?"])
    page.keyboard.press("q")
    expect(wall).to_be_hidden()
    expect(page.locator("#present-prompt")).to_have_text("Lunch?")

    # Q&A off: the wall and its button go.
    page.keyboard.press("q")
    expect(wall).to_be_visible()
    host.call("PATCH", "", {"qa": "off"})
    expect(wall).to_be_hidden(timeout=LIVE)
    expect(wall_button).to_be_hidden()
    expect(page.locator("#results-slot")).to_be_visible()
    nothing_scrolls(page, "the presenter after the wall")
