"""The storage protocol: what a backend must do for a session to behave like a durable object.

Each operation is atomic for its session (checked and applied with no other operation of
that session in between) and returns only once its effect is durable. After a change is
durable the backend calls every change listener with the session's new committed state,
on the event loop, so the change feed never runs ahead of storage.

Backends implement the same outcomes for the same inputs; `tests/test_conformance.py`
is the judge.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from tohyo.domain import Definition, Session, State, Visibility
from tohyo.domain.model import Ballot
from tohyo.storage.events import EventStore

ChangeListener = Callable[[Session], None]
# Called with the stored state when storage turns out to have lost changes that listeners
# were already told about (only a shared store can: Redis after a failover).
RollbackListener = Callable[[Session], None]


class Store(Protocol):
    """A place where sessions live. Errors are `tohyo.errors` classes.

    `events` is the same backend's store of events (`tohyo.storage.events`): it shares
    this store's connections, commits and lifetime (`start`, `close`, `ready`)."""

    events: EventStore

    async def start(self) -> None:
        """Open connections and threads; called once from the app's lifespan."""

    async def close(self) -> None:
        """Finish pending writes and release every resource."""

    def add_listener(self, listener: ChangeListener) -> None:
        """Call `listener(session)` after each committed change."""

    def add_rollback_listener(self, listener: RollbackListener) -> None:
        """Call `listener(session)` when the stored state went back to an older version."""

    async def ready(self) -> bool:
        """Whether storage answers now (for /readyz)."""

    async def server_key(self) -> bytes:
        """The secret for keyed token hashes, generated once and kept with the data."""

    async def watch(self, session_id: str) -> None:
        """Make changes committed *anywhere* reach the listeners until `unwatch`; return once
        that holds. Calls nest: one `unwatch` per `watch`. A backend owned by one process
        hears every change already and does nothing."""

    def unwatch(self, session_id: str) -> None:
        """Undo one `watch`."""

    async def create(self, definition: Definition, initial: State | None = None) -> Session:
        """Store a new session (version 1, active; `initial` carries its settings)."""

    async def get(
        self, session_id: str, voter_key: bytes | None, now: int
    ) -> tuple[Session, Ballot]:
        """The committed session and the choice ids of `voter_key`'s ballot in the session's
        order (`domain.transitions.kept_ballot`), empty if it has none; NotFound if
        expired. Only that voter is ever shown them (`myChoiceIds`)."""

    async def cast(
        self, session_id: str, voter_key: bytes, choice_ids: tuple[str, ...], now: int
    ) -> Session:
        """Record one ballot: NotFound, VotingClosed, InvalidBallot or AlreadyVoted, else the
        new state, durable."""

    async def close_voting(self, session_id: str, now: int) -> Session:
        """Close voting (idempotent); NotFound if missing or expired."""

    async def configure(
        self,
        session_id: str,
        now: int,
        visibility: Visibility | None = None,
        closes_at: int | None = None,
    ) -> Session:
        """Change who sees the counts and/or the deadline (VotingClosed for a deadline of a
        closed session); unchanged settings keep the version.

        Every operation first closes a session that is past its deadline (as of the
        deadline, announced like any change): `domain.close_if_due`."""

    async def expire(self, now: int, limit: int = 500) -> list[str]:
        """Delete up to `limit` sessions whose time is up; return their ids."""

    async def ballots(self, session_id: str) -> list[tuple[str, ...]]:
        """Every stored ballot's choice ids (for audits and the conformance suite)."""


class Listeners:
    """Listener bookkeeping shared by the backends."""

    def __init__(self) -> None:
        self._listeners: list[ChangeListener] = []
        self._rollback_listeners: list[RollbackListener] = []

    def add_listener(self, listener: ChangeListener) -> None:
        self._listeners.append(listener)

    def add_rollback_listener(self, listener: RollbackListener) -> None:
        self._rollback_listeners.append(listener)

    def _notify(self, session: Session) -> None:
        for listener in self._listeners:
            listener(session)

    def _notify_rollback(self, session: Session) -> None:
        for listener in self._rollback_listeners:
            listener(session)
