"""Quiz nicknames in event storage, every backend (`conftest.BACKENDS`): a nickname is
unique by its key within the event, claimed at the event's serialization point (a race
for one name has one winner, across processes on Redis), a rename frees the old key in
the same step, and nicknames live and die with their event — kept by a reopened store,
gone once it expires. A name the participant's answer to a question in `locked_by` fixes
(a quiz's) is refused in the step that would claim it, so an answer and a rename racing
each other are decided in one order. Names are made as the quiz makes them (`domain.quiz.nickname`):
storage gets the shown form and the key, and never normalises again.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator

import pytest

from tests.event_builders import new_event, participant, spec
from tests.event_conformance import NOW, TTL
from tests.event_conformance import events as events  # a fixture; the alias keeps it
from tests.redis_event_pairs import raw_client
from tohyo.domain import event_transitions as t
from tohyo.domain.event import Event
from tohyo.domain.questions import Filters
from tohyo.domain.quiz import RENAME_TOO_LATE, nickname
from tohyo.errors import EventEnded, InvalidState, NicknameTaken, NotFound
from tohyo.storage import open_store
from tohyo.storage.events import EventStore
from tohyo.storage.redis_keys import event_nickname_keys

RETENTION = TTL // 2  # as the conformance suite's: hours ahead, shorter than TTL
DURABLE = ["sqlite", "redis", "redis-cluster"]


def draft(event_id: str = "e1", ttl: int = TTL) -> Event:
    return new_event(spec("One?"), now=NOW, event_id=event_id, ttl=ttl)


async def name(
    events: EventStore,
    who: int,
    raw: str,
    event_id: str = "e1",
    now: int = NOW,
    locked_by: tuple[str, ...] = (),
) -> None:
    """Participant `who` takes the nickname `raw`, as the quiz would make it."""
    shown, key = nickname(raw, Filters())
    await events.set_nickname(event_id, participant(who), shown, key, now, locked_by)


@contextlib.asynccontextmanager
async def processes(storage: str, events: EventStore) -> AsyncIterator[list[EventStore]]:
    """`events`, and on a shared store (Redis, Cluster) four more stores on the same URL,
    as four more tohyo processes would be; a local store has one process only."""
    others = [open_store(storage) for _ in range(4)] if storage.startswith("redis") else []
    for store in others:
        await store.start()
    try:
        yield [events, *(store.events for store in others)]
    finally:
        for store in others:
            await store.close()


async def test_one_players_nickname_is_read_alone_and_follows_a_rename(
    events: EventStore,
) -> None:
    await events.create_event(draft())
    assert await events.nickname_of("e1", participant(1)) is None
    await name(events, 1, "  Aki ")
    await name(events, 2, "Ben")
    assert await events.nickname_of("e1", participant(1)) == "Aki"
    await name(events, 1, "Akira")
    assert await events.nickname_of("e1", participant(1)) == "Akira"
    assert await events.nickname_of("e1", participant(2)) == "Ben"
    assert await events.nickname_of("e1", participant(3)) is None
    assert await events.nickname_of("no-such-event", participant(1)) is None


async def test_nicknames_are_set_and_read_back_beside_the_event(events: EventStore) -> None:
    created = await events.create_event(draft())
    await name(events, 1, "  Aki ")
    await name(events, 2, "あき")
    assert await events.nicknames("e1") == {participant(1): "Aki", participant(2): "あき"}
    got, _ = await events.get_event("e1", None, NOW)
    assert got == created  # the event itself did not change: no version, no revision
    assert await events.nicknames("e2") == {}


async def test_a_key_another_participant_holds_is_taken_and_nothing_changes(
    events: EventStore,
) -> None:
    await events.create_event(draft())
    await name(events, 1, "Aki")
    await name(events, 2, "Bo")
    for raw in ("aki", "ＡＫＩ", " AKI "):  # one name after normalisation
        with pytest.raises(NicknameTaken):
            await name(events, 2, raw)
        with pytest.raises(NicknameTaken):
            await name(events, 3, raw)
    assert await events.nicknames("e1") == {participant(1): "Aki", participant(2): "Bo"}


async def test_a_rename_frees_the_old_key_for_someone_else(events: EventStore) -> None:
    await events.create_event(draft())
    await name(events, 1, "Aki")
    await name(events, 1, "Ren")
    await name(events, 2, "AKI")  # free again
    with pytest.raises(NicknameTaken):
        await name(events, 1, "aki")  # and now another's
    await name(events, 3, "Aki2")
    assert await events.nicknames("e1") == {
        participant(1): "Ren",
        participant(2): "AKI",
        participant(3): "Aki2",
    }
    with pytest.raises(NicknameTaken):
        await name(events, 4, "ren")


async def test_ones_own_key_again_succeeds_with_the_new_casing(events: EventStore) -> None:
    await events.create_event(draft())
    await name(events, 1, "Aki")
    await name(events, 1, "Aki")
    await name(events, 1, "ＡＫＩ")
    assert await events.nicknames("e1") == {participant(1): "ＡＫＩ"}
    with pytest.raises(NicknameTaken):  # still held, under its new casing
        await name(events, 2, "aki")


async def test_fifty_participants_racing_for_one_name_leave_one_holder(
    events: EventStore, storage: str
) -> None:
    await events.create_event(draft())
    async with processes(storage, events) as stores:
        results = await asyncio.gather(
            *(name(stores[who % len(stores)], who, "Aki") for who in range(50)),
            return_exceptions=True,
        )
        winners = [who for who, r in enumerate(results) if r is None]
        assert len(winners) == 1, results
        assert all(isinstance(r, NicknameTaken) for r in results if r is not None), results
        for store in stores:  # every process reads the one holder
            assert await store.nicknames("e1") == {participant(winners[0]): "Aki"}


async def test_a_rename_racing_claims_on_the_key_it_frees_gives_it_once(
    events: EventStore, storage: str
) -> None:
    """The holder moves to another name while 49 others claim the one it frees: whoever
    claims before the move is refused, one claim after it at most gets it (each in any
    order a shared store may take them), and what is stored is what was answered."""
    await events.create_event(draft())
    await name(events, 0, "Aki")
    async with processes(storage, events) as stores:
        calls = [name(stores[who % len(stores)], who, "Aki") for who in range(1, 50)]
        calls.insert(0, name(stores[1 % len(stores)], 0, "Ren"))
        results = await asyncio.gather(*calls, return_exceptions=True)
    assert results[0] is None  # the holder's move: "Ren" was free
    assert all(r is None or isinstance(r, NicknameTaken) for r in results), results
    winners = [who for who, r in enumerate(results) if r is None and who != 0]
    assert len(winners) <= 1
    expected = {participant(0): "Ren"} | {participant(who): "Aki" for who in winners}
    assert await events.nicknames("e1") == expected


async def test_an_ended_event_keeps_its_nicknames_and_takes_no_new_ones(
    events: EventStore,
) -> None:
    await events.create_event(draft())
    await name(events, 1, "Aki")
    await events.change_event("e1", NOW, lambda e: t.end_event(e, NOW, RETENTION))
    with pytest.raises(EventEnded):
        await name(events, 2, "Bo")
    with pytest.raises(EventEnded):
        await name(events, 1, "Ren")
    assert await events.nicknames("e1") == {participant(1): "Aki"}


async def test_an_unknown_or_expired_event_takes_no_nickname(events: EventStore) -> None:
    with pytest.raises(NotFound):
        await name(events, 1, "Aki")
    await events.create_event(draft())
    with pytest.raises(NotFound):
        await name(events, 1, "Aki", now=NOW + TTL)
    assert await events.nicknames("e1") == {}


async def test_an_expired_events_nicknames_are_gone(events: EventStore) -> None:
    await events.create_event(draft("e1"))
    await events.create_event(draft("e2", ttl=TTL // 4))
    for event_id in ("e1", "e2"):
        await name(events, 1, "Aki", event_id)
        await name(events, 2, "Bo", event_id)
    assert await events.expire_events(NOW + TTL // 4) == ["e2"]
    assert await events.nicknames("e2") == {}
    assert await events.nicknames("e1") == {participant(1): "Aki", participant(2): "Bo"}
    assert await events.expire_events(NOW + TTL) == ["e1"]
    assert await events.nicknames("e1") == {}


@pytest.mark.parametrize("backend", DURABLE)
async def test_a_reopened_store_holds_every_acknowledged_nickname(storage: str) -> None:
    first = open_store(storage)
    await first.start()
    try:
        events = first.events
        await events.create_event(draft("e1"))
        await events.create_event(draft("e2", ttl=TTL // 4))
        await name(events, 1, "Aki")
        await name(events, 2, "Bo")
        await name(events, 2, "Ren", "e2")
        # Keys freed and taken at once: on SQLite in one batch, decided in this order, so
        # all three are taken; its newest rows are p1 "Bo" and p2 "Zed", and "Bo" must be
        # out of p2's row in the file before it is in p1's. (A shared store may take them
        # in any order: what it answered is what it holds.)
        results = await asyncio.gather(
            name(events, 1, "Kai"),
            name(events, 2, "Zed"),
            name(events, 1, "Bo"),
            name(events, 3, "Aki"),
            return_exceptions=True,
        )
        assert all(r is None or isinstance(r, NicknameTaken) for r in results), results
        held = await events.nicknames("e1")
        if not storage.startswith("redis"):
            assert list(results) == [None] * 4
            assert held == {participant(1): "Bo", participant(2): "Zed", participant(3): "Aki"}
        assert await events.expire_events(NOW + TTL // 4) == ["e2"]
    finally:
        await first.close()

    second = open_store(storage)
    await second.start()
    try:
        events = second.events
        assert await events.nicknames("e1") == held
        assert await events.nicknames("e2") == {}
        holder, shown = next(iter(held.items()))
        with pytest.raises(NicknameTaken):  # held still, and known to the new process
            await name(events, 99, shown.upper())
        await name(events, int.from_bytes(holder, "big"), "Moved")  # frees it, here too
        await name(events, 99, shown)
        assert (await events.nicknames("e1"))[participant(99)] == shown
    finally:
        await second.close()


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_a_file_from_before_nicknames_gains_them_as_it_opens(storage: str) -> None:
    first = open_store(storage)
    await first.start()
    await first.events.create_event(draft())
    await first.close()
    path = storage.removeprefix("sqlite:///")
    with contextlib.closing(sqlite3.connect(path)) as older:
        older.execute("DROP TABLE event_nicknames")  # as an older tohyo made the file
        older.commit()
    second = open_store(storage)
    await second.start()
    try:
        await name(second.events, 1, "Aki")
        assert await second.events.nicknames("e1") == {participant(1): "Aki"}
    finally:
        await second.close()


@pytest.mark.parametrize("backend", ["redis", "redis-cluster"])
async def test_redis_nickname_keys_expire_and_go_with_the_event(
    events: EventStore, storage: str
) -> None:
    """PEXPIREAT at the event's expiresAt on both hashes, moved with it by the end, and
    deleted with it by the sweep (not left for Redis's own clock)."""
    await events.create_event(draft())
    await name(events, 1, "Aki")
    raw = raw_client(storage)
    try:
        keys = event_nickname_keys("e1")
        assert [raw.pexpiretime(key) for key in keys] == [NOW + TTL] * 2
        await events.change_event("e1", NOW, lambda e: t.end_event(e, NOW, RETENTION))
        assert [raw.pexpiretime(key) for key in keys] == [NOW + RETENTION] * 2
        assert await events.expire_events(NOW + RETENTION) == ["e1"]
        assert [raw.exists(key) for key in keys] == [0, 0]
    finally:
        raw.close()


# --- names fixed by an answer -----------------------------------------------------------


async def two_open(events: EventStore) -> None:
    """e1 with q1 and q2 open (storage never asks which is a quiz: `locked_by` says)."""
    await events.create_event(new_event(spec("One?"), spec("Two?"), now=NOW, ttl=TTL))
    for question_id in ("q1", "q2"):
        await events.change_event("e1", NOW, lambda e, q=question_id: t.open_question(e, q, NOW))


async def answer(events: EventStore, who: int, question_id: str = "q1") -> None:
    await events.answer("e1", participant(who), question_id, ["1"], ("1",), NOW)


async def test_an_answer_to_a_locking_question_fixes_the_name(events: EventStore) -> None:
    await two_open(events)
    await name(events, 1, "Aki", locked_by=("q1",))  # no answer yet: free to change
    await answer(events, 1)
    with pytest.raises(InvalidState) as refused:
        await name(events, 1, "Ren", locked_by=("q2", "q1"))
    assert str(refused.value) == RENAME_TOO_LATE
    with pytest.raises(InvalidState):  # even one's own name again
        await name(events, 1, "Aki", locked_by=("q1",))
    await answer(events, 2)
    with pytest.raises(InvalidState):  # nor a first one
        await name(events, 2, "Bo", locked_by=("q1",))
    assert await events.nicknames("e1") == {participant(1): "Aki"}
    await name(events, 3, "Ren", locked_by=("q1",))  # its key was never claimed
    assert await events.nicknames("e1") == {participant(1): "Aki", participant(3): "Ren"}


async def test_a_reset_does_not_free_a_name_an_earlier_round_fixed(events: EventStore) -> None:
    await two_open(events)
    await name(events, 1, "Aki")
    await answer(events, 1)
    await events.change_event("e1", NOW, lambda e: t.reset_question(e, "q1", NOW))
    got, answered = await events.get_event("e1", participant(1), NOW)
    assert got.question("q1").round == 2 and answered == {("q1", 1)}  # none in round 2
    with pytest.raises(InvalidState):
        await name(events, 1, "Ren", locked_by=("q1",))
    assert await events.nicknames("e1") == {participant(1): "Aki"}


async def test_an_answer_to_a_question_not_locking_leaves_the_name_free(
    events: EventStore,
) -> None:
    await two_open(events)
    await name(events, 1, "Aki")
    await answer(events, 1, "q2")
    await name(events, 1, "Ren", locked_by=("q1",))
    await name(events, 1, "Kai")  # nothing locks it
    assert await events.nicknames("e1") == {participant(1): "Kai"}


async def test_answers_racing_renames_fix_each_name_in_one_order(
    events: EventStore, storage: str
) -> None:
    """30 players each answer and rename at once (on Redis through different stores, as
    phones on different processes): a rename that stands was decided before its player's
    answer, and one refused came after it, changing nothing. A local store decides them
    in the order they start, so there half of the renames go first (even players)."""
    await two_open(events)
    players = range(30)
    for who in players:
        await name(events, who, f"Old{who}")
    async with processes(storage, events) as stores:
        calls = []
        for who in players:
            answering = answer(stores[who % len(stores)], who)
            renaming = name(stores[(who + 1) % len(stores)], who, f"New{who}", locked_by=("q1",))
            calls += [renaming, answering] if who % 2 == 0 else [answering, renaming]
        results = await asyncio.gather(*calls, return_exceptions=True)
    renamed = {}
    for who in players:
        first, second = results[2 * who : 2 * who + 2]
        answered, rename = (second, first) if who % 2 == 0 else (first, second)
        assert answered is None, answered  # an answer is never held up by a name
        assert rename is None or isinstance(rename, InvalidState), rename
        renamed[who] = rename is None
    responses = {r.participant for r in await events.responses("e1")}
    assert responses == {participant(who) for who in players}  # every refusal's answer too
    held = await events.nicknames("e1")
    assert held == {
        participant(who): f"New{who}" if renamed[who] else f"Old{who}" for who in players
    }
    if not storage.startswith("redis"):
        assert renamed == {who: who % 2 == 0 for who in players}
