"""A quiz question made and edited in the console's question dialog, in a real browser
(Debian's Chromium driven by Playwright, a real `tohyo serve` on a free port:
tests/browser.py), in English and Japanese: its choices are the choice rows, each with a
"right answer" box; its time limit and (with several right choices) its scoring are its
own fields, and a quiz has neither a deadline nor "may change their answer". What it made
is read back from the API as the host sees it; the browser's checks and the API's own
refusals land on the fields they name.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests import browser as pages
from tests.browser import PHONE, wait_ready
from tests.conftest import ServerProcess
from tests.host_browser import LIVE, Host, assert_accessible, open_console, row
from tests.layout_browser import no_sideways_scroll
from tests.question_forms_browser import texts

pytestmark = pytest.mark.slow

browser, server, open_page = pages.browser, pages.server, pages.open_page

SAYS: dict[str, dict[str, str]] = {
    "en": {
        "locale": "en-US",
        "add": "Add a question",
        "save": "Save",
        "edit": "Edit",
        "prompt": "Question",
        "quiz": "Quiz",
        "choice": "Choice {n}",
        "add_choice": "Add a choice",
        "right": "Right answer: Choice {n}",
        "time": "Time to answer (seconds)",
        "scoring": "Scoring",
        "partial": "Partial credit",
        "allow_change": "Participants may change their answer",
        "deadline": "Close automatically after opening",
        "none_right": "Tick at least one right answer.",
        "bad_time": "Give a whole number of seconds from 5 to 240.",
        "kind": "Quiz · {n} choices · {s} s",
    },
    "ja": {
        "locale": "ja-JP",
        "add": "質問を追加",
        "save": "保存",
        "edit": "編集",
        "prompt": "質問",
        "quiz": "クイズ",
        "choice": "選択肢 {n}",
        "add_choice": "選択肢を追加",
        "right": "正解：選択肢 {n}",
        "time": "回答時間（秒）",
        "scoring": "採点",
        "partial": "部分点あり",
        "allow_change": "参加者は回答を変更できる",
        "deadline": "開始後に自動で締め切る",
        "none_right": "正解を1つ以上選んでください。",
        "bad_time": "5〜240の整数（秒）を入力してください。",
        "kind": "クイズ · 選択肢 {n}個 · {s}秒",
    },
}
QUIZ_FIELDS = ("type", "prompt", "choices", "correct", "timeLimit", "scoring", "multiple")


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_console_dialog_makes_and_edits_a_quiz(
    open_page: Any, server: ServerProcess, lang: str
) -> None:
    from playwright.sync_api import expect

    says = SAYS[lang]
    open_page.tolerate("400")  # the API's refusals below, logged by Chromium as failed loads
    host = Host(server)
    page = open_console(open_page, host, viewport=PHONE, locale=says["locale"])
    dialog = page.locator("#question-dialog")
    time_limit = dialog.get_by_label(says["time"])
    scoring = dialog.get_by_label(says["scoring"])

    def choice(n: int) -> Any:
        return dialog.get_by_label(says["choice"].format(n=n), exact=True)

    def right(n: int) -> Any:
        """Choice n's "right answer" box."""
        return dialog.get_by_label(says["right"].format(n=n), exact=True)

    def error_of(field: Any) -> Any:
        """The error the field's aria-describedby names first (as the screen reader says)."""
        return dialog.locator(f"#{field.get_attribute('aria-describedby').split()[0]}")

    page.get_by_role("button", name=says["add"]).click()
    expect(dialog).to_be_visible()
    dialog.get_by_label(says["prompt"], exact=True).fill("Capital of Australia?")
    expect(dialog.get_by_label(says["allow_change"])).to_be_visible()  # a single choice's
    expect(right(1)).to_be_hidden()
    dialog.get_by_label(says["quiz"], exact=True).check()
    # A quiz's own fields; no deadline and no changing one's answer.
    expect(dialog.get_by_label(says["allow_change"])).to_be_hidden()
    expect(dialog.get_by_label(says["deadline"])).to_be_hidden()
    expect(time_limit).to_have_value("20")  # the default
    expect(scoring).to_be_hidden()  # until several choices are right
    for n, text in enumerate(["Sydney", "Canberra", "Melbourne", "Canberra, ACT"], start=1):
        if n > 2:
            dialog.get_by_role("button", name=says["add_choice"]).click()
        choice(n).fill(text)

    # No right answer: said by the boxes, and nothing is sent.
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url) if "/questions" in r.url else None)
    dialog.get_by_role("button", name=says["add"]).click()
    expect(error_of(right(1))).to_have_text(says["none_right"])
    expect(right(1)).to_be_focused()
    assert requests == []

    right(2).check()
    expect(error_of(right(1))).to_have_text("")  # checked as it changes, once submitted
    expect(scoring).to_be_hidden()
    right(4).check()
    expect(scoring).to_be_visible()
    scoring.select_option(label=says["partial"])
    time_limit.fill("3")
    expect(error_of(time_limit)).to_have_text(says["bad_time"])
    time_limit.fill("30")
    no_sideways_scroll(page, "the dialog for a quiz")
    assert_accessible(page, "the dialog: a quiz")
    dialog.get_by_role("button", name=says["add"]).click()
    expect(dialog).to_be_hidden()
    kind = row(page, "Capital of Australia?").locator('[data-field="kind"]')
    expect(kind).to_have_text(says["kind"].format(n=4, s=30), timeout=LIVE)

    (made,) = host.event()["questions"]
    assert {k: made[k] for k in QUIZ_FIELDS} == {
        "type": "quiz",
        "prompt": "Capital of Australia?",
        "choices": [
            {"choiceId": str(n), "text": text}
            for n, text in enumerate(["Sydney", "Canberra", "Melbourne", "Canberra, ACT"], 1)
        ],
        "correct": ["2", "4"],
        "timeLimit": 30,
        "scoring": "partial",
        "multiple": True,
    }
    assert made["allowChange"] is False
    assert made["resultsVisibility"] == "after_close"  # a quiz's: picks hidden while open
    # Nothing else planned: its only deadline is its time limit (the view's duration).
    assert set(made) == {*QUIZ_FIELDS, "questionId", "position", "status", "round", "results",
                         "allowChange", "resultsVisibility", "durationSeconds"}  # fmt: skip
    assert made["durationSeconds"] == 30

    # The draft opens with every field as it was; edited to one right answer and 15 s.
    row(page, "Capital of Australia?").get_by_role("button", name=says["edit"]).click()
    expect(dialog.get_by_label(says["quiz"], exact=True)).to_be_checked()
    expect(choice(4)).to_have_value("Canberra, ACT")
    for n, ticked in [(1, False), (2, True), (3, False), (4, True)]:
        expect(right(n)).to_be_checked(checked=ticked)
    expect(time_limit).to_have_value("30")
    expect(scoring).to_have_value("partial")
    expect(dialog.get_by_label(says["deadline"])).to_be_hidden()
    right(4).uncheck()
    expect(scoring).to_be_hidden()
    time_limit.fill("15")

    # The API's own refusal of the time limit lands on it (the body changed on its way,
    # past the browser's checks: the server's rules are the last word).
    def too_long(route: Any) -> None:
        body = json.loads(route.request.post_data or "{}")
        route.continue_(post_data=json.dumps({**body, "timeLimit": 999}))

    page.route("**/api/events/*/questions/*", too_long)
    dialog.get_by_role("button", name=says["save"]).click()
    expect(error_of(time_limit)).to_have_text(says["bad_time"])
    expect(time_limit).to_be_focused()
    expect(dialog).to_be_visible()
    page.unroute("**/api/events/*/questions/*")

    dialog.get_by_role("button", name=says["save"]).click()
    expect(dialog).to_be_hidden()
    expect(kind).to_have_text(says["kind"].format(n=4, s=15), timeout=LIVE)
    (edited,) = host.event()["questions"]
    assert (edited["correct"], edited["timeLimit"], edited["multiple"]) == (["2"], 15, False)
    assert edited["scoring"] == "all" and texts(edited["choices"])[3] == "Canberra, ACT"
    page.reload()  # the list's first drawing is the server's: the same words
    wait_ready(page)
    expect(kind).to_have_text(says["kind"].format(n=4, s=15))

    # Its right answer taken away on the way: the API's refusal is said by the boxes.
    def nothing_right(route: Any) -> None:
        body = json.loads(route.request.post_data or "{}")
        route.continue_(post_data=json.dumps({**body, "correct": []}))

    row(page, "Capital of Australia?").get_by_role("button", name=says["edit"]).click()
    expect(right(2)).to_be_checked()
    page.route("**/api/events/*/questions/*", nothing_right)
    dialog.get_by_role("button", name=says["save"]).click()
    expect(error_of(right(1))).to_have_text(says["none_right"])
    expect(right(1)).to_be_focused()
    page.unroute("**/api/events/*/questions/*")
    assert host.event()["questions"][0]["correct"] == ["2"]
