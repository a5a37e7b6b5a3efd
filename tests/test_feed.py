"""The feed on its own: coalescing, slices of many viewers, slow viewers, endings."""

from __future__ import annotations

import asyncio

from tests.test_conformance import definition
from tohyo import domain
from tohyo.domain import Session
from tohyo.feed import EXPIRED, WAKE_SLICE, Feed, Viewer


def state(version: int) -> Session:
    d = definition()
    s = domain.State.initial(3)
    for _ in range(version - 1):
        s = domain.add_ballot(s, (0,))
    return Session(d, s)


class Recorder:
    def __init__(self, block: asyncio.Event | None = None) -> None:
        self.frames: list[bytes] = []
        self.block = block

    async def write(self, frame: bytes, final: bool) -> None:
        if self.block is not None:
            await self.block.wait()
        self.frames.append(frame)

    @property
    def versions(self) -> list[int]:
        return [int(f.split(b"\n")[0][4:]) for f in self.frames if f.startswith(b"id: ")]


def attach(feed: Feed, sent: Session, recorder: Recorder) -> Viewer:
    topic = feed.watch(sent.session_id)
    feed.offer(topic, sent)
    viewer = Viewer(recorder.write, sent, host=True, voted=False)
    feed.attach(topic, viewer)
    return viewer


async def test_many_viewers_all_reach_the_newest_state() -> None:
    feed = Feed(interval=0.01, heartbeat=60, clock_ms=lambda: 0)
    recorders = [Recorder() for _ in range(WAKE_SLICE * 2 + 7)]
    for r in recorders:
        attach(feed, state(1), r)
    for v in range(2, 30):
        feed.publish(state(v))
        await asyncio.sleep(0.001)
    await asyncio.sleep(0.05)
    for r in recorders:
        assert r.versions[-1] == 29
        assert r.versions == sorted(set(r.versions))
    # Coalesced: 28 changes in ~30 ms at 10 ms intervals reach a viewer as a few events.
    assert len(recorders[0].versions) < 10


async def test_a_blocked_viewer_skips_to_the_newest_state() -> None:
    feed = Feed(interval=0.001, heartbeat=60, clock_ms=lambda: 0)
    gate = asyncio.Event()
    slow, fast = Recorder(gate), Recorder()
    attach(feed, state(1), slow)
    attach(feed, state(1), fast)
    for v in range(2, 12):
        feed.publish(state(v))
        await asyncio.sleep(0.005)
    assert slow.versions == [] and fast.versions[-1] == 11
    gate.set()
    await asyncio.sleep(0.01)
    assert slow.versions == [2, 11]  # the write it was stuck in, then straight to the newest


async def test_expiry_ends_every_stream_with_a_final_frame() -> None:
    feed = Feed(interval=0.01, heartbeat=60, clock_ms=lambda: definition().expires_at - 20)
    r = Recorder()
    viewer = attach(feed, state(1), r)
    await asyncio.sleep(0.05)
    assert r.frames[-1] == EXPIRED and viewer.done
    feed.publish(state(2))
    await asyncio.sleep(0.02)
    assert r.frames[-1] == EXPIRED  # nothing after the end


async def test_an_end_during_a_pass_reaches_every_viewer() -> None:
    feed = Feed(interval=0.001, heartbeat=60, clock_ms=lambda: 0)
    recorders = [Recorder() for _ in range(WAKE_SLICE * 3)]
    for r in recorders:
        attach(feed, state(1), r)
    feed.publish(state(2))
    await asyncio.sleep(0)  # the first slice of the pass has been written
    feed.end(definition().session_id, "expired")
    feed.publish(state(3))  # ignored: the session has ended
    await asyncio.sleep(0.05)
    assert all(r.frames[-1] == EXPIRED for r in recorders)
    assert all(3 not in r.versions for r in recorders)


async def test_a_rollback_reaches_viewers_and_later_versions_are_rendered_afresh() -> None:
    feed = Feed(interval=0.001, heartbeat=60, clock_ms=lambda: 0)
    recorder = Recorder()
    attach(feed, state(1), recorder)
    for version in (4, 5):  # version 4 is rendered (and cached) before the loss
        feed.publish(state(version))
        await asyncio.sleep(0.02)
    assert recorder.versions[-2:] == [4, 5]
    feed.publish(state(3))  # an older state is never taken for news...
    await asyncio.sleep(0.02)
    assert recorder.versions[-1] == 5
    feed.reset(state(3))  # ...unless storage says it lost the newer ones
    await asyncio.sleep(0.02)
    assert recorder.versions[-1] == 3
    # Version 4 now has other contents than the 4 rendered before the loss: a vote for
    # choice 2 instead of choice 1. The frame must be the new one, not a cached one.
    after = Session(state(3).definition, domain.add_ballot(state(3).state, (1,)))
    feed.publish(after)
    await asyncio.sleep(0.02)
    assert recorder.versions[-1] == 4
    assert b'"voteCount":1' in recorder.frames[-1].split(b'"choiceId":"2"')[1][:60]
