"""A quiz in presenter mode (Debian's Chromium, Playwright, a real `tohyo serve`), in English
and in Japanese: three questions, five named players and one who never gave a name, all
answering through the API. The presenter drives it with its keys: → opens and presents the
next question, whose tiles (the phones' shapes and colors, with text) show with a countdown
and how many have answered, never the distribution or the right answer; C closes it, and
the screen shows the distribution with the right choices marked by ✓ and words, and the
leaderboard as GET …/leaderboard ranks it; P shows the podium (the top 3 in order), and
ending the event shows it by itself. axe-core on each screen.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from tests import browser as pages
from tests.browser import goto, shot
from tests.conftest import ServerProcess
from tests.host_browser import LIVE, PROJECTORS, Host, assert_accessible, open_console

pytestmark = pytest.mark.slow

browser, server, open_page = pages.browser, pages.server, pages.open_page


def quiz(prompt: str, choices: list[str], correct: list[str]) -> dict[str, Any]:
    return {
        "type": "quiz",
        "prompt": prompt,
        "choices": [{"text": c} for c in choices],
        "correct": correct,
        "timeLimit": 240,  # the presenter closes each, long before
    }


QUESTIONS = [
    quiz("Which planet is largest?", ["Mars", "Jupiter", "Venus", "Saturn"], ["2"]),
    quiz("Which number is prime?", ["4", "6", "7"], ["3"]),
    quiz("Which are fruits?", ["Apple", "Carrot", "Banana", "Leek"], ["1", "3"]),
]
SHAPES = ["▲", "◆", "●", "■"]
PLAYERS = ["Aki", "Ben", "Chika", "Dan", "Emi", None]  # the last never names themself
# Each player's answer to each question: Aki right three times, Ben twice, Chika once,
# the others never, so the podium is Aki, Ben, Chika whatever the answers' times.
ANSWERS = {
    "Aki": (["2"], ["3"], ["1", "3"]),
    "Ben": (["2"], ["1"], ["1", "3"]),
    "Chika": (["1"], ["3"], ["1"]),
    "Dan": (["4"], ["2"], ["2"]),
    "Emi": (["3"], ["1"], ["2", "4"]),
    None: (["1"], ["2"], ["4"]),
}

SAYS = {
    "en": {
        "locale": "en-US",
        "answered": "{n} answered",
        "right": "✓ Right answer",
        "votes": r"{n} votes?, ",
        "player": "Player {n}",
        "place": ["1st", "2nd", "3rd"],
        "points": "{n} points",
        "open": "Open",
    },
    "ja": {
        "locale": "ja-JP",
        "answered": "{n}人が回答",
        "right": "✓ 正解",
        "votes": r"{n}票\u200b?（",
        "player": "プレイヤー{n}",
        "place": ["1位", "2位", "3位"],
        "points": "{n}ポイント",
        "open": "受付中",
    },
}


def cookie(name: str | None) -> dict[str, str]:
    return {"cookie": f"tohyo_voter=quizpresenter{(name or 'nobody').lower():0>16}"}


def name_players(host: Host) -> None:
    for name in PLAYERS:
        if name is None:
            continue
        response = httpx.put(
            f"{host.server.url}/api/events/{host.event_id}/me",
            json={"nickname": name},
            headers=cookie(name),
        )
        assert response.status_code == 200, response.text


def answer(host: Host, question_id: str, name: str | None, choice_ids: list[str]) -> None:
    response = httpx.post(
        f"{host.server.url}/api/events/{host.event_id}/questions/{question_id}/responses",
        json={"choiceIds": choice_ids},
        headers=cookie(name),
    )
    assert response.status_code == 201, response.text


def leaderboard(host: Host) -> dict[str, Any]:
    response = httpx.get(f"{host.server.url}/api/events/{host.event_id}/leaderboard")
    assert response.status_code == 200, response.text
    board: dict[str, Any] = response.json()
    return board


def shown_name(entry: dict[str, Any], position: int, says: dict[str, Any]) -> str:
    return entry["nickname"] or says["player"].format(n=position)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_quiz_presented_question_by_question_then_its_podium(
    open_page: Any, server: ServerProcess, lang: str
) -> None:
    from playwright.sync_api import expect

    says = SAYS[lang]
    host = Host(server, *QUESTIONS)
    ids = host.created["questionIds"]
    name_players(host)
    console = open_console(open_page, host, locale=says["locale"])
    page = console.context.new_page()
    page.set_viewport_size(PROJECTORS[0])
    goto(page, f"/e/{host.event_id}/present")
    expect(page.locator("#lobby-screen")).to_be_visible()
    podium_button = page.locator("#podium-button")
    expect(podium_button).to_be_visible()  # the event has a quiz
    expect(podium_button).to_have_attribute("aria-pressed", "false")

    for n, (question_id, spec) in enumerate(zip(ids, QUESTIONS, strict=True)):
        page.keyboard.press("ArrowRight")  # opens the draft and presents it
        expect(page.locator("#present-prompt")).to_have_text(spec["prompt"], timeout=LIVE)
        expect(page.locator("#present-state")).to_have_text(says["open"], timeout=LIVE)
        slot = page.locator("#quiz-slot")
        texts = [c["text"] for c in spec["choices"]]
        expect(slot.locator(".pq-tile")).to_have_text(
            [f"{SHAPES[i]}{text}" for i, text in enumerate(texts)]
        )
        expect(page.locator("#quiz-countdown")).to_be_visible()
        expect(page.locator("#quiz-countdown")).to_have_text(re.compile(r"\d:\d\d"))
        expect(page.locator("#quiz-answered")).to_have_text(says["answered"].format(n=0))
        # While open: no distribution, no right answer, no leaderboard on the screen.
        expect(page.locator("#quiz-bars")).to_be_hidden()
        expect(page.locator("#leaderboard")).to_be_hidden()
        expect(slot.locator(".pq-mark")).to_have_count(0)
        expect(page.locator("#results-slot")).to_be_hidden()
        for name in PLAYERS:
            answer(host, question_id, name, ANSWERS[name][n])
        expect(page.locator("#quiz-answered")).to_have_text(
            says["answered"].format(n=len(PLAYERS)), timeout=LIVE
        )
        if n == 0:
            assert_accessible(page, f"{lang}: a quiz question open")
            shot(page, f"quiz-present-open-{lang}")

        page.keyboard.press("c")
        expect(page.locator("#quiz-bars")).to_be_visible(timeout=LIVE)
        assert host.event()["questions"][n]["status"] == "closed"
        expect(page.locator("#quiz-countdown")).to_be_hidden()
        # A closed quiz round is over: C does not offer to reopen it (a reset replays it).
        expect(page.locator("#close")).to_be_disabled()
        right = spec["correct"]
        bars = page.locator("#quiz-bars .pq-bar")
        expect(bars).to_have_count(len(texts))
        for i, text in enumerate(texts):
            choice_id = str(i + 1)
            bar = page.locator(f'#quiz-bars .pq-bar[data-choice-id="{choice_id}"]')
            expect(bar.locator(".pq-text")).to_have_text(text)
            count = sum(choice_id in ANSWERS[name][n] for name in PLAYERS)
            votes = says["votes"].format(n=count)
            expect(bar.locator(".pq-value")).to_have_text(re.compile(f"^{votes}"))
            if choice_id in right:  # marked in words, not by color alone
                expect(bar.locator(".pq-mark")).to_have_text(says["right"])
            else:
                expect(bar.locator(".pq-mark")).to_have_count(0)
        expect(page.locator("#quiz-bars .pq-mark")).to_have_count(len(right))

        board = leaderboard(host)
        assert len(board["entries"]) == len(PLAYERS)
        assert board["players"] == len(PLAYERS)
        rows = page.locator("#leaderboard tbody tr")
        expect(rows).to_have_count(len(board["entries"]), timeout=LIVE)
        expected = [
            [str(e["rank"]), shown_name(e, i, says), f"{e['score']:,}"]
            for i, e in enumerate(board["entries"], start=1)
        ]
        for row, cells in zip(rows.all(), expected, strict=True):
            expect(row.locator("th, td")).to_have_text(cells, timeout=LIVE)
        if n == 0:
            assert_accessible(page, f"{lang}: a quiz question closed")
            shot(page, f"quiz-present-closed-{lang}")

    # The scores as the answers make them: Aki, Ben, Chika on top, in that order.
    board = leaderboard(host)
    assert [e["nickname"] for e in board["entries"][:3]] == ["Aki", "Ben", "Chika"]
    assert board["entries"][0]["score"] > board["entries"][1]["score"]
    assert board["entries"][1]["score"] > board["entries"][2]["score"] > 0

    def assert_podium() -> None:
        steps = page.locator("#podium .pq-step")
        expect(steps).to_have_count(3, timeout=LIVE)
        expect(steps.locator(".pq-name")).to_have_text(["Aki", "Ben", "Chika"])
        expect(steps.locator(".pq-place")).to_have_text(says["place"])
        expect(steps.locator(".pq-score")).to_have_text(
            [says["points"].format(n=f"{e['score']:,}") for e in board["entries"][:3]]
        )
        # 1st in the middle and tallest, 2nd on its left, 3rd on its right.
        first, second, third = (steps.nth(i).bounding_box() for i in range(3))
        assert first and second and third
        assert second["x"] < first["x"] < third["x"]
        assert first["height"] > second["height"] > third["height"]

    page.keyboard.press("p")
    expect(page.locator("#podium-screen")).to_be_visible()
    expect(podium_button).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#quiz-bars")).to_be_hidden()
    assert_podium()
    assert_accessible(page, f"{lang}: the podium")
    shot(page, f"quiz-present-podium-{lang}")
    podium_button.click()  # and back to the question on screen
    expect(page.locator("#podium-screen")).to_be_hidden()
    expect(page.locator("#quiz-bars")).to_be_visible()
    expect(podium_button).to_have_attribute("aria-pressed", "false")

    # Ending the event shows the podium by itself.
    host.call("POST", "/end", {})
    expect(page.locator("#podium-screen")).to_be_visible(timeout=LIVE)
    assert_podium()
