"""What clients send, checked: a create request, a ballot, the host's settings.

Optional fields are left out to mean "not given"; `null` is not a value of any of them
(a client sending `"durationSeconds": null` to drop a deadline would otherwise get a 200
that changed nothing). Fields the API does not know are ignored, on every endpoint.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from tohyo.domain import text
from tohyo.domain.model import (
    CHOICES_MAX,
    CHOICES_MIN,
    DEFAULT_VISIBILITY,
    VISIBILITIES,
    VOTE_TYPES,
    Choice,
    Definition,
    State,
    Visibility,
    VoteType,
)
from tohyo.domain.times import iso, parse_time
from tohyo.errors import InvalidBallot, ValidationFailed

DURATION_MIN = 5  # seconds: a deadline sooner than this is a mistake, not a poll
DURATION_LIMIT = 10**8  # seconds, exclusive: a bound on the number; the expiry comes first
DEADLINE_FIELDS = ("closesAt", "durationSeconds")
SETTINGS_FIELDS = ("resultsVisibility", *DEADLINE_FIELDS)

# UUID4 in canonical lower-case form; anything else cannot name a session.
_SESSION_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


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
                [issue("closesAt", f"must be at least {DURATION_MIN} seconds in the future")],
            )
        if closes_at > expires_at:
            raise ValidationFailed(
                "The deadline must be before the session expires",
                [issue("closesAt", f"must be no later than {iso(expires_at)}")],
            )
        return closes_at


@dataclass(frozen=True, slots=True)
class Draft:
    """A validated request to create a session."""

    question: str
    vote_type: VoteType
    choices: tuple[str, ...]
    visibility: Visibility = DEFAULT_VISIBILITY
    deadline: Deadline | None = None


@dataclass(frozen=True, slots=True)
class SettingsChange:
    """A validated `POST /settings` body: at least one of the two is given."""

    visibility: Visibility | None = None
    deadline: Deadline | None = None


def is_session_id(value: str) -> bool:
    return len(value) == 36 and _SESSION_ID.fullmatch(value) is not None


def parse_draft(payload: Any) -> Draft:
    """Validate a create request body `{question, voteType, choices: [{text}]}`."""
    if not isinstance(payload, dict):
        raise ValidationFailed("The body must be a JSON object", [issue("", "must be an object")])
    problems: list[dict[str, str]] = []

    question = text_field(payload.get("question"), "question", text.QUESTION_MAX, problems)

    vote_type = payload.get("voteType")
    if vote_type not in VOTE_TYPES:
        problems.append(issue("voteType", "must be 'single' or 'multiple'"))

    texts = choice_texts(payload.get("choices"), problems)

    visibility = visibility_field(payload, problems) or DEFAULT_VISIBILITY
    deadline = None
    try:
        deadline = parse_deadline(payload)
    except ValidationFailed as error:
        problems += error.details

    if problems:
        raise ValidationFailed(problems[0]["field"] + " " + problems[0]["message"], problems)
    assert question is not None
    return Draft(question, vote_type, tuple(texts), visibility, deadline)  # type: ignore[arg-type]


def parse_settings(payload: Any) -> SettingsChange:
    """Validate a `POST /settings` body: `resultsVisibility` and/or a deadline."""
    if not isinstance(payload, dict):
        raise ValidationFailed("The body must be a JSON object", [issue("", "must be an object")])
    if not any(name in payload for name in SETTINGS_FIELDS):
        raise ValidationFailed(
            "Give resultsVisibility, closesAt or durationSeconds",
            [issue("", "must have one of " + ", ".join(SETTINGS_FIELDS))],
        )
    problems: list[dict[str, str]] = []
    visibility = visibility_field(payload, problems)
    if problems:
        raise ValidationFailed(problems[0]["field"] + " " + problems[0]["message"], problems)
    return SettingsChange(visibility, parse_deadline(payload))


def parse_deadline(payload: dict[str, Any]) -> Deadline | None:
    """`closesAt` (an ISO 8601 time with a zone) or `durationSeconds`, not both."""
    if all(name in payload for name in DEADLINE_FIELDS):
        raise ValidationFailed(
            "Give closesAt or durationSeconds, not both",
            [issue("closesAt", "cannot be combined with durationSeconds")],
        )
    if "durationSeconds" in payload:
        seconds = payload["durationSeconds"]
        if isinstance(seconds, float) and seconds.is_integer():
            seconds = int(seconds)  # JSON has numbers, not integers: 60.0 is 60
        if (
            isinstance(seconds, bool)
            or not isinstance(seconds, int)
            or not 0 < seconds < DURATION_LIMIT
        ):
            raise ValidationFailed(
                "durationSeconds must be a whole number of seconds",
                [issue("durationSeconds", "must be a positive whole number of seconds")],
            )
        return Deadline(seconds=seconds)
    if "closesAt" in payload:
        return Deadline(at=parse_time(payload["closesAt"], "closesAt"))
    return None


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


def make_definition(
    draft: Draft, session_id: str, host_key: bytes, now: int, ttl_ms: int
) -> Definition:
    choices = tuple(Choice(str(i), t) for i, t in enumerate(draft.choices, start=1))
    return Definition(
        session_id, draft.question, draft.vote_type, choices, now, now + ttl_ms, host_key
    )


def initial_state(draft: Draft, definition: Definition) -> State:
    """A new session's state: open, no votes, the draft's visibility and deadline."""
    closes_at = None
    if draft.deadline is not None:
        closes_at = draft.deadline.resolve(definition.created_at, definition.expires_at)
    return State.initial(len(definition.choices), draft.visibility, closes_at)


def choice_texts(raw_choices: Any, problems: list[dict[str, str]]) -> list[str]:
    """The trimmed texts of `choices: [{text}]` (a poll's, an event question's), each
    problem noted in `problems`: a text that is not one is left out."""
    texts: list[str] = []
    if not isinstance(raw_choices, list):
        problems.append(issue("choices", "must be a list of {text} objects"))
        return texts
    if not CHOICES_MIN <= len(raw_choices) <= CHOICES_MAX:
        problems.append(issue("choices", f"must have {CHOICES_MIN}-{CHOICES_MAX} entries"))
    for i, raw in enumerate(raw_choices[: CHOICES_MAX + 1]):
        field = f"choices[{i}].text"
        raw_text = raw.get("text") if isinstance(raw, dict) else None
        choice = text_field(raw_text, field, text.CHOICE_TEXT_MAX, problems)
        if choice is None:
            continue
        if choice in texts:
            problems.append(issue(field, "duplicates another choice"))
        texts.append(choice)
    return texts


def issue(field: str, message: str) -> dict[str, str]:
    return {"field": field, "message": message}


def text_field(value: Any, field: str, limit: int, problems: list[dict[str, str]]) -> str | None:
    """A question's or choice's text, trimmed, or None with the problem noted."""
    if not isinstance(value, str):
        problems.append(issue(field, "must be a string"))
        return None
    trimmed = text.trim(value)
    refused = text.refusal(trimmed, limit)
    if refused is not None:
        problems.append(issue(field, refused))
        return None
    return trimmed


def visibility_field(payload: dict[str, Any], problems: list[dict[str, str]]) -> Visibility | None:
    if "resultsVisibility" not in payload:
        return None
    visibility = payload["resultsVisibility"]
    if visibility not in VISIBILITIES:
        problems.append(issue("resultsVisibility", "must be one of " + ", ".join(VISIBILITIES)))
        return None
    return visibility  # type: ignore[no-any-return]
