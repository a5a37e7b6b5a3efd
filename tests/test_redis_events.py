"""What only the Redis backend promises about events, against real redis-servers (one
server and a 3-node Cluster): two stores on one Redis play two processes. Changes made
through one reach the other's listeners with who answered; racing host changes, answers,
closes and code allocations from both serialize at the event's shard; a listener never
goes back, and a gap in what it heard is read and filled.

The backend-agnostic outcomes are in test_event_conformance*.py (run over Redis too).
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Collection, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from tests.event_builders import new_event, participant, spec
from tests.event_conformance import NOW, TTL, draw_codes, until
from tests.redis_servers import RedisCluster, RedisServer
from tohyo.domain import event_transitions as t
from tohyo.domain.event import Event
from tohyo.errors import NotFound, StorageError, VotingClosed
from tohyo.storage import open_store
from tohyo.storage.events import Answer
from tohyo.storage.redis import RedisStore
from tohyo.storage.redis_keys import code_key, event_channel, event_key

RETENTION = 600_000


@pytest.fixture(params=["redis", "redis-cluster"])
def shared(request: pytest.FixtureRequest) -> str:
    """The URL of an empty Redis or Cluster, with the periodic resync off: whatever a
    store hears, it heard on the channel or by repairing a gap."""
    if request.param == "redis":
        server: RedisServer = request.getfixturevalue("redis_server")
        server.flush()
        return server.url + "?resync_interval=0"
    cluster: RedisCluster = request.getfixturevalue("redis_cluster")
    cluster.flush()
    return cluster.url + "?resync_interval=0"


@pytest.fixture
async def pair(shared: str) -> AsyncIterator[tuple[RedisStore, RedisStore]]:
    stores = (opened(shared), opened(shared))
    for store in stores:
        await store.start()
    yield stores
    for store in stores:
        await store.close()


def opened(url: str) -> RedisStore:
    store = open_store(url)
    assert isinstance(store, RedisStore)
    return store


class Heard:
    """Everything one store's event listeners are told."""

    def __init__(self, store: RedisStore) -> None:
        self.states: list[Event] = []
        self.answers: set[Answer] = set()
        store.events.add_event_listener(self)

    def __call__(self, event: Event, answers: Collection[Answer]) -> None:
        self.states.append(event)
        self.answers.update(answers)

    @property
    def version(self) -> int:
        return self.states[-1].version if self.states else 0


def draft(event_id: str = "e1") -> Event:
    return new_event(spec("One?"), spec("Two?"), now=NOW, event_id=event_id, ttl=TTL)


async def running(store: RedisStore, event_id: str = "e1") -> Event:
    await store.events.create_event(draft(event_id))
    return await store.events.change_event(event_id, NOW, lambda e: t.open_question(e, "q1", NOW))


def answer(store: RedisStore, who: int, question_id: str = "q1", event_id: str = "e1") -> Any:
    choice = str(who % 3 + 1)
    return store.events.answer(event_id, participant(who), question_id, [choice], (choice,), NOW)


# --- the feed across processes ------------------------------------------------------------


async def test_changes_in_one_process_reach_the_other_with_who_answered(
    pair: tuple[RedisStore, RedisStore],
) -> None:
    acting, watching = pair
    heard = Heard(watching)
    await running(acting)
    await watching.events.watch_event("e1")
    try:
        presented = await acting.events.change_event("e1", NOW, lambda e: t.present(e, "q1"))
        await until(lambda: heard.version == presented.version)
        assert heard.states[-1].presenting == "q1"
        for who in range(5):
            await answer(acting, who)
        last = await answer(acting, 5)
        await until(lambda: heard.version == last.version)
        assert heard.answers == {(participant(w), "q1", 1) for w in range(6)}
        assert heard.states[-1] == last  # the same state, exactly, as the process that made it
        assert heard.states[-1].tallies[("q1", 1)].total == 6
    finally:
        watching.events.unwatch_event("e1")


async def test_a_listener_never_goes_back_while_both_processes_change_the_event(
    pair: tuple[RedisStore, RedisStore],
) -> None:
    one, other = pair
    heard = [Heard(one), Heard(other)]
    opened_ = await running(one)
    for store in pair:  # as a stream does: watch, then read
        await store.events.watch_event("e1")
        await store.events.get_event("e1", None, NOW)
    try:
        calls = [answer(pair[who % 2], who) for who in range(200)]
        calls.insert(100, other.events.change_event("e1", NOW, lambda e: t.present(e, "q1")))
        results = await asyncio.gather(*calls)
        # Each returns the event as of its own change, whichever process made it.
        versions = sorted(r.version for r in results)
        assert versions == list(range(opened_.version + 1, opened_.version + 202))
        stored, _ = await one.events.get_event("e1", None, NOW)
        for store_heard in heard:
            await until(lambda h=store_heard: h.version == stored.version)  # type: ignore[misc]
            seen = [s.version for s in store_heard.states if s.version > opened_.version]
            assert seen == sorted(set(seen)), "a listener heard a state twice or went back"
            assert store_heard.states[-1] == stored
            assert store_heard.answers >= {(participant(w), "q1", 1) for w in range(200)}
    finally:
        one.events.unwatch_event("e1")
        other.events.unwatch_event("e1")


