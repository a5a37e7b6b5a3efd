"""`memory://` — sessions in this process only, for tests and throwaway demos.

Nothing survives a restart, so every change is "durable" at once: the journal keeps the
ballots for audits and announces each change immediately.
"""

from __future__ import annotations

import copy
import secrets
from collections.abc import Callable, Collection
from typing import Any

from tohyo.domain import Session
from tohyo.domain.event import Event, Response, RoundKey
from tohyo.domain.model import Ballot
from tohyo.domain.questions import Increments
from tohyo.domain.transitions import kept_ballot
from tohyo.storage.base import ChangeListener
from tohyo.storage.event_homes import Answers, Held, Kept, LocalEvents
from tohyo.storage.events import Answer, EventStore
from tohyo.storage.local import Done, LocalStore
from tohyo.storage.local_qa import QaStored, apply_qa_change
from tohyo.storage.qa import QaChange


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

    def load_voters(self, session_id: str) -> dict[bytes, Ballot]:
        ballots = self._ballots.get(session_id, {})
        return {voter: kept_ballot(ids) for voter, ids in ballots.items()}

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


class MemoryEventJournal:
    """Events, their answers, nicknames and Q&A, in dicts; every change is "durable" at once."""

    def __init__(self) -> None:
        self._events: dict[str, Event] = {}
        # Per event, each answer under whose it is: a changed answer takes its place.
        self._responses: dict[str, dict[Answer, Response]] = {}
        self._kept: dict[str, Kept] = {}
        self._nicknames: dict[str, Held] = {}
        self._qa: dict[str, QaStored] = {}
        self._notify: Callable[[Event, Collection[Answer]], None] = lambda event, who: None

    def bind_events(
        self, notify: Callable[[Event, Collection[Answer]], None], on_failure: Callable[[], None]
    ) -> None:
        self._notify = notify

    def load_event(self, event_id: str) -> Event | None:
        return self._events.get(event_id)

    def load_answers(self, event_id: str) -> Answers:
        answers: Answers = {}
        for participant, question_id, round_ in self._responses.get(event_id, ()):
            answers.setdefault(participant, set()).add((question_id, round_))
        return answers

    def load_kept(self, event_id: str) -> Kept:
        return dict(self._kept.get(event_id, ()))

    def answers_of(
        self, event_id: str, participant: bytes, rounds: Collection[RoundKey]
    ) -> dict[RoundKey, Any]:
        """`participant`'s answers in those of `rounds` they answered: looked up by their
        keys, not picked from every answer of the event."""
        stored = self._responses.get(event_id, {})
        found = (stored.get((participant, question_id, round_)) for question_id, round_ in rounds)
        return {(r.question_id, r.round): r.answer for r in found if r is not None}

    def load_nicknames(self, event_id: str) -> Held:
        return dict(self._nicknames.get(event_id, ()))  # the home's to change, not this one

    def live_codes(self) -> dict[str, str]:
        return {e.code: e.event_id for e in self._events.values() if e.code}

    def record_event(self, event: Event, created: bool = False) -> Done:
        if created:
            self._responses[event.event_id] = {}
            self._kept[event.event_id] = {}
        self._events[event.event_id] = event
        self._notify(event, ())
        return None

    def record_response(
        self,
        event: Event,
        response: Response,
        increments: Increments | None = None,
        replaces: bool = False,
    ) -> Done:
        whose = (response.participant, response.question_id, response.round)
        event_id = event.event_id
        self._responses[event_id][whose] = response  # a changed answer: in the old one's place
        if increments is not None:
            self._kept[event_id][whose] = increments
        self._events[event_id] = event
        self._notify(event, (whose,))
        return None

    def record_nickname(self, event_id: str, participant: bytes, key: str, shown: str) -> Done:
        self._nicknames.setdefault(event_id, {})[participant] = (key, shown)
        return None

    def load_qa(self, event_id: str) -> QaStored:
        return copy.deepcopy(self._qa.get(event_id, QaStored()))  # the home's to change

    def record_qa(self, event_id: str, change: QaChange) -> Done:
        stored = self._qa.setdefault(event_id, QaStored())
        apply_qa_change(stored, change)
        return None

    def record_event_delete(self, event_id: str) -> Done:
        self._events.pop(event_id, None)
        self._qa.pop(event_id, None)
        self._responses.pop(event_id, None)
        self._kept.pop(event_id, None)
        self._nicknames.pop(event_id, None)
        return None

    def durable(self) -> Done:
        return None

    def expired_events(self, now: int, limit: int) -> list[str]:
        return [eid for eid, e in self._events.items() if e.expired(now)][:limit]

    def responses(self, event_id: str) -> list[Response]:
        return list(self._responses.get(event_id, {}).values())


class MemoryStore(LocalStore):
    def __init__(self) -> None:
        super().__init__(MemoryJournal())
        self.events: EventStore = LocalEvents(MemoryEventJournal())
