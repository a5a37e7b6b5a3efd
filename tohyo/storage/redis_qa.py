"""Audience Q&A on Redis (`storage.qa.QaStore`): the Q&A half of `redis_events.RedisEvents`.

An event's Q&A is six keys beside the event's own, under its hash tag `{eventId}` so that
one shard owns them all (`redis_keys.event_qa_keys`; lua/qa_common.lua says what each
holds). Every change is one script on that shard, never a check from Python and a write
after it:

- asking (lua/qa_ask.lua): the event live, fewer than QA_MAX entries in it and fewer than
  QA_PER_PARTICIPANT of the author's — then the entry with the next id, the author's
  count and the version (the limits are read from `domain.qa` at each call, and passed);
- an upvote (lua/qa_upvote.lua): SADD of "<entryId> <participant>" to the event's set of
  upvotes decides one per participant, and the entry's count moves in the same step (a
  count is never read here and written back);
- moderation (lua/qa_moderate.lua): `domain.qa.moderate`, mirrored in Lua, on the entry
  and the pinned one at once; an action that changes nothing writes nothing.

Reads are one round trip each: the board (every entry and its count, of one moment: a
script), the version (one HGET), a participant's upvotes (one HGET). Nothing is
published on the event's channel (it carries the Event's messages): this process's Q&A
listeners are told after each change made here, and other processes read the version
(`tohyo.qa_objects` polls it).
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from tohyo.domain import qa
from tohyo.domain.qa import QaAction, QaBoard, QaEntry, QaStatus
from tohyo.errors import AlreadyVoted, EventEnded, InvalidState, NotFound
from tohyo.storage.qa import QaListener
from tohyo.storage.redis_event_reads import Caller, RedisEventReads
from tohyo.storage.redis_keys import event_key, event_qa, event_qa_keys

QA_SCRIPTS = ("ask", "upvote", "moderate", "board")


def _qa_script(name: str) -> str:
    lua = resources.files("tohyo.storage") / "lua"
    parts = ("event_common.lua", "qa_common.lua", f"qa_{name}.lua")
    return "\n".join((lua / part).read_text() for part in parts)


class RedisQa(RedisEventReads):
    """`QaStore` on the Redis connection and scripts `RedisEvents` shares."""

    def __init__(self, call: Caller) -> None:
        super().__init__(call)
        self._qa_listeners: list[QaListener] = []

    def start(self, client: Any) -> None:
        super().start(client)
        for name in QA_SCRIPTS:
            self._scripts[f"qa_{name}"] = client.register_script(_qa_script(name))

    def add_qa_listener(self, listener: QaListener) -> None:
        self._qa_listeners.append(listener)

    async def qa_ask(
        self,
        event_id: str,
        author: bytes,
        text: str,
        nickname: str | None,
        status: QaStatus,
        filtered: bool,
        now: int,
    ) -> QaEntry:
        asked = {"author": author.hex(), "text": text, "nickname": nickname}
        body = json.dumps({**asked, "askedAt": now, "filtered": filtered}, ensure_ascii=False)
        args = [now, author, status, body, qa.QA_MAX, qa.QA_PER_PARTICIPANT]
        reply = await self._run("qa_ask", self._qa_keys(event_id), args)
        if reply == 2:
            raise InvalidState(qa.TOO_MANY)
        if reply == 3:
            raise InvalidState(qa.TOO_MANY_MINE)
        if isinstance(reply, int):
            raise (NotFound, EventEnded)[reply]()
        self._qa_changed(event_id)
        return QaEntry(reply.decode(), author, text, nickname, status, now, None, filtered)

    async def qa_upvote(
        self, event_id: str, entry_id: str, participant: bytes, up: bool, now: int
    ) -> int:
        args = [now, entry_id, participant, "1" if up else "0"]
        reply = await self._run("qa_upvote", self._qa_keys(event_id), args)
        if isinstance(reply, int):
            _refuse(reply)
        count, changed = reply
        if changed:
            self._qa_changed(event_id)
        return int(count)

    async def qa_moderate(
        self, event_id: str, entry_id: str, action: QaAction, now: int
    ) -> QaEntry:
        reply = await self._run("qa_moderate", self._qa_keys(event_id), [now, entry_id, action])
        if isinstance(reply, int):
            _refuse(reply)
        stored, count, changed = reply
        if changed:
            self._qa_changed(event_id)
        return _entry_of(entry_id, stored, int(count))

    async def qa_board(self, event_id: str, now: int) -> QaBoard:
        keys = self._qa_keys(event_id)[:4]
        reply = await self._run("qa_board", keys, [now])
        if reply == 0:
            raise NotFound()
        version, pinned, entries, counts = reply
        upvotes = {counts[i].decode(): int(counts[i + 1]) for i in range(0, len(counts), 2)}
        found = [
            _entry_of(entries[i].decode(), entries[i + 1], upvotes.get(entries[i].decode(), 0))
            for i in range(0, len(entries), 2)
        ]
        found.sort(key=lambda entry: int(entry.entry_id[1:]))  # in the order asked
        return QaBoard(int(version or 0), pinned.decode() or None, tuple(found))

    async def qa_upvoted(self, event_id: str, participant: bytes) -> frozenset[str]:
        mine = await self._call(self._client.hget(event_qa_keys(event_id)[5], participant))
        return frozenset(mine.decode().split()) if mine else frozenset()

    async def qa_version(self, event_id: str) -> int:
        version = await self._call(self._client.hget(event_qa(event_id), "v"))
        return int(version) if version is not None else 0

    def _qa_keys(self, event_id: str) -> list[str]:
        return [event_key(event_id), *event_qa_keys(event_id)]

    def _qa_changed(self, event_id: str) -> None:
        for listener in self._qa_listeners:
            listener(event_id)


def _refuse(reply: int) -> None:
    if reply == 4:
        raise InvalidState(qa.NOT_UPVOTABLE)
    if reply == 3:
        raise AlreadyVoted(qa.UPVOTED_ALREADY)
    if reply == 2:
        raise NotFound(qa.NO_ENTRY)
    raise (NotFound, EventEnded)[reply]()


def _entry_of(entry_id: str, stored: bytes, upvotes: int) -> QaEntry:
    """An entry from its stored form, "<status> <answeredAt or -> <JSON as asked>"."""
    status, answered_at, body = stored.decode().split(" ", 2)
    asked = json.loads(body)
    return QaEntry(
        entry_id,
        bytes.fromhex(asked["author"]),
        asked["text"],
        asked["nickname"],
        status,  # type: ignore[arg-type]  # written by qa_ask/qa_moderate: a QaStatus
        asked["askedAt"],
        None if answered_at == "-" else int(answered_at),
        asked["filtered"],
        upvotes,
    )
