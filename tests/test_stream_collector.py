"""Open streams and the garbage collector (tohyo.feed.collector): the feed freezes the
collector's objects once enough viewers attached and thaws them when none is left; and
what that relies on — a stream that ends, however it ends, leaves nothing in a garbage
cycle (frozen, such a cycle would never be freed) — against real uvicorn on a free port,
in this process so that its collector can be asked."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import weakref
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import free_port, host
from tests.crowd import create
from tests.events_http import create_event
from tests.test_feed import Recorder, state
from tohyo.config import Settings
from tohyo.feed import Feed, Viewer
from tohyo.feed.collector import Freezer
from tohyo.web.app import TohyoApp, create_app
from tohyo.web.protocol import ConnectionLimits, GuardedConfig

WAIT = 30.0  # seconds: generous for a loaded machine; a pass takes far less


async def until(condition: Callable[[], bool], what: str) -> None:
    async with asyncio.timeout(WAIT):
        while not condition():
            await asyncio.sleep(0.01)
    assert condition(), what


def tracked(obj: object) -> bool:
    """Whether a collection would walk `obj` (a frozen object is in no generation)."""
    return any(o is obj for o in gc.get_objects())


@pytest.fixture
def thawed() -> Iterator[None]:
    """Every test starts and ends with nothing frozen (freezing is process-wide)."""
    gc.unfreeze()
    yield
    gc.unfreeze()


# --- the freezer ----------------------------------------------------------------------


def attached(feed: Feed, n: int) -> list[tuple[object, Viewer]]:
    viewers = []
    for _ in range(n):
        sent = state(1)
        topic = feed.watch(sent.session_id)
        feed.offer(topic, sent)
        viewer = Viewer(Recorder().write, sent, host=True, voted=False)
        feed.attach(topic, viewer)
        viewers.append((topic, viewer))
    return viewers


async def test_enough_viewers_attached_are_frozen_and_thawed_when_the_last_leaves(
    thawed: None,
) -> None:
    feed = Feed(interval=0.01, heartbeat=60, clock_ms=lambda: 0)
    feed.freezer = freezer = Freezer(after=3, delay=0.01)
    first = attached(feed, 2)
    await until(lambda: freezer.checks == 1, "the first attach armed a check")
    assert not freezer.frozen and gc.get_freeze_count() == 0  # two are too few
    more = attached(feed, 1)
    await until(lambda: freezer.checks == 2, "the next attach armed another")
    assert freezer.frozen and freezer.freezes == 1
    assert gc.get_freeze_count() > 0
    viewers = [viewer for _, viewer in first + more]
    assert not any(tracked(v) for v in viewers)  # out of every collection's way

    for topic, viewer in first + more:
        assert freezer.frozen  # while any is open
        feed.release(topic, viewer)  # type: ignore[arg-type]
    assert not freezer.frozen and gc.get_freeze_count() == 0
    assert all(tracked(v) for v in viewers)  # the collector sees them again


class Node:
    """An object that can be made into a garbage cycle and watched by a weak reference."""

    me: object = None


async def test_a_freeze_due_long_after_the_last_full_collection_frees_frozen_cycles(
    thawed: None,
) -> None:
    """A server that always has a stream open never thaws: a cycle formed among frozen
    objects would be kept for good, but for the full collection FULL_EVERY brings."""
    now = [0.0]
    feed = Feed(interval=0.01, heartbeat=60, clock_ms=lambda: 0)
    feed.freezer = freezer = Freezer(after=1, delay=0.01, full_every=600, clock=lambda: now[0])
    attached(feed, 1)
    await until(lambda: freezer.freezes == 1, "the first freeze")
    node = Node()
    node.me = node  # a cycle: only a collection frees it
    watched = weakref.ref(node)
    attached(feed, 1)
    await until(lambda: freezer.freezes == 2, "the node is frozen with the second")
    del node
    gc.collect()
    assert watched() is not None  # frozen: no collection walks it
    now[0] = 599.0
    attached(feed, 1)
    await until(lambda: freezer.freezes == 3, "a third freeze, too soon for a full one")
    assert freezer.full_collections == 0 and watched() is not None
    now[0] = 600.0
    attached(feed, 1)
    await until(lambda: freezer.freezes == 4, "a fourth, FULL_EVERY after the start")
    assert freezer.full_collections == 1 and watched() is None
    assert freezer.frozen  # and frozen again after it


async def test_shutdown_thaws(thawed: None) -> None:
    feed = Feed(interval=0.01, heartbeat=60, clock_ms=lambda: 0)
    feed.freezer = freezer = Freezer(after=1, delay=0.01)
    attached(feed, 1)
    await until(lambda: freezer.frozen, "one viewer is enough here")
    feed.shutdown()
    assert not freezer.frozen and gc.get_freeze_count() == 0


def test_a_feed_freezes_with_the_documented_defaults() -> None:
    from tohyo.feed import collector

    freezer = Feed(interval=0.01, heartbeat=60, clock_ms=lambda: 0).freezer
    assert (freezer.after, freezer.delay) == (collector.FREEZE_AFTER, collector.FREEZE_DELAY)
    assert freezer.full_every == collector.FULL_EVERY


# --- no stream leaves a cycle ---------------------------------------------------------


@contextlib.asynccontextmanager
async def served(tmp_path: Path) -> AsyncIterator[tuple[TohyoApp, str]]:
    import uvicorn

    settings = Settings(storage=f"sqlite:///{tmp_path / 'c.db'}", rate_limits=False)
    app = create_app(settings)
    port = free_port()
    config = GuardedConfig(
        app,
        ConnectionLimits.from_settings(settings),
        host="127.0.0.1",
        port=port,
        lifespan="on",
        ws="none",
        log_level="warning",
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        await until(lambda: server.started, "uvicorn started")
        yield app, f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, WAIT)


async def open_stream(url: str, path: str, headers: dict[str, str]) -> asyncio.StreamWriter:
    """A stream on a raw socket, once its snapshot arrived (no client library: its own
    objects would be in the collector's way here)."""
    _, _, rest = url.partition("://")
    address, _, port = rest.partition(":")
    reader, writer = await asyncio.open_connection(address, int(port))
    lines = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {rest}\r\n{lines}\r\n".encode())
    async with asyncio.timeout(WAIT):
        received = b""
        while b"\n\n" not in received.partition(b"event: snapshot")[2]:
            chunk = await reader.read(65536)
            assert chunk, received
            received += chunk
    return writer


def garbage_of_streams(garbage: list[object]) -> list[str]:
    """What in `garbage` belongs to a stream's server side."""
    names = {"Viewer", "EventViewer", "Topic", "EventTopic", "GuardedProtocol"}
    names |= {"RequestResponseCycle", "Request", "FlowControl"}
    coroutines = ("serve_stream", "serve_event_stream", "_serve", "_open", "run_asgi")
    found = []
    for obj in garbage:
        kind = type(obj).__name__
        if kind in names or (kind == "coroutine" and obj.__qualname__.endswith(coroutines)):  # type: ignore[attr-defined]
            found.append(f"{kind} {getattr(obj, '__qualname__', '')}".strip())
    return found


async def test_streams_that_end_leave_no_garbage_cycle(tmp_path: Path) -> None:
    async with served(tmp_path) as (app, url):
        async with httpx.AsyncClient(base_url=url, timeout=WAIT) as http:
            poll = await create(http)
            event = await create_event(http)
        feed = app.objects.feed

        async def streams() -> list[asyncio.StreamWriter]:
            sid, eid = poll["sessionId"], event["eventId"]
            opened = [
                await open_stream(url, f"/api/vote/{sid}/stream", host(poll)),
                await open_stream(url, f"/api/vote/{sid}/stream", {}),
                await open_stream(url, f"/api/events/{eid}/stream", host(event)),
            ]
            for i in range(3):
                cookie = {"cookie": f"tohyo_voter=collector{i:020d}"}
                opened.append(await open_stream(url, f"/api/events/{eid}/stream", cookie))
            return opened

        gc.collect()
        gc.set_debug(gc.DEBUG_SAVEALL)  # keep what a collection finds, to look at
        try:
            # Ended by their clients.
            for writer in await streams():
                writer.close()
            await until(lambda: feed.viewers == 0, "every viewer left")
            await until(lambda: app.context.streams.total == 0, "every handler returned")
            # Ended by the server (shutting down: a final frame, then the response ends).
            writers = await streams()
            app.begin_shutdown()
            await until(lambda: app.context.streams.total == 0, "every handler returned")
            for writer in writers:
                writer.close()
            await asyncio.sleep(0)  # the closes reach the sockets' callbacks
            gc.collect()
            assert garbage_of_streams(gc.garbage) == []
        finally:
            gc.set_debug(0)
            gc.garbage.clear()
