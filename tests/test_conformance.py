"""One storage suite, every backend: same inputs, same outcomes.

A new backend joins by adding its name to `conftest.BACKENDS` (and its URL to the
`storage` fixture).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest

from tohyo import domain
from tohyo.domain import Session
from tohyo.errors import AlreadyVoted, InvalidBallot, NotFound, VotingClosed
from tohyo.storage import open_store
from tohyo.storage.base import Store

# A real time: Redis deletes keys at their expiresAt by its own clock.
NOW = (time.time_ns() // 1_000_000 // 1000) * 1000
TTL = 86_400_000  # a day: Redis expires keys at NOW + TTL by its own clock, and NOW is read
# as the suite is collected, tens of minutes before the last test runs


@pytest.fixture
async def store(storage: str) -> AsyncIterator[Store]:
    s = open_store(storage)
    await s.start()
    yield s
    await s.close()


def definition(
    session_id: str = "s1", vote_type: domain.VoteType = "single", n: int = 3
) -> domain.Definition:
    draft = domain.Draft("Q?", vote_type, tuple(f"c{i}" for i in range(n)))
    return domain.make_definition(draft, session_id, b"host-key", NOW, TTL)


def key(n: int) -> bytes:
    return n.to_bytes(16, "big")


async def test_create_then_get(store: Store) -> None:
    created = await store.create(definition())
    assert created.state == domain.State.initial(3)
    session, ballot = await store.get("s1", key(1), NOW)
    assert session == created and ballot == ()  # no ballot: no choices


async def test_get_unknown_is_not_found(store: Store) -> None:
    with pytest.raises(NotFound):
        await store.get("nope", None, NOW)


async def test_cast_counts_once_per_voter(store: Store) -> None:
    await store.create(definition())
    after = await store.cast("s1", key(1), ("2",), NOW)
    assert (after.state.counts, after.state.total_votes, after.version) == ((0, 1, 0), 1, 2)
    with pytest.raises(AlreadyVoted):
        await store.cast("s1", key(1), ("1",), NOW)
    session, voted = await store.get("s1", key(1), NOW)
    assert voted and session.state.counts == (0, 1, 0)


async def test_rejected_ballot_does_not_use_up_the_vote(store: Store) -> None:
    await store.create(definition())
    for bad in [(), ("9",), ("1", "2")]:
        with pytest.raises(InvalidBallot):
            await store.cast("s1", key(1), bad, NOW)
    assert (await store.cast("s1", key(1), ("1",), NOW)).state.total_votes == 1


async def test_multiple_choice_counts_each_pick(store: Store) -> None:
    await store.create(definition(vote_type="multiple"))
    await store.cast("s1", key(1), ("1", "3"), NOW)
    after = await store.cast("s1", key(2), ("3",), NOW)
    assert (after.state.counts, after.state.total_votes) == ((1, 0, 2), 2)


async def test_close_is_final_and_idempotent(store: Store) -> None:
    await store.create(definition())
    await store.cast("s1", key(1), ("1",), NOW)
    closed = await store.close_voting("s1", NOW + 5)
    assert (closed.state.status, closed.state.closed_at, closed.version) == ("closed", NOW + 5, 3)
    again = await store.close_voting("s1", NOW + 9)
    assert again == closed
    with pytest.raises(VotingClosed):
        await store.cast("s1", key(2), ("1",), NOW + 10)
    # A closed session refuses before it looks at the ballot.
    with pytest.raises(VotingClosed):
        await store.cast("s1", key(2), ("99",), NOW + 10)


async def test_expired_sessions_are_gone_before_and_after_the_sweep(store: Store) -> None:
    await store.create(definition("old"))
    await store.create(definition("new", n=2))
    later = NOW + TTL
    for op in (
        store.get("old", None, later),
        store.cast("old", key(1), ("1",), later),
        store.close_voting("old", later),
    ):
        with pytest.raises(NotFound):
            await op
    assert sorted(await store.expire(later)) == ["new", "old"]
    assert await store.expire(later) == []
    assert await store.ballots("old") == []


async def test_expire_keeps_live_sessions(store: Store) -> None:
    await store.create(definition("s1"))
    assert await store.expire(NOW + TTL - 1) == []
    await store.get("s1", None, NOW + TTL - 1)


async def test_racing_votes_of_one_voter_count_once(store: Store) -> None:
    await store.create(definition())
    results = await asyncio.gather(
        *(store.cast("s1", key(7), ("1",), NOW) for _ in range(50)), return_exceptions=True
    )
    assert sum(isinstance(r, Session) for r in results) == 1
    assert sum(isinstance(r, AlreadyVoted) for r in results) == 49


async def test_racing_distinct_voters_all_count(store: Store) -> None:
    await store.create(definition())
    await asyncio.gather(*(store.cast("s1", key(i), (str(i % 3 + 1),), NOW) for i in range(300)))
    session, _ = await store.get("s1", None, NOW)
    assert session.state.total_votes == 300
    assert session.state.version == 301
    assert session.state.counts == (100, 100, 100)


async def test_counts_equal_stored_ballots(store: Store) -> None:
    await store.create(definition(vote_type="multiple"))
    for i in range(40):
        await store.cast("s1", key(i), tuple(str(c) for c in range(1, i % 3 + 2)), NOW)
    session, _ = await store.get("s1", None, NOW)
    recount = domain.tally(session.definition, await store.ballots("s1"))
    assert recount == (session.state.counts, session.state.total_votes)


async def test_sessions_are_independent(store: Store) -> None:
    await store.create(definition("a"))
    await store.create(definition("b"))
    await store.cast("a", key(1), ("1",), NOW)
    await store.cast("b", key(1), ("2",), NOW)  # same voter key, other session
    await store.close_voting("a", NOW)
    b, _ = await store.get("b", None, NOW)
    assert (b.state.status, b.state.counts) == ("active", (0, 1, 0))


async def test_listeners_hear_each_committed_change_in_order(store: Store) -> None:
    heard: list[int] = []
    store.add_listener(lambda s: heard.append(s.version))
    await store.create(definition())
    await store.cast("s1", key(1), ("1",), NOW)
    with pytest.raises(AlreadyVoted):
        await store.cast("s1", key(1), ("1",), NOW)
    await store.close_voting("s1", NOW)
    await store.close_voting("s1", NOW)
    assert heard == [1, 2, 3]


async def test_server_key_is_stable(store: Store) -> None:
    first = await store.server_key()
    assert len(first) >= 32 and await store.server_key() == first


# --- deadlines and results visibility -----------------------------------------------------


async def test_a_vote_after_the_deadline_is_refused_before_anything_closes_it(
    store: Store,
) -> None:
    initial = domain.State.initial(3, closes_at=NOW + 20_000)
    created = await store.create(definition(), initial)
    assert created.state.closes_at == NOW + 20_000
    await store.cast("s1", key(1), ("1",), NOW + 19_999)
    with pytest.raises(VotingClosed):  # nobody closed it; the deadline did
        await store.cast("s1", key(2), ("1",), NOW + 20_000)
    session, _ = await store.get("s1", None, NOW + 20_001)
    state = session.state
    assert (state.status, state.closed_at, state.version) == ("closed", NOW + 20_000, 3)
    assert state.counts == (1, 0, 0)
    again = await store.close_voting("s1", NOW + 30_000)  # a host close later: no change
    assert again.state == state


async def test_the_deadline_closes_on_a_read_too_and_listeners_hear_it(store: Store) -> None:
    heard: list[domain.State] = []
    store.add_listener(lambda s: heard.append(s.state))
    await store.create(definition(), domain.State.initial(3, closes_at=NOW + 20_000))
    await store.watch("s1")
    try:
        session, _ = await store.get("s1", None, NOW + 25_000)
        assert session.state.status == "closed"
        for _ in range(100):  # a shared store announces it through its channel
            if heard and heard[-1].status == "closed":
                break
            await asyncio.sleep(0.01)
        assert heard[-1].status == "closed" and heard[-1].closed_at == NOW + 20_000
    finally:
        store.unwatch("s1")


async def test_the_host_moves_the_deadline_and_switches_visibility(store: Store) -> None:
    await store.create(definition(), domain.State.initial(3, closes_at=NOW + 20_000))
    later = await store.configure("s1", NOW, closes_at=NOW + 40_000)
    assert (later.state.closes_at, later.version) == (NOW + 40_000, 2)
    await store.cast("s1", key(1), ("2",), NOW + 30_000)  # past the old deadline: still open
    shown = await store.configure("s1", NOW + 30_000, visibility="always")
    assert (shown.state.visibility, shown.version) == ("always", 4)
    same = await store.configure("s1", NOW + 30_000, visibility="always")
    assert same.version == 4  # nothing changed, nothing announced
    await store.close_voting("s1", NOW + 31_000)
    with pytest.raises(VotingClosed):  # a closed vote cannot be reopened by a deadline
        await store.configure("s1", NOW + 32_000, closes_at=NOW + 50_000)
    hidden = await store.configure("s1", NOW + 32_000, visibility="after_close")
    assert hidden.state.visibility == "after_close" and hidden.state.status == "closed"
    session, _ = await store.get("s1", None, NOW + 33_000)
    assert (session.state.visibility, session.state.counts) == ("after_close", (0, 1, 0))


async def test_settings_of_a_missing_session_are_not_found(store: Store) -> None:
    with pytest.raises(NotFound):
        await store.configure("nope", NOW, visibility="always")
