"""Durability of event answers over real HTTP, with real crashes, on SQLite and on Redis.

A `tohyo serve` takes a flood of answers to two questions at once and is killed with
SIGKILL in the middle of it (on Redis, the Redis server is killed right after it: only
its append-only file, fsynced on every write, brings the data back); then it restarts on
the same storage. Before the flood both questions were answered by a few phones and
reset, so the flood goes into round 2 and round 1 must come back exactly as it was.

Checked exactly: every acknowledged answer (a 201 received) is stored once, in round 2;
nothing is stored for an answer that was never sent; each (question, round) tally equals
the responses stored for it (read through the backend's own `responses`, the audit
trail); and after everyone tries again, each phone is counted once per question.
"""

from __future__ import annotations

import asyncio
import random
import signal
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests import durable_stores
from tests.conftest import voter
from tests.crowd import Crowd
from tests.durable_stores import Durable
from tests.event_crowd import answer, create_event, host_post, host_view, question, results
from tohyo.storage import open_store
from tohyo.web import security

pytestmark = pytest.mark.slow

durable = durable_stores.durable

QUESTIONS = ("q1", "q2")
EARLY = range(10_000, 10_040)  # answer both questions in round 1, before the reset
FLOOD = range(500)  # answer both questions in round 2, all at once
KILL_AFTER = 300  # acknowledged answers before the kill


def choice_of(n: int, qid: str) -> str:
    """A phone always picks the same choice of a question, so the exact counts are known
    (and differ between the questions, so an answer counted in the wrong one shows)."""
    return str((n + QUESTIONS.index(qid)) % 3 + 1)


def expected(phones: range | set[int], qid: str) -> list[int]:
    return [sum(1 for n in phones if choice_of(n, qid) == str(c)) for c in (1, 2, 3)]


@dataclass
class Flood:
    acked: set[tuple[int, str]]
    lost: set[tuple[int, str]]  # no answer came back: the outcome is unknown
    refused: dict[tuple[int, str], int]


async def flood_then_kill(crowd: Crowd, event_id: str, kill: Any) -> Flood:
    """Every FLOOD phone answers both questions, in a shuffled order, all at once; `kill`
    runs once KILL_AFTER answers are acknowledged."""
    out = Flood(set(), set(), {})
    enough = asyncio.Event()
    requests = [(n, qid) for n in FLOOD for qid in QUESTIONS]
    random.Random(13).shuffle(requests)

    async def one(n: int, qid: str) -> None:
        try:
            response = await answer(crowd[n], event_id, qid, n, choice_of(n, qid))
        except httpx.TransportError:
            out.lost.add((n, qid))
            return
        if response.status_code == 201:
            out.acked.add((n, qid))
            if len(out.acked) >= KILL_AFTER:
                enough.set()
        else:
            out.refused[(n, qid)] = response.status_code

    async def killer() -> None:
        await asyncio.wait_for(enough.wait(), 30)
        kill()

    killing = asyncio.create_task(killer())
    await asyncio.gather(*(one(n, qid) for n, qid in requests))
    await killing
    return out


async def audit(url: str, event_id: str) -> dict[str, Any]:
    """What the storage holds, read by the backend itself with no server running: the
    tallies of every (question, round), the responses stored for each, and the
    participant key of every phone."""
    store = open_store(url)
    await store.start()
    try:
        now = time.time_ns() // 1_000_000
        event, _ = await store.events.get_event(event_id, None, now)
        responses = await store.events.responses(event_id)
        server_key = await store.server_key()
    finally:
        await store.close()
    return {"event": event, "responses": responses, "server_key": server_key}


def phone_key(server_key: bytes, event_id: str, n: int) -> bytes:
    token = voter(n)["cookie"].partition("=")[2]
    return security.voter_key(server_key, event_id, token)


