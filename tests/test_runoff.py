"""Instant-runoff voting (tohyo.domain.runoff): hand-worked elections, the literature's
Tennessee capital example, exhausted ballots of partial rankings, every tie rule, and the
count agreeing with a plain recount from scratch each round over random elections."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

from tohyo.domain.runoff import Round, Runoff, instant_runoff

TENNESSEE = ("Memphis", "Nashville", "Chattanooga", "Knoxville")


def test_the_tennessee_capital_example() -> None:
    """Wikipedia's example of IRV: Memphis leads the first count with 42%, yet Knoxville,
    the second choice of the east, wins once Chattanooga and Nashville are out."""
    ballots = [
        (["Memphis", "Nashville", "Chattanooga", "Knoxville"], 42),
        (["Nashville", "Chattanooga", "Knoxville", "Memphis"], 26),
        (["Chattanooga", "Knoxville", "Nashville", "Memphis"], 15),
        (["Knoxville", "Chattanooga", "Nashville", "Memphis"], 17),
    ]
    result = instant_runoff(TENNESSEE, ballots, {})
    assert result == Runoff(
        "Knoxville",
        (
            Round(
                {"Memphis": 42, "Nashville": 26, "Chattanooga": 15, "Knoxville": 17},
                ("Chattanooga",),
                0,
            ),
            Round({"Memphis": 42, "Nashville": 26, "Knoxville": 32}, ("Nashville",), 0),
            Round({"Memphis": 42, "Knoxville": 58}, (), 0),
        ),
    )


def test_partial_rankings_exhaust_and_the_majority_is_of_the_ballots_still_counting() -> None:
    """Top-2 ballots of four items. B's three voters named C second, eliminated before
    them: those ballots are exhausted, and D wins with 5 of the 9 still counting (not of
    all 12)."""
    ballots = [
        (["A", "B"], 4),
        (["B", "C"], 3),
        (["C", "D"], 2),
        (["D", "C"], 2),
        (["D", "B"], 1),
    ]
    result = instant_runoff("ABCD", ballots, {})
    assert result.winner == "D"
    assert result.rounds == (
        Round({"A": 4, "B": 3, "C": 2, "D": 3}, ("C",), 0),
        Round({"A": 4, "B": 3, "D": 5}, ("B",), 0),
        Round({"A": 4, "D": 5}, (), 3),
    )


def test_a_first_round_majority_wins_at_once() -> None:
    result = instant_runoff("ABC", [(["A", "B", "C"], 3), (["B", "A", "C"], 2)], {})
    assert result == Runoff("A", (Round({"A": 3, "B": 2, "C": 0}, (), 0),))


def test_half_is_not_a_majority() -> None:
    """2 of 4 is not more than half: the tie goes to the strength rule."""
    ballots = [(["A", "B"], 2), (["B", "A"], 2)]
    result = instant_runoff("AB", ballots, {"A": 5, "B": 6})
    assert result == Runoff("B", (Round({"A": 2, "B": 2}, ("A",), 0), Round({"B": 4}, (), 0)))


def test_items_without_votes_go_together() -> None:
    """D and E hold no ballot: one round removes both, moving nothing."""
    ballots = [(["A", "C"], 2), (["B", "C"], 2), (["C", "A"], 1)]
    result = instant_runoff("ABCDE", ballots, {})
    assert result.winner == "A"
    assert [r.eliminated for r in result.rounds] == [("D", "E"), ("C",), ()]
    assert result.rounds[1].counts == {"A": 2, "B": 2, "C": 1}
    assert result.rounds[2].counts == {"A": 3, "B": 2}


def test_a_tie_for_fewest_goes_to_the_weaker_item() -> None:
    """A and B tie on 2; B has more strength (Borda points), so A goes, whatever the
    order."""
    ballots = [(["A", "C"], 2), (["B", "C"], 2), (["C", "B"], 3)]
    result = instant_runoff("ABC", ballots, {"A": 10, "B": 12, "C": 20})
    assert result.rounds[0].eliminated == ("A",)
    assert result.winner == "C"  # A's two pass to C: 5 of 7


def test_a_tie_in_votes_and_strength_goes_to_the_later_item() -> None:
    ballots = [(["A", "C"], 2), (["B", "C"], 2), (["C", "B"], 3)]
    result = instant_runoff("ABC", ballots, {"A": 10, "B": 10})
    assert result.rounds[0].eliminated == ("B",)
    assert instant_runoff("BAC", ballots, {"A": 10, "B": 10}).rounds[0].eliminated == ("A",)


def test_every_item_left_tied_is_a_tie_with_no_winner() -> None:
    """After C goes, A and B hold 4 each and the same Borda points: nothing but their
    place on the screen tells them apart, so there is no winner."""
    ballots = [
        (["A", "B", "C"], 3),
        (["B", "A", "C"], 3),
        (["C", "A", "B"], 1),
        (["C", "B", "A"], 1),
    ]
    result = instant_runoff("ABC", ballots, {"A": 18, "B": 18, "C": 12})
    assert result == Runoff(
        None,
        (Round({"A": 3, "B": 3, "C": 2}, ("C",), 0), Round({"A": 4, "B": 4}, (), 0)),
    )
    three_way = [(["A"], 2), (["B"], 2), (["C"], 2)]
    assert instant_runoff("ABC", three_way, {}) == Runoff(
        None, (Round({"A": 2, "B": 2, "C": 2}, (), 0),)
    )


def test_no_ballots_no_rounds_no_winner() -> None:
    assert instant_runoff("AB", [], {}) == Runoff(None, ())
    assert instant_runoff("AB", [(["A"], 0)], {}) == Runoff(None, ())


def test_names_not_among_the_items_are_passed_over() -> None:
    ballots = [(["X", "A"], 2), (["B", "Y"], 1), (["Z"], 4)]
    result = instant_runoff("AB", ballots, {})
    assert result == Runoff("A", (Round({"A": 2, "B": 1}, (), 4),))


# --- against a plain recount ------------------------------------------------------------


def _recount(
    items: Sequence[str], ballots: list[tuple[list[str], int]], strength: Mapping[str, int]
) -> Runoff:
    """IRV as a person counts it: every round, every ballot read afresh from its top."""
    left = list(items)
    rounds: list[Round] = []
    if not any(n for _, n in ballots):
        return Runoff(None, ())
    while True:
        counts = dict.fromkeys(left, 0)
        exhausted = 0
        for ranking, n in ballots:
            top = next((item for item in ranking if item in counts), None)
            if top is None:
                exhausted += n
            else:
                counts[top] += n
        counting = sum(counts.values())
        best = max(counts.values())
        if 2 * best > counting:
            winner = next(item for item in left if counts[item] == best)
            rounds.append(Round(counts, (), exhausted))
            return Runoff(winner, tuple(rounds))
        zero = [item for item in left if counts[item] == 0]
        if zero:
            out = zero
        else:
            low = min(counts.values())
            key = {item: (counts[item], strength.get(item, 0)) for item in left}
            weakest = min(key.values())
            tied = [item for item in left if key[item] == weakest]
            if all(key[item] == weakest for item in left):
                rounds.append(Round(counts, (), exhausted))
                return Runoff(None, tuple(rounds))
            assert counts[tied[-1]] == low
            out = [tied[-1]]
        rounds.append(Round(counts, tuple(out), exhausted))
        left = [item for item in left if item not in out]


def test_the_count_agrees_with_a_recount_from_scratch_every_round() -> None:
    rng = random.Random(14)
    for _ in range(600):
        items = [str(i) for i in range(1, rng.randint(2, 10) + 1)]
        top = rng.randint(1, len(items))
        ballots = []
        for _ in range(rng.randint(0, 12)):
            ranking = rng.sample(items, top)
            ballots.append((ranking, rng.randint(1, 4)))
        strength = {item: rng.randint(0, 3) for item in items}
        got = instant_runoff(items, ballots, strength)
        assert got == _recount(items, ballots, strength), (items, ballots, strength)
        total = sum(n for _, n in ballots)
        for r in got.rounds:
            assert sum(r.counts.values()) + r.exhausted == total
