"""Upvotes and quiz answers under kill -9, on SQLite and on Redis (its server killed too:
only the append-only file brings the data back).

A `tohyo serve` takes a flood of upvotes of two audience questions and of answers to an
open quiz question at once, and is killed with SIGKILL in the middle of it; then it
restarts on the same storage. Checked exactly: every acknowledged upvote and answer is
there (a repeat is refused 409 already_voted), an upvote or answer committed but never
acknowledged counts once, and after everyone tries again each entry has exactly one
upvote per phone and the quiz's leaderboard ranks every phone once, each with the points
its stored answer earns — scores are derived from the durable answers, so a crash cannot
leave a score apart from its answer.
"""

from __future__ import annotations

import asyncio
import random
import signal
from typing import Any

import httpx
import pytest

from tests import durable_stores
from tests.conftest import voter
from tests.crowd import Crowd
from tests.durable_stores import Durable
from tests.event_crowd import answer, create_event, host_post, host_view, results

pytestmark = pytest.mark.slow

durable = durable_stores.durable

ENTRIES = ("a1", "a2")
PHONES = range(300)
KILL_AFTER = 250  # acknowledged requests before the kill (of 3 × 300)
QUIZ = {
    "type": "quiz",
    "prompt": "Which is a prime?",
    "choices": [{"text": "4"}, {"text": "7"}, {"text": "9"}],
    "correct": ["2"],
    "timeLimit": 240,
}

Request = tuple[int, str]  # (phone, entryId or "q1")


def choice_of(n: int) -> str:
    return "2" if n % 2 else "1"  # odd phones are right


async def send(crowd: Crowd, event_id: str, n: int, what: str) -> httpx.Response:
    if what == "q1":
        return await answer(crowd[n], event_id, "q1", n, choice_of(n))
    url = f"/api/events/{event_id}/qa/{what}/upvote"
    return await crowd[n].post(url, headers=voter(n))


async def flood_then_kill(crowd: Crowd, event_id: str, kill: Any) -> tuple[set[Request], int]:
    acked: set[Request] = set()
    lost = 0
    refused: dict[Request, int] = {}
    enough = asyncio.Event()
    requests = [(n, what) for n in PHONES for what in (*ENTRIES, "q1")]
    random.Random(16).shuffle(requests)

    async def one(n: int, what: str) -> None:
        nonlocal lost
        try:
            response = await send(crowd, event_id, n, what)
        except httpx.TransportError:
            lost += 1
            return
        if response.status_code == 201:
            acked.add((n, what))
            if len(acked) >= KILL_AFTER:
                enough.set()
        else:
            refused[(n, what)] = response.status_code

    async def killer() -> None:
        await asyncio.wait_for(enough.wait(), 30)
        kill()

    killing = asyncio.create_task(killer())
    await asyncio.gather(*(one(n, what) for n, what in requests))
    await killing
    assert refused == {}, refused
    return acked, lost


async def test_upvotes_and_quiz_answers_survive_kill_9_mid_flood(
    server_factory: Any, durable: Durable
) -> None:
    first = server_factory(storage=durable.url).start()
    async with Crowd(first) as crowd:
        http = crowd[0]
        created = await create_event(http, QUIZ)
        event_id = created["eventId"]
        patched = await http.patch(
            f"/api/events/{event_id}", json={"qa": "open"}, headers={
                "authorization": f"Bearer {created['hostToken']}"})  # fmt: skip
        assert patched.status_code == 200
        for n, text in enumerate(("Slides?", "Recording?")):
            asked = await http.post(
                f"/api/events/{event_id}/qa", json={"text": text}, headers=voter(10_000 + n)
            )
            assert asked.status_code == 201
        await host_post(http, created, "questions/q1/open")

        def kill() -> None:
            first.signal(signal.SIGKILL)
            assert first.wait(10) == -signal.SIGKILL
            durable.crash()

        acked, lost = await flood_then_kill(crowd, event_id, kill)
    assert len(acked) >= KILL_AFTER and lost > 100, "the kill did not land mid-flood"

    durable.recover()
    second = server_factory(storage=durable.url).start(wait=False)
    second.wait_ready(60)
    async with Crowd(second) as crowd:
        board = (await crowd[0].get(f"/api/events/{event_id}/qa")).json()
        counted = {e["entryId"]: e["upvotes"] for e in board["entries"]}
        total, _ = results(await host_view(crowd[0], created), "q1") or (-1, [])
        for what in ENTRIES:
            assert len({n for n, w in acked if w == what}) <= counted[what] <= len(PHONES)
        assert len({n for n, w in acked if w == "q1"}) <= total <= len(PHONES)
        # Everyone tries again: the acknowledged are refused, exactly the uncounted get in.
        everyone = [(n, what) for n in PHONES for what in (*ENTRIES, "q1")]
        retry = await asyncio.gather(*(send(crowd, event_id, n, w) for n, w in everyone))
        statuses = {key: r.status_code for key, r in zip(everyone, retry, strict=True)}
        assert set(statuses.values()) <= {201, 409}
        already = {key for key, status in statuses.items() if status == 409}
        assert acked <= already
        for what in ENTRIES:
            assert sum(1 for _, w in already if w == what) == counted[what]
        assert sum(1 for _, w in already if w == "q1") == total

        board = (await crowd[0].get(f"/api/events/{event_id}/qa")).json()
        assert {e["entryId"]: e["upvotes"] for e in board["entries"]} == {
            what: len(PHONES) for what in ENTRIES
        }
        await host_post(crowd[0], created, "questions/q1/close")
        right = [n for n in PHONES if choice_of(n) == "2"]
        places = await asyncio.gather(
            *(crowd[n].get(f"/api/events/{event_id}/leaderboard", headers=voter(n)) for n in PHONES)
        )
    second.stop()
    mine = {n: r.json()["me"] for n, r in zip(PHONES, places, strict=True)}
    assert places[0].json()["players"] == len(PHONES)
    for n, me in mine.items():
        (scored,) = me["questions"]
        assert scored["correct"] is (n in right)
        # Kahoot's rule, from the server's clock: at least 500 in time, 0 when wrong.
        assert (500 <= me["score"] <= 1000) if n in right else me["score"] == 0
        assert me["score"] == scored["points"]
    ranks = sorted(me["rank"] for me in mine.values())
    assert ranks[0] == 1 and max(ranks) <= len(PHONES)
