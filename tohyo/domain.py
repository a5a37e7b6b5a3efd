"""The voting model: validation, state transitions and tallies. Pure — no I/O, no clock.

Every backend calls these functions inside its own atomic section, so the rules
(what a valid question or ballot is, what a vote or close does to the state) are
written once. Times are integer milliseconds since the epoch, passed in by callers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Literal

from tohyo.errors import InvalidBallot, ValidationFailed, VotingClosed

VoteType = Literal["single", "multiple"]
Status = Literal["active", "closed"]
# Who sees the counts: the host always; besides the host, by the session's setting.
Visibility = Literal["host", "after_vote", "always", "after_close"]

VOTE_TYPES: tuple[VoteType, ...] = ("single", "multiple")
VISIBILITIES: tuple[Visibility, ...] = ("after_vote", "always", "after_close", "host")
DEFAULT_VISIBILITY: Visibility = "after_vote"
DURATION_MIN = 5  # seconds: a deadline sooner than this is a mistake, not a poll
QUESTION_MAX = 255
CHOICE_TEXT_MAX = 100
CHOICES_MIN = 2
CHOICES_MAX = 10

# UUID4 in canonical lower-case form; anything else cannot name a session.
_SESSION_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


@dataclass(frozen=True, slots=True)
class Choice:
    choice_id: str
    text: str


@dataclass(frozen=True, slots=True)
class Draft:
    """A validated request to create a session."""

    question: str
    vote_type: VoteType
    choices: tuple[str, ...]
    visibility: Visibility = DEFAULT_VISIBILITY
    deadline: Deadline | None = None


@dataclass(frozen=True, slots=True)
class Deadline:
    """When voting closes by itself: an absolute time or a duration from now."""

    at: int | None = None  # milliseconds since the epoch
    seconds: int | None = None

    def resolve(self, now: int, expires_at: int) -> int:
        closes_at = self.at if self.at is not None else now + 1000 * (self.seconds or 0)
        if closes_at < now + DURATION_MIN * 1000:
            raise ValidationFailed(
                f"The deadline must be at least {DURATION_MIN} seconds away",
                [_issue("closesAt", f"must be at least {DURATION_MIN} seconds in the future")],
            )
        if closes_at > expires_at:
            raise ValidationFailed(
                "The deadline must be before the session expires",
                [_issue("closesAt", f"must be no later than {iso(expires_at)}")],
            )
        return closes_at


@dataclass(frozen=True, slots=True)
class Definition:
    """What a session asks; immutable after creation."""

    session_id: str
    question: str
    vote_type: VoteType
    choices: tuple[Choice, ...]
    created_at: int
    expires_at: int
    host_key: bytes  # keyed hash of the host token, never the token itself


@dataclass(frozen=True, slots=True)
class State:
    """What a session's votes are now, and the host's settings that may change: only
    through `add_ballot`, `close`, `close_if_due` and `configure`."""

    status: Status
    counts: tuple[int, ...]
    total_votes: int
    version: int
    closed_at: int | None = None
    visibility: Visibility = DEFAULT_VISIBILITY
    closes_at: int | None = None  # the deadline: voting closes by itself then

    @classmethod
    def initial(
        cls,
        n_choices: int,
        visibility: Visibility = DEFAULT_VISIBILITY,
        closes_at: int | None = None,
    ) -> State:
        return cls("active", (0,) * n_choices, 0, 1, None, visibility, closes_at)


@dataclass(frozen=True, slots=True)
class Session:
    definition: Definition
    state: State

    @property
    def session_id(self) -> str:
        return self.definition.session_id

    @property
    def version(self) -> int:
        return self.state.version

    def expired(self, now: int) -> bool:
        return self.definition.expires_at <= now


# --- validation -------------------------------------------------------------------


def is_session_id(value: str) -> bool:
    return len(value) == 36 and _SESSION_ID.fullmatch(value) is not None


def parse_draft(payload: Any) -> Draft:
    """Validate a create request body `{question, voteType, choices: [{text}]}`."""
    if not isinstance(payload, dict):
        raise ValidationFailed("The body must be a JSON object", [_issue("", "must be an object")])
    problems: list[dict[str, str]] = []

    question = payload.get("question")
    if not isinstance(question, str):
        problems.append(_issue("question", "must be a string"))
    else:
        question = question.strip()
        if not 1 <= len(question) <= QUESTION_MAX:
            problems.append(_issue("question", f"must be 1-{QUESTION_MAX} characters"))

    vote_type = payload.get("voteType")
    if vote_type not in VOTE_TYPES:
        problems.append(_issue("voteType", "must be 'single' or 'multiple'"))

    texts: list[str] = []
    raw_choices = payload.get("choices")
    if not isinstance(raw_choices, list):
        problems.append(_issue("choices", "must be a list of {text} objects"))
    else:
        if not CHOICES_MIN <= len(raw_choices) <= CHOICES_MAX:
            problems.append(_issue("choices", f"must have {CHOICES_MIN}-{CHOICES_MAX} entries"))
        for i, raw in enumerate(raw_choices[: CHOICES_MAX + 1]):
            text = raw.get("text") if isinstance(raw, dict) else None
            if not isinstance(text, str):
                problems.append(_issue(f"choices[{i}].text", "must be a string"))
                continue
            text = text.strip()
            if not 1 <= len(text) <= CHOICE_TEXT_MAX:
                problems.append(
                    _issue(f"choices[{i}].text", f"must be 1-{CHOICE_TEXT_MAX} characters")
                )
            elif text in texts:
                problems.append(_issue(f"choices[{i}].text", "duplicates another choice"))
            texts.append(text)

    visibility = payload.get("resultsVisibility", DEFAULT_VISIBILITY)
    if visibility not in VISIBILITIES:
        problems.append(_issue("resultsVisibility", "must be one of " + ", ".join(VISIBILITIES)))
    deadline = None
    try:
        deadline = parse_deadline(payload)
    except ValidationFailed as error:
        problems += error.details

    if problems:
        raise ValidationFailed(problems[0]["field"] + " " + problems[0]["message"], problems)
    return Draft(question, vote_type, tuple(texts), visibility, deadline)  # type: ignore[arg-type]


def parse_deadline(payload: dict[str, Any]) -> Deadline | None:
    """`closesAt` (an ISO 8601 time with a zone) or `durationSeconds`, not both."""
    at, seconds = payload.get("closesAt"), payload.get("durationSeconds")
    if at is not None and seconds is not None:
        raise ValidationFailed(
            "Give closesAt or durationSeconds, not both",
            [_issue("closesAt", "cannot be combined with durationSeconds")],
        )
    if seconds is not None:
        if isinstance(seconds, bool) or not isinstance(seconds, int) or not 0 < seconds < 10**8:
            raise ValidationFailed(
                "durationSeconds must be a whole number of seconds",
                [_issue("durationSeconds", "must be a positive whole number of seconds")],
            )
        return Deadline(seconds=seconds)
    if at is not None:
        return Deadline(at=parse_time(at, "closesAt"))
    return None


def parse_time(value: Any, field: str) -> int:
    """An ISO 8601 date-time with a time zone, as milliseconds since the epoch."""
    problem = ValidationFailed(
        f"{field} must be an ISO 8601 time with a zone, like 2026-11-28T18:30:00Z",
        [_issue(field, "must be an ISO 8601 date-time with a time zone")],
    )
    if not isinstance(value, str) or len(value) > 40:
        raise problem
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise problem from None
    if parsed.tzinfo is None:
        raise problem
    return int(parsed.timestamp() * 1000)


def make_definition(
    draft: Draft, session_id: str, host_key: bytes, now: int, ttl_ms: int
) -> Definition:
    choices = tuple(Choice(str(i), text) for i, text in enumerate(draft.choices, start=1))
    return Definition(
        session_id, draft.question, draft.vote_type, choices, now, now + ttl_ms, host_key
    )


def initial_state(draft: Draft, definition: Definition) -> State:
    """A new session's state: open, no votes, the draft's visibility and deadline."""
    closes_at = None
    if draft.deadline is not None:
        closes_at = draft.deadline.resolve(definition.created_at, definition.expires_at)
    return State.initial(len(definition.choices), draft.visibility, closes_at)


def parse_ballot(payload: Any) -> tuple[str, ...]:
    """Shape check of a vote body `{choiceIds: [...]}`; ids are checked by `ballot_indexes`."""
    if not isinstance(payload, dict):
        raise InvalidBallot("The body must be a JSON object with choiceIds")
    ids = payload.get("choiceIds")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise InvalidBallot("choiceIds must be a list of choice id strings")
    if len(ids) > CHOICES_MAX:
        raise InvalidBallot(f"A ballot names at most {CHOICES_MAX} choices")
    return tuple(ids)


def ballot_indexes(definition: Definition, choice_ids: tuple[str, ...]) -> tuple[int, ...]:
    """Map a ballot's choice ids to choice indexes, enforcing the session's vote type."""
    if not choice_ids:
        raise InvalidBallot("Choose at least one option")
    if definition.vote_type == "single" and len(choice_ids) != 1:
        raise InvalidBallot("This session accepts exactly one choice")
    if len(set(choice_ids)) != len(choice_ids):
        raise InvalidBallot("A choice appears more than once in the ballot")
    # Ids are "1".."n" exactly — "01", " 1" or "+1" name nothing — so look them up, never
    # parse them (int() of a 5,000-digit string raises).
    known = _CHOICE_INDEX[len(definition.choices)]
    indexes = []
    for cid in choice_ids:
        index = known.get(cid)
        if index is None:
            raise InvalidBallot(f"Unknown choice id {cid[:20]!r}", {"choiceId": cid[:20]})
        indexes.append(index)
    return tuple(indexes)


_CHOICE_INDEX = {n: {str(i + 1): i for i in range(n)} for n in range(CHOICES_MAX + 1)}


# --- transitions ------------------------------------------------------------------


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
    return ((count * 2000 + total) // (2 * total)) / 10


# --- views ------------------------------------------------------------------------


def iso(ms: int) -> str:
    """Milliseconds since the epoch as JavaScript's toISOString() writes them."""
    seconds, millis = divmod(ms, 1000)
    global _iso_second, _iso_prefix
    if seconds != _iso_second:  # formatting a datetime costs ~8 µs; votes share the second
        _iso_prefix = datetime.fromtimestamp(seconds, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.")
        _iso_second = seconds
    return f"{_iso_prefix}{millis:03d}Z"


_iso_second = -1
_iso_prefix = ""


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


def _issue(field: str, message: str) -> dict[str, str]:
    return {"field": field, "message": message}
