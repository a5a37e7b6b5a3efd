"""The JSON export: the whole event, or one question of it, every round with its results
(as the host sees them: every entry, the hidden ones flagged) and its answers; a quiz's
answers with their scores, and an event with a quiz its final ranking (`quiz_scores`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tohyo import domain
from tohyo.domain import questions
from tohyo.domain.event import Event, Question, Response, RoundKey
from tohyo.domain.event_transitions import timed
from tohyo.event_export.answers import listed
from tohyo.event_export.quiz_scores import (
    NO_NAMES,
    Names,
    answer_score,
    has_quiz,
    leaderboard,
    round_scores,
)
from tohyo.event_export.rounds import by_round, in_order, increments, rounds, shown, tally_of


def question_entry(
    event: Event,
    question: Question,
    position: int,
    grouped: dict[RoundKey, list[Response]],
    names: Names = NO_NAMES,
) -> dict[str, Any]:
    """One question: its type's config, and every round with its results and answers (a
    quiz's each with its player's nickname from `names` and its score)."""
    entry: dict[str, Any] = {
        "questionId": question.question_id,
        "position": position,
        "type": question.type,
        "prompt": question.prompt,
        **questions.kind(question.type).config_view(question.config),
        "status": question.status,
        "resultsVisibility": question.visibility,
        "rounds": [],
    }
    if question.allow_change:
        entry["allowChange"] = True
    if question.closed_at is not None:
        entry["closedAt"] = domain.iso(question.closed_at)
    for round_, opened_at in rounds(question):
        answers = in_order(grouped.get((question.question_id, round_), ()))
        # Each answer's counters, worked out once: the results count them, the listing
        # reads them (what a word cloud's entry or a card's key is).
        made = [increments(question, r) for r in answers]
        listing = [
            listed(event, question, r, counters) for r, counters in zip(answers, made, strict=True)
        ]
        if timed(question):
            scores = round_scores(question, round_, opened_at, answers)
            for r, item in zip(answers, listing, strict=True):
                item.update(answer_score(r, scores, names))
        entry["rounds"].append(
            {
                "round": round_,
                "openedAt": domain.iso(opened_at),
                "results": shown(event, question, round_, tally_of(made)),
                "answers": listing,
            }
        )
    return entry


def to_json(
    event: Event, responses: Iterable[Response], exported_at: int, names: Names = NO_NAMES
) -> dict[str, Any]:
    """The whole event: every question in the host's order, drafts too; with a quiz
    question, the final ranking (`leaderboard`: every player, as the leaderboard ranks
    them). `names` are the players' nicknames."""
    stored = list(responses)
    grouped = by_round(stored)
    body: dict[str, Any] = {
        "eventId": event.event_id,
        "title": event.title,
        "status": event.status,
        "pace": event.pace,
        "createdAt": domain.iso(event.created_at),
        "expiresAt": domain.iso(event.expires_at),
        "questions": [
            question_entry(event, question, position, grouped, names)
            for position, question in enumerate(event.questions, start=1)
        ],
        "exportedAt": domain.iso(exported_at),
    }
    if has_quiz(event):
        body["leaderboard"] = leaderboard(event, stored, names)
    if event.ended_at is not None:
        body["endedAt"] = domain.iso(event.ended_at)
    # The filters that kept entries out (listed answers say `filtered`), when there are any.
    if event.banned:
        body["bannedWords"] = list(event.banned)
    if event.profanity_filter:
        body["profanityFilter"] = True
    return body


def question_to_json(
    event: Event,
    question_id: str,
    responses: Iterable[Response],
    exported_at: int,
    names: Names = NO_NAMES,
) -> dict[str, Any]:
    """One question as the whole export has it, with the event it is from and when."""
    for position, question in enumerate(event.questions, start=1):
        if question.question_id == question_id:
            grouped = by_round(r for r in responses if r.question_id == question_id)
            return {
                "eventId": event.event_id,
                **question_entry(event, question, position, grouped, names),
                "exportedAt": domain.iso(exported_at),
            }
    raise KeyError(question_id)
