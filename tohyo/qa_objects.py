"""An event's audience Q&A, over the event store and the feed: asking, upvoting, the
host's moderation, and the `qa` frames every open stream of the event is sent.

A change made here reaches this process's streams at once (the store tells its Q&A
listeners); one made by another process is found by reading the version of each watched
event's Q&A every QA_POLL seconds — one small read per event per process, however many
phones watch. Either way one read of the board serves every stream of the event here:
a storm of upvotes is one read in flight at a time, and the feed paces the frames.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterable
from typing import Any, cast

from tohyo.domain import event_transitions as transitions
from tohyo.domain import qa
from tohyo.domain.event import Event
from tohyo.domain.qa import QaBoard, QaEntry, QaMode
from tohyo.errors import NotFound, TohyoError, ValidationFailed
from tohyo.feed import EventFeed
from tohyo.feed.frames import sse_frame
from tohyo.storage.events import EventStore

log = logging.getLogger("tohyo.qa")

QA_POLL = 1.0  # seconds between reads of the watched events' Q&A versions
FRAME_ENTRIES = 100  # a frame's most upvoted and its newest: the rest is GET …/qa's
NO_NICKNAME = "Choose a nickname first, or ask anonymously"


class QaObjects:
    def __init__(self, store: EventStore, feed: EventFeed, clock: Callable[[], int]) -> None:
        self.store = store
        self.feed = feed
        self.clock = clock
        # Per event: the board read being made, and whether another change came meanwhile.
        self._reading: dict[str, asyncio.Task[None]] = {}
        self._again: set[str] = set()
        self._poller: asyncio.Task[None] | None = None
        store.add_qa_listener(self.changed)
        store.add_event_listener(self._event_changed)

    def start(self) -> None:
        self._poller = asyncio.create_task(self._poll_forever(), name="tohyo-qa-poll")

    async def stop(self) -> None:
        tasks = [t for t in (self._poller, *self._reading.values()) if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    # --- what participants do -------------------------------------------------------

    async def ask(self, event_id: str, participant: bytes, payload: Any) -> dict[str, Any]:
        """A participant's question to the host: 201's body, the entry as they see it."""
        ask = qa.parse_ask(payload)
        # Read, not the watched copy: whether the host approves it first turns on the mode.
        event = await self._live(event_id, read=True)
        nickname = None
        if ask.with_nickname:
            nickname = await self.store.nickname_of(event_id, participant)
            if nickname is None:
                raise ValidationFailed(NO_NICKNAME, [{"field": "nickname", "message": NO_NICKNAME}])
        mode = cast(QaMode, event.qa)
        status, filtered = qa.first_status(mode, ask.text, event.filters())
        entry = await self.store.qa_ask(
            event_id, participant, ask.text, nickname, status, filtered, self.clock()
        )
        return qa.entry_view(entry, host=False, mine=True)

    async def upvote(
        self, event_id: str, entry_id: str, participant: bytes, up: bool
    ) -> dict[str, Any]:
        """Add or take back `participant`'s upvote: `{entryId, upvotes, upvoted}`."""
        await self._live(event_id)
        count = await self.store.qa_upvote(event_id, entry_id, participant, up, self.clock())
        return {"entryId": entry_id, "upvotes": count, "upvoted": up}

    # --- what the host does ---------------------------------------------------------

    async def moderate(self, event_id: str, entry_id: str, action: str) -> dict[str, Any]:
        """Apply the host's moderation; the entry as the host sees it."""
        chosen = qa.parse_action(action)
        entry = await self.store.qa_moderate(event_id, entry_id, chosen, self.clock())
        return qa.entry_view(entry, host=True)

    async def board(self, event: Event, participant: bytes | None, host: bool) -> dict[str, Any]:
        """`GET …/qa`: every entry this viewer may see, with their own upvotes marked."""
        board = await self.store.qa_board(event.event_id, self.clock())
        upvoted: frozenset[str] = frozenset()
        if participant is not None:
            upvoted = await self.store.qa_upvoted(event.event_id, participant)
        mode = cast(QaMode, event.qa)
        return qa.board_view(board, mode, host=host, participant=participant, upvoted=upvoted)

    async def entries(self, event_id: str) -> QaBoard:
        """Every entry, for the export."""
        return await self.store.qa_board(event_id, self.clock())

    async def _live(self, event_id: str, read: bool = False) -> Event:
        """The event, live and with Q&A on. A watched event's newest state here serves (an
        upvote storm is then one storage step per upvote, not a read and a step): storage
        decides whether the event is live anyway, and a Q&A turned off a moment ago
        elsewhere lets one more question or upvote in at most."""
        topic = None if read else self.feed.event_topic(event_id)
        event = topic.latest if topic is not None else None
        if event is None or event.expired(self.clock()):
            event, _ = await self.store.get_event(event_id, None, self.clock())
        transitions.require_live(event)
        qa.require_asking(cast(QaMode, event.qa))
        return event

    # --- the streams' frames ----------------------------------------------------------

    def watching(self, event: Event) -> None:
        """A stream of `event` opened here: its Q&A's frames, if none are rendered yet."""
        topic = self.feed.event_topic(event.event_id)
        if event.qa != "off" and topic is not None and topic.qa is None:
            self.changed(event.event_id)

    def _event_changed(self, event: Event, answers: object) -> None:
        """Event listener: Q&A just turned on for streams open here gets its frames now,
        not at the next poll."""
        if event.qa != "off":
            self.watching(event)

    def changed(self, event_id: str) -> None:
        """The event's Q&A changed (here, or seen from another process): read the board
        again for its streams — once, after the read in flight if there is one."""
        if self.feed.event_topic(event_id) is None:
            return  # no stream of it here
        if event_id in self._reading:
            self._again.add(event_id)
            return
        task = asyncio.create_task(self._show(event_id), name="tohyo-qa-frame")
        self._reading[event_id] = task

    async def _show(self, event_id: str) -> None:
        try:
            while True:
                self._again.discard(event_id)
                try:
                    board = await self.store.qa_board(event_id, self.clock())
                except NotFound:
                    return
                except TohyoError as error:  # storage trouble: the next change or poll
                    log.warning("reading the Q&A of %s failed: %s", event_id, error)
                    return
                self.feed.show_qa(event_id, board.version, *frames(board))
                if event_id not in self._again:
                    return
                # A storm of upvotes: one read per pass of the feed, which could not send
                # the boards between any sooner (and the loop has upvotes to take).
                await asyncio.sleep(self.feed.interval)
        finally:
            self._reading.pop(event_id, None)

    async def _poll_forever(self) -> None:
        while True:
            await asyncio.sleep(QA_POLL)
            for topic in self.feed.event_topics():
                event = topic.latest
                if event is None or event.qa == "off" or not topic.viewers:
                    continue
                try:
                    version = await self.store.qa_version(topic.session_id)
                except TohyoError:
                    continue  # the next round tries again
                shown = topic.qa[0] if topic.qa is not None else 0
                if version > shown or topic.qa is None:
                    self.changed(topic.session_id)


