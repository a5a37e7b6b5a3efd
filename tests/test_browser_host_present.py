"""Presenter mode of events in a real browser (Debian's Chromium, Playwright, a real
`tohyo serve`): it fits a 1280×720 and a 1024×768 projector with ten choices, the longest texts
too (every label, full percentage and the total inside the viewport, nothing scrolls), and
every projector size up to 1920×1080 with 2 to 10 choices; follows answers live and answers
to its keys; axe-core checks it.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests import browser as pages
from tests.browser import goto, shot
from tests.conftest import ServerProcess
from tests.host_browser import (
    LIVE,
    PROJECTORS,
    TEN,
    Host,
    assert_accessible,
    assert_everything_fits,
    bar_value,
    open_console,
    question,
)
from tests.layout_browser import EVERY_PROJECTOR, assert_shown_whole

pytestmark = pytest.mark.slow

browser, server, open_page = pages.browser, pages.server, pages.open_page


def test_presenter_mode_fits_a_projector_with_ten_choices_and_answers_to_keys(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    host = Host(
        server,
        question("Where shall we have lunch after the workshop on Friday?", *TEN),
        question("Coffee or tea?", "Coffee", "Tea"),
    )
    q1, q2 = host.created["questionIds"]
    host.open_and_present(q1)
    for n in range(7):
        host.answer(q1, str(n % 3 + 1))
    console = open_console(open_page, host)  # the host cookie for this browser
    answers = 7
    page = console.context.new_page()
    for viewport in PROJECTORS:
        page.set_viewport_size(viewport)
        goto(page, f"/e/{host.event_id}/present")
        expect(page.locator("#present-prompt")).to_have_text(
            "Where shall we have lunch after the workshop on Friday?"
        )
        expect(page.locator("header.site")).to_be_hidden()
        assert_everything_fits(page, viewport, f"{answers} ballots")
        if answers == 7:
            expect(bar_value(page, "1")).to_have_text("3 · 42.9%")
        shot(page, "event-present")
        assert_accessible(page, f"presenter mode at {viewport}")
        # Live: an answer reaches the projector without a reload.
        host.answer(q1, "10")
        answers += 1
        expect(page.locator("#total")).to_have_text(f"{answers} ballots", timeout=LIVE)
        if viewport is PROJECTORS[0]:
            continue
        # The keys, at the second size: → next (opening the draft), ← previous, c close
        # and reopen, r a new round, b the lobby.
        page.keyboard.press("ArrowRight")
        expect(page.locator("#present-prompt")).to_have_text("Coffee or tea?", timeout=LIVE)
        expect(page.locator("#present-state")).to_have_text("Open")
        assert host.event()["presenting"] == q2
        page.keyboard.press("ArrowLeft")
        expect(page.locator("#present-prompt")).to_contain_text("Where shall we", timeout=LIVE)
        page.keyboard.press("c")
        expect(page.locator("#present-state")).to_have_text("Closed", timeout=LIVE)
        expect(page.locator("#close")).to_contain_text("Reopen")
        assert host.event()["questions"][0]["status"] == "closed"
        page.keyboard.press("c")
        expect(page.locator("#present-state")).to_have_text("Open", timeout=LIVE)
        page.keyboard.press("r")  # asks first; Tab to New round, Enter
        expect(page.locator("#reset-dialog")).to_be_visible()
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        expect(page.locator("#present-round")).to_have_text("Round 2", timeout=LIVE)
        expect(page.locator("#reset-dialog")).to_be_hidden()
        expect(page.locator("#total")).to_have_text("No votes yet")
        assert host.event()["questions"][0]["round"] == 2
        assert_everything_fits(page, viewport, "No votes yet")
        page.keyboard.press("f")
        expect(page.locator("#fullscreen")).to_have_attribute("aria-pressed", "true")
        assert page.evaluate("() => document.fullscreenElement !== null")
        page.keyboard.press("f")  # and back
        expect(page.locator("#fullscreen")).to_have_attribute("aria-pressed", "false")
        page.keyboard.press("b")
        expect(page.locator("#lobby-screen")).to_be_visible(timeout=LIVE)
        assert host.event()["presenting"] is None
        assert_accessible(page, "presenter mode in the lobby")
        # From the lobby: nothing after the last question asked, and back to it.
        expect(page.get_by_role("button", name=re.compile("^Next"))).to_be_disabled()
        page.get_by_role("button", name=re.compile("^Previous")).click()  # buttons too
        expect(page.locator("#present-prompt")).to_have_text("Coffee or tea?", timeout=LIVE)
    # The console followed all of it from its stream.
    expect(console.locator("#presented-prompt")).to_have_text("Coffee or tea?", timeout=LIVE)


def test_presenter_mode_fits_the_longest_texts(open_page: Any, server: ServerProcess) -> None:
    """The limits: a 255-character question and ten choices of 100 characters each."""
    from playwright.sync_api import expect

    words = "Which of these rather long options, each written out in full, do you prefer? "
    prompt = (words * 4)[:255].rstrip()
    label = "A choice label that keeps going and going, with words " * 2
    choices = [(f"{i}. {label}")[:100].rstrip() for i in range(1, 11)]  # as the API trims
    host = Host(server, question(prompt, *choices))
    (q1,) = host.created["questionIds"]
    host.open_and_present(q1)
    for n in range(13):
        host.answer(q1, str(n % 10 + 1))
    page = open_console(open_page, host).context.new_page()
    for viewport in PROJECTORS:
        page.set_viewport_size(viewport)
        goto(page, f"/e/{host.event_id}/present")
        expect(page.locator("#total")).to_have_text("13 ballots")
        assert_everything_fits(page, viewport, "13 ballots", choices)
        shot(page, "event-present-longest")


@pytest.mark.parametrize("long", [False, True], ids=["short", "long"])
def test_presenter_mode_fits_every_projector_with_two_to_ten_choices(
    open_page: Any, server: ServerProcess, long: bool
) -> None:
    """1024×768 to 1920×1080, 2 to 10 choices short or at their limit: every label, full
    percentage and the total on screen, unclipped and uncut, Close among the controls."""
    from playwright.sync_api import expect

    label = "A choice label that keeps going and going, with words " * 2
    sets = {
        n: [(f"{i}. {label}")[:100].rstrip() if long else f"Choice {i}" for i in range(1, n + 1)]
        for n in (2, 4, 6, 8, 10)
    }
    host = Host(server, *(question(f"{n} choices?", *texts) for n, texts in sets.items()))
    page = open_console(open_page, host).context.new_page()
    for question_id, (n, texts) in zip(host.created["questionIds"], sets.items(), strict=True):
        host.open_and_present(question_id)
        for k in range(7):
            host.answer(question_id, str(k % n + 1))
        goto(page, f"/e/{host.event_id}/present")
        expect(page.locator("#total")).to_have_text("7 ballots")
        for viewport in EVERY_PROJECTOR:
            page.set_viewport_size(viewport)
            assert_everything_fits(page, viewport, "7 ballots", texts)
            state = f"{n} choices at {viewport}"
            assert_shown_whole(page, state, "#results .bar-label", "#results .bar-value")
            assert_shown_whole(page, state, "#total", "#close", "#present-prompt")
        shot(page, f"event-present-{n}{'-long' if long else ''}")
