"""A session's data: what it asks (`Definition`, immutable) and where its votes are
(`State`, changed only by the transitions). Frozen dataclasses, no behaviour."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

VoteType = Literal["single", "multiple"]
Status = Literal["active", "closed"]
# Who sees the counts: the host always; besides the host, by the session's setting.
Visibility = Literal["host", "after_vote", "always", "after_close"]

VOTE_TYPES: tuple[VoteType, ...] = ("single", "multiple")
VISIBILITIES: tuple[Visibility, ...] = ("after_vote", "always", "after_close", "host")
DEFAULT_VISIBILITY: Visibility = "after_vote"
CHOICES_MIN = 2
CHOICES_MAX = 10

# A voter's ballot as storage keeps it with their key: the chosen choice ids in the
# session's order; empty for a voter without one.
Ballot = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Choice:
    choice_id: str
    text: str


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