async def test_a_gap_in_what_a_process_heard_is_read_and_filled(
    pair: tuple[RedisStore, RedisStore], shared: str
) -> None:
    """Messages lost on the channel (here: never published, as if the subscriber's
    connection dropped them) leave a gap; the next message cannot be applied, so the
    watcher reads the event and tells its listeners the whole state."""
    acting, watching = pair
    heard = Heard(watching)
    await running(acting)
    await watching.events.watch_event("e1")
    try:
        first = await answer(acting, 1)
        await until(lambda: heard.version == first.version)
        # Two answers the watcher never hears of: publish to a channel nobody watches.
        silent = acting.redis_events
        original = silent._changing
        silent._changing = (
            lambda event_id: [  # type: ignore[method-assign]
                *original(event_id)[:3],
                "tohyo:ev:{" + event_id + "}:nobody",
            ]
        )
        await answer(acting, 2)
        await answer(acting, 3)
        silent._changing = original  # type: ignore[method-assign]
        last = await answer(acting, 4)
        await until(lambda: heard.version == last.version)
        assert heard.states[-1] == last
        assert heard.states[-1].tallies[("q1", 1)].total == 4
        seen = [s.version for s in heard.states]
        assert seen == sorted(set(seen))
    finally:
        watching.events.unwatch_event("e1")


# --- races between processes ------------------------------------------------------------


async def test_host_changes_racing_from_two_processes_all_apply_once(
    pair: tuple[RedisStore, RedisStore],
) -> None:
    """20 changes at once, half through each process, each on a different question: every
    one applies, exactly once (each was computed again after losing a compare-and-set)."""
    one, _ = pair
    specs = [spec(f"Question {i}?") for i in range(20)]
    await one.events.create_event(new_event(*specs, now=NOW, ttl=TTL))
    ids = [f"q{i}" for i in range(1, 21)]
    changes = [lambda e, q=q: t.open_question(e, q, NOW) for q in ids]
    results = await asyncio.gather(
        *(pair[i % 2].events.change_event("e1", NOW, c) for i, c in enumerate(changes))
    )
    assert sorted(r.revision for r in results) == list(range(2, 22))
    stored, _ = await pair[1].events.get_event("e1", None, NOW)
    assert (stored.revision, stored.version) == (21, 21)
    assert all(q.status == "open" for q in stored.questions)
    assert all(q.rounds_opened == (NOW,) for q in stored.questions)  # opened once each


async def test_reorders_racing_from_two_processes_each_apply_on_the_latest_order(
    pair: tuple[RedisStore, RedisStore],
) -> None:
    one, _ = pair
    specs = [spec(f"Question {i}?") for i in range(5)]
    await one.events.create_event(new_event(*specs, now=NOW, ttl=TTL))

    def rotate(event: Event) -> Event:
        ids = tuple(q.question_id for q in event.questions)
        return t.reorder(event, (*ids[1:], ids[0]))

    results = await asyncio.gather(
        *(pair[i % 2].events.change_event("e1", NOW, rotate) for i in range(20))
    )
    assert sorted(r.revision for r in results) == list(range(2, 22))
    stored, _ = await one.events.get_event("e1", None, NOW)
    # 20 rotations of 5 questions: back where they began, only if none was lost or doubled.
    assert [q.question_id for q in stored.questions] == ["q1", "q2", "q3", "q4", "q5"]
    assert stored.revision == 21


async def test_answers_racing_a_close_from_another_process_are_counted_only_before_it(
    pair: tuple[RedisStore, RedisStore],
) -> None:
    answering, closing = pair
    await running(answering)
    calls = [answer(answering, who) for who in range(100)]
    close = closing.events.change_event("e1", NOW, lambda e: t.close_question(e, "q1", NOW))
    calls.insert(30, close)
    results = await asyncio.gather(*calls, return_exceptions=True)
    closed = results.pop(30)
    assert isinstance(closed, Event)
    assert all(isinstance(r, (Event, VotingClosed)) for r in results), results
    accepted = [r for r in results if isinstance(r, Event)]
    assert all(r.version < closed.version for r in accepted)  # the close came after each
    stored, _ = await closing.events.get_event("e1", None, NOW)
    total = stored.tallies[("q1", 1)].total if ("q1", 1) in stored.tallies else 0
    assert total == len(accepted) == len(await closing.events.responses("e1"))
    assert closed.tallies.get(("q1", 1), None) == stored.tallies.get(("q1", 1), None)


async def test_an_answer_past_the_deadline_is_refused_before_any_read_settles_it(
    pair: tuple[RedisStore, RedisStore],
) -> None:
    one, _ = pair
    await one.events.create_event(draft())
    await one.events.change_event("e1", NOW, lambda e: t.open_question(e, "q1", NOW, NOW + 1000))
    late = one.events.answer("e1", participant(1), "q1", ["1"], ("1",), NOW + 1000)
    with pytest.raises(VotingClosed):
        await late
    assert await one.events.responses("e1") == []


