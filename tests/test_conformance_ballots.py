"""Every backend tells a voter's own ballot back to that voter's key (`myChoiceIds`), and
to no other key: the same outcomes on memory, SQLite, Redis and Redis Cluster."""

from __future__ import annotations

import asyncio

from tests.test_conformance import NOW, definition, key, store
from tohyo.storage.base import Store

__all__ = ["store"]  # the fixture, shared with the main conformance suite


async def test_get_gives_the_voters_own_choices_and_no_one_elses(store: Store) -> None:
    await store.create(definition())
    await store.cast("s1", key(1), ("2",), NOW)
    _, mine = await store.get("s1", key(1), NOW)
    _, other = await store.get("s1", key(2), NOW)
    _, nobody = await store.get("s1", None, NOW)
    assert (mine, other, nobody) == (("2",), (), ())


async def test_multiple_choices_come_back_in_the_sessions_order(store: Store) -> None:
    await store.create(definition(vote_type="multiple", n=10))
    await store.cast("s1", key(1), ("10", "3", "1"), NOW)
    await store.cast("s1", key(2), ("2",), NOW)
    assert (await store.get("s1", key(1), NOW))[1] == ("1", "3", "10")
    assert (await store.get("s1", key(2), NOW))[1] == ("2",)
    assert sorted(await store.ballots("s1")) == [("10", "3", "1"), ("2",)]  # as cast


async def test_a_key_of_another_session_finds_nothing(store: Store) -> None:
    await store.create(definition("a"))
    await store.create(definition("b"))
    await store.cast("a", key(1), ("3",), NOW)
    assert (await store.get("a", key(1), NOW))[1] == ("3",)
    assert (await store.get("b", key(1), NOW))[1] == ()


async def test_a_refused_second_ballot_leaves_the_first_choices(store: Store) -> None:
    await store.create(definition())
    results = await asyncio.gather(
        *(store.cast("s1", key(7), (str(n % 3 + 1),), NOW) for n in range(20)),
        return_exceptions=True,
    )
    kept = [r for r in results if not isinstance(r, Exception)]
    assert len(kept) == 1
    _, mine = await store.get("s1", key(7), NOW)
    (stored,) = await store.ballots("s1")
    assert mine == stored and len(mine) == 1


async def test_the_choices_stay_after_the_session_closes(store: Store) -> None:
    await store.create(definition())
    await store.cast("s1", key(1), ("1",), NOW)
    await store.close_voting("s1", NOW + 1)
    session, mine = await store.get("s1", key(1), NOW + 2)
    assert session.state.status == "closed" and mine == ("1",)
