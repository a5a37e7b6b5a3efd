"""The host's audience Q&A in a real browser (Debian's Chromium, Playwright, a real `tohyo
serve`), in English and in Japanese: the host turns Q&A on "approve first" in the console;
three phones ask over HTTP, one caught by the event's banned words; the console's queue
shows them as they come, the caught one flagged in words; the host approves one, hides one
(keyboard focus moving to the question that took its place), and the shown list follows
the phones' upvotes live, Popular or Newest. Presenter mode's wall (Q) shows only what the
room may see: the pinned question big with its upvotes and who asked, the most upvoted
below; marking it answered takes it off; a hidden one restored comes back. axe-core on the
console's Q&A and on the wall.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests import browser as pages
from tests.browser import goto, shot
from tests.conftest import ServerProcess
from tests.event_browser import following
from tests.host_browser import LIVE, PROJECTORS, assert_accessible, open_console, question
from tests.layout_browser import nothing_scrolls
from tests.qa_host_browser import LOCALES, QaHost, button, entry, listed, says, upvotes

pytestmark = pytest.mark.slow

browser, server, open_page = pages.browser, pages.server, pages.open_page

SLIDES = "Where are the slides?"
SPOILER = "Any spoiler for part two?"  # the event bans "spoiler"
BUILD = "How long did it take to build?"


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_host_moderates_questions_live_and_the_wall_shows_the_one_answered(
    open_page: Any, server: ServerProcess, lang: str
) -> None:
    from playwright.sync_api import expect

    def say(key: str, **values: Any) -> str:
        return says(lang, key, **values)

    host = QaHost(server, question("Lunch?", "Ramen", "Curry"))
    host.call("PATCH", "", {"bannedWords": ["spoiler"]})
    host.name(1, "Aki")
    console = open_console(open_page, host, locale=LOCALES[lang])
    expect(console.get_by_label(say("qah_mode_off"), exact=True)).to_be_checked()
    expect(console.locator("#qa-board")).to_be_hidden()  # nothing to moderate yet
    expect(console.locator("#qa-mode-note")).to_have_text(say("qah_note_off"))

    # Q&A on, approve first: from the console's setting.
    console.get_by_label(say("qah_mode_moderated"), exact=True).check()
    expect(console.locator("#qa-mode-status")).to_have_text(say("qah_saved"), timeout=LIVE)
    assert host.event()["qa"] == "moderated"
    expect(console.locator("#qa-board")).to_be_visible()
    expect(console.locator("#qa-mode-note")).to_have_text(say("qah_note_moderated"))
    expect(console.locator("#qa-queue-empty")).to_be_visible()
    loaded = following(console)

    # Three phones ask; each waits for the host, the one with a banned word flagged.
    asked = [host.ask(1, SLIDES, named=True), host.ask(2, SPOILER), host.ask(3, BUILD)]
    assert [e["status"] for e in asked] == ["pending"] * 3
    a1, a2, a3 = (e["entryId"] for e in asked)
    expect(listed(console, "qa-queue")).to_have_text([SLIDES, SPOILER, BUILD], timeout=LIVE)
    expect(console.locator("#qa-queue-heading")).to_have_text(say("qah_queue_heading", n=3))
    expect(console.locator("#qa-waiting-badge")).to_have_text(say("qah_waiting_other", n=3))
    caught = entry(console, a2).locator(".qah-flag-filtered")
    expect(caught).to_be_visible()
    expect(caught).to_have_text("⚠" + say("qah_filtered"))
    for other in (a1, a3):
        expect(entry(console, other).locator(".qah-flag-filtered")).to_be_hidden()
    expect(entry(console, a1).locator(".qah-who")).to_have_text("Aki")
    expect(entry(console, a3).locator(".qah-who")).to_have_text(say("qah_anonymous"))
    expect(console.locator("#qa-announce")).to_have_text(say("qah_new_waiting_other", n=3))
    assert_accessible(console, f"{lang}: the console's queue of questions")
    shot(console, f"qa-console-queue-{lang}")

    # Approve the first: it joins the shown list, and focus goes to the question that
    # took its place in the queue. Hide the caught one: folded away with the hidden.
    button(console, lang, "approve", SLIDES).click()
    expect(listed(console, "qa-shown")).to_have_text([SLIDES], timeout=LIVE)
    expect(listed(console, "qa-queue")).to_have_text([SPOILER, BUILD])
    expect(button(console, lang, "approve", SPOILER)).to_be_focused()
    button(console, lang, "hide", SPOILER).click()
    expect(listed(console, "qa-queue")).to_have_text([BUILD], timeout=LIVE)
    expect(console.locator("#qa-hidden-heading")).to_have_text(say("qah_hidden_heading", n=1))
    expect(console.locator("#qa-hidden")).to_be_hidden()  # folded
    expect(button(console, lang, "approve", BUILD)).to_be_focused()
    console.keyboard.press("Enter")  # approve it from the keyboard
    expect(console.locator("#qa-queue-empty")).to_be_visible(timeout=LIVE)
    expect(console.locator("#qa-waiting-badge")).to_be_hidden()
    assert host.statuses() == {a1: "approved", a2: "hidden", a3: "approved"}

    # Upvotes over HTTP move the counts and the order live; Newest is the order asked.
    host.upvote(a1, 4, 5, 6)
    host.upvote(a3, 4)
    votes = entry(console, a1).locator(".qah-votes-text")
    expect(votes).to_have_text(upvotes(lang, 3), timeout=LIVE)
    expect(entry(console, a3).locator(".qah-votes-text")).to_have_text(upvotes(lang, 1))
    expect(listed(console, "qa-shown")).to_have_text([SLIDES, BUILD])  # Popular
    console.get_by_label(say("qah_sort_newest"), exact=True).check()
    expect(listed(console, "qa-shown")).to_have_text([BUILD, SLIDES])
    host.upvote(a3, 5, 6, 7)
    expect(entry(console, a3).locator(".qah-votes-text")).to_have_text(
        upvotes(lang, 4), timeout=LIVE
    )
    expect(listed(console, "qa-shown")).to_have_text([BUILD, SLIDES])  # still the newest first
    console.get_by_label(say("qah_sort_popular"), exact=True).check()
    expect(listed(console, "qa-shown")).to_have_text([BUILD, SLIDES])  # 4 upvotes over 3
    host.upvote(a1, 7, 8)
    expect(listed(console, "qa-shown")).to_have_text([SLIDES, BUILD], timeout=LIVE)
    loaded()  # every count came live: no reload, one stream

    # Presenter mode: Q shows the wall, which the room sees — no pending, no hidden one.
    present = console.context.new_page()
    present.set_viewport_size(PROJECTORS[0])
    goto(present, f"/e/{host.event_id}/present")
    wall_button = present.locator("#qa-button")
    expect(wall_button).to_be_visible()
    expect(wall_button).to_have_attribute("aria-pressed", "false")
    present.keyboard.press("q")
    wall = present.locator("#qa-wall")
    expect(wall).to_be_visible()
    expect(wall_button).to_have_attribute("aria-pressed", "true")
    expect(present.locator("#present-prompt")).to_have_text(say("qah_wall_title"))
    expect(present.locator("#qa-wall-list .qaw-text")).to_have_text([SLIDES, BUILD], timeout=LIVE)
    expect(present.locator("#qa-wall-list .qaw-votes")).to_have_text(
        ["▲" + upvotes(lang, 5), "▲" + upvotes(lang, 4)]
    )
    expect(present.locator("#qa-wall-now")).to_be_hidden()
    expect(wall).not_to_contain_text(SPOILER)

    # Pin one ("Answer now"): big on the wall, with its upvotes and who asked.
    button(console, lang, "pin", SLIDES).click()
    pinned = present.locator("#qa-wall-pinned")
    expect(pinned).to_have_text(SLIDES, timeout=LIVE)
    expect(present.locator("#qa-wall-now")).to_be_visible()
    expect(present.locator("#qa-wall-pinned-meta")).to_have_text(
        say("qah_wall_meta", upvotes=upvotes(lang, 5), who="Aki")
    )
    expect(present.locator("#qa-wall-list .qaw-text")).to_have_text([BUILD])
    expect(present.locator("#qa-wall-announce")).to_have_text(say("qah_wall_announce", text=SLIDES))
    expect(entry(console, a1).locator(".qah-flag-now")).to_have_text("●" + say("qah_pinned"))
    expect(button(console, lang, "unpin", SLIDES)).to_be_focused()  # in Answer now's place
    assert host.board()["pinned"] == a1
    size = pinned.evaluate("(el) => parseFloat(getComputedStyle(el).fontSize)")
    listed_size = present.locator("#qa-wall-list .qaw-text").evaluate(
        "(el) => parseFloat(getComputedStyle(el).fontSize)"
    )
    assert size > 1.4 * listed_size  # big: read from the back of the room
    nothing_scrolls(present, f"{lang}: the wall with a pinned question")
    assert_accessible(present, f"{lang}: the Q&A wall")
    shot(present, f"qa-wall-pinned-{lang}")

    # Answered: off the wall and unpinned; kept in the console, marked, below the others.
    button(console, lang, "mark_answered", SLIDES).click()
    expect(present.locator("#qa-wall-now")).to_be_hidden(timeout=LIVE)
    expect(present.locator("#qa-wall-list .qaw-text")).to_have_text([BUILD])
    expect(listed(console, "qa-answered")).to_have_text([SLIDES], timeout=LIVE)
    expect(entry(console, a1).locator(".qah-flag-done")).to_have_text("✓" + say("qah_answered"))
    expect(entry(console, a1).locator(".qah-flag-now")).to_be_hidden()
    expect(listed(console, "qa-shown")).to_have_text([BUILD])
    assert host.board()["pinned"] is None

    # Restore the hidden one: shown again, on the wall too (no upvotes yet: last).
    console.locator("#qa-hidden-heading").click()
    expect(listed(console, "qa-hidden")).to_have_text([SPOILER])
    button(console, lang, "restore", SPOILER).click()
    expect(listed(console, "qa-shown")).to_have_text([BUILD, SPOILER], timeout=LIVE)
    expect(console.locator("#qa-hidden-empty")).to_be_visible()
    expect(present.locator("#qa-wall-list .qaw-text")).to_have_text([BUILD, SPOILER], timeout=LIVE)
    assert host.statuses() == {a1: "answered", a2: "approved", a3: "approved"}
    assert_accessible(console, f"{lang}: the console's Q&A")
    shot(console, f"qa-console-board-{lang}")

    # Q again: the stage as it was.
    present.keyboard.press("q")
    expect(wall).to_be_hidden()
    expect(present.locator("#lobby-screen")).to_be_visible()


def test_a_refused_moderation_is_said_and_undone(open_page: Any, server: ServerProcess) -> None:
    from playwright.sync_api import expect

    host = QaHost(server, question("Lunch?", "Ramen", "Curry"))
    host.call("PATCH", "", {"qa": "open"})
    a1 = host.ask(1, SLIDES)["entryId"]
    console = open_console(open_page, host)
    expect(listed(console, "qa-shown")).to_have_text([SLIDES], timeout=LIVE)
    expect(console.get_by_label("On", exact=True)).to_be_checked()
    # The server refuses it (the event is gone): the page says so and shows it as it was.
    console.route(
        f"**/api/events/{host.event_id}/qa/{a1}/hide",
        lambda route: route.fulfill(
            status=404,
            content_type="application/json",
            body='{"code": "not_found", "message": "No such event"}',
        ),
    )
    open_page.tolerate("404")  # the refusal, logged by Chromium as a failed load
    button(console, "en", "hide", SLIDES).click()
    expect(console.locator("#qa-error")).not_to_be_empty(timeout=LIVE)
    expect(console.locator("#qa-error")).to_have_attribute("role", "alert")
    expect(listed(console, "qa-shown")).to_have_text([SLIDES])
    expect(button(console, "en", "hide", SLIDES)).to_be_enabled()
    assert host.statuses() == {a1: "approved"}
    # Off again: the questions asked stay in view.
    console.get_by_label("Off", exact=True).check()
    expect(console.locator("#qa-mode-status")).to_have_text("Saved.", timeout=LIVE)
    assert "qa" not in host.event()
    expect(listed(console, "qa-shown")).to_have_text([SLIDES])
