"""Who is asking about an event: its host (cookie or Bearer token, as for polls) and/or a
participant (the voter cookie, hashed with the event's id: one cookie serves every event
and poll, and no two of them can link a participant's answers).

Shared by the event API and the event stream, so both see a request the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from tohyo.domain.event import Event, RoundKey
from tohyo.web import security
from tohyo.web.http import Headers, Request, cookie

# Event ids are UUID4 like session ids (domain.is_session_id checks the form).


@dataclass(frozen=True, slots=True)
class EventCaller:
    event: Event
    answered: frozenset[RoundKey]  # what this participant has answered (every round)
    host: bool
    participant: bytes | None  # None: no voter cookie yet


def participant_key(server_key: bytes, request: Request, event_id: str) -> bytes | None:
    token = request.cookies.get(security.VOTER_COOKIE)
    if not security.well_formed(token):
        return None
    assert token is not None
    return security.voter_key(server_key, event_id, token)


def voter_token(request: Request) -> tuple[str, bool]:
    """This browser's voter token, and whether it is new (then it must be set)."""
    token = request.cookies.get(security.VOTER_COOKIE)
    if security.well_formed(token):
        assert token is not None
        return token, False
    return security.new_token(), True


def voter_cookie(token: str, max_age: int, request: Request) -> tuple[bytes, bytes]:
    return cookie(security.VOTER_COOKIE, token, max_age=max_age, secure=request.secure)


def is_event_host(server_key: bytes, request: Request, event: Event) -> bool:
    return security.is_host(request, server_key, event.event_id, event.host_key)


def require_event_host(server_key: bytes, request: Request, event: Event) -> None:
    """401 without host credentials, 403 with wrong ones."""
    security.require_host(request, server_key, event.event_id, event.host_key)


__all__ = [
    "EventCaller",
    "Headers",
    "is_event_host",
    "participant_key",
    "require_event_host",
    "voter_cookie",
    "voter_token",
]
