"""A quiz on two phones (Debian's Chromium, Playwright, a real `tohyo serve`), in English
and in Japanese: each player picks a nickname (the second asking for the first's, in
another case, is told it is taken), taps one big tile — sent at once, "locked in", the
nickname fixed from then on — and once the host closes the question each phone says
whether it was right, its points and its place, as the leaderboard has them, with the
right choice marked in words (not by color alone). axe-core at each step.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests import browser as pages
from tests.answer_browser import LIVE, checked_at_widths
from tests.browser import PHONE, goto, shot
from tests.conftest import ServerProcess
from tests.event_browser import Host, card

pytestmark = pytest.mark.slow

browser, server, open_page = pages.browser, pages.server, pages.open_page

PLANETS = {
    "type": "quiz",
    "prompt": "Which planet is largest?",
    "choices": [{"text": "Mars"}, {"text": "Jupiter"}, {"text": "Venus"}, {"text": "Saturn"}],
    "correct": ["2"],
    "timeLimit": 240,  # the host closes it, long before
}

# What each phone says, by language ({n}: a number, {name}: a nickname).
SAYS = {
    "en": {
        "locale": "en-US",
        "nickname": "Your nickname",
        "save": "Save",
        "saved": "You play as {name}.",
        "taken": "Someone already has the nickname {name}. Try another.",
        "fixed": "Your nickname is fixed once you answer a quiz question.",
        "hint": "Tap your answer. It is sent at once.",
        "locked": "Answer locked in",
        "correct": "Correct!",
        "wrong": "Wrong",
        "points": "+{n} points",
        "first": "You are 1st",
        "second": "You are 2nd",
        "right_answer": "Right answer",
        "right_and_mine": "Right answer; Your answer",
        "mine": "Your answer",
    },
    "ja": {
        "locale": "ja-JP",
        "nickname": "ニックネーム",
        "save": "保存",
        "saved": "「{name}」として参加しています。",
        "taken": "ニックネーム「{name}」はすでに使われています。別の名前にしてください。",
        "fixed": "クイズに回答した後はニックネームを変更できません。",
        "hint": "答えをタップしてください。すぐに送信されます。",
        "locked": "回答を受け付けました",
        "correct": "正解！",
        "wrong": "不正解",
        "points": "+{n}ポイント",
        "first": "あなたは1位",
        "second": "あなたは2位",
        "right_answer": "正解",
        "right_and_mine": "正解、あなたの回答",
        "mine": "あなたの回答",
    },
}


def said(text: str, **values: Any) -> re.Pattern[str]:
    """The whole text, allowing the zero-width phrase breaks Japanese strings carry."""
    for name, value in values.items():
        text = text.replace("{" + name + "}", str(value))
    return re.compile("^" + "\u200b?".join(re.escape(c) for c in text) + "$")


def me(phone: Any, host: Host) -> dict[str, Any]:
    """This phone's place on the leaderboard, read with its own cookie."""
    response = phone.request.get(f"/api/events/{host.event_id}/leaderboard")
    assert response.status == 200, response.text()
    mine: dict[str, Any] = response.json()["me"]
    return mine


