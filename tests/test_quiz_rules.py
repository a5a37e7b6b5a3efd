"""The quiz's pure rules (issue 16): points by the server's clock, partial credit,
nicknames, and the leaderboard's order with its tie-breaks."""

from __future__ import annotations

from fractions import Fraction

import pytest

from tohyo.domain.questions import Filters
from tohyo.domain.quiz import Score, credit, nickname, points, standings
from tohyo.errors import ValidationFailed


@pytest.mark.parametrize(
    ("elapsed_ms", "limit_s", "expected"),
    [
        (0, 20, 1000),  # at once: full points
        (10_000, 20, 750),  # half the limit: 1 - 1/4
        (19_999, 20, 500),  # the last millisecond: 500.0125, at least 500
        (20_000, 20, 0),  # at the limit: the question has closed
        (25_000, 20, 0),
        (-40, 20, 1000),  # opened and answered by two clocks: never more than full
        (1, 5, 1000),  # 999.9 rounds up
        (3, 5, 1000),  # 999.7
        (5, 5, 1000),  # 999.5: half rounds up, as Kahoot's round() does
        (7, 5, 999),  # 999.3
    ],
)
def test_points_follow_the_time_since_the_opening(
    elapsed_ms: int, limit_s: int, expected: int
) -> None:
    assert points(Fraction(1), elapsed_ms, limit_s) == expected


def test_a_wrong_answer_scores_nothing_however_fast() -> None:
    assert points(Fraction(0), 0, 30) == 0


def test_all_or_nothing_wants_exactly_the_correct_choices() -> None:
    assert credit(["1", "3"], ["3", "1"], "all") == 1
    assert credit(["1"], ["1", "3"], "all") == 0
    assert credit(["1", "2", "3"], ["1", "3"], "all") == 0


def test_partial_credit_is_a_share_per_correct_pick_less_a_share_per_wrong_one() -> None:
    correct = ["1", "2", "4"]
    assert credit(["1"], correct, "partial") == Fraction(1, 3)
    assert credit(["1", "2"], correct, "partial") == Fraction(2, 3)
    assert credit(["1", "2", "3"], correct, "partial") == Fraction(1, 3)
    assert credit(["1", "2", "3", "4"], correct, "partial") == Fraction(2, 3)
    assert credit(["3"], correct, "partial") == 0  # floored at 0, never negative
    assert credit(["3", "5", "1"], correct, "partial") == 0
    # Two of three, answered at half the limit: 1000 x 2/3 x 3/4 = 500.
    assert points(credit(["1", "4"], correct, "partial"), 15_000, 30) == 500


def test_the_leaderboard_ranks_by_score_then_total_time_then_who_got_there_first() -> None:
    q1 = {
        b"ann": Score(900, 4000, 1_004_000),
        b"bob": Score(900, 4000, 1_004_000),
        b"cat": Score(0, 1000, 1_001_000),
        b"dan": Score(950, 2000, 1_002_000),
    }
    q2 = {
        b"ann": Score(800, 6000, 2_006_000),
        b"bob": Score(800, 5000, 2_005_000),  # faster: ahead of ann on equal points
        b"eve": Score(1000, 100, 2_000_100),
    }
    board = standings([q1, q2])
    assert [(s.participant, s.score, s.time, s.rank) for s in board] == [
        (b"bob", 1700, 9000, 1),
        (b"ann", 1700, 10000, 2),
        (b"eve", 1000, 100, 3),
        (b"dan", 950, 2000, 4),
        (b"cat", 0, 1000, 5),
    ]


def test_equal_score_and_time_go_to_who_reached_the_score_first() -> None:
    early = {b"zed": Score(600, 3000, 10_000)}
    late = {b"amy": Score(600, 3000, 20_000)}
    board = standings([early, late])
    assert [(s.participant, s.rank) for s in board] == [(b"zed", 1), (b"amy", 2)]


def test_participants_equal_in_everything_share_a_rank() -> None:
    sheet = {
        b"a": Score(700, 2000, 5000),
        b"b": Score(700, 2000, 5000),
        b"c": Score(100, 2000, 5000),
    }
    assert [s.rank for s in standings([sheet])] == [1, 1, 3]


def test_nobody_answered_is_an_empty_board() -> None:
    assert standings([]) == []
    assert standings([{}, {}]) == []


def test_nicknames_are_unique_after_normalisation() -> None:
    assert nickname("  Aki ", Filters()) == ("Aki", "aki")
    assert nickname("ＡＫＩ", Filters())[1] == "aki"
    assert nickname("あき", Filters()) == ("あき", "あき")


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (None, "must be a string"),
        ("", "1-24 characters"),
        ("x" * 25, "1-24 characters"),
        ("a\nb", "one line"),
        ("\u200b", "visible character"),
        ("Spam King", "not allowed"),
    ],
)
def test_a_nickname_that_is_no_name_says_why(raw: object, reason: str) -> None:
    with pytest.raises(ValidationFailed, match=reason) as refused:
        nickname(raw, Filters(banned=("spam",)))
    assert refused.value.status == 400
    assert refused.value.details == [{"field": "nickname", "message": refused.value.message[9:]}]
