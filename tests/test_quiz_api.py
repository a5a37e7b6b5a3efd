"""Quiz questions through HTTP, every backend (`conftest.storage`): the spec's rules, the
right answers sealed until the close, points from the server's clock alone (moved by
hand here), the time limit as the only deadline, nicknames, and the leaderboard.
"""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from tests.conftest import new_client, voter
from tests.events_http import LUNCH, as_host, create_event, event_url, question
from tohyo import domain
from tohyo.web.app import TohyoApp

PLANETS = {
    "type": "quiz",
    "prompt": "Which planet is largest?",
    "choices": [{"text": "Mars"}, {"text": "Jupiter"}, {"text": "Venus"}, {"text": "Saturn"}],
    "correct": ["2"],
    "timeLimit": 20,
}
GASSY = {  # two right answers, partial credit
    **PLANETS,
    "prompt": "Which are gas giants?",
    "correct": ["2", "4"],
    "scoring": "partial",
}


class Clock:
    """Every clock the app reads (the answers', the host's changes', the quiz's), moved
    by hand: the server's time is the only time a score is made of."""

    def __init__(self, app: TohyoApp) -> None:
        self.now = (int(time.time() * 1000) // 1000) * 1000
        for holder in (app.objects, app.objects.events, app.objects.quiz):
            holder.clock = self.read

    def read(self) -> int:
        return self.now

    def move(self, ms: int) -> None:
        self.now += ms


@pytest.fixture
async def room(app: TohyoApp) -> Any:
    clock = Clock(app)
    async with new_client(app) as client:
        yield client, clock


async def pick(
    client: httpx.AsyncClient, created: dict[str, Any], qid: str, n: int, *ids: str, **extra: Any
) -> httpx.Response:
    url = event_url(created, "questions", qid, "responses")
    return await client.post(url, json={"choiceIds": list(ids), **extra}, headers=voter(n))


async def board(client: httpx.AsyncClient, created: dict[str, Any], n: int | None = None) -> Any:
    headers = voter(n) if n is not None else {"cookie": ""}
    response = await client.get(event_url(created, "leaderboard"), headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def name(
    client: httpx.AsyncClient, created: dict[str, Any], n: int, nickname: Any
) -> httpx.Response:
    return await client.put(event_url(created, "me"), json={"nickname": nickname}, headers=voter(n))


async def test_a_quiz_spec_names_its_right_choices_and_its_limit_and_takes_no_other_deadline(
    client: httpx.AsyncClient,
) -> None:
    created = await create_event(client, questions=[])
    bad = [
        ({**PLANETS, "correct": ["5"]}, "correct"),
        ({**PLANETS, "correct": []}, "correct"),
        ({**PLANETS, "correct": ["1", "1"]}, "correct"),
        ({**PLANETS, "timeLimit": 4}, "timeLimit"),
        ({**PLANETS, "timeLimit": 241}, "timeLimit"),
        ({**PLANETS, "timeLimit": "20"}, "timeLimit"),
        ({**PLANETS, "scoring": "most"}, "scoring"),
        ({**PLANETS, "durationSeconds": 30}, "durationSeconds"),
        ({**PLANETS, "allowChange": True}, "allowChange"),
        ({k: v for k, v in PLANETS.items() if k != "timeLimit"}, "timeLimit"),
    ]
    for spec, field in bad:
        response = await client.post(
            event_url(created, "questions"),
            json=spec,
            headers={"authorization": f"Bearer {created['hostToken']}"},
        )
        assert response.status_code == 400, (spec, response.text)
        assert response.json()["code"] == "validation_error"
        assert field in [d["field"] for d in response.json()["details"]], response.text
    made = await as_host(client, "POST", created, "questions", json=GASSY, status=201)
    q = question(made, made["questions"][-1]["questionId"]) if "questions" in made else made
    assert q["correct"] == ["2", "4"] and q["timeLimit"] == 20 and q["scoring"] == "partial"
    assert q["multiple"] is True and q["resultsVisibility"] == "after_close"
    assert q["durationSeconds"] == 20  # the limit is the opening's duration


async def test_the_right_answers_are_sealed_from_phones_until_the_question_closes(
    room: Any,
) -> None:
    client, _clock = room
    created = await create_event(client, questions=[PLANETS])
    opened = await as_host(client, "POST", created, "questions", "q1", "open")
    assert opened["correct"] == ["2"]  # the host sees them throughout
    phone = question((await client.get(event_url(created), headers=voter(1))).json(), "q1")
    assert "correct" not in phone and phone["multiple"] is False and "results" not in phone
    await as_host(client, "POST", created, "questions", "q1", "close")
    phone = question((await client.get(event_url(created), headers=voter(1))).json(), "q1")
    assert phone["correct"] == ["2"] and phone["results"]["totalVotes"] == 0


async def test_points_come_from_the_servers_clock_and_a_phone_claiming_speed_gains_nothing(
    room: Any,
) -> None:
    client, clock = room
    created = await create_event(client, questions=[PLANETS])
    await as_host(client, "POST", created, "questions", "q1", "open")
    clock.move(2_000)
    # Phone 1 says it answered at once; the server saw it 2 s after the opening.
    fast = await pick(client, created, "q1", 1, "2", elapsed=0, answeredAt="2000-01-01T00:00:00Z")
    assert fast.status_code == 201, fast.text
    clock.move(8_000)
    assert (await pick(client, created, "q1", 2, "2")).status_code == 201  # 10 s: 750
    assert (await pick(client, created, "q1", 3, "1")).status_code == 201  # wrong: 0
    clock.move(9_999)
    assert (await pick(client, created, "q1", 4, "2")).status_code == 201  # 19.999 s: 500
    assert (await board(client, created))["entries"] == []  # open: nothing counts yet
    clock.move(1)  # the limit: the question closes by itself, and refuses answers
    late = await pick(client, created, "q1", 5, "2")
    assert late.status_code == 403 and late.json()["code"] == "closed", late.text

    shown = await board(client, created, 1)
    # 1000 * (1 - 2000/20000/2) = 950; 1000 * (1 - 19999/40000) = 500.025 -> 500
    assert [(e["rank"], e["score"]) for e in shown["entries"]] == [
        (1, 950),
        (2, 750),
        (3, 500),
        (4, 0),
    ]
    assert shown["me"]["rank"] == 1 and shown["me"]["score"] == 950
    assert shown["me"]["questions"] == [
        {"questionId": "q1", "correct": True, "points": 950, "ms": 2000}
    ]
    wrong = (await board(client, created, 3))["me"]
    assert wrong["rank"] == 4 and wrong["questions"][0]["correct"] is False
    stranger = await board(client, created)
    assert "me" not in stranger and stranger["players"] == 4
    nobody = (await board(client, created, 9))["me"]
    assert nobody == {"rank": None, "score": 0, "nickname": None, "questions": []}


async def test_partial_credit_and_all_or_nothing(room: Any) -> None:
    client, _clock = room
    created = await create_event(
        client, questions=[GASSY, {**GASSY, "prompt": "Again?", "scoring": "all"}]
    )
    for qid in ("q1", "q2"):
        await as_host(client, "POST", created, "questions", qid, "open")
    for qid in ("q1", "q2"):
        await pick(client, created, qid, 1, "2", "4")  # both right
        await pick(client, created, qid, 2, "2")  # one of two
        await pick(client, created, qid, 3, "2", "3")  # one right, one wrong
    refused = await pick(client, created, "q1", 4, "2", "2")
    assert refused.status_code == 400
    for qid in ("q1", "q2"):
        await as_host(client, "POST", created, "questions", qid, "close")
    scores = {n: (await board(client, created, n))["me"]["questions"] for n in (1, 2, 3)}
    assert [s["points"] for s in scores[1]] == [1000, 1000]
    assert [s["points"] for s in scores[2]] == [500, 0]  # half the credit; nothing
    assert [s["points"] for s in scores[3]] == [0, 0]  # +1/2 -1/2, floored at 0


async def test_a_quiz_round_is_over_once_closed_and_a_reset_takes_its_points_away(
    room: Any,
) -> None:
    client, clock = room
    created = await create_event(client, questions=[PLANETS])
    await as_host(client, "POST", created, "questions", "q1", "open")
    refused = await as_host(
        client, "POST", created, "questions", "q1", "open", json={"durationSeconds": 60}, status=409
    )
    assert refused["code"] == "invalid_state"
    patched = await client.patch(
        event_url(created, "questions", "q1"),
        json={"durationSeconds": 60},
        headers={"authorization": f"Bearer {created['hostToken']}", "cookie": ""},
    )
    assert patched.status_code == 409, patched.text
    await pick(client, created, "q1", 1, "2")
    await as_host(client, "POST", created, "questions", "q1", "close")
    assert (await board(client, created))["entries"][0]["score"] == 1000
    again = await as_host(client, "POST", created, "questions", "q1", "open", status=409)
    assert again["code"] == "invalid_state"
    await as_host(client, "POST", created, "questions", "q1", "reset")
    assert (await board(client, created))["entries"] == []  # round 2 is open: nothing yet
    clock.move(5_000)
    await pick(client, created, "q1", 2, "2")  # 875
    await as_host(client, "POST", created, "questions", "q1", "close")
    entries = (await board(client, created))["entries"]
    assert [e["score"] for e in entries] == [875]  # round 1's 1000 is gone with its round


async def test_nicknames_are_unique_in_the_event_and_fixed_once_a_player_answers(
    room: Any,
) -> None:
    client, _clock = room
    created = await create_event(client, questions=[PLANETS])
    named = await name(client, created, 1, "  Aki ")
    assert named.status_code == 200 and named.json() == {"nickname": "Aki"}
    taken = await name(client, created, 2, "ＡＫＩ")  # one name, however it is typed
    assert taken.status_code == 409 and taken.json()["code"] == "nickname_taken"
    for bad in ("", "   ", "x" * 25, 7, None, "a\nb"):
        refused = await name(client, created, 2, bad)
        assert refused.status_code == 400, (bad, refused.text)
        assert refused.json()["details"][0]["field"] == "nickname"
    assert (await name(client, created, 1, "Akira")).status_code == 200  # renamed: Aki is free
    assert (await name(client, created, 2, "aki")).status_code == 200
    me = await client.get(event_url(created, "me"), headers=voter(2))
    assert me.json() == {"nickname": "aki"}
    await as_host(client, "POST", created, "questions", "q1", "open")
    await pick(client, created, "q1", 1, "2")
    late = await name(client, created, 1, "Someone else")
    assert late.status_code == 409 and late.json()["code"] == "invalid_state"
    await as_host(client, "POST", created, "questions", "q1", "close")
    assert (await board(client, created))["entries"] == [
        {"rank": 1, "nickname": "Akira", "score": 1000}
    ]
    fresh = await client.put(
        event_url(created, "me"), json={"nickname": "New"}, headers={"cookie": ""}
    )
    assert fresh.status_code == 200 and "tohyo_voter=" in fresh.headers["set-cookie"]


async def test_ties_go_to_less_total_time_then_to_who_reached_the_score_first(room: Any) -> None:
    client, clock = room
    created = await create_event(client, questions=[PLANETS, {**PLANETS, "prompt": "Again?"}])
    await as_host(client, "POST", created, "questions", "q1", "open")
    await pick(client, created, "q1", 1, "2")  # 1000 at 0 s
    await pick(client, created, "q1", 2, "1")  # wrong at 0 s
    await pick(client, created, "q1", 3, "1")  # wrong at 0 s
    await as_host(client, "POST", created, "questions", "q1", "close")
    await as_host(client, "POST", created, "questions", "q2", "open")
    await pick(client, created, "q2", 2, "2")  # 1000 at 0 s: total time 0, as player 1
    clock.move(4_000)
    await pick(client, created, "q2", 1, "1")  # wrong, 4 s: player 1's total time is 4 s
    await pick(client, created, "q2", 3, "2")  # 900 at 4 s
    await as_host(client, "POST", created, "questions", "q2", "close")
    ranks = {n: (await board(client, created, n))["me"]["rank"] for n in (1, 2, 3)}
    assert ranks == {2: 1, 1: 2, 3: 3}


async def test_a_quiz_exports_and_pictures_like_a_choice_question(room: Any) -> None:
    client, _clock = room
    created = await create_event(client, questions=[GASSY])
    await as_host(client, "POST", created, "questions", "q1", "open")
    await pick(client, created, "q1", 1, "2", "4")
    await as_host(client, "POST", created, "questions", "q1", "close")
    exported = await as_host(client, "GET", created, "export")
    (round_,) = exported["questions"][0]["rounds"]
    assert [c["voteCount"] for c in round_["results"]["choices"]] == [0, 1, 0, 1]
    headers = {"authorization": f"Bearer {created['hostToken']}", "cookie": ""}
    for query in ("?format=csv", "?format=json", "?format=png", "?format=svg"):
        url = event_url(created, "questions", "q1", "export") + query
        response = await client.get(url, headers=headers)
        assert response.status_code == 200, (query, response.text[:300])
    csv = await client.get(event_url(created, "export") + "?format=csv", headers=headers)
    assert csv.status_code == 200 and "Saturn" in csv.text


TO_QUIZ = {"type": "quiz", "choices": PLANETS["choices"], "correct": ["2"], "timeLimit": 20}


async def test_a_draft_of_another_type_planned_with_a_deadline_can_be_made_a_quiz(
    client: httpx.AsyncClient,
) -> None:
    """The draft's planned deadline and allowChange are the old type's: a quiz has its own
    rule for both (found by a review: the stored duration was merged back and refused)."""
    created = await create_event(
        client,
        questions=[
            {**LUNCH, "durationSeconds": 30, "allowChange": True},
            {**LUNCH, "closesAt": domain.iso(int(time.time() * 1000) + 3_600_000)},
        ],
    )
    headers = {"authorization": f"Bearer {created['hostToken']}", "cookie": ""}
    for qid in ("q1", "q2"):
        patched = await client.patch(
            event_url(created, "questions", qid), json=TO_QUIZ, headers=headers
        )
        assert patched.status_code == 200, patched.text
        made = patched.json()
        assert made["durationSeconds"] == 20 and "closesAt" not in made  # its time limit
        assert made["allowChange"] is False
    # A deadline given in the PATCH itself is still the body's mistake.
    refused = await client.patch(
        event_url(created, "questions", "q1"), json={"durationSeconds": 60}, headers=headers
    )
    assert refused.status_code == 400 and refused.json()["details"][0]["field"] == "durationSeconds"


async def test_a_draft_made_a_quiz_takes_the_quizs_default_visibility(
    client: httpx.AsyncClient,
) -> None:
    """A single draft (after_vote) made a quiz shows its distribution after the close, as a
    quiz made so does — unless the PATCH says otherwise (found by a review: the first to
    answer saw the room's picks live and could call them out)."""
    created = await create_event(client, questions=[LUNCH, LUNCH])
    headers = {"authorization": f"Bearer {created['hostToken']}", "cookie": ""}
    url = event_url(created, "questions", "q1")
    patched = await client.patch(url, json=TO_QUIZ, headers=headers)
    assert patched.json()["resultsVisibility"] == "after_close", patched.text
    chosen = {**TO_QUIZ, "resultsVisibility": "always"}
    patched = await client.patch(
        event_url(created, "questions", "q2"), json=chosen, headers=headers
    )
    assert patched.json()["resultsVisibility"] == "always", patched.text


async def test_the_leaderboard_tells_a_player_the_nickname_they_have_now(room: Any) -> None:
    """The board is made once per close; a player who names themselves after it is told
    their new name, not the one read with the board (found by a review)."""
    client, _clock = room
    created = await create_event(client, questions=[PLANETS])
    await as_host(client, "POST", created, "questions", "q1", "open")
    await pick(client, created, "q1", 1, "2")
    await as_host(client, "POST", created, "questions", "q1", "close")
    assert (await board(client, created, 2))["me"]["nickname"] is None  # the board is made
    assert (await name(client, created, 2, "Zed")).status_code == 200
    assert (await board(client, created, 2))["me"]["nickname"] == "Zed"


async def test_a_nickname_cannot_change_once_an_answer_lands_between_the_check_and_the_write(
    room: Any, app: TohyoApp
) -> None:
    """`QuizObjects.set_nickname` reads the event, then claims the name in a second
    storage step: an answer committed between the two (a phone sending its answer and a
    rename at once) must not let the name change under a score. The rule is checked where
    the name is written (the home on the loop; the nickname script on Redis). Found by a
    review."""
    client, _clock = room
    created = await create_event(client, questions=[PLANETS])
    assert (await name(client, created, 1, "Aki")).status_code == 200
    await as_host(client, "POST", created, "questions", "q1", "open")

    store = app.objects.quiz.store
    real = store.set_nickname

    async def answer_lands_first(*args: Any) -> None:
        answered = await pick(client, created, "q1", 1, "2")
        assert answered.status_code == 201, answered.text
        await real(*args)

    app.objects.quiz.store = _Proxy(store, set_nickname=answer_lands_first)
    try:
        renamed = await name(client, created, 1, "Bo")
    finally:
        app.objects.quiz.store = store
    assert renamed.status_code == 409 and renamed.json()["code"] == "invalid_state", renamed.text
    me = await client.get(event_url(created, "me"), headers=voter(1))
    assert me.json() == {"nickname": "Aki"}


class _Proxy:
    """`inner` with some of its methods replaced."""

    def __init__(self, inner: Any, **replaced: Any) -> None:
        self._inner = inner
        self._replaced = replaced

    def __getattr__(self, attribute: str) -> Any:
        if attribute in self._replaced:
            return self._replaced[attribute]
        return getattr(self._inner, attribute)
