"""How event streams end, against a real `tohyo serve` over memory and SQLite: the event's
end reaches phones and their streams stay open until the expiry it moved; expiry ends
them with `event: expired`, shutdown with the retry hint; a quiet one is pinged within
the heartbeat."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import signal
import time

import pytest

from tests import event_streams
from tests.event_streams import (
    Start,
    client_for,
    host_event,
    open_event_stream,
    phone,
    question,
    shown,
)
from tests.sse import open_snapshot

pytestmark = pytest.mark.slow


start = event_streams.start


async def test_the_end_reaches_phones_and_streams_stay_open_until_the_moved_expiry(
    start: Start,
) -> None:
    retention = 3.0  # an event lives this long unended, and this long after it ends
    server = start(TOHYO_EVENT_RETENTION=str(int(retention)), TOHYO_SWEEP_INTERVAL="0.5")
    async with client_for(server) as http:
        ev = await host_event(http, question("Lunch?"))
        created = time.monotonic()
        eid = ev.event_id
        await ev.open("q1")
        await ev.present("q1")
        async with (
            open_event_stream(http, eid, phone(1)) as mine,
            open_event_stream(http, eid, ev.host) as console,
        ):
            await open_snapshot(mine)
            await open_snapshot(console)
            await asyncio.sleep(1.0)  # so that ending moves the expiry past the first one
            ended = await ev.end()
            ended_at = time.monotonic()
            for stream in (mine, console):
                update = await stream.next_event()
                assert update.data["status"] == "ended"
                assert shown(update)["q1"]["status"] == "closed"
                assert update.data["expiresAt"] == ended["expiresAt"] != ev.created["expiresAt"]
                assert "code" not in update.data  # the join code is released
            # Past the expiry the event had before it ended: still open, nothing sent.
            left = retention + 0.5 - (time.monotonic() - created)
            assert await mine.quiet(left) == []
            for stream in (mine, console):
                expired = await stream.next_event(timeout=3)
                assert expired.event == "expired" and expired.get("data") == "{}"
                assert await stream.next(timeout=1) is None
                assert stream.error is None and stream.ended_at is not None
                assert retention - 0.5 < stream.ended_at - ended_at < retention + 1.5
        gone = await http.get(f"/api/events/{eid}/stream", headers=ev.host)
        assert gone.status_code == 404 and gone.json()["code"] == "not_found"


async def test_expiry_ends_every_stream_with_expired(start: Start) -> None:
    server = start(TOHYO_EVENT_RETENTION="2", TOHYO_SWEEP_INTERVAL="0.5")
    async with client_for(server) as http:
        ev = await host_event(http, question("Lunch?"))
        created = time.monotonic()
        async with (
            open_event_stream(http, ev.event_id, ev.host) as console,
            open_event_stream(http, ev.event_id) as mine,
        ):
            for stream in (console, mine):
                await open_snapshot(stream)
            for stream in (console, mine):
                expired = await stream.next_event(timeout=4)
                assert expired.event == "expired" and expired.get("data") == "{}"
                assert await stream.next(timeout=1) is None
                assert stream.error is None and stream.ended_at is not None
                assert 1.5 < stream.ended_at - created < 3.0
        read = await http.get(f"/api/events/{ev.event_id}", headers=ev.host)
        assert read.status_code == 404


async def test_sigterm_ends_every_event_stream_with_the_retry_hint(start: Start) -> None:
    server = start()
    async with client_for(server) as http:
        ev = await host_event(http, question("Lunch?"))
        async with contextlib.AsyncExitStack() as stack:
            streams = [
                await stack.enter_async_context(open_event_stream(http, ev.event_id, headers))
                for headers in (ev.host, phone(1), {})
            ]
            for stream in streams:
                await open_snapshot(stream)
            started = time.monotonic()
            server.signal(signal.SIGTERM)
            for stream in streams:
                tail = await stream.next(timeout=5)
                assert tail is not None and tail.fields == [("retry", "1000")]
                assert await stream.next(timeout=5) is None
                assert stream.error is None  # a clean end of the body, not a reset
            code = await asyncio.to_thread(server.wait, 5)
    assert time.monotonic() - started < 5
    assert code in (0, -signal.SIGTERM), code
    assert "Traceback" not in server.log()


async def test_a_quiet_stream_is_pinged_within_the_heartbeat(start: Start) -> None:
    heartbeat = 1.0
    async with client_for(start(TOHYO_HEARTBEAT=str(heartbeat))) as http:
        ev = await host_event(http, question("Lunch?"))
        async with open_event_stream(http, ev.event_id, phone(1)) as stream:
            snapshot = await open_snapshot(stream)
            pings = [await stream.next(timeout=3 * heartbeat) for _ in range(3)]
    times = [snapshot.at]
    for ping in pings:
        assert ping is not None and ping.is_comment and ping.fields == [("", "ping")]
        times.append(ping.at)
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert all(0.5 * heartbeat < gap < 1.25 * heartbeat for gap in gaps), gaps
