"""What a viewer may see of a session: one snapshot for `GET /api/vote/{id}` and the
stream alike."""

from __future__ import annotations

from typing import Any

from tohyo.domain.model import Session
from tohyo.domain.times import iso
from tohyo.domain.transitions import percentage


def snapshot(session: Session, with_counts: bool) -> dict[str, Any]:
    """The state a viewer may see, shared by `GET /api/vote/{id}` and the stream."""
    d, s = session.definition, session.state
    choices: list[dict[str, Any]]
    if with_counts:
        choices = [
            {
                "choiceId": c.choice_id,
                "text": c.text,
                "voteCount": n,
                "percentage": percentage(n, s.total_votes),
            }
            for c, n in zip(d.choices, s.counts, strict=True)
        ]
    else:
        choices = [{"choiceId": c.choice_id, "text": c.text} for c in d.choices]
    view: dict[str, Any] = {
        "sessionId": d.session_id,
        "question": d.question,
        "voteType": d.vote_type,
        "choices": choices,
        "status": s.status,
        "createdAt": iso(d.created_at),
        "expiresAt": iso(d.expires_at),
        "resultsVisibility": s.visibility,
    }
    if s.closes_at is not None:
        view["closesAt"] = iso(s.closes_at)
    if s.closed_at is not None:
        view["closedAt"] = iso(s.closed_at)
    if with_counts:
        # The version counts ballots too (one each): whoever may not see the counts must
        # not see it either, or version - 1 would be the number of ballots.
        view["version"] = s.version
        view["totalVotes"] = s.total_votes
    return view
