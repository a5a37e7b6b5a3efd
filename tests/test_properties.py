"""Properties of the voting model, for any sequence of casts and closes (Hypothesis).

A plain model of what should happen (who has voted, whether voting is closed) is run
side by side with a real store. Every outcome must match the model, and at every step
the tallies must equal the stored ballots, no voter may hold two ballots, and nothing
may change once voting is closed.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tohyo import domain
from tohyo.errors import AlreadyVoted, InvalidBallot, VotingClosed
from tohyo.storage import open_store
from tohyo.storage.base import Store

CHOICES = 4
# Ids as clients send them: real ones, unknown ones, odd spellings of real ones.
choice_id = st.sampled_from(["1", "2", "3", "4", "5", "0", "01", " 1", ""])
cast = st.tuples(st.just("cast"), st.integers(0, 7), st.lists(choice_id, max_size=5))
close = st.tuples(st.just("close"), st.just(0), st.just([]))
operations = st.lists(st.one_of(cast, cast, cast, close), max_size=40)


def expected_outcome(
    vote_type: str, ids: list[str], voter: int, voted: set[int], closed: bool
) -> str:
    """What the rules say a cast should do: the reference the store is held to."""
    if closed:
        return "closed"
    valid = {"1", "2", "3", "4"}
    if (
        not ids
        or any(i not in valid for i in ids)
        or len(set(ids)) != len(ids)
        or (vote_type == "single" and len(ids) != 1)
    ):
        return "invalid"
    return "already" if voter in voted else "accepted"


async def run(store: Store, vote_type: str, ops: list[tuple[str, int, list[str]]]) -> None:
    now = time.time_ns() // 1_000_000
    draft = domain.Draft("Q?", vote_type, tuple(f"c{i}" for i in range(CHOICES)))  # type: ignore[arg-type]
    definition = domain.make_definition(draft, "s1", b"host", now, 3_600_000)
    session = await store.create(definition)
    voted: set[int] = set()
    closed = False
    for kind, voter, ids in ops:
        before = session
        if kind == "close":
            session = await store.close_voting("s1", now)
            closed = True
            assert session.state.status == "closed"
        else:
            expected = expected_outcome(vote_type, ids, voter, voted, closed)
            try:
                session = await store.cast("s1", voter.to_bytes(2, "big"), tuple(ids), now)
                outcome = "accepted"
            except VotingClosed:
                outcome = "closed"
            except AlreadyVoted:
                outcome = "already"
            except InvalidBallot:
                outcome = "invalid"
            assert outcome == expected, (ids, voter, expected, outcome)
            if outcome == "accepted":
                voted.add(voter)
        if closed and before.state.status == "closed":
            assert session.state == before.state  # nothing changes after close
        stored, _ = await store.get("s1", None, now)
        ballots = await store.ballots("s1")
        counts, total = domain.tally(stored.definition, ballots)
        assert (stored.state.counts, stored.state.total_votes) == (counts, total)
        assert total == len(voted)  # one ballot per voter who was accepted, no more
        assert stored.state.version == 1 + len(voted) + (1 if closed else 0)


def check(url: str, vote_type: str, ops: list[tuple[str, int, list[str]]]) -> None:
    async def main() -> None:
        store = open_store(url)
        await store.start()
        try:
            await run(store, vote_type, ops)
        finally:
            await store.close()

    asyncio.run(main())


@settings(max_examples=300, deadline=None)
@given(vote_type=st.sampled_from(["single", "multiple"]), ops=operations)
def test_any_sequence_in_memory(vote_type: str, ops: list[tuple[str, int, list[str]]]) -> None:
    check("memory://", vote_type, ops)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(vote_type=st.sampled_from(["single", "multiple"]), ops=operations)
def test_any_sequence_on_sqlite(vote_type: str, ops: list[tuple[str, int, list[str]]]) -> None:
    with tempfile.TemporaryDirectory() as directory:
        check(f"sqlite:///{Path(directory) / 'p.db'}", vote_type, ops)
