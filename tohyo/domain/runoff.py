"""Instant-runoff voting (IRV, the alternative vote) over ranked ballots, with its rounds.

Each round counts every ballot for its highest-ranked item still in the count. An item
holding more than half of the ballots still counting wins. Otherwise the item with the
fewest votes is eliminated and its ballots pass to their next continuing item; a ballot
with none left (a partial ranking, `rankTop` below the number of items) is *exhausted*
and counts no more, so the majority is of the ballots still counting, as in most IRV
rules in use.

Ties, which a room of a few dozen people makes often, are settled without chance, so
every reading of the same tally gives the same rounds:

- every item with no votes at all goes in the same round (none of them holds a ballot,
  so removing them one by one would only add rounds that move nothing);
- among the items tied for the fewest votes, the one with the fewest `strength` goes
  (a ranking passes its Borda points: the item the room ranked lower overall), and if
  that ties too, the one latest in `items` (the question's order);
- when every item still in the count has the same votes and the same strength, nothing
  tells them apart but their order on the screen, so the count stops with no winner: a
  tie, shown as one.

No ballots, no rounds and no winner.

Why not a library: the well-kept ones either pull heavy dependencies onto the default
install (pref_voting: numpy, scipy, networkx…; votekit: pandas, numpy…) or take one
object per voter and break ties by chance or by second choices (pyrankvote, whose last
release is of 2022), while a ranking's tally holds each distinct ballot once with its
count and must read the same every time. The count below is short, exact, and moves
each ballot at most once per item it names.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Round:
    counts: Mapping[str, int]  # votes of each item still in the count, in `items` order
    eliminated: tuple[str, ...]  # the items that go after this round (none in the last)
    exhausted: int  # ballots with no continuing item, as of this round


@dataclass(frozen=True, slots=True)
class Runoff:
    winner: str | None  # None: no ballots, or a tie no rule breaks
    rounds: tuple[Round, ...]


# A ballot on a pile: its items best first, how many gave it, and where it is read.
_Pile = list[tuple[Sequence[str], int, int]]


def instant_runoff(
    items: Sequence[str],
    ballots: Iterable[tuple[Sequence[str], int]],
    strength: Mapping[str, int],
) -> Runoff:
    """The runoff of `ballots` (each distinct ranking, best first, and how many gave it)
    among `items`. Names on a ballot that are not in `items` are passed over."""
    continuing = dict.fromkeys(items)  # ordered, as `items`
    piles: dict[str, _Pile] = {item: [] for item in items}
    votes = dict.fromkeys(items, 0)
    exhausted = _deal(((r, n, -1) for r, n in ballots if n > 0), continuing, piles, votes)
    if sum(votes.values()) == 0:
        return Runoff(None, ())
    rounds: list[Round] = []
    while True:
        counts = {item: votes[item] for item in continuing}
        counting = sum(counts.values())
        leader = max(counts, key=counts.__getitem__)
        if 2 * counts[leader] > counting:
            rounds.append(Round(counts, (), exhausted))
            return Runoff(leader, tuple(rounds))
        out = _to_eliminate(counts, strength)
        if not out:
            rounds.append(Round(counts, (), exhausted))
            return Runoff(None, tuple(rounds))
        rounds.append(Round(counts, out, exhausted))
        for item in out:
            del continuing[item]
            del votes[item]
        for item in out:
            exhausted += _deal(piles.pop(item), continuing, piles, votes)


def _deal(
    ballots: Iterable[tuple[Sequence[str], int, int]],
    continuing: Mapping[str, None],
    piles: dict[str, _Pile],
    votes: dict[str, int],
) -> int:
    """Put each ballot on the pile of its first continuing item after the position it
    was read at; the number of ballots that have none left (exhausted). One loop for
    every ballot rather than a call each: a close counts 10,000 of them."""
    exhausted = 0
    for ranking, count, after in ballots:
        for at in range(after + 1, len(ranking)):
            item = ranking[at]
            if item in continuing:
                piles[item].append((ranking, count, at))
                votes[item] += count
                break
        else:
            exhausted += count
    return exhausted


def _to_eliminate(counts: Mapping[str, int], strength: Mapping[str, int]) -> tuple[str, ...]:
    """The items that go this round (see the module's rules); none when all are tied."""
    zero = tuple(item for item, n in counts.items() if n == 0)
    if zero and len(zero) < len(counts):
        return zero  # none of them holds a ballot: they go together
    fewest = min(counts.values())
    tied = [item for item, n in counts.items() if n == fewest]
    weakest = min(strength.get(item, 0) for item in tied)
    tied = [item for item in tied if strength.get(item, 0) == weakest]
    if len(tied) == len(counts):
        return ()  # every item left has the same votes and strength
    return (tied[-1],)  # the latest in the question's order
