"""`memory://` — sessions in a dict, for tests and throwaway demos. Nothing survives a restart.

Atomicity comes from asyncio itself: no operation awaits between its check and its write.
"""

from __future__ import annotations

import secrets

from tohyo import domain
from tohyo.domain import Definition, Session
from tohyo.errors import AlreadyVoted, NotFound
from tohyo.storage.base import Listeners


class _Entry:
    __slots__ = ("ballots", "session")

    def __init__(self, session: Session) -> None:
        self.session = session
        self.ballots: dict[bytes, tuple[str, ...]] = {}


class MemoryStore(Listeners):
    def __init__(self) -> None:
        super().__init__()
        self._entries: dict[str, _Entry] = {}
        self._key = secrets.token_bytes(32)

    async def start(self) -> None:
        pass

    async def close(self) -> None:
        pass

    async def server_key(self) -> bytes:
        return self._key

    def _entry(self, session_id: str, now: int) -> _Entry:
        entry = self._entries.get(session_id)
        if entry is None or entry.session.expired(now):
            raise NotFound()
        return entry

    async def create(self, definition: Definition) -> Session:
        session = Session(definition, domain.State.initial(len(definition.choices)))
        self._entries[definition.session_id] = _Entry(session)
        self._notify(session)
        return session

    async def get(self, session_id: str, voter_key: bytes | None, now: int) -> tuple[Session, bool]:
        entry = self._entry(session_id, now)
        return entry.session, voter_key is not None and voter_key in entry.ballots

    async def cast(
        self, session_id: str, voter_key: bytes, choice_ids: tuple[str, ...], now: int
    ) -> Session:
        entry = self._entry(session_id, now)
        session = entry.session
        domain.require_open(session.state)
        indexes = domain.ballot_indexes(session.definition, choice_ids)
        if voter_key in entry.ballots:
            raise AlreadyVoted()
        entry.ballots[voter_key] = choice_ids
        entry.session = Session(session.definition, domain.add_ballot(session.state, indexes))
        self._notify(entry.session)
        return entry.session

    async def close_voting(self, session_id: str, now: int) -> Session:
        entry = self._entry(session_id, now)
        state = domain.close(entry.session.state, now)
        if state is not entry.session.state:
            entry.session = Session(entry.session.definition, state)
            self._notify(entry.session)
        return entry.session

    async def expire(self, now: int, limit: int = 500) -> list[str]:
        gone = [sid for sid, e in self._entries.items() if e.session.expired(now)][:limit]
        for sid in gone:
            del self._entries[sid]
        return gone

    async def ballots(self, session_id: str) -> list[tuple[str, ...]]:
        entry = self._entries.get(session_id)
        return list(entry.ballots.values()) if entry else []
