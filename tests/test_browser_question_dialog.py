"""The console's question dialog for every type in a real browser (Debian's Chromium driven
by Playwright, a real `tohyo serve` on a free port: tests/browser.py): it adds word cloud,
open text, rating scale and ranking questions, and a draft opens for editing with its
fields filled; what it made is read back from the API. It works from the keyboard alone,
passes axe-core and fits a 375 px phone. The create page's forms:
test_browser_question_forms.py; the console's own test (test_browser_host.py) keeps the
choice questions' path.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests import browser as pages
from tests.browser import PHONE
from tests.conftest import ServerProcess
from tests.host_browser import LIVE, Host, assert_accessible, open_console, row
from tests.layout_browser import no_sideways_scroll
from tests.question_forms_browser import texts

pytestmark = pytest.mark.slow

browser, server, open_page = pages.browser, pages.server, pages.open_page


def test_the_console_dialog_adds_and_edits_every_type(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    host = Host(server)
    page = open_console(open_page, host, viewport=PHONE)
    dialog = page.locator("#question-dialog")

    def add(prompt: str, kind: str) -> None:
        page.get_by_role("button", name="Add a question").click()
        expect(dialog).to_be_visible()
        dialog.get_by_label("Question", exact=True).fill(prompt)
        dialog.get_by_label(kind).check()

    def save(prompt: str, button: str = "Add a question") -> None:
        dialog.get_by_role("button", name=button).click()
        expect(dialog).to_be_hidden()
        expect(row(page, prompt)).to_have_count(1, timeout=LIVE)

    add("A word?", "Word cloud")
    dialog.get_by_label("Entries per participant").select_option("1")
    dialog.get_by_label("Participants may change their answer").check()
    no_sideways_scroll(page, "the dialog for a word cloud")
    assert_accessible(page, "the dialog: a word cloud")
    save("A word?")
    add("Tell us", "Open text")
    save("Tell us")
    add("Rate us", "Rating scale")
    dialog.get_by_label("Points on the scale").select_option("10")
    dialog.get_by_label("Lowest (1)").fill("Poor")
    dialog.get_by_label("Highest (10)").fill("Great")
    dialog.get_by_role("button", name="Add a statement").click()
    dialog.get_by_label("Statement 1", exact=True).fill("Food")
    no_sideways_scroll(page, "the dialog for a rating scale")
    assert_accessible(page, "the dialog: a rating scale")
    save("Rate us")
    add("Order these", "Ranking")
    dialog.get_by_label("Item 1", exact=True).fill("A")
    dialog.get_by_label("Item 2", exact=True).fill("B")
    dialog.get_by_role("button", name="Add an item").click()
    dialog.get_by_label("Item 3", exact=True).fill("C")
    assert_accessible(page, "the dialog: a ranking")
    save("Order these")

    cloud, text, scale, ranking = host.event()["questions"]
    assert (cloud["type"], cloud["maxEntries"], cloud["allowChange"]) == ("wordcloud", 1, True)
    assert (text["type"], text["moderation"], text["allowChange"]) == ("text", "none", False)
    assert (scale["points"], scale["labels"]) == (10, {"low": "Poor", "high": "Great"})
    assert texts(scale["statements"]) == ["Food"]
    assert texts(ranking["choices"]) == ["A", "B", "C"] and ranking["rankTop"] == 3

    # A draft opens with its fields filled; a change of each lands.
    row(page, "Rate us").get_by_role("button", name="Edit").click()
    expect(page.locator("#question-dialog-title")).to_have_text("Edit question 3")
    expect(dialog.get_by_label("Rating scale")).to_be_checked()
    expect(dialog.get_by_label("Points on the scale")).to_have_value("10")
    expect(dialog.get_by_label("Lowest (1)")).to_have_value("Poor")
    expect(dialog.get_by_label("Highest (10)")).to_have_value("Great")
    expect(dialog.get_by_label("Statement 1", exact=True)).to_have_value("Food")
    dialog.get_by_label("Points on the scale").select_option("4")
    dialog.get_by_label("Lowest (1)").fill("")  # labels cleared: both ends
    dialog.get_by_label("Highest (4)").fill("")
    dialog.get_by_role("button", name="Remove statement 1").click()
    expect(dialog.get_by_role("button", name="Add a statement")).to_be_focused()
    save("Rate us", "Save")
    expect(row(page, "Rate us").locator('[data-field="kind"]')).to_have_text(
        "Rating scale · 1–4", timeout=LIVE
    )
    scale = host.event()["questions"][2]
    assert (scale["points"], scale["labels"], scale["statements"]) == (4, None, [])

    row(page, "Order these").get_by_role("button", name="Edit").click()
    expect(dialog.get_by_label("Ranking")).to_be_checked()
    expect(dialog.get_by_label("Item 3", exact=True)).to_have_value("C")
    expect(dialog.get_by_label("Participants rank")).to_have_value("")  # every item
    dialog.get_by_label("Participants rank").select_option(label="Their top 1")
    save("Order these", "Save")
    expect(row(page, "Order these").locator('[data-field="kind"]')).to_have_text(
        "Ranking · 3 items · top 1", timeout=LIVE
    )
    row(page, "Order these").get_by_role("button", name="Edit").click()
    expect(dialog.get_by_label("Participants rank")).to_have_value("1")
    dialog.get_by_role("button", name="Cancel").click()

    row(page, "A word?").get_by_role("button", name="Edit").click()
    expect(dialog.get_by_label("Entries per participant")).to_have_value("1")
    expect(dialog.get_by_label("Participants may change their answer")).to_be_checked()
    dialog.get_by_label("Open text").check()  # a draft may change its type
    dialog.get_by_label("Approve answers before they show").check()
    save("A word?", "Save")
    expect(row(page, "A word?").locator('[data-field="kind"]')).to_have_text(
        "Open text · approve first · answers can change", timeout=LIVE
    )
    changed = host.event()["questions"][0]
    assert (changed["type"], changed["moderation"]) == ("text", "approve")


def test_the_dialog_from_the_keyboard_alone(open_page: Any, server: ServerProcess) -> None:
    from playwright.sync_api import expect

    host = Host(server)
    page = open_console(open_page, host)
    add = page.get_by_role("button", name="Add a question")
    add.focus()
    page.keyboard.press("Enter")
    dialog = page.locator("#question-dialog")
    expect(dialog.get_by_label("Question", exact=True)).to_be_focused()
    page.keyboard.type("Keyboard scale")
    page.keyboard.press("Tab")  # into the type picker, on the chosen type
    expect(dialog.get_by_label("Single choice")).to_be_focused()
    for _ in range(4):  # arrows go through the types: multiple, cloud, text, scale
        page.keyboard.press("ArrowRight")
    expect(dialog.get_by_label("Rating scale")).to_be_checked()
    page.keyboard.press("Tab")
    expect(dialog.get_by_label("Points on the scale")).to_be_focused()
    page.keyboard.press("ArrowDown")  # 5 → 6
    for _ in range(3):  # the two ends, then "Add a statement"
        page.keyboard.press("Tab")
    expect(dialog.get_by_role("button", name="Add a statement")).to_be_focused()
    page.keyboard.press("Enter")
    expect(dialog.get_by_label("Statement 1", exact=True)).to_be_focused()
    page.keyboard.type("Pace")
    page.keyboard.press("Tab")  # its remove button
    page.keyboard.press("Tab")  # Add a statement
    page.keyboard.press("Tab")  # allowChange
    expect(dialog.get_by_label("Participants may change their answer")).to_be_focused()
    page.keyboard.press("Space")
    for _ in range(4):  # who sees the results, the time limit, Cancel, Add
        page.keyboard.press("Tab")
    expect(dialog.get_by_role("button", name="Add a question")).to_be_focused()
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(add).to_be_focused()  # back where the host was
    expect(row(page, "Keyboard scale")).to_have_count(1, timeout=LIVE)
    scale = host.event()["questions"][0]
    assert (scale["type"], scale["points"], scale["allowChange"]) == ("scale", 6, True)
    assert texts(scale["statements"]) == ["Pace"]
