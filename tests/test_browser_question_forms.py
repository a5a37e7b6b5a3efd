"""The host's question forms for every type in a real browser (Debian's Chromium driven by
Playwright, a real `tohyo serve` on a free port: tests/browser.py): the create page
(/events/new) and the console's question dialog build single and multiple choice, word
cloud, open text, rating scale and ranking questions; what they made is read back from the
API. A draft opens for editing with its fields filled; the API's refusals land on the
fields they name; the forms work from the keyboard, pass axe-core and fit a 375 px phone,
in English and Japanese. The console's own test (test_browser_host.py) keeps the choice
questions' path.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests import browser as pages
from tests.browser import LAPTOP, PHONE, goto, wait_ready
from tests.conftest import ServerProcess
from tests.host_browser import LIVE, Host, assert_accessible, open_console, row

pytestmark = pytest.mark.slow

browser, server, open_page = pages.browser, pages.server, pages.open_page

HOSTILE = '<script>alert("x")</script> & =cmd'


def no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width


def created_event(page: Any, server: ServerProcess) -> dict[str, Any]:
    """The event the create page made, as its host reads it (the page has the cookie)."""
    page.wait_for_url(re.compile(r"/e/[0-9a-f-]{36}/host$"))
    wait_ready(page)
    event_id = re.search(r"/e/([0-9a-f-]{36})/host", page.url).group(1)  # type: ignore[union-attr]
    response = page.request.get(f"{server.url}/api/events/{event_id}")
    assert response.status == 200, response.text()
    event: dict[str, Any] = response.json()
    return event


def texts(items: list[dict[str, Any]]) -> list[str]:
    return [item["text"] for item in items]


def test_the_create_page_makes_a_question_of_every_type(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    page = open_page(PHONE)
    goto(page, "/events/new")
    page.get_by_label("Event title").fill("Every kind")

    def block(n: int) -> Any:
        if n > 1:
            page.get_by_role("button", name="Add a question").click()
        found = page.get_by_role("group", name=f"Question {n}", exact=True)
        expect(found).to_be_visible()
        return found

    # 1: single choice, as before.
    q = block(1)
    q.get_by_label("Question", exact=True).fill("Lunch?")
    q.get_by_label("Question 1: Choice 1").fill("Ramen")
    q.get_by_label("Question 1: Choice 2").fill("Curry")
    no_sideways_scroll(page)

    # 2: a word cloud of up to five entries each.
    q = block(2)
    q.get_by_label("Question", exact=True).fill("One word for today?")
    q.get_by_label("Word cloud").check()
    expect(q.get_by_label("Question 2: Choice 1")).to_be_hidden()  # not this type's
    expect(q.get_by_label("Entries per participant")).to_have_value("3")  # the default
    q.get_by_label("Entries per participant").select_option("5")
    assert_accessible(page, "a word cloud question")
    no_sideways_scroll(page)

    # 3: open text, approved first, answers that may change.
    q = block(3)
    q.get_by_label("Question", exact=True).fill("Questions for the speaker?")
    q.get_by_label("Open text").check()
    q.get_by_label("Approve answers before they show").check()
    q.get_by_label("Participants may change their answer").check()
    assert_accessible(page, "an open text question")

    # 4: a rating scale of 7 points, labelled ends, two statements (one added and removed).
    q = block(4)
    q.get_by_label("Question", exact=True).fill("How was it?")
    q.get_by_label("Rating scale").check()
    q.get_by_label("Points on the scale").select_option("7")
    expect(q.get_by_label("Highest (7)")).to_be_visible()  # the label follows the points
    q.get_by_label("Lowest (1)").fill("Not at all")
    q.get_by_label("Highest (7)").fill(HOSTILE)
    for _ in range(3):
        q.get_by_role("button", name="Add a statement").click()
    expect(q.get_by_label("Question 4: Statement 3")).to_be_focused()
    q.get_by_label("Question 4: Statement 1").fill("The talk")
    q.get_by_label("Question 4: Statement 2").fill("Going to be removed")
    q.get_by_label("Question 4: Statement 3").fill("The room")
    q.get_by_role("button", name="Remove statement 2").click()
    expect(q.get_by_label("Question 4: Statement 2")).to_have_value("The room")
    expect(q.get_by_label("Question 4: Statement 2")).to_be_focused()
    assert_accessible(page, "a rating scale question")
    no_sideways_scroll(page)

    # 5: a ranking of four items, their top two.
    q = block(5)
    q.get_by_label("Question", exact=True).fill("Which first?")
    q.get_by_label("Ranking").check()
    for i, item in enumerate(["Docs", "Tests", "Speed", "Looks"], start=1):
        if i > 2:
            q.get_by_role("button", name="Add an item").click()
        q.get_by_label(f"Question 5: Item {i}").fill(item)
    q.get_by_label("Participants rank").select_option(label="Their top 2")
    assert_accessible(page, "a ranking question")
    no_sideways_scroll(page)

    # 6: multiple choice.
    q = block(6)
    q.get_by_label("Question", exact=True).fill("Drinks?")
    q.get_by_label("Multiple choice").check()
    q.get_by_label("Question 6: Choice 1").fill("Tea")
    q.get_by_label("Question 6: Choice 2").fill("Coffee")

    page.get_by_role("button", name="Create event").click()
    event = created_event(page, server)
    made = event["questions"]
    assert [q["type"] for q in made] == [
        "single", "wordcloud", "text", "scale", "ranking", "multiple",
    ]  # fmt: skip
    single, cloud, text, scale, ranking, multiple = made
    assert texts(single["choices"]) == ["Ramen", "Curry"] and single["allowChange"] is False
    assert cloud["prompt"] == "One word for today?" and cloud["maxEntries"] == 5
    assert text["moderation"] == "approve" and text["allowChange"] is True
    assert scale["points"] == 7
    assert scale["labels"] == {"low": "Not at all", "high": HOSTILE}
    assert texts(scale["statements"]) == ["The talk", "The room"]
    assert texts(ranking["choices"]) == ["Docs", "Tests", "Speed", "Looks"]
    assert ranking["rankTop"] == 2
    assert texts(multiple["choices"]) == ["Tea", "Coffee"]
    # The console lists each with its kind, hostile text as text.
    expect(row(page, "How was it?").locator('[data-field="kind"]')).to_have_text(
        "Rating scale · 1–7 · 2 statements"
    )
    expect(row(page, "Which first?").locator('[data-field="kind"]')).to_have_text(
        "Ranking · 4 items · top 2"
    )
    expect(row(page, "Questions for the speaker?").locator('[data-field="kind"]')).to_have_text(
        "Open text · approve first · answers can change"
    )
    expect(row(page, "One word for today?").locator('[data-field="kind"]')).to_have_text(
        "Word cloud · up to 5 entries each"
    )


def test_the_create_page_checks_each_type_before_sending(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    page = open_page(LAPTOP)
    goto(page, "/events/new")
    page.get_by_label("Event title").fill("Checked")
    q = page.get_by_role("group", name="Question 1", exact=True)
    q.get_by_label("Question", exact=True).fill("Rate it")
    q.get_by_label("Rating scale").check()
    q.get_by_label("Lowest (1)").fill("Bad")  # one end only
    q.get_by_role("button", name="Add a statement").click()
    q.get_by_label("Question 1: Statement 1").fill("x" * 101)
    page.get_by_role("button", name="Create event").click()
    expect(page.locator("#form-error")).to_have_text("Please correct the highlighted fields.")
    high = q.get_by_label("Highest (5)")
    expect(high).to_be_focused()
    expect(high).to_have_attribute("aria-invalid", "true")
    expect(high).to_have_accessible_description(re.compile("^Give both ends a label, or neither"))
    statement = q.get_by_label("Question 1: Statement 1")
    expect(statement).to_have_accessible_description("Enter 1–100 characters.")
    assert_accessible(page, "a scale with mistakes")
    # Errors follow the edits; the other type's errors go with a change of type.
    high.fill("Good")
    expect(high).not_to_have_attribute("aria-invalid", "true")
    q.get_by_label("Ranking").check()
    expect(statement).to_be_hidden()
    q.get_by_role("button", name="Add an item").click()
    q.get_by_label("Question 1: Item 1").fill("Same")
    q.get_by_label("Question 1: Item 2").fill("Same")
    q.get_by_label("Question 1: Item 3").fill("Other")
    page.get_by_role("button", name="Create event").click()
    expect(q.get_by_label("Question 1: Item 2")).to_be_focused()
    expect(q.get_by_label("Question 1: Item 2")).to_have_accessible_description(
        "This item is the same as another one."
    )
    q.get_by_label("Question 1: Item 2").fill("Else")
    page.get_by_role("button", name="Create event").click()
    event = created_event(page, server)
    ranking = event["questions"][0]
    assert ranking["type"] == "ranking" and ranking["rankTop"] == 3  # every item
    assert texts(ranking["choices"]) == ["Same", "Else", "Other"]


def test_the_api_s_refusals_land_on_the_fields_they_name(
    open_page: Any, server: ServerProcess
) -> None:
    """What the page cannot send by itself, sent anyway (the request rewritten on its
    way): the API's 400 names `questions[0].points`, `…statements[1].text`, and so on,
    and each lands on its field, described by its error, the first one focused."""
    from playwright.sync_api import expect

    open_page.tolerate("status of 400")  # the console's note of the refused request
    page = open_page(LAPTOP)
    goto(page, "/events/new")

    def spoil(route: Any) -> None:
        body = route.request.post_data_json
        body["questions"][0]["points"] = 12
        body["questions"][0]["statements"][1]["text"] = "y" * 101
        body["questions"][1]["maxEntries"] = 11
        route.continue_(post_data=json.dumps(body))

    page.route("**/api/events", spoil)
    page.get_by_label("Event title").fill("Spoilt")
    q = page.get_by_role("group", name="Question 1", exact=True)
    q.get_by_label("Question", exact=True).fill("Rate it")
    q.get_by_label("Rating scale").check()
    for i in (1, 2):
        q.get_by_role("button", name="Add a statement").click()
        q.get_by_label(f"Question 1: Statement {i}").fill(f"Statement {i}")
    page.get_by_role("button", name="Add a question").click()
    cloud = page.get_by_role("group", name="Question 2", exact=True)
    cloud.get_by_label("Question", exact=True).fill("A word?")
    cloud.get_by_label("Word cloud").check()
    page.get_by_role("button", name="Create event").click()

    points = q.get_by_label("Points on the scale")
    expect(points).to_be_focused()
    expect(points).to_have_attribute("aria-invalid", "true")
    expect(points).to_have_accessible_description("Choose 3–11 points.")
    expect(q.get_by_label("Question 1: Statement 2")).to_have_accessible_description(
        "Enter 1–100 characters."
    )
    expect(q.get_by_label("Question 1: Statement 1")).not_to_have_attribute("aria-invalid", "true")
    entries = cloud.get_by_label("Entries per participant")
    expect(entries).to_have_accessible_description(re.compile("^Choose 1–10 entries."))
    expect(page.locator("#form-error")).not_to_be_empty()
    assert_accessible(page, "the API's refusals on their fields")
    page.unroute("**/api/events")
    page.get_by_role("button", name="Create event").click()
    event = created_event(page, server)
    assert [q["type"] for q in event["questions"]] == ["scale", "wordcloud"]


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
    no_sideways_scroll(page)
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
    no_sideways_scroll(page)
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


def test_a_scale_made_in_japanese(open_page: Any, server: ServerProcess) -> None:
    from playwright.sync_api import expect

    page = open_page(PHONE, locale="ja-JP")
    goto(page, "/events/new")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    page.get_by_label("イベント名").fill("振り返り")
    q = page.get_by_role("group", name="質問 1", exact=True)
    q.get_by_label("質問", exact=True).fill("今日の発表はどうでしたか？")
    q.get_by_label("段階評価").check()
    q.get_by_label("段階の数").select_option(label="1〜7")
    q.get_by_label("最低（1）").fill("まったくそう思わない")
    q.get_by_label("最高（7）").fill("とてもそう思う")
    q.get_by_role("button", name="評価する項目を追加").click()
    q.get_by_label("質問 1: 評価項目 1").fill("わかりやすさ")
    q.get_by_role("button", name="評価する項目を追加").click()
    q.get_by_label("質問 1: 評価項目 2").fill("ｽﾗｲﾄﾞの見やすさ")  # half-width kana, as typed
    q.get_by_label("参加者は回答を変更できる").check()
    no_sideways_scroll(page)
    assert_accessible(page, "a scale in Japanese")
    page.get_by_role("button", name="イベントを作成").click()
    event = created_event(page, server)
    scale = event["questions"][0]
    assert scale["prompt"] == "今日の発表はどうでしたか？"
    assert scale["points"] == 7 and scale["allowChange"] is True
    assert scale["labels"] == {"low": "まったくそう思わない", "high": "とてもそう思う"}
    assert texts(scale["statements"]) == ["わかりやすさ", "ｽﾗｲﾄﾞの見やすさ"]
    expect(row(page, "今日の発表はどうでしたか？").locator('[data-field="kind"]')).to_have_text(
        "段階評価 · 1〜7 · 評価項目 2個 · 回答の変更可"
    )
    # The console's dialog, in Japanese too: the draft opens filled.
    row(page, "今日の発表はどうでしたか？").get_by_role("button", name="編集").click()
    dialog = page.locator("#question-dialog")
    expect(dialog.get_by_label("最高（7）")).to_have_value("とてもそう思う")
    expect(dialog.get_by_label("評価項目 2", exact=True)).to_have_value("ｽﾗｲﾄﾞの見やすさ")
    no_sideways_scroll(page)
    assert_accessible(page, "the dialog in Japanese")