def frames(board: QaBoard) -> tuple[bytes, bytes]:
    """The `qa` frames of `board`: everyone's (the shown entries, at most the
    FRAME_ENTRIES most upvoted and the FRAME_ENTRIES newest) and the host's (every
    entry: the host moderates them all)."""
    everyone = qa.board_view(_framed(board), "open", host=False)
    host = qa.board_view(board, "open", host=True)
    for view in (everyone, host):
        del view["mode"]  # the event's frames say it (the host may switch it any time)
    return sse_frame("qa", None, everyone), sse_frame("qa", None, host)


def _framed(board: QaBoard) -> QaBoard:
    shown = [e for e in board.entries if e.status in qa.SHOWN]
    if len(shown) <= 2 * FRAME_ENTRIES:
        return QaBoard(board.version, board.pinned, tuple(shown))
    keep = {e.entry_id for e in _top(shown)} | {e.entry_id for e in shown[-FRAME_ENTRIES:]}
    pinned = board.pinned
    return QaBoard(
        board.version,
        pinned,
        tuple(e for e in shown if e.entry_id in keep or e.entry_id == pinned),
    )


def _top(entries: Iterable[QaEntry]) -> list[QaEntry]:
    return sorted(entries, key=lambda e: (-e.upvotes, e.asked_at))[:FRAME_ENTRIES]
