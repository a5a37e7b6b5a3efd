"""The summary of an event in a real browser (Debian's Chromium, Playwright, a real
`tohyo serve`): every question and round, live, with its files; axe-core checks it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests import browser as pages
from tests.browser import goto, shot
from tests.conftest import ServerProcess
from tests.host_browser import Host, assert_accessible, open_console, question

pytestmark = pytest.mark.slow

browser, server, open_page = pages.browser, pages.server, pages.open_page


def test_the_summary_lists_every_question_and_round_live_with_its_files(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    host = Host(
        server,
        question("Lunch?", "Ramen", "Curry"),
        question("Coffee or tea?", "Coffee", "Tea"),
        question("Never asked?", "Yes", "No"),
    )
    q1, q2, _ = host.created["questionIds"]
    host.open_and_present(q1)
    host.answer(q1, "1")
    host.answer(q1, "2")
    host.call("POST", f"/questions/{q1}/reset", {})
    host.answer(q1, "2")
    host.open_and_present(q2)
    host.answer(q2, "1")
    host.call("POST", f"/questions/{q2}/close", {})

    console = open_console(open_page, host)
    page = console.context.new_page()
    goto(page, f"/e/{host.event_id}/summary")
    expect(page.locator("#event")).to_have_attribute("data-loaded", "true")
    items = page.locator(".summary-question")
    expect(items).to_have_count(3)
    expect(items.locator("h2")).to_have_text(["1. Lunch?", "2. Coffee or tea?", "3. Never asked?"])
    first = items.nth(0)
    expect(first.locator(".summary-round h3")).to_have_count(2)
    expect(first.locator(".summary-round h3").nth(0)).to_contain_text("Round 1")
    expect(first.locator(".summary-round h3").nth(1)).to_contain_text("Round 2")
    expect(first.locator(".summary-round").nth(0).locator(".total")).to_have_text("2 ballots")
    expect(first.locator(".summary-round").nth(1).locator("tbody tr").nth(1)).to_have_text(
        re.compile(r"Curry\s*1\s*100%")
    )
    expect(items.nth(1).locator(".summary-round")).to_have_count(1)
    expect(items.nth(2)).to_contain_text("Not asked (draft).")
    shot(page, "event-summary")
    assert_accessible(page, "the summary")

    # While the event runs the summary follows it.
    host.call("POST", f"/questions/{q1}/reset", {})
    host.answer(q1, "1")
    expect(first.locator(".summary-round")).to_have_count(3, timeout=5000)

    # Files: a chart of one round, and the whole event.
    with page.expect_download() as download:
        page.get_by_role("link", name="Chart of question 1, round 2, as PNG").click()
    assert Path(download.value.path()).read_bytes().startswith(b"\x89PNG")
    with page.expect_download() as download:
        page.get_by_role("link", name="Chart of question 2, round 1, as SVG").click()
    assert b"<svg" in Path(download.value.path()).read_bytes()[:300]
    with page.expect_download() as download:
        page.get_by_role("link", name="Export the whole event as JSON").click()
    assert '"Never asked?"' in Path(download.value.path()).read_text()
