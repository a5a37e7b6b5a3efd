"""`memory://` — sessions in this process only, for tests and throwaway demos.

Nothing survives a restart, so every change is "durable" at once: the journal keeps the
ballots for audits and announces each change immediately.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from tohyo.domain import Session
from tohyo.storage.base import ChangeListener
from tohyo.storage.local import Done, LocalStore


class MemoryJournal:
    def __init__(self) -> None:
        self._key = secrets.token_bytes(32)
        self._sessions: dict[str, Session] = {}
        self._ballots: dict[str, dict[bytes, tuple[str, ...]]] = {}
        self._notify: ChangeListener = lambda session: None

    def bind(self, notify: ChangeListener, on_failure: Callable[[], None]) -> None:
        self._notify = notify

    async def start(self) -> None:
        pass

    async def close(self) -> None:
        pass

    def server_key(self) -> bytes:
        return self._key

    async def ready(self) -> bool:
        return True

    def load(self, session_id: str) -> Session | None:
        return self._sessions.get(session_id)

    def load_voters(self, session_id: str) -> set[bytes]:
        return set(self._ballots.get(session_id, ()))

    def record_create(self, session: Session) -> Done:
        self._ballots[session.session_id] = {}
        return self.record_state(session)

    def record_ballot(
        self, session: Session, voter_key: bytes, choice_ids: tuple[str, ...], now: int
    ) -> Done:
        self._ballots[session.session_id][voter_key] = choice_ids
        return self.record_state(session)

    def record_state(self, session: Session) -> Done:
        self._sessions[session.session_id] = session
        self._notify(session)
        return None

    def record_delete(self, session_id: str) -> Done:
        self._sessions.pop(session_id, None)
        self._ballots.pop(session_id, None)
        return None

    def durable(self) -> Done:
        return None

    def expired(self, now: int, limit: int) -> list[str]:
        return [sid for sid, s in self._sessions.items() if s.expired(now)][:limit]

    def ballots(self, session_id: str) -> list[tuple[str, ...]]:
        return list(self._ballots.get(session_id, {}).values())


class MemoryStore(LocalStore):
    def __init__(self) -> None:
        super().__init__(MemoryJournal())
