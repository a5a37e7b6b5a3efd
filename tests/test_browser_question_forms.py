"""The host's question forms for every type in a real browser (Debian's Chromium driven by
Playwright, a real `tohyo serve` on a free port: tests/browser.py): the create page
(/events/new) builds single and multiple choice, word cloud, open text, rating scale and
ranking questions; what it made is read back from the API. It checks each type before
sending; the API's refusals land on the fields they name; it passes axe-core and fits a
375 px phone, in English and Japanese. The console's question dialog:
test_browser_question_dialog.py.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests import browser as pages
from tests.browser import LAPTOP, PHONE, goto
from tests.conftest import ServerProcess
from tests.host_browser import assert_accessible, row
from tests.layout_browser import no_sideways_scroll
from tests.question_forms_browser import HOSTILE, created_event, texts

pytestmark = pytest.mark.slow

browser, server, open_page = pages.browser, pages.server, pages.open_page


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
    no_sideways_scroll(page, "a single choice question")

    # 2: a word cloud of up to five entries each.
    q = block(2)
    q.get_by_label("Question", exact=True).fill("One word for today?")
    q.get_by_label("Word cloud").check()
    expect(q.get_by_label("Question 2: Choice 1")).to_be_hidden()  # not this type's
    expect(q.get_by_label("Entries per participant")).to_have_value("3")  # the default
    q.get_by_label("Entries per participant").select_option("5")
    assert_accessible(page, "a word cloud question")
    no_sideways_scroll(page, "a word cloud question")

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
    no_sideways_scroll(page, "a rating scale question")

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
    no_sideways_scroll(page, "a ranking question")

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
    no_sideways_scroll(page, "the Japanese form")
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
    no_sideways_scroll(page, "the Japanese dialog")
    assert_accessible(page, "the dialog in Japanese")
