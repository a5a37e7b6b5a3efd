"""`GET /api/events/{id}/stream` against a real `tohyo serve` on a free loopback port, over
memory and SQLite: one connection per phone for the whole event.

Every wait has a bound: frames are read by a background task into a queue (tests/sse.py),
and "nothing arrives" is checked as nothing within a stated time. The handler's races
(its read, the phone's own answer, its attach) are placed exactly in process, in
test_event_stream_handler.py; how streams end is test_event_stream_ends.py; Redis across
processes is test_event_stream_redis.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
import uuid

import httpx
import pytest

from tests import event_streams
from tests.event_streams import (
    Start,
    client_for,
    host_event,
    minted_cookie,
    open_event_stream,
    phone,
    question,
    shown,
    without_counters,
)
from tests.sse import Frame, open_snapshot

pytestmark = pytest.mark.slow


start, http = event_streams.start, event_streams.http


# --- snapshot and updates ----------------------------------------------------------------


async def test_a_snapshot_then_absolute_updates_for_the_host_and_a_phone(
    http: httpx.AsyncClient,
) -> None:
    ev = await host_event(http, question("Lunch?", "always"), question("Dinner?"))
    eid = ev.event_id
    async with (
        open_event_stream(http, eid, ev.host) as console,
        open_event_stream(http, eid, phone(1)) as mine,
    ):
        snapshot = await open_snapshot(console)
        data = snapshot.data
        assert snapshot.id == data["version"] == 1
        assert data["eventId"] == eid and data["title"] == "Workshop"
        assert data["status"] == "live" and data["presenting"] is None
        assert data["isHost"] is True
        assert data["code"] == ev.created["code"]
        assert data["expiresAt"] == ev.created["expiresAt"]
        assert [(q["questionId"], q["status"]) for q in data["questions"]] == [
            ("q1", "draft"),
            ("q2", "draft"),
        ]
        theirs = without_counters(await open_snapshot(mine))
        assert theirs.data["questions"] == []  # drafts: not for phones

        await ev.open("q1")
        await ev.present("q1")
        for stream in (console, mine):
            update = await stream.next_event()
            while update.data["presenting"] != "q1":  # the two changes, perhaps coalesced
                update = await stream.next_event()
            assert update.event == "update"
            assert shown(update)["q1"]["status"] == "open"
            if stream is console:
                assert update.id == update.data["version"] == 3
            else:
                without_counters(update)  # the counters are the host's alone

        expected = [0, 0, 0]
        for n, choice in enumerate(["2", "2", "3"], start=2):
            assert (await ev.answer("q1", phone(n), choice)).status_code == 201
            expected[int(choice) - 1] += 1
            for stream in (console, mine):  # "always": the phone sees every count
                update = await stream.next_event()
                results = shown(update)["q1"]["results"]
                assert results["totalVotes"] == n - 1
                assert [c["voteCount"] for c in results["choices"]] == expected
                if stream is console:
                    assert update.id == update.data["version"] == 2 + n
                else:
                    without_counters(update)


async def test_presenting_reaches_every_open_phone_without_reconnecting(
    http: httpx.AsyncClient,
) -> None:
    ev = await host_event(http, question("Lunch?"), question("Dinner?"))
    eid = ev.event_id
    await ev.open("q1")
    await ev.open("q2")
    async with contextlib.AsyncExitStack() as stack:
        phones = [
            await stack.enter_async_context(open_event_stream(http, eid, headers))
            for headers in [phone(n) for n in range(1, 6)] + [{}]  # the last has no cookie
        ]
        for stream in phones:
            assert (await open_snapshot(stream)).data["presenting"] is None
        for presenting in ("q1", "q2", None, "q1"):
            await ev.present(presenting)
            for stream in phones:
                update = await stream.next_event()
                assert update.event == "update"
                assert update.data["presenting"] == presenting
        # Each phone held one connection throughout.
        assert all(not stream.response.is_closed for stream in phones)


async def test_a_phones_own_answer_shows_its_results_on_the_same_connection(
    http: httpx.AsyncClient,
) -> None:
    ev = await host_event(http, question("Lunch?"))  # after_vote
    eid = ev.event_id
    await ev.open("q1")
    await ev.present("q1")
    async with (
        open_event_stream(http, eid) as newcomer,  # no cookie yet: the stream gives one
        open_event_stream(http, eid, phone(2)) as other,
    ):
        for stream in (newcomer, other):
            snapshot = await open_snapshot(stream)
            q1 = shown(snapshot)["q1"]
            assert q1["answered"] is False and "results" not in q1
            without_counters(snapshot)
        cookie = minted_cookie(newcomer)
        # It had one: the same again, its lifetime renewed.
        assert minted_cookie(other) == phone(2)

        assert (await ev.answer("q1", cookie, "3")).status_code == 201
        update = await newcomer.next_event()
        q1 = shown(update)["q1"]
        assert q1["answered"] is True
        assert q1["results"]["totalVotes"] == 1
        # It may see every count now, and still no version: it counts every round's.
        without_counters(update)
        # The other phone has nothing new to see: no frame at all.
        assert await other.quiet(0.5) == []

        renamed = await http.patch(f"/api/events/{eid}", json={"title": "Renamed"}, headers=ev.host)
        assert renamed.status_code == 200, renamed.text  # a change both see
        mine, theirs = await newcomer.next_event(), await other.next_event()
        assert mine.data["title"] == theirs.data["title"] == "Renamed"
        assert shown(mine)["q1"]["results"]["totalVotes"] == 1
        assert "results" not in shown(theirs)["q1"] and shown(theirs)["q1"]["answered"] is False
        without_counters(mine)
        without_counters(theirs)
        # Answering again from the same cookie is refused: the stream knew who it was.
        assert (await ev.answer("q1", cookie, "1")).status_code == 409


async def test_a_phone_that_may_not_see_counts_gets_no_frame_when_only_counts_change(
    http: httpx.AsyncClient,
) -> None:
    ev = await host_event(http, question("Lunch?", "after_close"))
    eid = ev.event_id
    await ev.open("q1")
    await ev.present("q1")
    async with (
        open_event_stream(http, eid, ev.host) as console,
        open_event_stream(http, eid, phone(1)) as hidden,
    ):
        await open_snapshot(console)
        await open_snapshot(hidden)
        for n in range(2, 22):
            assert (await ev.answer("q1", phone(n))).status_code == 201
        update = await console.next_event()
        while shown(update)["q1"]["results"]["totalVotes"] < 20:
            update = await console.next_event()
        # Nothing at all reached the phone, not even a frame without counts: the rhythm
        # of frames would count the answers.
        assert await hidden.quiet(0.5) == []
        # Its own answer changes what it sees (its "answered" flag), never the counts.
        assert (await ev.answer("q1", phone(1))).status_code == 201
        own = await hidden.next_event()
        assert shown(own)["q1"]["answered"] is True and "results" not in shown(own)["q1"]
        without_counters(own)
        await ev.post("/questions/q1/close")
        closed = await hidden.next_event()
        results = shown(closed)["q1"]["results"]
        assert (results["totalVotes"], results["choices"][0]["voteCount"]) == (21, 21)
        without_counters(closed)


async def test_drafts_never_reach_a_phone(http: httpx.AsyncClient) -> None:
    ev = await host_event(http, question("Lunch?"), question("SECRET two"))
    eid = ev.event_id
    await ev.open("q1")
    async with open_event_stream(http, eid, phone(1)) as stream:
        frames = [await open_snapshot(stream)]
        added = await ev.post("/questions", question("SECRET three"), status=201)
        response = await http.patch(
            f"/api/events/{eid}/questions/q2", json={"prompt": "SECRET edited"}, headers=ev.host
        )
        assert response.status_code == 200, response.text
        await ev.present("q1")
        while not frames[-1].data["presenting"]:
            frames.append(await stream.next_event())
        frames += await stream.quiet(0.2)
    drafts = {"q2", added["questionId"]}
    for frame in frames:
        raw = frame.get("data") or ""
        assert "SECRET" not in raw, raw
        if frame.event is not None:
            assert drafts.isdisjoint(shown(frame)), raw


async def test_updates_are_coalesced_and_end_on_the_exact_tally(start: Start) -> None:
    interval = 0.5
    async with client_for(start(TOHYO_STREAM_INTERVAL=str(interval))) as http:
        ev = await host_event(http, question("Lunch?", "always"))
        eid = ev.event_id
        await ev.open("q1")
        await ev.present("q1")
        async with (
            open_event_stream(http, eid, ev.host) as console,
            open_event_stream(http, eid, phone(0)) as watcher,
        ):
            await open_snapshot(console)
            await open_snapshot(watcher)
            # 100 answers in bursts of 5 over about 3 s: several intervals' worth, while
            # this loop stays free to note when each frame arrives (a frame noted late
            # makes the gap to the next look short).
            total, burst = 100, 5
            statuses: list[int] = []
            for first in range(1, total + 1, burst):
                ns = range(first, first + burst)
                answers = await asyncio.gather(
                    *(ev.answer("q1", phone(n), str(n % 3 + 1)) for n in ns)
                )
                statuses += [r.status_code for r in answers]
                await asyncio.sleep(0.15)
            assert statuses == [201] * total
            expected = [len([n for n in range(1, total + 1) if n % 3 == i]) for i in range(3)]
            for stream in (console, watcher):
                updates: list[Frame] = []
                while not updates or shown(updates[-1])["q1"]["results"]["totalVotes"] < total:
                    updates.append(await stream.next_event(timeout=3))
                assert 3 <= len(updates) <= total // 5, f"{len(updates)} frames for {total}"
                results = shown(updates[-1])["q1"]["results"]
                assert [c["voteCount"] for c in results["choices"]] == expected
                # Each frame newer than the one before: the host by its ids, the phone
                # (which has none) by its tallies.
                totals = [shown(u)["q1"]["results"]["totalVotes"] for u in updates]
                assert totals == sorted(set(totals))
                if stream is console:
                    assert updates[-1].id == updates[-1].data["version"] == 3 + total
                    ids = [u.id for u in updates]
                    assert ids == sorted(set(ids))
                else:
                    for update in updates:
                        without_counters(update)
                gaps = [b.at - a.at for a, b in itertools.pairwise(updates)]
                assert all(gap > interval * 0.7 for gap in gaps), gaps
                assert await stream.quiet(interval * 1.5) == []  # the last one was final


async def test_a_deadline_closes_the_question_on_every_open_stream_on_time(
    http: httpx.AsyncClient,
) -> None:
    ev = await host_event(http, question("Lunch?", "after_close"))
    eid = ev.event_id
    async with (
        open_event_stream(http, eid, phone(1)) as mine,
        open_event_stream(http, eid, ev.host) as console,
    ):
        await open_snapshot(mine)
        await open_snapshot(console)
        opened_at = time.monotonic()
        opened = await ev.post("/questions/q1/open", {"durationSeconds": 5})
        await ev.present("q1")
        assert (await ev.answer("q1", phone(2))).status_code == 201
        for stream in (mine, console):
            update = await stream.next_event()
            while shown(update)["q1"]["status"] != "closed":
                update = await stream.next_event(timeout=8)
            assert 4.5 < update.at - opened_at < 6.5
            q1 = shown(update)["q1"]
            assert q1["closedAt"] == opened["closesAt"]
            assert q1["results"]["totalVotes"] == 1  # after_close: now the phone sees it
            if stream is console:
                assert update.id == update.data["version"]
            else:
                without_counters(update)


# --- reconnecting and errors ---------------------------------------------------------------


@pytest.mark.parametrize("last_event_id", ["1", "999", "not-a-number"])
async def test_a_reconnect_with_last_event_id_gets_the_current_state_at_once(
    http: httpx.AsyncClient, last_event_id: str
) -> None:
    ev = await host_event(http, question("Lunch?"))
    eid = ev.event_id
    await ev.open("q1")
    await ev.present("q1")
    async with open_event_stream(http, eid, phone(1)) as first:
        assert "results" not in shown(await open_snapshot(first))["q1"]
    for n, choice in [(1, "1"), (2, "3"), (3, "3")]:  # while the phone is away
        assert (await ev.answer("q1", phone(n), choice)).status_code == 201
    # The phone's frames never had an id to send back; the host's have, and a header a
    # phone might send anyway changes nothing either: each gets the state as it is now.
    for who in (phone(1), ev.host):
        started = time.monotonic()
        async with open_event_stream(http, eid, {**who, "last-event-id": last_event_id}) as again:
            snapshot = await open_snapshot(again)
            assert time.monotonic() - started < 1.0
            if who is ev.host:
                assert snapshot.id == snapshot.data["version"] == 6
            else:
                without_counters(snapshot)
            results = shown(snapshot)["q1"]["results"]
            assert [c["voteCount"] for c in results["choices"]] == [1, 0, 2]
            assert await again.quiet(0.3) == []  # no replay of what it missed


@pytest.mark.parametrize("event_id", [str(uuid.uuid4()), "not-an-event-id"])
async def test_an_unknown_event_stream_is_404_json(http: httpx.AsyncClient, event_id: str) -> None:
    response = await http.get(f"/api/events/{event_id}/stream", headers=phone(1))
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    assert response.json()["code"] == "not_found"
    assert "set-cookie" not in response.headers
