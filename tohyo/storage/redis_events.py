"""Events on `redis://` and `redis+cluster://`: shared by any number of tohyo processes.

The serialization point of an event is the shard that owns it: every key of an event
carries the hash tag `{eventId}` (`redis_keys`), and every check-and-write runs as one
Lua script there (`lua/event_*.lua`), never as a check from Python and a write after:

- an answer is one script: the event live, the question open in its current round and
  before its deadline, no answer of this participant in the round (or one the question
  lets them change: its increments are taken off) — then the response, the tally
  increments and the version, all at once;
- a host's change is computed here, by the pure transitions, on a state read with its
  revision, and written by a script only if the revision is still the one read
  (compare-and-set); otherwise it is computed again on a fresh read. Answers do not move
  the revision, so they never make a host's change retry;
- a join code is a global key taken with SET NX for the event's lifetime: on a Cluster
  it may live on another shard, which is fine, since SET NX is atomic wherever it lives;
- a nickname is one script too: no answer of the participant's to a question that fixes
  their name (their answered field, which the answer script writes with the answer), the
  key free (or the participant's own), then both hashes that hold nicknames (who holds
  which, whose each key is) at once, the previous key released. They are not the
  Event's, so nothing is published: they expire, and are deleted, with the event's keys;
- the audience Q&A is `redis_qa.RedisQa`'s (this class's base): a script per change on
  keys of its own beside the event's, which expire and are deleted with them too (and,
  not being the Event's either, publish nothing).

Every script publishes its change with the version on the event's channel; processes
watching the event apply it to their copy (`redis_event_mirror`), in version order. Who is
connected is counted beside the event, by every process in turn (`redis_presence`). What
only reads (an event as it is stored, a participant's answers, the responses, a join
code) is the base class's, `redis_event_reads.RedisEventReads`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Collection
from dataclasses import replace
from typing import Any

from tohyo.domain import event_transitions as transitions
from tohyo.domain.event import Event, RoundKey
from tohyo.domain.questions import Increments
from tohyo.domain.quiz import RENAME_TOO_LATE
from tohyo.errors import (
    AlreadyVoted,
    EventEnded,
    InvalidState,
    NicknameTaken,
    NotFound,
    RoundChanged,
    StorageError,
    TohyoError,
    VotingClosed,
)
from tohyo.storage import event_codec
from tohyo.storage.events import (
    EVENTS_KEPT,
    Answer,
    Change,
    code_candidates,
)
from tohyo.storage.redis_event_mirror import EventMirrors
from tohyo.storage.redis_event_reads import Caller
from tohyo.storage.redis_event_wire import (
    AnswerMessage,
    HostMessage,
    doc_of,
    parse_message,
    parse_tallies,
    question_states,
)
from tohyo.storage.redis_feed import ChangeSubscriber
from tohyo.storage.redis_keys import (
    EVENT_EXPIRY_INDEX,
    EVENTS,
    code_key,
    event_channel,
    event_key,
    event_keys,
    event_nickname_keys,
    event_qa_keys,
    event_responses,
)
from tohyo.storage.redis_qa import RedisQa

log = logging.getLogger("tohyo.storage.redis")

# A host's change computed on a revision someone else moved on is computed again. Hosts
# click, they do not flood: a few dozen rounds with a little jitter outlast any real race.
CHANGE_TRIES = 32
BACKOFF_MAX = 0.02  # seconds


class RedisEvents(RedisQa):
    def __init__(
        self,
        call: Caller,
        *,
        cluster: bool = False,
        resync_interval: float = 2.0,
        max_mirrors: int = EVENTS_KEPT,
    ) -> None:
        super().__init__(call)
        self._cluster = cluster
        self._publish = "SPUBLISH" if cluster else "PUBLISH"  # sharded pub/sub on a Cluster
        self._resync_interval = resync_interval
        self.subscriber: ChangeSubscriber[Event] | None = None
        # A repair read wants the committed state whatever the time: `now` 0.
        self._mirrors = EventMirrors(
            lambda event_id: self.latest(event_id, 0),
            self._announce,
            self._watched,
            capacity=max_mirrors,
        )

    # --- lifecycle (RedisStore's) ------------------------------------------------------

    def start(self, client: Any) -> None:
        super().start(client)
        self.subscriber = ChangeSubscriber(
            self,
            client,
            topic=EVENTS,
            sharded=self._cluster,
            resync_interval=self._resync_interval,
        )

    async def close(self) -> None:
        if self.subscriber is not None:
            await self.subscriber.close()
        await self._mirrors.close()

    # --- watching ----------------------------------------------------------------------

    async def watch_event(self, event_id: str) -> None:
        assert self.subscriber is not None
        await self.subscriber.watch(event_id)

    def unwatch_event(self, event_id: str) -> None:
        if self.subscriber is not None:
            self.subscriber.unwatch(event_id)

    def heard_line(self, event_id: str, line: bytes) -> None:
        self._mirrors.offer_message(self._mirrors.get(event_id), parse_message(line))

    def heard(self, latest: Event) -> None:
        self._mirrors.offer_state(self._mirrors.get(latest.event_id), latest)

    def rolled_back(self, latest: Event) -> None:
        log.warning("event %s went back to version %d in Redis", latest.event_id, latest.version)
        self._mirrors.rolled_back(self._mirrors.get(latest.event_id), latest)
        self._notify_event_rollback(latest)  # open streams here were shown what Redis lost

    # --- operations --------------------------------------------------------------------

    async def create_event(self, event: Event) -> Event:
        event_id = event.event_id
        for code in code_candidates():
            claim = self._client.set(code_key(code), event_id, nx=True, pxat=event.expires_at)
            if await self._call(claim):
                break
        else:
            raise StorageError("No join code is free; try again later")
        event = replace(event, code=code)
        fields: list[Any] = [
            *("doc", doc_of(event), "rev", event.revision, "v", event.version),
            *("ea", event.expires_at, "st", event.status),
        ]
        states = question_states(event)
        for question_id, state in zip(states[::2], states[1::2], strict=True):
            fields += (f"qs:{question_id}", state)
        try:
            created = await self._run("create", event_keys(event_id), [event.expires_at, *fields])
        except StorageError:
            await self._release(code, event_id)
            raise
        if created != 1:
            await self._release(code, event_id)
            raise StorageError(f"event id {event_id} is already taken")
        await self._index(event_id, event.expires_at)
        self._mirrors.offer_state(self._mirrors.get(event_id), event)
        return event

    async def get_event(
        self, event_id: str, participant: bytes | None, now: int
    ) -> tuple[Event, frozenset[RoundKey]]:
        return await self._settled(event_id, now, _unchanged, participant)

    async def change_event(self, event_id: str, now: int, change: Change) -> Event:
        event, _ = await self._settled(event_id, now, change, None)
        return event

    async def answer(
        self,
        event_id: str,
        participant: bytes,
        question_id: str,
        answer: Any,
        increments: Increments,
        now: int,
        expected_round: int | None = None,
    ) -> tuple[Event, int]:
        stored = f"{now} {event_codec.dumps(answer)}"
        expected = "" if expected_round is None else expected_round  # "": any round
        args = [now, self._publish, question_id, participant, stored, participant.hex(), expected]
        # Kept with the answer if its question allows a change (the script knows): as JSON
        # with text as written, which Lua's cjson reads back byte for byte.
        args.append(event_codec.dumps(list(increments)))
        mirror = self._mirrors.get(event_id)
        with self._mirrors.sending(mirror):
            reply = await self._run("answer", self._changing(event_id), [*args, *increments])
            if isinstance(reply, list):  # [4, the question's round]: not the one expected
                raise RoundChanged(int(reply[1]))
            if reply == 3:
                raise NotFound("No such question in this event")
            if isinstance(reply, int):
                raise (NotFound, VotingClosed, AlreadyVoted)[reply]()
            message = parse_message(reply)
            assert isinstance(message, AnswerMessage)
            self._mirrors.offer_message(mirror, message)
            # The event as of this answer, built from this process's copy of the one
            # before; known once the versions before it have arrived here. It may be a
            # newer one (a read went past it), so the round is the script's own.
            state = self._mirrors.state_at(mirror, message.version)
        _, _, round_ = message.answer
        return await state, round_

    async def set_nickname(
        self,
        event_id: str,
        participant: bytes,
        shown: str,
        key: str,
        now: int,
        locked_by: Collection[str] = (),
    ) -> None:
        keys = [event_key(event_id), *event_nickname_keys(event_id), event_responses(event_id)]
        args = [now, participant, key, shown, *locked_by]
        reply = await self._run("nickname", keys, args)
        if reply == 4:
            raise InvalidState(RENAME_TOO_LATE)
        if reply != 3:
            raise (NotFound, EventEnded, NicknameTaken)[reply]()

    async def expire_events(self, now: int, limit: int = 500) -> list[str]:
        due = await self._call(
            self._client.zrangebyscore(EVENT_EXPIRY_INDEX, "-inf", now, start=0, num=limit)
        )
        gone: list[str] = []
        for raw in due:
            event_id = raw.decode()
            keys = [*event_keys(event_id), *self._beside(event_id)]
            expires_at = await self._run("expire", keys, [now])
            if expires_at == 0:
                gone.append(event_id)
                self._mirrors.forget(event_id)
            else:  # it lives on (the index missed a later expiresAt): due again then
                await self._index(event_id, int(expires_at))
        if gone:
            await self._call(self._client.zrem(EVENT_EXPIRY_INDEX, *gone))
        return gone

    # --- inside ------------------------------------------------------------------------

    async def _settled(
        self, event_id: str, now: int, change: Change, participant: bytes | None
    ) -> tuple[Event, frozenset[RoundKey]]:
        """Read the event, settle its deadlines, apply `change`, and commit the result
        if the revision read is still the stored one; else read again and retry."""
        for attempt in range(CHANGE_TRIES):
            before, answered = await self._read(event_id, now, participant)
            self._mirrors.offer_state(self._mirrors.get(event_id), before)
            settled = transitions.settle(before, now)
            try:
                after = change(settled)
            except Exception:
                if settled is not before:  # the deadlines closed all the same
                    await self._commit_quietly(before, settled, now)
                raise
            if after is before:
                return before, answered
            committed = await self._commit(before, after, now)
            if committed is not None:
                return committed, answered
            # Random, growing pauses, so racing hosts do not meet again at once.
            await asyncio.sleep(random.uniform(0, min(BACKOFF_MAX, 0.001 * 2**attempt)))
        raise StorageError("The event kept changing under this change; try again")

    async def _commit(self, before: Event, after: Event, now: int) -> Event | None:
        """Write `after` if the event is still at `before`'s revision; None if not."""
        event_id = before.event_id
        states = question_states(after)
        kept = {q.question_id for q in after.questions}
        deleted = [q.question_id for q in before.questions if q.question_id not in kept]
        args = [
            *(now, self._publish, before.revision, after.revision, doc_of(after)),
            *(after.expires_at, after.status, len(states) // 2, *states, *deleted),
        ]
        mirror = self._mirrors.get(event_id)
        with self._mirrors.sending(mirror):
            keys = [*self._changing(event_id), *self._beside(event_id)]
            reply = await self._run("change", keys, args)
            if reply == 0:
                raise NotFound()
            if reply == 1:
                return None
            line, tallies = reply
            message = parse_message(line)
            assert isinstance(message, HostMessage)
            # Answers may have landed since the read: Redis's version and tallies.
            committed = replace(after, version=message.version, tallies=parse_tallies(tallies))
            self._mirrors.offer_message(mirror, message)
            self._mirrors.offer_state(mirror, committed)
        if before.code and not after.code:  # ended: the code is free for another event
            await self._release(before.code, event_id)
        if after.expires_at != before.expires_at:
            await self._index(event_id, after.expires_at)
        return committed

    async def _commit_quietly(self, before: Event, after: Event, now: int) -> None:
        with contextlib.suppress(TohyoError):  # the next read settles it
            await self._commit(before, after, now)

    async def _release(self, code: str, event_id: str) -> None:
        """Free `code` if it still names this event. Best effort: a code left behind
        expires with the event's first lifetime, and never leads to an ended event."""
        with contextlib.suppress(StorageError):
            await self._run("release", [code_key(code)], [event_id])

    async def _index(self, event_id: str, expires_at: int) -> None:
        """Only the sweeper reads the index; if this is lost, PEXPIREAT still deletes."""
        with contextlib.suppress(StorageError):
            await self._call(self._client.zadd(EVENT_EXPIRY_INDEX, {event_id: expires_at}))

    def _changing(self, event_id: str) -> list[str]:
        return [*event_keys(event_id), event_channel(event_id)]

    def _beside(self, event_id: str) -> list[str]:
        """The keys kept beside the event's (its nicknames, its Q&A): the change script
        moves their expiry with the event's, the expire script deletes them with it."""
        return [*event_nickname_keys(event_id), *event_qa_keys(event_id)]

    def _announce(self, event: Event, answers: Collection[Answer]) -> None:
        if self.subscriber is not None:  # heard here first: its echo is not news
            self.subscriber.saw(event.event_id, event.version)
        self._notify_event(event, answers)

    def _watched(self, event_id: str) -> bool:
        return self.subscriber is not None and self.subscriber.watching(event_id)


def _unchanged(event: Event) -> Event:
    return event
