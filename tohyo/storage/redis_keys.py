"""Names of a session's Redis key, fields and channel. Both names carry the hash tag
`{sessionId}`, so on a Cluster one shard owns a session's key, its scripts and its channel.
See lua/state.lua for the fields of the session's hash."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from redis.exceptions import RedisClusterException, RedisError

# What a failing Redis or Cluster can raise: every one means "storage unavailable" (503).
# RedisClusterException (e.g. no node reachable, a slot not covered) is not a RedisError.
FAILURES = (RedisError, RedisClusterException, OSError, TimeoutError)

BALLOT_PREFIX = b"b:"  # a voter's field in the session's hash

SERVER_KEY = "tohyo:server-key"
EXPIRY_INDEX = "tohyo:expiry"  # session ids scored by expiresAt, for the sweeper
READY_PROBE = "tohyo:ready-probe"  # written by /readyz after a failure: are writes taken?


def session_key(session_id: str) -> str:
    return f"tohyo:{{{session_id}}}"


def voter_field(voter_key: bytes) -> bytes:
    return BALLOT_PREFIX + voter_key


async def stored_ballots(client: Any, session_id: str) -> dict[bytes, bytes]:
    """voter key -> "votedAt:id,id" for every ballot of the session (an audit: HSCAN)."""
    found: dict[bytes, bytes] = {}
    async for field, value in client.hscan_iter(session_key(session_id), match=b"b:*"):
        found[field[len(BALLOT_PREFIX) :]] = value
    return found


def channel(session_id: str) -> str:
    return f"tohyo:{{{session_id}}}:changes"


def session_of_channel(name: bytes) -> str:
    """b"tohyo:{<id>}:changes" -> "<id>"."""
    return name[len(b"tohyo:{") : -len(b"}:changes")].decode()


@dataclass(frozen=True, slots=True)
class Topic:
    """How one kind of watched object is named: its channel (both ways) and the hash
    whose field "v" holds its stored version (what the change feed reads to heal)."""

    kind: str  # for logs and task names
    channel: Callable[[str], str]
    of_channel: Callable[[bytes], str]
    key: Callable[[str], str]


SESSIONS = Topic("session", channel, session_of_channel, session_key)


# --- events ------------------------------------------------------------------------------
# Every key of an event carries the hash tag {eventId}: one shard owns the event, its
# scripts and its channel. See lua/event_common.lua for the fields of each hash.

EVENT_EXPIRY_INDEX = "tohyo:ev-expiry"  # event ids scored by expiresAt, for the sweeper
ANSWERED_PREFIX = b"a:"  # a participant's answered set in the responses hash


def event_key(event_id: str) -> str:
    """The event's hash: its structure (`doc`), revision, version and what scripts check."""
    return f"tohyo:ev:{{{event_id}}}"


def event_tallies(event_id: str) -> str:
    return f"tohyo:ev:{{{event_id}}}:t"


def event_responses(event_id: str) -> str:
    return f"tohyo:ev:{{{event_id}}}:r"


def event_presence(event_id: str) -> str:
    """Who is connected to the event: a field per process, "<count> <nowMs>" (redis_presence)."""
    return f"tohyo:ev:{{{event_id}}}:here"


def event_keys(event_id: str) -> list[str]:
    """The three keys of an event, in the order every event script takes them."""
    return [event_key(event_id), event_tallies(event_id), event_responses(event_id)]


def event_nicknames(event_id: str) -> str:
    """participant -> their nickname, "<bytes in its key> <key><shown form>"
    (lua/event_nickname.lua)."""
    return f"tohyo:ev:{{{event_id}}}:n"


def event_nickname_owners(event_id: str) -> str:
    """A nickname's key -> the participant who holds it: one at most."""
    return f"tohyo:ev:{{{event_id}}}:nk"


def event_nickname_keys(event_id: str) -> list[str]:
    """The keys kept beside the event's own, outside the Event a copy holds: they expire
    and are deleted with the event (the change and expire scripts take them after its
    keys)."""
    return [event_nicknames(event_id), event_nickname_owners(event_id)]


def event_qa(event_id: str) -> str:
    """The event's audience Q&A: v (version), p (the pinned entry), n (the next entry's
    number) — lua/qa_common.lua describes every Q&A key."""
    return f"tohyo:ev:{{{event_id}}}:qa"


def event_qa_keys(event_id: str) -> list[str]:
    """Every key of the event's Q&A, in the order the Q&A scripts take them (after the
    event's hash): its state, entries, upvote counts, who asked how many, the upvotes,
    each participant's upvotes. Kept beside the event as nicknames are: they expire and
    are deleted with it (the change and expire scripts take them after the nicknames)."""
    prefix = f"tohyo:ev:{{{event_id}}}"
    return [event_qa(event_id), *(f"{prefix}:{part}" for part in ("qe", "qc", "qw", "qu", "qm"))]


def event_channel(event_id: str) -> str:
    return f"tohyo:ev:{{{event_id}}}:changes"


def event_of_channel(name: bytes) -> str:
    """b"tohyo:ev:{<id>}:changes" -> "<id>"."""
    return name[len(b"tohyo:ev:{") : -len(b"}:changes")].decode()


def code_key(code: str) -> str:
    """A join code's owner: global, not tagged, so on a Cluster any shard may hold it
    (SET NX is atomic wherever it lives)."""
    return f"tohyo:code:{code}"


EVENTS = Topic("event", event_channel, event_of_channel, event_key)
