"""A quiz's players and leaderboard, over the event store: nicknames, and the board every
phone asks for the moment a question closes.

The board is computed from the event's stored answers (`domain.quiz`), and only closed
rounds count, whose answers no longer change — so one board serves every request until
another quiz round closes or a reset reopens one. When a question closes in a hall, every
phone asks at once: the first request computes the board and the others wait for that
one computation (one read of the answers, not ten thousand).
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

from tohyo.domain import event_transitions as transitions
from tohyo.domain import quiz
from tohyo.domain.event import Event
from tohyo.storage.events import EventStore

BOARDS_KEPT = 64  # events whose latest board this process keeps


class QuizObjects:
    def __init__(self, store: EventStore, clock: Callable[[], int]) -> None:
        self.store = store
        self.clock = clock
        # By event: what its board was made from (the closed rounds), and the board.
        self._boards: OrderedDict[str, tuple[Any, asyncio.Task[quiz.Board]]] = OrderedDict()
        # By event: its nicknames, read with its board and again after a rename here.
        self._names: dict[str, asyncio.Task[dict[bytes, str]]] = {}

    async def nickname(self, event_id: str, participant: bytes | None) -> str | None:
        """`participant`'s nickname in the event (NotFound for no live event)."""
        await self.store.get_event(event_id, None, self.clock())
        if participant is None:
            return None
        return await self.store.nickname_of(event_id, participant)

    async def set_nickname(self, event_id: str, participant: bytes, raw: object) -> str:
        """Give `participant` a nickname (`domain.quiz.nickname`'s rules, the event's
        filters), unique in the event: 409 nickname_taken if another player holds it, 409
        invalid_state (`quiz.RENAME_TOO_LATE`) once they have answered a quiz question (a
        score's name does not change under it). Storage decides that where it claims the
        name, against the event's quiz questions: an answer committing between a check
        here and the write would otherwise let the name change after it. (A quiz question
        added after this read has no answers yet: one needs it open.) Returns the name as
        stored."""
        now = self.clock()
        event, _ = await self.store.get_event(event_id, None, now)
        shown, key = quiz.nickname(raw, event.filters())
        quizzes = [q.question_id for q in event.questions if transitions.timed(q)]
        await self.store.set_nickname(event_id, participant, shown, key, now, quizzes)
        self.renamed(event_id)
        return shown

    async def leaderboard(self, event_id: str, participant: bytes | None) -> dict[str, Any]:
        """`GET …/leaderboard` as `participant` (None: the screen, or a stranger) sees it."""
        event, _ = await self.store.get_event(event_id, None, self.clock())
        made = await self._board(event)
        names = await self._nicknames(event_id)
        return quiz.board_view(event, made, names, participant)

    def renamed(self, event_id: str) -> None:
        """A nickname of the event changed here: the next board reads the names again.
        (The board itself stays: a name changes only before its player's first answer, so
        no one on it is renamed; another process's rename is read at the next close.)"""
        self._names.pop(event_id, None)

    async def _board(self, event: Event) -> quiz.Board:
        key = quiz.board_key(event)
        kept = self._boards.get(event.event_id)
        if kept is None or kept[0] != key or _failed(kept[1]):
            # A task of its own: a phone that hangs up cancels its wait, not the others'.
            kept = (key, asyncio.create_task(self._make(event)))
            self._boards[event.event_id] = kept
            self._names.pop(event.event_id, None)  # read with the new board
            if len(self._boards) > BOARDS_KEPT:
                gone, _ = self._boards.popitem(last=False)
                self._names.pop(gone, None)
        self._boards.move_to_end(event.event_id)
        return await asyncio.shield(kept[1])

    async def _make(self, event: Event) -> quiz.Board:
        return quiz.board(event, await self.store.responses(event.event_id))

    async def _nicknames(self, event_id: str) -> Mapping[bytes, str]:
        kept = self._names.get(event_id)
        if kept is None or _failed(kept):
            kept = asyncio.create_task(self.store.nicknames(event_id))
            self._names[event_id] = kept
        return await asyncio.shield(kept)


def _failed(task: asyncio.Task[Any]) -> bool:
    """A board whose computation failed is made again by the next request."""
    return task.done() and (task.cancelled() or task.exception() is not None)