async def test_acknowledged_answers_survive_kill_9_mid_flood_in_their_round(
    server_factory: Any, durable: Durable
) -> None:
    first = server_factory(storage=durable.url).start()
    async with Crowd(first) as crowd:  # 50 connections
        http = crowd[0]
        created = await create_event(http, question("Which talk?"), question("Lunch?"))
        event_id = created["eventId"]
        for qid in QUESTIONS:
            await host_post(http, created, f"questions/{qid}/open")
        early = await asyncio.gather(
            *(answer(crowd[n], event_id, q, n, choice_of(n, q)) for n in EARLY for q in QUESTIONS)
        )
        assert [r.status_code for r in early] == [201] * len(early)
        for qid in QUESTIONS:
            reset = await host_post(http, created, f"questions/{qid}/reset")
            assert (reset["round"], reset["status"]) == (2, "open")

        def kill() -> None:
            first.signal(signal.SIGKILL)
            assert first.wait(10) == -signal.SIGKILL
            durable.crash()

        flood = await flood_then_kill(crowd, event_id, kill)

    assert flood.refused == {}, flood.refused
    assert len(flood.acked) + len(flood.lost) == 2 * len(FLOOD)
    assert KILL_AFTER <= len(flood.acked) < 2 * len(FLOOD)
    assert len(flood.lost) > 100, "the kill landed after the flood, not in the middle of it"
    assert {qid for _, qid in flood.acked} == set(QUESTIONS)

    durable.recover()
    second = server_factory(storage=durable.url).start(wait=False)
    second.wait_ready(60)  # recovery reads the file or the AOF; the machine may be busy
    async with Crowd(second) as crowd:
        http = crowd[0]
        view = await host_view(http, created)  # the host token still works
        counted: dict[str, int] = {}
        for qid in QUESTIONS:
            total, counts = results(view, qid) or (-1, [])
            acked = {n for n, q in flood.acked if q == qid}
            assert sum(counts) == total
            assert len(acked) <= total <= len(FLOOD)
            counted[qid] = total

        # Every acknowledged answer is there: answering again is refused.
        again = await asyncio.gather(
            *(answer(crowd[n], event_id, q, n, choice_of(n, q)) for n, q in sorted(flood.acked))
        )
        assert [r.status_code for r in again] == [409] * len(flood.acked)
        assert {r.json()["code"] for r in again} == {"already_voted"}

    # New connections for the next round of requests: a kept-alive one left idle while
    # the last requests were answered may be closed by the server just as it is reused.
    async with Crowd(second) as crowd:
        http = crowd[0]
        # Everybody tries again: exactly the ones not counted get in, once.
        everyone = [(n, q) for n in FLOOD for q in QUESTIONS]
        retry = await asyncio.gather(
            *(answer(crowd[n], event_id, q, n, choice_of(n, q)) for n, q in everyone)
        )
        statuses = {key: r.status_code for key, r in zip(everyone, retry, strict=True)}
        assert set(statuses.values()) <= {201, 409}, Counter(statuses.values())
        already = {key for key, status in statuses.items() if status == 409}
        assert flood.acked <= already
        # Answers committed but never acknowledged (the reply died with the process) count.
        for qid in QUESTIONS:
            assert sum(1 for _, q in already if q == qid) == counted[qid]

        final = await host_view(http, created)
        for qid in QUESTIONS:
            assert results(final, qid) == (len(FLOOD), expected(FLOOD, qid))
    second.stop()

    # The audit, from the storage itself: tallies equal the stored responses, per round.
    stored = await audit(durable.url, event_id)
    event, responses = stored["event"], stored["responses"]
    keys = {phone_key(stored["server_key"], event_id, n): n for n in (*EARLY, *FLOOD)}
    by_round: dict[tuple[str, int], list[tuple[int, str]]] = {}
    for response in responses:
        assert response.participant in keys, "a response nobody sent"
        (choice,) = response.answer
        by_round.setdefault((response.question_id, response.round), []).append(
            (keys[response.participant], choice)
        )
    assert set(by_round) == {(q, r) for q in QUESTIONS for r in (1, 2)}
    for qid in QUESTIONS:
        round_1 = by_round[(qid, 1)]
        round_2 = by_round[(qid, 2)]
        # Each phone once per round, with the choice it sent for this question.
        assert sorted(n for n, _ in round_1) == list(EARLY)
        assert sorted(n for n, _ in round_2) == list(FLOOD)
        assert all(choice == choice_of(n, qid) for n, choice in round_1 + round_2)
        for round_, phones in ((1, EARLY), (2, FLOOD)):
            tally = event.tallies[(qid, round_)]
            assert tally.total == len(phones)
            assert [tally.counts.get(str(c), 0) for c in (1, 2, 3)] == expected(phones, qid)
    assert event.question("q1").round == event.question("q2").round == 2
