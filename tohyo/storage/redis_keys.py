"""Names of a session's Redis keys and channel. All carry the hash tag `{sessionId}`, so
on a Cluster one shard owns a session's keys, its scripts and its channel."""

from __future__ import annotations

SERVER_KEY = "tohyo:server-key"
EXPIRY_INDEX = "tohyo:expiry"  # session ids scored by expiresAt, for the sweeper


def session_key(session_id: str) -> str:
    return f"tohyo:{{{session_id}}}"


def ballots_key(session_id: str) -> str:
    return f"tohyo:{{{session_id}}}:ballots"


def channel(session_id: str) -> str:
    return f"tohyo:{{{session_id}}}:changes"


def session_of_channel(name: bytes) -> str:
    """b"tohyo:{<id>}:changes" -> "<id>"."""
    return name[len(b"tohyo:{") : -len(b"}:changes")].decode()
