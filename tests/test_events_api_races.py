"""Host requests that race, over every backend, in-process: each is decided at the
event's serialization point on the event as it is there, never on a copy read before.

The race is made certain, not hoped for: the handlers' reads of the event are held until
every request of a round has read it, so each change meets an event another one is about
to change (and on Redis, a revision another one moves: the compare-and-set retries)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.conftest import host
from tests.events_http import LUNCH, NOBODY, as_host, create_event, event_url, question
from tohyo.web.app import TohyoApp

ROUNDS = 20
MEETING_TIMEOUT = 10.0  # seconds: a request that never meets the others fails the test


class Rendezvous:
    """Holds each read until `parties` reads have been made (bounded by a timeout)."""

    def __init__(self, parties: int) -> None:
        self.parties = parties
        self.arrived = 0
        self.everyone = asyncio.Event()

    async def meet(self) -> None:
        self.arrived += 1
        if self.arrived >= self.parties:
            self.everyone.set()
        await asyncio.wait_for(self.everyone.wait(), MEETING_TIMEOUT)


def hold_reads(app: TohyoApp, monkeypatch: pytest.MonkeyPatch) -> Callable[[int], None]:
    """From `arm(n)` on, the next `n` reads of an event by a handler wait for each other."""
    events = app.objects.events
    read = events.get
    gate: list[Rendezvous] = []

    async def held(event_id: str, participant: bytes | None) -> Any:
        got = await read(event_id, participant)
        if gate:
            meeting = gate[0]
            if meeting.arrived + 1 >= meeting.parties:
                gate.clear()  # the last party: later reads (the checks) pass freely
            await meeting.meet()
        return got

    monkeypatch.setattr(events, "get", held)

    def arm(parties: int) -> None:
        gate[:] = [Rendezvous(parties)]

    return arm


async def patch(client: httpx.AsyncClient, created: dict[str, Any], body: Any) -> httpx.Response:
    return await client.patch(
        event_url(created, "questions", "q1"), json=body, headers={**host(created), **NOBODY}
    )


async def test_two_concurrent_patches_of_a_draft_both_apply(
    app: TohyoApp, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    created = await create_event(client, questions=[LUNCH, LUNCH])
    arm = hold_reads(app, monkeypatch)
    for i in range(1, ROUNDS + 1):
        arm(2)
        prompt = patch(client, created, {"prompt": f"Prompt {i}?"})
        choices = patch(client, created, {"choices": [{"text": f"c{i}"}, {"text": "d"}]})
        replies: list[httpx.Response] = await asyncio.gather(prompt, choices)
        assert [r.status_code for r in replies] == [200, 200], [r.text for r in replies]
        q1 = question(await as_host(client, "GET", created), "q1")
        assert q1["prompt"] == f"Prompt {i}?", (i, q1)
        assert [c["text"] for c in q1["choices"]] == [f"c{i}", "d"], (i, q1)


async def test_a_concurrent_patch_keeps_the_deadline_another_one_plans(
    app: TohyoApp, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The planned deadline a PATCH keeps is the draft's as it is when the PATCH applies."""
    created = await create_event(client, questions=[LUNCH])
    arm = hold_reads(app, monkeypatch)
    for i in range(1, ROUNDS + 1):
        arm(2)
        replies: list[httpx.Response] = await asyncio.gather(
            patch(client, created, {"durationSeconds": 30 + i}),
            patch(client, created, {"prompt": f"Prompt {i}?"}),
        )
        assert [r.status_code for r in replies] == [200, 200], [r.text for r in replies]
        q1 = question(await as_host(client, "GET", created), "q1")
        assert (q1["prompt"], q1.get("durationSeconds")) == (f"Prompt {i}?", 30 + i), (i, q1)


async def test_a_patch_that_breaks_the_merged_spec_is_400_and_changes_nothing(
    client: httpx.AsyncClient,
) -> None:
    created = await create_event(client, questions=[LUNCH])
    bad = await patch(client, created, {"choices": [{"text": "only one"}]})
    assert bad.status_code == 400 and bad.json()["code"] == "validation_error", bad.text
    q1 = question(await as_host(client, "GET", created), "q1")
    assert [c["text"] for c in q1["choices"]] == ["Ramen", "Curry", "Sushi"]
