"""A poll's session as Redis hands it back: the state line every script replies with, the
definition's hash fields (what `RedisStore.create` writes), and a voter's ballot field.
"""

from __future__ import annotations

import orjson

from tohyo import domain
from tohyo.domain import Definition, State
from tohyo.domain.model import Ballot
from tohyo.domain.transitions import kept_ballot


def parse_state(line: bytes) -> State:
    """The state line written by `state()` in lua/state.lua."""
    version, status, closed_at, total, visibility, deadline, *counts = line.split()
    return State(
        status.decode(),  # type: ignore[arg-type]
        tuple(int(c) for c in counts),
        int(total),
        int(version),
        int(closed_at) or None,
        visibility.decode(),  # type: ignore[arg-type]
        int(deadline) or None,
    )


def read_definition(session_id: str, fields: list[bytes]) -> Definition:
    question, vote_type, choices, created_at, expires_at, host_key = fields
    texts = orjson.loads(choices)
    return Definition(
        session_id,
        question.decode(),
        vote_type.decode(),  # type: ignore[arg-type]
        tuple(domain.Choice(str(i), t) for i, t in enumerate(texts, start=1)),
        int(created_at),
        int(expires_at),
        host_key,
    )


def parse_ballot(field: bytes) -> Ballot:
    """A voter's ballot field, "votedAt:id,id" (cast.lua), as its choice ids; b"": none."""
    if not field:
        return ()
    return kept_ballot(tuple(field.partition(b":")[2].decode().split(",")))
