"""An event's counters on the stream, against a real `tohyo serve` over memory and SQLite:
`version` and `revision` are the host's alone. A draft's edits move the revision and
nothing a phone sees, so a phone is sent nothing for them; the version counts every
answer of every round, so a phone that sees every current result still gets no number
from which an earlier round's total follows. (The views themselves: test_event_views.py.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests import event_streams
from tests.event_streams import (
    host_event,
    open_event_stream,
    phone,
    question,
    shown,
    without_counters,
)
from tests.sse import Frame, Stream, open_snapshot

pytestmark = pytest.mark.slow


start, http = event_streams.start, event_streams.http


async def next_q1(stream: Stream, done: Callable[[dict[str, Any]], bool]) -> Frame:
    """The stream's next state whose q1 `done` accepts (those before it: coalesced away,
    or changes on the way there)."""
    frame = await stream.next_event()
    while not done(shown(frame)["q1"]):
        frame = await stream.next_event()
    return frame


async def test_a_draft_edited_again_and_again_sends_a_phone_nothing(
    http: httpx.AsyncClient,
) -> None:
    ev = await host_event(http, question("Lunch?"), question("Dinner?"))
    eid = ev.event_id
    await ev.open("q1")
    await ev.present("q1")
    # Audience pace: phones show every open question, so the draft, once opened, is theirs.
    paced = await http.patch(f"/api/events/{eid}", json={"pace": "audience"}, headers=ev.host)
    assert paced.status_code == 200, paced.text
    async with (
        open_event_stream(http, eid, ev.host) as console,
        open_event_stream(http, eid, phone(1)) as mine,
    ):
        revision = (await open_snapshot(console)).data["revision"]
        before = without_counters(await open_snapshot(mine))
        edits = 5
        for n in range(1, edits + 1):
            response = await http.patch(
                f"/api/events/{eid}/questions/q2",
                json={"prompt": f"Dinner, take {n}?"},
                headers=ev.host,
            )
            assert response.status_code == 200, response.text
            # Each edit's frame is awaited before the next edit: none coalesced.
            update = await console.next_event()
            assert update.id == update.data["version"]
            assert update.data["revision"] == revision + n
            assert shown(update)["q2"]["prompt"] == f"Dinner, take {n}?"
        assert await console.quiet(0.3) == []  # one frame per edit, no more
        # The phone's view never changed, so it was sent no bytes at all.
        assert await mine.quiet(0.5) == []

        # It was listening all along: the draft opened reaches it, as last edited.
        await ev.open("q2")
        opened = without_counters(await mine.next_event())
        assert shown(opened)["q2"]["prompt"] == f"Dinner, take {edits}?"
        assert shown(opened)["q1"] == shown(before)["q1"]


async def test_a_phone_in_a_second_round_gets_no_number_that_gives_the_first_away(
    http: httpx.AsyncClient,
) -> None:
    ev = await host_event(http, question("Lunch?", "after_close"))
    eid = ev.event_id
    await ev.open("q1")
    await ev.present("q1")
    async with (
        open_event_stream(http, eid, ev.host) as console,
        open_event_stream(http, eid, phone(1)) as mine,
    ):
        await open_snapshot(console)
        seen = [await open_snapshot(mine)]
        # Round 1: the phone and three others answer. It is reset while open, never
        # closed, so its counts are never the phone's to see.
        for n in (1, 2, 3, 4):
            assert (await ev.answer("q1", phone(n), "1")).status_code == 201
        seen.append(await next_q1(mine, lambda q1: q1["answered"]))
        await ev.post("/questions/q1/reset")
        seen.append(await next_q1(mine, lambda q1: q1["round"] == 2))
        # Round 2: the phone and one other; closed, so now it sees every current result.
        for n in (1, 5):
            assert (await ev.answer("q1", phone(n), "2")).status_code == 201
        seen.append(await next_q1(mine, lambda q1: q1["answered"]))
        await ev.post("/questions/q1/close")
        seen.append(await next_q1(mine, lambda q1: q1["status"] == "closed"))
        seen += await mine.quiet(0.3)
        hosted = await next_q1(console, lambda q1: q1["status"] == "closed")

    final = shown(seen[-1])["q1"]
    assert (final["round"], final["results"]["totalVotes"]) == (2, 2)
    assert [c["voteCount"] for c in final["results"]["choices"]] == [0, 2, 0]
    for frame in seen:
        without_counters(frame)  # neither counter, in any frame it was sent
        q1 = shown(frame)["q1"]
        if "results" in q1:
            assert (q1["round"], q1["results"]["totalVotes"]) == (2, 2), frame.data
    # What the host's counters say, and why they stay with the host: every answer of
    # every round is version − revision, so round 1's total is what round 2 leaves.
    data = hosted.data
    assert hosted.id == data["version"]
    assert data["version"] - data["revision"] - shown(hosted)["q1"]["results"]["totalVotes"] == 4
