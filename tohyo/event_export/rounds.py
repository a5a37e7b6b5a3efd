"""A question's rounds as an export counts them: which rounds it has had, the answers of
each in one order on every backend, and each round's results recounted from them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from tohyo.domain import questions
from tohyo.domain.event import Event, Question, Response, RoundKey
from tohyo.domain.event_views import results_context
from tohyo.domain.questions import AnswerContext, Increments, Tally, answer_tag


def rounds(question: Question) -> list[tuple[int, int]]:
    """(round, openedAt) of every round the question has had, oldest first; none for a
    draft, which has never been asked."""
    if question.status == "draft":
        return []
    return list(enumerate(question.rounds_opened, start=1))


def by_round(responses: Iterable[Response]) -> dict[RoundKey, list[Response]]:
    grouped: dict[RoundKey, list[Response]] = {}
    for r in responses:
        grouped.setdefault((r.question_id, r.round), []).append(r)
    return grouped


def in_order(answers: Iterable[Response]) -> list[Response]:
    """In the order given; answers of the same millisecond in one order on every backend
    (by what they are), whatever order storage returns them in."""
    return sorted(answers, key=lambda r: (r.answered_at, repr(r.answer)))


def increments(question: Question, answer: Response) -> Increments:
    """The counters `answer` made when it was given (its time, and its tag: whose it is
    within the question), as storage added them."""
    context = AnswerContext(
        answer.answered_at, answer_tag(answer.participant, question.question_id)
    )
    return questions.kind(question.type).increments(question.config, answer.answer, context)


def recount(question: Question, answers: Iterable[Response]) -> Tally:
    """A round's tally from its answers, each counted as it was when given (its type's
    increments, added as storage adds them; a changed answer is stored as it ended up)."""
    return tally_of(increments(question, r) for r in answers)


def tally_of(made: Iterable[Increments]) -> Tally:
    """The tally of answers that made these counters (one Counter, not a copy per answer)."""
    counts: Counter[str] = Counter()
    total = 0
    for counters in made:
        counts.update(counters)
        total += 1
    return Tally(dict(counts), total)


def over(question: Question, round_: int) -> bool:
    """Whether a round is over: an earlier one, or the current one of a closed question."""
    return question.status == "closed" or round_ < question.round


def shown(event: Event, question: Question, round_: int, tally: Tally) -> dict[str, Any]:
    """A round's results as its question's type shows them to the host in an export:
    every entry, the hidden ones flagged."""
    context = results_context(event, question, host=True, full=True, closed=over(question, round_))
    return questions.kind(question.type).results(question.config, tally, context)


def results(
    event: Event, question: Question, round_: int, answers: Iterable[Response]
) -> dict[str, Any]:
    """A round's results, counted from `answers` (`shown`)."""
    return shown(event, question, round_, recount(question, answers))
