"""What a viewer may see of an event: one view for `GET /api/events/{id}`, the stream
and the exports alike.

A participant never sees drafts, and sees a question's results as its visibility allows
(the polls' four modes). The counters (`version`, `revision`) are the host's alone: see
`event_view`.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable
from typing import Any

from tohyo.domain import questions
from tohyo.domain.event import Event, Question, RoundKey
from tohyo.domain.times import iso

Answered = Collection[RoundKey]  # the (question, round) pairs a participant has answered


def can_see_results(question: Question, *, host: bool, answered: bool) -> bool:
    if host:
        return True
    visibility = question.visibility
    if visibility == "always":
        return True
    if visibility == "after_vote":
        return answered
    if visibility == "after_close":
        return question.status == "closed"
    return False


def visible(event: Event, *, host: bool) -> tuple[Question, ...]:
    return event.questions if host else tuple(q for q in event.questions if q.status != "draft")


def question_view(
    event: Event, question: Question, *, host: bool, answered: Answered, position: int
) -> dict[str, Any]:
    kind = questions.kind(question.type)
    mine = (question.question_id, question.round) in answered
    view: dict[str, Any] = {
        "questionId": question.question_id,
        "position": position,
        "type": question.type,
        "prompt": question.prompt,
        **kind.config_view(question.config),
        "status": question.status,
        "round": question.round,
        "resultsVisibility": question.visibility,
    }
    for name, ms in (
        ("closesAt", question.closes_at),
        ("openedAt", question.opened_at),
        ("closedAt", question.closed_at),
    ):
        if ms is not None:
            view[name] = iso(ms)
    if question.duration is not None:
        view["durationSeconds"] = question.duration  # each opening lasts this long
    if not host:
        view["answered"] = mine
    if can_see_results(question, host=host, answered=mine):
        view["results"] = kind.results(question.config, event.tally(question))
    return view


def event_view(event: Event, *, host: bool, answered: Answered = ()) -> dict[str, Any]:
    shown = visible(event, host=host)
    views = [
        question_view(event, q, host=host, answered=answered, position=i)
        for i, q in enumerate(shown, start=1)
    ]
    view: dict[str, Any] = {
        "eventId": event.event_id,
        "title": event.title,
        "status": event.status,
        "pace": event.pace,
        "presenting": event.presenting,
        "createdAt": iso(event.created_at),
        "expiresAt": iso(event.expires_at),
        "questions": views,
    }
    if event.code:
        view["code"] = event.code
    if event.ended_at is not None:
        view["endedAt"] = iso(event.ended_at)
    if host:
        # Both counters stay with the host. The version counts every answer of every
        # round, so a participant shown it could work out counts they may not see (an
        # earlier round's, a hidden question's); the revision moves with every edit of
        # a draft, so showing it would send every phone a frame that says nothing.
        view["revision"] = event.revision
        view["version"] = event.version
    return view


def audience(event: Event, *, host: bool, answered: Answered) -> Hashable:
    """Viewers with the same audience are sent the same frame: the host, or the
    participants who have answered the same of the current rounds."""
    if host:
        return True
    return frozenset(q.question_id for q in event.questions if (q.question_id, q.round) in answered)
