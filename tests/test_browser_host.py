"""The host's console of events in a real browser: Debian's Chromium driven by Playwright,
against a real `tohyo serve` on a free port (tests/browser.py).

A host builds an event in the console (add, edit, reorder, delete a draft), runs it (Next,
Previous, the lobby, close, reopen, a new round, the pace, the end) while answers come in
through the API and the console follows the one stream; the console in Japanese on a phone,
and the page anyone but the host sees. Presenter mode is in test_browser_host_present.py, the
summary in test_browser_host_summary.py; axe-core (the copy the `axe-playwright-python`
package ships) checks each page.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests import browser as pages
from tests.browser import PHONE, goto, shot
from tests.conftest import ServerProcess
from tests.host_browser import (
    LIVE,
    Host,
    add_question,
    assert_accessible,
    bar_value,
    open_console,
    question,
    row,
    rows,
)
from tests.layout_browser import no_sideways_scroll

pytestmark = pytest.mark.slow

browser, server, open_page = pages.browser, pages.server, pages.open_page


def test_a_host_builds_and_runs_an_event_in_the_console(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    host = Host(server)  # an event with no questions yet
    page = open_console(open_page, host)
    expect(page.locator("#no-questions")).to_be_visible()
    code = host.created["code"]
    expect(page.locator("#join-code")).to_contain_text(f"{code[:3]} {code[3:]}")
    assert page.locator("#join .qr-code").is_visible()

    # Build: add four, edit one, delete one, reorder by keyboard.
    add_question(page, "Lunch?", ["Ramen", "Curry", "Sushi"])
    add_question(page, "Coffee or tea?", ["Coffee", "Tea"])
    add_question(page, "Typo questoin", ["A", "B"])
    add_question(page, "Dessert?", ["Cake", "Ice cream"], multiple=True)
    # A refusal lands on its field: an empty choice is caught before it is sent.
    page.get_by_role("button", name="Add a question").click()
    dialog = page.locator("#question-dialog")
    dialog.get_by_label("Question", exact=True).fill("Half done?")
    dialog.get_by_label("Choice 1", exact=True).fill("Only one")
    dialog.get_by_role("button", name="Add a question").click()
    expect(page.locator("#q-choice-2-error")).to_have_text("Enter 1–100 characters.")
    assert_accessible(page, "the question dialog with an error")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()

    row(page, "Typo questoin").get_by_role("button", name="Edit").click()
    expect(page.locator("#question-dialog-title")).to_have_text("Edit question 3")
    expect(dialog.get_by_label("Choice 2", exact=True)).to_have_value("B")
    dialog.get_by_label("Question", exact=True).fill("Which city?")
    dialog.get_by_label("Choice 1", exact=True).fill("Kyoto")
    dialog.get_by_label("Choice 2", exact=True).fill("Osaka")
    dialog.get_by_role("button", name="Add a choice").click()
    dialog.get_by_label("Choice 3", exact=True).fill("Nara")
    dialog.get_by_role("button", name="Save").click()
    expect(row(page, "Which city?")).to_contain_text("3 choices", timeout=LIVE)

    row(page, "Coffee or tea?").get_by_role("button", name="Delete").click()
    expect(row(page, "Coffee or tea?")).to_have_count(0, timeout=LIVE)
    expect(rows(page)).to_have_text(["Lunch?", "Which city?", "Dessert?"])

    move_up = page.get_by_role("button", name="Move question 3 up")
    move_up.focus()
    page.keyboard.press("Enter")  # keyboard alone: the buttons are real buttons
    expect(rows(page)).to_have_text(["Lunch?", "Dessert?", "Which city?"], timeout=LIVE)
    # Focus stays on the moved question's arrow (now question 2's). The rows may be
    # reordered by the stream before the order request has answered, and focus is put
    # back once it has, so this waits for it rather than reading it at once.
    expect(page.get_by_role("button", name="Move question 2 up")).to_be_focused(timeout=LIVE)
    built = host.event()["questions"]
    assert [q["prompt"] for q in built] == ["Lunch?", "Dessert?", "Which city?"]
    assert [len(q["choices"]) for q in built] == [3, 2, 3]
    assert [q["type"] for q in built] == ["single", "multiple", "single"]
    lunch, dessert, city = (q["questionId"] for q in built)
    assert_accessible(page, "the console with three drafts")

    # Run: Next opens and presents the first question; answers show live.
    expect(page.get_by_role("button", name="Previous")).to_be_disabled()
    page.get_by_role("button", name="Next").click()
    expect(page.locator("#presented-prompt")).to_have_text("Lunch?", timeout=LIVE)
    expect(page.locator("#presented-status")).to_have_text("Open")
    expect(row(page, "Lunch?").locator('[data-field="on-screen"]')).to_be_visible()
    expect(page.locator("#total")).to_have_text("No votes yet")
    for choice in ("1", "2", "1"):
        host.answer(lunch, choice)
    expect(bar_value(page, "1")).to_have_text("2 · 66.7%", timeout=LIVE)  # no reload
    expect(bar_value(page, "2")).to_have_text("1 · 33.3%")
    expect(page.locator("#total")).to_have_text("3 ballots")
    assert_accessible(page, "the console presenting a question with results")

    page.get_by_role("button", name="Next").click()
    expect(page.locator("#presented-prompt")).to_have_text("Dessert?", timeout=LIVE)
    expect(page.locator("#presented-status")).to_have_text("Open")  # the draft was opened
    assert host.event()["presenting"] == dessert
    page.get_by_role("button", name="Previous").click()
    expect(page.locator("#presented-prompt")).to_have_text("Lunch?", timeout=LIVE)
    expect(page.locator("#total")).to_have_text("3 ballots")

    # Close, reopen (the same round), reset (a new round from zero).
    page.locator("#presented").get_by_role("button", name="Close", exact=True).click()
    expect(page.locator("#presented-status")).to_have_text("Closed", timeout=LIVE)
    page.locator("#presented").get_by_role("button", name="Reopen").click()
    expect(page.locator("#presented-status")).to_have_text("Open", timeout=LIVE)
    expect(page.locator("#presented-round")).to_have_text("Round 1")
    new_round = page.locator("#presented").get_by_role("button", name="New round")
    new_round.click()  # asks first: a new round wipes the room's results
    ask = page.locator("#reset-dialog")
    expect(ask).to_be_visible()
    expect(ask.get_by_role("heading")).to_have_text("Start a new round?")
    expect(ask.locator("#reset-subject")).to_have_text("Lunch?")
    ask.get_by_role("button", name="Cancel").click()
    expect(ask).to_be_hidden()
    expect(page.locator("#presented-round")).to_have_text("Round 1")
    new_round.click()
    ask.get_by_role("button", name="New round").click()
    expect(page.locator("#presented-round")).to_have_text("Round 2", timeout=LIVE)
    expect(ask).to_be_hidden()
    expect(new_round).to_be_focused()
    expect(page.locator("#total")).to_have_text("No votes yet")
    host.answer(lunch, "3")
    expect(bar_value(page, "3")).to_have_text("1 · 100%", timeout=LIVE)
    page.get_by_role("button", name="Close in 1 min").click()  # a deadline, as polls have
    expect(page.locator("#countdown")).to_contain_text(re.compile(r"Closes in [01]:\d\d"))
    assert "closesAt" in host.event()["questions"][0]
    expect(row(page, "Lunch?").locator('[data-field="round"]')).to_have_text("Round 2")

    # The lobby, then Next goes on after the last question asked (not back to the start).
    page.get_by_role("button", name="Lobby").click()
    expect(page.locator("#lobby-note")).to_be_visible(timeout=LIVE)
    expect(page.get_by_role("button", name="Lobby")).to_have_attribute("aria-pressed", "true")
    assert host.event()["presenting"] is None
    page.get_by_role("button", name="Next").click()
    expect(page.locator("#presented-prompt")).to_have_text("Which city?", timeout=LIVE)
    expect(page.get_by_role("button", name="Next")).to_be_disabled()  # the last question
    assert host.event()["presenting"] == city

    # A question's own controls: close one from the list, present another.
    row(page, "Dessert?").get_by_role("button", name="Close").click()
    expect(row(page, "Dessert?").locator('[data-field="status"]')).to_have_text(
        "Closed", timeout=LIVE
    )
    row(page, "Dessert?").get_by_role("button", name="Present").click()
    expect(page.locator("#presented-prompt")).to_have_text("Dessert?", timeout=LIVE)

    # The pace, switched live.
    page.get_by_label("Every open question").check()
    expect(page.locator("#pace-note")).to_contain_text("list every open question", timeout=LIVE)
    assert host.event()["pace"] == "audience"
    shot(page, "event-console")

    # Ending asks first; a change of mind keeps it running.
    page.get_by_role("button", name="End event").click()
    end = page.locator("#end-dialog")
    expect(end).to_be_visible()
    assert_accessible(page, "the end dialog")
    end.get_by_role("button", name="Cancel").click()
    expect(end).to_be_hidden()
    assert host.event()["status"] == "live"
    page.get_by_role("button", name="End event").click()
    end.get_by_role("button", name="End event").click()
    expect(page.locator("#event-status")).to_have_text("Ended", timeout=LIVE)
    expect(page.locator("#join")).to_be_hidden()
    expect(page.get_by_role("button", name="Next")).to_be_disabled()
    assert host.event()["status"] == "ended"
    with page.expect_download() as download:
        page.get_by_role("link", name="Export the whole event as CSV").click()
    csv = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "Lunch?" in csv and "Which city?" in csv


def test_the_console_in_japanese_and_the_page_for_anyone_else(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    host = Host(server, question("お昼は？", "ラーメン", "カレー"))
    page = open_console(open_page, host, viewport=PHONE, locale="ja-JP")  # a host's phone
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.get_by_role("button", name="次へ")).to_be_enabled()
    page.get_by_role("button", name="次へ").click()
    expect(page.locator("#presented-status")).to_have_text("受付中", timeout=LIVE)
    host.answer(host.created["questionIds"][0], "1")
    expect(page.locator("#total")).to_have_text("1票", timeout=LIVE)
    presented = page.locator("#presented")
    presented.get_by_role("button", name="締め切る", exact=True).click()
    expect(page.locator("#presented-status")).to_have_text("締め切り済み", timeout=LIVE)
    presented.get_by_role("button", name="新しいラウンド").click()
    ask = page.locator("#reset-dialog")
    expect(ask.get_by_role("heading")).to_have_text("新しいラウンドを始めますか？")
    ask.get_by_role("button", name="新しいラウンド").click()
    expect(page.locator("#presented-round")).to_have_text("2回目", timeout=LIVE)
    no_sideways_scroll(page, "the console in Japanese on a phone")
    shot(page, "event-console-ja")
    assert_accessible(page, "the console in Japanese")

    phone = open_page(PHONE)
    goto(phone, f"/e/{host.event_id}/host")
    expect(phone.get_by_role("heading", level=1)).to_have_text("This page is for the host")
    phone.get_by_role("link", name="Take part").click()
    phone.wait_for_url(re.compile(rf"/e/{host.event_id}$"))
    goto(phone, f"/e/{host.event_id}/present")
    expect(phone.locator("body")).to_have_attribute("data-page", "event-not-host")
    assert_accessible(phone, "the page for anyone but the host")
