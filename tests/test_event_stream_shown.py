"""A phone's stream carries what the phone shows, against a real `tohyo serve` over memory
and SQLite: in presenter pace the presented question alone, so an answer to another
question sends a phone nothing at all (the host's console gets every one); in audience pace
the open ones; once the event has ended, every one with its results as allowed. (The
views themselves: test_event_phone_views.py.)
"""

from __future__ import annotations

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
from tests.sse import open_snapshot

pytestmark = pytest.mark.slow


start, http = event_streams.start, event_streams.http


async def test_a_phone_showing_q1_gets_nothing_when_only_q2_is_answered(
    http: httpx.AsyncClient,
) -> None:
    ev = await host_event(http, question("Lunch?", "always"), question("Dinner?", "always"))
    eid = ev.event_id
    await ev.open("q1")
    await ev.open("q2")
    await ev.present("q1")
    async with (
        open_event_stream(http, eid, ev.host) as console,
        open_event_stream(http, eid, phone(1)) as mine,
    ):
        await open_snapshot(console)
        snapshot = without_counters(await open_snapshot(mine))
        assert list(shown(snapshot)) == ["q1"]  # q2 is open, but not on this screen
        for n in range(2, 7):
            assert (await ev.answer("q2", phone(n))).status_code == 201
        update = await console.next_event()
        while shown(update)["q2"]["results"]["totalVotes"] < 5:
            update = await console.next_event()
        # The console has seen all five: the phone, which shows q1, was sent no byte.
        assert await mine.quiet(0.5) == []
        # It was listening all along: an answer to q1 reaches it, and still carries q1 alone.
        assert (await ev.answer("q1", phone(7))).status_code == 201
        counted = without_counters(await mine.next_event())
        assert list(shown(counted)) == ["q1"]
        assert shown(counted)["q1"]["results"]["totalVotes"] == 1
        # Presenting q2 brings it whole, with its five answers and its place in the event.
        await ev.present("q2")
        presented = without_counters(await mine.next_event())
        (q2,) = presented.data["questions"]
        assert (q2["questionId"], q2["position"], q2["prompt"]) == ("q2", 2, "Dinner?")
        assert q2["results"]["totalVotes"] == 5 and q2["answered"] is False


async def test_a_phones_frame_of_a_thirty_question_event_is_one_questions_worth(
    http: httpx.AsyncClient,
) -> None:
    questions = [question(f"What do you think about topic number {i}?") for i in range(30)]
    ev = await host_event(http, *questions)
    eid = ev.event_id
    for i in range(1, 31):
        await ev.open(f"q{i}")
    await ev.present("q1")
    async with (
        open_event_stream(http, eid, ev.host) as console,
        open_event_stream(http, eid, phone(1)) as mine,
    ):
        hosted = await open_snapshot(console)
        seen = await open_snapshot(mine)
        assert len(hosted.data["questions"]) == 30  # the console needs them all
        assert list(shown(seen)) == ["q1"]
        host_bytes, phone_bytes = len(hosted.get("data") or ""), len(seen.get("data") or "")
        assert phone_bytes * 20 < host_bytes, (phone_bytes, host_bytes)
        assert phone_bytes < 1000


async def test_audience_pace_shows_the_open_questions_and_the_end_every_result(
    http: httpx.AsyncClient,
) -> None:
    ev = await host_event(
        http, question("Lunch?", "always"), question("Dinner?"), question("Secret?", "host")
    )
    eid = ev.event_id
    paced = await http.patch(f"/api/events/{eid}", json={"pace": "audience"}, headers=ev.host)
    assert paced.status_code == 200, paced.text
    for question_id in ("q1", "q2", "q3"):
        await ev.open(question_id)
    async with open_event_stream(http, eid, phone(1)) as mine:
        assert list(shown(await open_snapshot(mine))) == ["q1", "q2", "q3"]
        assert (await ev.answer("q2", phone(1))).status_code == 201
        answered = await mine.next_event()
        assert shown(answered)["q2"]["answered"] is True
        await ev.post("/questions/q1/close")
        closed = await mine.next_event()
        assert list(shown(closed)) == ["q2", "q3"]  # no longer to be answered here
        await ev.end()
        ended = without_counters(await mine.next_event())
        assert ended.data["status"] == "ended"
        final = shown(ended)
        assert list(final) == ["q1", "q2", "q3"]  # the last results, every one
        assert final["q1"]["results"]["totalVotes"] == 0
        assert final["q2"]["results"]["totalVotes"] == 1  # its own answer: after_vote
        assert "results" not in final["q3"]  # the host's alone, ended or not
