"""A quiz's rules, pure: what a correct answer scores, whose nickname is whose, and the
order of the leaderboard (the question type itself is `domain.questions.quiz`).

Points come from the server's clock alone. `elapsed` is the time from the commit that
opened the question for everyone to the commit that accepted the answer: a phone's own
report of its latency never enters (ClassQuiz takes the player's word for it). A correct
answer in time scores round(1000 × (1 − elapsed / limit / 2)) — Kahoot's documented rule,
so at least 500 — computed exactly (fractions, halves up as `numbers.half_up` rounds),
so that every backend and every process gives the same points for the same milliseconds.

Points are never stored apart from the answer: they are a function of the stored answer,
the time storage stored with it (in the same atomic step that counts it) and the round's
opening, so there is no second record to update read-modify-write, nothing to drift on
any backend, and a reset (a new round) takes its round's points away by itself. Only
closed rounds count: while a question is open, a score that moved would tell its player
whether they were right before the room is told.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from tohyo.domain.event import Event, Question, Response
from tohyo.domain.event_transitions import timed
from tohyo.domain.numbers import half_up
from tohyo.domain.questions.base import Filters
from tohyo.domain.questions.quiz import QuizConfig, Scoring
from tohyo.domain.text import refusal, trim
from tohyo.domain.text_keys import caught, entry_key
from tohyo.errors import ValidationFailed

POINTS_MAX = 1000
NICKNAME_MAX = 24
# Why a rename is refused once its player has answered a quiz question (409 invalid_state):
# said by storage, which decides it where it claims the name, and by the quiz objects.
RENAME_TOO_LATE = "A nickname can change only before its player's first quiz answer"
TOP = 10  # entries of the leaderboard the screen shows; each phone is told its own place


def credit(picked: Collection[str], correct: Collection[str], scoring: Scoring) -> Fraction:
    """The share of full points `picked` earns. "all": every correct choice and nothing
    else, or nothing. "partial": each correct pick an equal share of the correct choices,
    each wrong pick minus one such share, floored at 0 (so picking every choice of a
    question gains nothing)."""
    right = set(correct)
    chosen = set(picked)
    if scoring == "all":
        return Fraction(1) if chosen == right else Fraction(0)
    hits = len(chosen & right)
    misses = len(chosen - right)
    return max(Fraction(0), Fraction(hits - misses, len(right)))


def points(share: Fraction, elapsed_ms: int, limit_s: int) -> int:
    """The points of an answer earning `share` of full credit, accepted `elapsed_ms` after
    the question opened, of a `limit_s` question. An answer at or after the limit scores
    nothing (storage refuses it anyway: the question closes at the limit); a negative
    elapsed (the opening and the answer committed by two processes' clocks) counts as 0."""
    limit_ms = limit_s * 1000
    elapsed = max(0, elapsed_ms)
    if share <= 0 or elapsed >= limit_ms:
        return 0
    exact = POINTS_MAX * share * (1 - Fraction(elapsed, 2 * limit_ms))
    return int(half_up(exact.numerator, exact.denominator, 0))


@dataclass(frozen=True, slots=True)
class Score:
    """One participant's result on one quiz question's round: its points, the time it took
    (ms from the opening), and when it was accepted (ms, the server's clock)."""

    points: int
    elapsed: int
    at: int
    correct: bool = False  # full credit: every right choice and no wrong one


@dataclass(frozen=True, slots=True)
class Standing:
    """A participant's place: the sum of their scores, the sum of their answer times, and
    when they reached their score (their last answer that gained points; 0 for none)."""

    participant: bytes
    score: int
    time: int
    reached: int
    rank: int = 0


def standings(sheets: Iterable[Mapping[bytes, Score]]) -> list[Standing]:
    """Every participant who answered any of `sheets` (each a question's current round:
    a reset's earlier round is simply not passed), best first, ranked. Ties are broken by
    total answer time, then by who reached the score first; participants equal on all
    three share a rank (1, 2, 2, 4), and are listed by key so the order is stable."""
    totals: dict[bytes, list[int]] = {}
    for sheet in sheets:
        for participant, result in sheet.items():
            total = totals.setdefault(participant, [0, 0, 0])
            total[0] += result.points
            total[1] += result.elapsed
            if result.points > 0:
                total[2] = max(total[2], result.at)
    order = sorted(totals.items(), key=lambda item: (-item[1][0], item[1][1], item[1][2], item[0]))
    ranked: list[Standing] = []
    previous: tuple[int, int, int] | None = None
    rank = 0
    for place, (participant, (score, time, reached)) in enumerate(order, start=1):
        if (score, time, reached) != previous:
            rank = place
            previous = (score, time, reached)
        ranked.append(Standing(participant, score, time, reached, rank))
    return ranked


def nickname(raw: object, filters: Filters) -> tuple[str, str]:
    """A nickname as shown (trimmed) and its key (what must be unique in the event:
    "Aki", "ＡＫＩ" and "aki " are one name). ValidationFailed (a 400 in the documented
    shape, the field named) when it is no name: not text, not 1-24 characters of one
    line, nothing visible, or caught by the event's banned words or profanity filter, as
    word-cloud entries are."""
    if not isinstance(raw, str):
        raise _refused("must be a string")
    shown = trim(raw)
    problem = refusal(shown, NICKNAME_MAX)
    if problem is not None:
        raise _refused(problem)
    key = entry_key(shown)
    if not key:
        raise _refused("must have a visible character")
    if caught(key, filters):
        raise _refused("is not allowed in this event")
    return shown, key


def _refused(reason: str) -> ValidationFailed:
    return ValidationFailed(f"nickname {reason}", [{"field": "nickname", "message": reason}])


# --- the leaderboard ---------------------------------------------------------------------


def scored(question: Question) -> bool:
    """Whether `question`'s current round counts on the leaderboard: a quiz, closed."""
    return timed(question) and question.status == "closed"


def sheet(question: Question, responses: Iterable[Response]) -> dict[bytes, Score]:
    """The scores of a quiz question's current round, from its stored responses: the
    elapsed time is storage's answeredAt less the round's opening, both the server's."""
    return round_sheet(question, question.round, question.opened_at or 0, responses)


def round_sheet(
    question: Question, round_: int, opened_at: int, responses: Iterable[Response]
) -> dict[bytes, Score]:
    """The scores of any one round of a quiz question, opened at `opened_at` (an earlier
    round's opening is `question.rounds_opened[round_ - 1]`): an export lists every round,
    a reset's earlier ones too, each timed from its own opening. An open round's are the
    points its answers would have (the leaderboard counts them once it closes)."""
    config: QuizConfig = question.config
    scores: dict[bytes, Score] = {}
    for r in responses:
        if r.question_id == question.question_id and r.round == round_:
            elapsed = max(0, r.answered_at - opened_at)
            share = credit(r.answer, config.correct, config.scoring)
            earned = points(share, elapsed, config.time_limit)
            scores[r.participant] = Score(earned, elapsed, r.answered_at, share == 1)
    return scores


@dataclass(frozen=True, slots=True)
class Board:
    """The leaderboard of an event as its closed quiz rounds make it: every standing, best
    first, and each participant's score on each of those rounds."""

    ranked: tuple[Standing, ...]
    places: Mapping[bytes, Standing]
    sheets: Mapping[str, Mapping[bytes, Score]]  # by question id (its current round)


def board(event: Event, responses: Iterable[Response]) -> Board:
    # Each counted round's own answers, sorted out in one pass (not one per question).
    rounds: dict[tuple[str, int], list[Response]] = {
        (q.question_id, q.round): [] for q in event.questions if scored(q)
    }
    for r in responses:
        kept = rounds.get((r.question_id, r.round))
        if kept is not None:
            kept.append(r)
    sheets = {
        q.question_id: sheet(q, rounds[(q.question_id, q.round)])
        for q in event.questions
        if scored(q)
    }
    ranked = tuple(standings(sheets.values()))
    return Board(ranked, {s.participant: s for s in ranked}, sheets)


def board_key(event: Event) -> tuple[tuple[str, int], ...]:
    """What a Board depends on besides the stored answers of those rounds, which no longer
    change once a round closes: which quiz rounds have closed (a cache's key)."""
    return tuple((q.question_id, q.round) for q in event.questions if scored(q))


def board_view(
    event: Event, made: Board, names: Mapping[bytes, str], participant: bytes | None
) -> dict[str, Any]:
    """`GET …/leaderboard`: the top entries (nickname null for one who gave none) and, for
    a participant, their own place and what each closed quiz question earned them."""
    entries = [
        {"rank": s.rank, "nickname": names.get(s.participant), "score": s.score}
        for s in made.ranked[:TOP]
    ]
    view: dict[str, Any] = {"eventId": event.event_id, "entries": entries}
    view["players"] = len(made.ranked)
    if participant is not None:
        place = made.places.get(participant)
        mine = []
        for q in event.questions:
            result = made.sheets.get(q.question_id, {}).get(participant)
            if result is not None:
                mine.append(
                    {
                        "questionId": q.question_id,
                        "correct": result.correct,
                        "points": result.points,
                        "ms": result.elapsed,
                    }
                )
        view["me"] = {
            "rank": place.rank if place else None,
            "score": place.score if place else 0,
            "nickname": names.get(participant),
            "questions": mine,
        }
    return view