def name_as(phone: Any, says: dict[str, str], name: str) -> None:
    field = phone.get_by_role("textbox", name=says["nickname"], exact=True)
    field.fill(name)
    phone.get_by_role("button", name=says["save"], exact=True).click()


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_two_players_name_themselves_answer_and_see_right_or_wrong_points_and_place(
    open_page: Any, server: ServerProcess, lang: str
) -> None:
    from playwright.sync_api import expect

    says = SAYS[lang]
    open_page.tolerate("409")  # the name taken, logged by Chromium as a failed load
    host = Host(server, PLANETS)
    aki = open_page(PHONE, locale=says["locale"])
    ben = open_page(PHONE, locale=says["locale"])
    for phone in (aki, ben):
        goto(phone, host.path)
        expect(phone.get_by_role("textbox", name=says["nickname"], exact=True)).to_be_visible()

    name_as(aki, says, "Aki")
    expect(aki.locator("#ev-nickname-note")).to_have_text(said(says["saved"], name="Aki"))
    name_as(ben, says, "AKI ")  # one name with "Aki", after normalisation
    field = ben.get_by_role("textbox", name=says["nickname"], exact=True)
    expect(ben.locator("#ev-nickname-error")).to_have_text(said(says["taken"], name="AKI"))
    expect(field).to_have_attribute("aria-invalid", "true")
    checked_at_widths(ben, f"{lang}: a nickname taken")
    name_as(ben, says, "Ben")
    expect(ben.locator("#ev-nickname-note")).to_have_text(said(says["saved"], name="Ben"))
    expect(ben.locator("#ev-nickname-error")).to_have_text("")

    # A reload finds the name kept (GET …/me).
    goto(ben, host.path)
    expect(ben.get_by_role("textbox", name=says["nickname"], exact=True)).to_have_value("Ben")

    host.open_and_present("q1")
    tiles = {}
    for name, phone in (("aki", aki), ("ben", ben)):
        quiz = card(phone, PLANETS["prompt"])
        expect(quiz.locator(".ev-quiz-hint")).to_have_text(said(says["hint"]), timeout=LIVE)
        grid = quiz.locator(".ev-quiz-choice")
        expect(grid).to_have_text(["▲Mars", "◆Jupiter", "●Venus", "■Saturn"])
        # Not color alone: each tile has its own shape, and the choice's text as its name.
        expect(quiz.get_by_role("button", name="Jupiter", exact=True)).to_be_visible()
        expect(quiz.locator('button[type="submit"]')).to_be_hidden()  # one tap sends
        expect(quiz.locator(".countdown")).to_be_visible()
        tiles[name] = quiz
    checked_at_widths(aki, f"{lang}: the quiz's tiles")
    shot(aki, f"quiz-phone-tiles-{lang}")

    tiles["aki"].get_by_role("button", name="Jupiter", exact=True).click()
    tiles["ben"].get_by_role("button", name="Venus", exact=True).click()
    for name, phone in (("aki", aki), ("ben", ben)):
        expect(tiles[name].locator(".thanks h3")).to_have_text(said(says["locked"]))
        expect(tiles[name].locator(".ballot")).to_be_hidden()
        expect(phone.get_by_role("textbox", name=says["nickname"], exact=True)).to_be_disabled()
        expect(phone.locator("#ev-nickname-note")).to_have_text(said(says["fixed"]))
    expect(tiles["aki"].locator(".thanks .ev-mine")).to_have_text("◆ Jupiter")
    # The grid gave each phone one answer: the host's count says so.
    counted = host.call("GET", "")["questions"][0]["results"]["choices"]
    assert [c["voteCount"] for c in counted] == [0, 1, 1, 0]

    host.close("q1")
    right = tiles["aki"].locator(".ev-quiz-outcome")
    wrong = tiles["ben"].locator(".ev-quiz-outcome")
    expect(right.locator(".ev-quiz-verdict")).to_have_text(said(says["correct"]), timeout=LIVE)
    expect(wrong.locator(".ev-quiz-verdict")).to_have_text(said(says["wrong"]), timeout=LIVE)
    aki_board, ben_board = me(aki, host), me(ben, host)
    assert (aki_board["rank"], ben_board["rank"]) == (1, 2)
    won = aki_board["questions"][0]["points"]
    assert 500 <= won <= 1000 and ben_board["questions"][0]["points"] == 0
    expect(right.locator(".ev-quiz-points")).to_have_text(said(says["points"], n=won))
    expect(wrong.locator(".ev-quiz-points")).to_have_text(said(says["points"], n=0))
    expect(right.locator(".ev-quiz-rank")).to_have_text(said(says["first"]))
    expect(wrong.locator(".ev-quiz-rank")).to_have_text(said(says["second"]))
    expect(tiles["aki"].locator(".thanks")).to_be_hidden()  # the outcome says more

    # The right choice is marked in words, on both phones; each sees its own pick.
    marks = {
        "aki": ["", "right_and_mine", "", ""],
        "ben": ["", "right_answer", "mine", ""],
    }
    for name, outcome in (("aki", right), ("ben", wrong)):
        rows = outcome.locator(".ev-quiz-row")
        expect(rows.locator(".ev-quiz-text")).to_have_text(["Mars", "Jupiter", "Venus", "Saturn"])
        expect(rows.locator(".ev-quiz-mark")).to_have_text(["", "✓", "", ""])
        expect(rows.locator(".ev-quiz-said")).to_have_text(
            [said(says[key]) if key else said("") for key in marks[name]]
        )
    checked_at_widths(ben, f"{lang}: a wrong answer's outcome")
    shot(aki, f"quiz-phone-outcome-{lang}")


def test_several_right_choices_toggle_then_lock_in_and_a_nameless_player_is_told(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    host = Host(server, {**PLANETS, "correct": ["2", "4"], "scoring": "partial"})
    phone = open_page(PHONE)
    goto(phone, host.path)
    host.open_and_present("q1")
    quiz = card(phone, PLANETS["prompt"])
    lock = quiz.get_by_role("button", name="Lock in", exact=True)
    expect(lock).to_be_disabled(timeout=LIVE)  # nothing picked yet
    jupiter = quiz.get_by_role("button", name="Jupiter", exact=True)
    mars = quiz.get_by_role("button", name="Mars", exact=True)
    for tile in (jupiter, mars, quiz.get_by_role("button", name="Saturn", exact=True)):
        tile.click()
    mars.click()  # taken back: a tap toggles, nothing is sent
    expect(mars).to_have_attribute("aria-pressed", "false")
    expect(jupiter).to_have_attribute("aria-pressed", "true")
    assert host.call("GET", "")["questions"][0]["results"]["totalVotes"] == 0
    checked_at_widths(phone, "several picked")
    lock.click()
    expect(quiz.locator(".thanks .ev-mine")).to_have_text("◆ Jupiter and ■ Saturn")
    expect(phone.locator("#ev-nickname-note")).to_have_text(
        "A nickname is chosen before the first quiz answer; you play without one."
    )
    host.close("q1")
    outcome = quiz.locator(".ev-quiz-outcome")
    expect(outcome.locator(".ev-quiz-verdict")).to_have_text("Correct!", timeout=LIVE)
    expect(outcome.locator(".ev-quiz-rank")).to_have_text("You are 1st")
    expect(outcome.locator(".ev-quiz-mark")).to_have_text(["", "✓", "", "✓"])
