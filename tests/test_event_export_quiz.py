"""A quiz's export through HTTP, every backend (`conftest.storage`), with the server's
clock moved by hand: each quiz answer of every round (a reset's earlier one, an open one)
with its player's nickname, whether it earned full credit, its ms from that round's own
opening and its points, in JSON and CSV, English and Japanese; and the event's final
ranking, every player, as the leaderboard ranks them (a reset's old round gone)."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx
import pytest

from tests.conftest import host, new_client
from tests.events_http import LUNCH, NOBODY, as_host, create_event, event_url
from tests.test_quiz_api import GASSY, PLANETS, Clock, name, pick
from tohyo import domain
from tohyo.web.app import TohyoApp

QUIZ_COLUMNS = ("Round", "Nickname", "Answer", "Correct", "ms", "Points", "Answered at")


@pytest.fixture
async def room(app: TohyoApp) -> Any:
    clock = Clock(app)
    async with new_client(app) as client:
        yield client, clock


async def play(client: httpx.AsyncClient, clock: Clock) -> tuple[dict[str, Any], list[int]]:
    """Three players (Aki, "=Bob", one with no name) through a quiz: q1 twice (a reset),
    q2 with partial credit, q3 a poll, q4 a quiz still open. Returns the event and when
    each answer was accepted, in the order given."""
    created = await create_event(
        client, questions=[PLANETS, GASSY, LUNCH, {**PLANETS, "prompt": "Still open?"}]
    )
    assert (await name(client, created, 1, "Aki")).status_code == 200
    assert (await name(client, created, 2, "=Bob")).status_code == 200
    at: list[int] = []

    async def answer(qid: str, n: int, *ids: str) -> None:
        response = await pick(client, created, qid, n, *ids)
        assert response.status_code == 201, response.text
        at.append(clock.now)

    await as_host(client, "POST", created, "questions", "q1", "open")
    clock.move(2_000)
    await answer("q1", 1, "2")  # 950
    clock.move(3_000)
    await answer("q1", 2, "1")  # wrong
    await as_host(client, "POST", created, "questions", "q1", "close")
    clock.move(7_000)
    await as_host(client, "POST", created, "questions", "q1", "reset")  # round 2 opens now
    clock.move(4_000)
    await answer("q1", 2, "2")  # 900
    clock.move(1)
    await answer("q1", 3, "2")  # 4.001 s: 899.975, so 900 too
    clock.move(5_999)
    await answer("q1", 1, "1")  # wrong, 10 s
    await as_host(client, "POST", created, "questions", "q1", "close")
    await as_host(client, "POST", created, "questions", "q2", "open")
    await answer("q2", 1, "2", "4")  # both right at once: 1000
    clock.move(10_000)
    await answer("q2", 2, "2")  # half the credit at 10 s: 375
    await answer("q2", 3, "2", "3")  # one right, one wrong: 0
    await as_host(client, "POST", created, "questions", "q2", "close")
    await as_host(client, "POST", created, "questions", "q3", "open")
    await answer("q3", 1, "1")
    await as_host(client, "POST", created, "questions", "q4", "open")
    clock.move(1_000)
    await answer("q4", 3, "2")  # 975 were it closed: the leaderboard does not count it
    return created, at


def scored(round_: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (a["answeredAt"], a["answer"], a["nickname"], a["correct"], a["ms"], a["points"])
        for a in round_["answers"]
    ]


async def test_every_quiz_answer_of_every_round_has_its_nickname_credit_ms_and_points(
    room: Any,
) -> None:
    client, clock = room
    created, at = await play(client, clock)
    exported = await as_host(client, "GET", created, "export")
    q1, q2, q3, q4 = exported["questions"]
    when = [domain.iso(ms) for ms in at]
    first, second = q1["rounds"]
    assert first["openedAt"] == domain.iso(at[0] - 2_000)
    assert second["openedAt"] == domain.iso(at[1] + 7_000)
    assert scored(first) == [
        (when[0], ["2"], "Aki", True, 2_000, 950),
        (when[1], ["1"], "=Bob", False, 5_000, 0),
    ]
    assert scored(second) == [  # timed from round 2's opening, not round 1's
        (when[2], ["2"], "=Bob", True, 4_000, 900),
        (when[3], ["2"], None, True, 4_001, 900),
        (when[4], ["1"], "Aki", False, 10_000, 0),
    ]
    (only,) = q2["rounds"]
    assert scored(only) == [  # answers of one millisecond: by what they are
        (when[5], ["2", "4"], "Aki", True, 0, 1000),
        (when[7], ["2", "3"], None, False, 10_000, 0),
        (when[6], ["2"], "=Bob", False, 10_000, 375),  # partial: not full credit
    ]
    (poll,) = q3["rounds"]
    assert poll["answers"] == [{"answeredAt": when[8], "answer": ["1"]}]  # a poll's: no name
    (still,) = q4["rounds"]
    assert q4["status"] == "open" and scored(still) == [(when[9], ["2"], None, True, 1_000, 975)]
    # Round 2 of q1 and q2 count; round 1's 950 went with its round, q4 is still open.
    assert exported["leaderboard"] == [
        {"rank": 1, "nickname": "=Bob", "score": 1275, "time": 14_000},
        {"rank": 2, "nickname": "Aki", "score": 1000, "time": 10_000},
        {"rank": 3, "nickname": None, "score": 900, "time": 14_001},
    ]
    board = (await client.get(event_url(created, "leaderboard"), headers=NOBODY)).json()
    assert [(e["rank"], e["nickname"], e["score"]) for e in board["entries"]] == [
        (e["rank"], e["nickname"], e["score"]) for e in exported["leaderboard"]
    ]
    one = await as_host(client, "GET", created, "questions", "q1", "export?format=json")
    assert [scored(r) for r in one["rounds"]] == [scored(first), scored(second)]
    assert "leaderboard" not in one  # the ranking is the event's


async def test_every_player_is_in_the_final_ranking_not_only_the_top_ten(room: Any) -> None:
    client, clock = room
    created = await create_event(client, questions=[PLANETS])
    await as_host(client, "POST", created, "questions", "q1", "open")
    for n in range(1, 13):
        clock.move(1_000)
        assert (await pick(client, created, "q1", n, "2" if n % 4 else "1")).status_code == 201
    await as_host(client, "POST", created, "questions", "q1", "close")
    ranking = (await as_host(client, "GET", created, "export"))["leaderboard"]
    right = [round(1000 * (1 - n / 40)) for n in range(1, 13) if n % 4]
    assert [e["score"] for e in ranking] == [*right, 0, 0, 0]
    assert [e["rank"] for e in ranking] == list(range(1, 13))
    assert [e["time"] for e in ranking[-3:]] == [4_000, 8_000, 12_000]  # less time first
    plain = await as_host(client, "GET", (await create_event(client)), "export")
    assert "leaderboard" not in plain  # no quiz, no ranking


def read_csv(body: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


async def test_the_csv_has_a_row_per_quiz_answer_with_the_jsons_scores(room: Any) -> None:
    client, clock = room
    created, at = await play(client, clock)
    url = event_url(created, "export") + "?format=csv"
    response = await client.get(url, headers={**host(created), **NOBODY})
    assert response.status_code == 200, response.text
    rows = read_csv(response.content)
    assert list(rows[0])[-4:] == ["Nickname", "Answer", "Correct", "ms"]
    when = [domain.iso(ms) for ms in at]
    q1 = [r for r in rows if r["Question ID"] == "q1"]
    answers = [tuple(r[c] for c in QUIZ_COLUMNS) for r in q1 if r["Correct"]]
    assert answers == [
        ("1", "Aki", "2", "true", "2000", "950", when[0]),
        ("1", "'=Bob", "1", "false", "5000", "0", when[1]),  # typed text: neutralised
        ("2", "'=Bob", "2", "true", "4000", "900", when[2]),
        ("2", "", "2", "true", "4001", "900", when[3]),
        ("2", "Aki", "1", "false", "10000", "0", when[4]),
    ]
    choices = [r for r in q1 if not r["Correct"]]
    assert [(r["Round"], r["Choice ID"], r["Votes"]) for r in choices] == [
        *(("1", c, v) for c, v in zip("1234", "1100", strict=True)),
        *(("2", c, v) for c, v in zip("1234", "1200", strict=True)),
    ]
    assert all(r["Nickname"] == r["Answer"] == r["ms"] == "" for r in choices)
    q2 = [tuple(r[c] for c in QUIZ_COLUMNS) for r in rows if r["Question ID"] == "q2"]
    assert [a for a in q2 if a[3]] == [
        ("1", "Aki", "2,4", "true", "0", "1000", when[5]),
        ("1", "", "2,3", "false", "10000", "0", when[7]),
        ("1", "'=Bob", "2", "false", "10000", "375", when[6]),
    ]
    poll = [r for r in rows if r["Question ID"] == "q3"]
    assert all(r["Correct"] == r["Nickname"] == "" for r in poll) and len(poll) == 3
    one = await client.get(
        event_url(created, "questions", "q2", "export") + "?format=csv&lang=ja",
        headers={**host(created), **NOBODY},
    )
    japanese = read_csv(one.content)
    assert list(japanese[0])[-4:] == ["ニックネーム", "回答", "正解", "経過(ms)"]
    assert [r["得点"] for r in japanese if r["正解"]] == ["1000", "0", "375"]
