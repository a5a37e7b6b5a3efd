"""What votes, closes and the host's settings do to a session's state, and what the
state shows: pure functions every backend calls inside its own atomic section."""

from __future__ import annotations

from dataclasses import replace

from tohyo.domain.model import Ballot, Definition, State, Visibility
from tohyo.domain.numbers import half_up
from tohyo.domain.validation import ballot_indexes
from tohyo.errors import VotingClosed


def require_open(state: State) -> None:
    if state.status != "active":
        raise VotingClosed()


def add_ballot(state: State, indexes: tuple[int, ...]) -> State:
    """The state after one accepted ballot; the caller has checked the voter is new."""
    require_open(state)
    counts = list(state.counts)
    for i in indexes:
        counts[i] += 1
    # Built directly: dataclasses.replace costs more than the rest of a vote's bookkeeping.
    return State(
        "active",
        tuple(counts),
        state.total_votes + 1,
        state.version + 1,
        None,
        state.visibility,
        state.closes_at,
    )


def close(state: State, now: int) -> State:
    """Close voting; closing a closed session changes nothing (same version)."""
    if state.status == "closed":
        return state
    return replace(state, status="closed", closed_at=now, version=state.version + 1)


def close_if_due(state: State, now: int) -> State:
    """Past its deadline, an open session is closed — as of the deadline, exactly like a
    host close. Every backend applies this before any operation, so a vote that arrives
    after the deadline is refused whether or not anything has closed the session yet."""
    if state.status == "active" and state.closes_at is not None and now >= state.closes_at:
        return close(state, state.closes_at)
    return state


def configure(
    state: State, now: int, visibility: Visibility | None, closes_at: int | None
) -> State:
    """A host's change of settings: who sees the counts, and the deadline (set, moved or
    extended while voting is open). Unchanged settings keep the version."""
    changed = state
    if visibility is not None and visibility != state.visibility:
        changed = replace(changed, visibility=visibility)
    if closes_at is not None and closes_at != state.closes_at:
        require_open(state)
        changed = replace(changed, closes_at=closes_at)
    if changed is state:
        return state
    return replace(changed, version=state.version + 1)


def can_see_counts(state: State, *, host: bool, voted: bool) -> bool:
    """Whether a viewer may see the counts, by the session's results visibility."""
    if host:
        return True
    visibility = state.visibility
    if visibility == "always":
        return True
    if visibility == "after_vote":
        return voted
    if visibility == "after_close":
        return state.status == "closed"
    return False


# Every spelling of a ballot seen, to the one tuple kept for it. The kept ones are subsets
# of "1".."10" (1,023 at most); other orders of them are remembered while there is room.
_KEPT: dict[Ballot, Ballot] = {}
_KEPT_SPELLINGS = 4096


def kept_ballot(choice_ids: tuple[str, ...]) -> Ballot:
    """A valid ballot's choice ids as kept with its voter: in the session's order, and one
    shared tuple for every voter who chose the same (a hall's 100,000 voters then cost one
    dict entry each, not a tuple each). The ids must have passed `ballot_indexes`."""
    kept = _KEPT.get(choice_ids)
    if kept is None:
        ordered = tuple(sorted(choice_ids, key=int))
        kept = _KEPT.setdefault(ordered, ordered)
        if len(_KEPT) < _KEPT_SPELLINGS:
            _KEPT[choice_ids] = kept
    return kept


def tally(definition: Definition, ballots: list[tuple[str, ...]]) -> tuple[tuple[int, ...], int]:
    """Counts and total recomputed from stored ballots (the audit of a backend's tallies)."""
    counts = [0] * len(definition.choices)
    for ids in ballots:
        for i in ballot_indexes(definition, ids):
            counts[i] += 1
    return tuple(counts), len(ballots)


def percentage(count: int, total: int) -> float:
    """Share of ballots, one decimal, halves rounded up (as JavaScript's Math.round)."""
    if total <= 0:
        return 0.0
    return half_up(count * 100, total, 1)