# --- join codes ---------------------------------------------------------------------------


SPACE = [str(code) for code in range(200_000, 200_050)]  # 50 codes


def tiny_space() -> Iterator[str]:
    order = SPACE[:]
    random.shuffle(order)
    return iter(order)


async def test_creation_racing_from_two_processes_never_shares_a_live_code(
    pair: tuple[RedisStore, RedisStore], monkeypatch: pytest.MonkeyPatch
) -> None:
    draw_codes(monkeypatch, tiny_space)
    results = await asyncio.gather(
        *(pair[i % 2].events.create_event(draft(f"e{i}")) for i in range(80)),
        return_exceptions=True,
    )
    made = [r for r in results if isinstance(r, Event)]
    assert all(isinstance(r, (Event, StorageError)) for r in results), results
    assert len(made) == len(SPACE)  # every code taken once, none by two events
    assert sorted(e.code for e in made) == SPACE
    for event in made:
        assert await pair[1].events.find_code(event.code, NOW) == event.event_id


async def test_an_ended_events_code_is_released_and_finds_nothing(
    pair: tuple[RedisStore, RedisStore], shared: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    one, other = pair
    live = await running(one)
    assert await other.events.find_code(live.code, NOW) == "e1"
    await one.events.change_event("e1", NOW, lambda e: t.end_event(e, NOW, RETENTION))
    assert await other.events.find_code(live.code, NOW) is None
    raw = raw_client(shared)
    assert raw.get(code_key(live.code)) is None  # released, not only hidden
    # A code whose release was lost (a crash just after the end) still finds nothing.
    raw.set(code_key(live.code), "e1")
    assert await other.events.find_code(live.code, NOW) is None
    raw.close()


async def test_a_failed_creation_gives_its_code_back(
    pair: tuple[RedisStore, RedisStore], shared: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    one, _ = pair
    await one.events.create_event(draft("e1"))
    draw_codes(monkeypatch, lambda: iter(["345678"]))
    with pytest.raises(StorageError):
        await one.events.create_event(draft("e1"))  # the id is taken: nothing is made
    raw = raw_client(shared)
    assert raw.get(code_key("345678")) is None
    raw.close()


# --- expiry, responses, failures ----------------------------------------------------------


async def test_ending_moves_the_sweep_to_the_new_expiry(
    pair: tuple[RedisStore, RedisStore],
) -> None:
    one, _ = pair
    await running(one, "short")
    await running(one, "long")
    await one.events.change_event("short", NOW, lambda e: t.end_event(e, NOW, 1000))
    long_ = await one.events.change_event("long", NOW, lambda e: t.end_event(e, NOW, 2 * TTL))
    assert await one.events.expire_events(NOW + 1000) == ["short"]
    assert await one.events.expire_events(NOW + TTL) == []  # its first expiry passed
    got, _ = await one.events.get_event("long", None, NOW + TTL)
    assert got.version == long_.version
    assert await one.events.expire_events(NOW + 2 * TTL) == ["long"]
    with pytest.raises(NotFound):
        await one.events.get_event("long", None, NOW)


async def test_responses_are_read_in_pieces_and_all_come_back(
    pair: tuple[RedisStore, RedisStore],
) -> None:
    one, _ = pair
    await running(one)
    await asyncio.gather(*(answer(one, who) for who in range(1500)))
    stored = await one.events.responses("e1")
    assert len(stored) == 1500
    assert {r.participant for r in stored} == {participant(w) for w in range(1500)}
    assert all((r.question_id, r.round, r.answered_at) == ("q1", 1, NOW) for r in stored)


async def test_a_redis_failure_is_a_storage_error(tmp_path: Path) -> None:
    server = RedisServer(tmp_path).start()
    store = opened(server.url)
    await store.start()
    try:
        await running(store)
        server.kill()
        for call in (
            store.events.get_event("e1", None, NOW),
            answer(store, 1),
            store.events.change_event("e1", NOW, lambda e: t.present(e, "q1")),
            store.events.find_code("123456", NOW),
            store.events.create_event(draft("e2")),
        ):
            with pytest.raises(StorageError):
                await call
    finally:
        await store.close()
        server.stop()


def raw_client(url: str) -> Any:
    address = url.split("://", 1)[1].split("?", 1)[0].split("/", 1)[0]
    host, port = address.rsplit(":", 1)
    if "+cluster" in url:
        return redis.RedisCluster(host=host, port=int(port))
    return redis.Redis(host=host, port=int(port))


def test_every_key_of_an_event_is_on_one_slot() -> None:
    from redis.crc import key_slot

    from tohyo.storage.redis_keys import event_keys

    slots = {key_slot(k.encode()) for k in [*event_keys("e1"), event_channel("e1")]}
    assert slots == {key_slot(event_key("e1").encode())}
