"""What a quiz adds to an export: each answer's score, and the event's final ranking.

Every round of a quiz question is scored by the quiz's rules (`domain.quiz.round_sheet`),
timed from that round's own opening, a reset's earlier rounds and an open round too (an
open round's are the points its answers would have). Each answer gains its player's
nickname (none for one who gave none), whether it earned full credit, its time in ms from
the opening (the server's clock) and its points. The ranking is the leaderboard's own
(`domain.quiz.board`: the current rounds of the closed quiz questions), every player.

Nicknames are the one thing an export says about who answered, and only on a quiz's
answers: a player chose that name to be shown on the room's leaderboard, which links it to
their scores already. The web layer reads them from storage and hands them in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from tohyo.domain import quiz
from tohyo.domain.event import Event, Question, Response
from tohyo.domain.event_transitions import timed

Names = Mapping[bytes, str]  # participant → nickname (`EventStore.nicknames`)
NO_NAMES: Names = {}


def round_scores(
    question: Question, round_: int, opened_at: int, answers: Iterable[Response]
) -> dict[bytes, quiz.Score]:
    """Each player's score on one round of a quiz question (none for another type)."""
    if not timed(question):
        return {}
    return quiz.round_sheet(question, round_, opened_at, answers)


def answer_score(
    answer: Response, scores: Mapping[bytes, quiz.Score], names: Names
) -> dict[str, Any]:
    """What the JSON export adds to a quiz answer: nickname, correct, ms, points."""
    score = scores[answer.participant]
    return {
        "nickname": names.get(answer.participant),
        "correct": score.correct,
        "ms": score.elapsed,
        "points": score.points,
    }


def leaderboard(event: Event, responses: Iterable[Response], names: Names) -> list[dict[str, Any]]:
    """The final ranking, every player, best first: rank (equal players share one),
    nickname (null for none), score and total answer time in ms."""
    made = quiz.board(event, responses)
    return [
        {
            "rank": s.rank,
            "nickname": names.get(s.participant),
            "score": s.score,
            "time": s.time,
        }
        for s in made.ranked
    ]


def has_quiz(event: Event) -> bool:
    return any(timed(q) for q in event.questions)
