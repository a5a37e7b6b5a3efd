"""Events on Redis, read: the connection `RedisEvents` (`redis_events`) shares with its
scripts, and everything it reads without changing anything.

- an event with its tallies, and the rounds one participant answered: the `read` script,
  so the parts are of one moment;
- a participant's own answers: one HMGET of the responses hash, a field per answer named
  by whose it is (a reload's read, never every answer of a hall);
- every response (exports): HSCAN, never one huge reply;
- every nickname (the quiz's leaderboard): HSCAN of the nicknames hash, as responses;
  one player's own (their page): one HGET of it;
- the live event a join code names, and how many phones are connected (`redis_presence`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Collection
from importlib import resources
from typing import Any, Protocol, TypeVar

from tohyo.domain.event import Event, Response, RoundKey
from tohyo.errors import NotFound
from tohyo.storage.event_codec import parse_round_key
from tohyo.storage.events import EventListeners, normalize_code
from tohyo.storage.redis_event_wire import (
    event_of,
    parse_nickname,
    parse_response,
    parse_tallies,
)
from tohyo.storage.redis_keys import (
    ANSWERED_PREFIX,
    code_key,
    event_key,
    event_keys,
    event_nicknames,
    event_responses,
)
from tohyo.storage.redis_presence import RedisPresence

T = TypeVar("T")

SCRIPTS = ("create", "read", "change", "answer", "expire", "release", "nickname")


class Caller(Protocol):
    """The store's gate to Redis: at most so many commands in flight, failures as
    StorageError (RedisStore._call)."""

    def __call__(self, awaitable: Awaitable[T], /) -> Awaitable[T]: ...


def _script(name: str) -> str:
    lua = resources.files("tohyo.storage") / "lua"
    return (lua / "event_common.lua").read_text() + "\n" + (lua / f"event_{name}.lua").read_text()


class RedisEventReads(EventListeners):
    """The reads of `redis_events.RedisEvents`, which adds every change (and the mirrors
    and the subscriber that follow them)."""

    def __init__(self, call: Caller) -> None:
        super().__init__()
        self._call = call
        self._client: Any = None
        self._scripts: dict[str, Any] = {}
        self.presence = RedisPresence(call)

    def start(self, client: Any) -> None:
        self._client = client
        for name in SCRIPTS:
            self._scripts[name] = client.register_script(_script(name))
        self.presence.start(client)

    async def latest(self, event_id: str, now: int) -> Event:
        event, _ = await self._read(event_id, now)
        return event

    async def answers_of(
        self, event_id: str, participant: bytes, rounds: Collection[RoundKey], now: int
    ) -> dict[RoundKey, Any]:
        keys = list(rounds)
        if not keys:
            return {}
        # Each answer is a field of the responses hash named by whose it is: one HMGET.
        fields = [f"{question_id}:{round_}:".encode() + participant for question_id, round_ in keys]
        stored = await self._call(self._client.hmget(event_responses(event_id), fields))
        return {
            key: parse_response(field, value).answer
            for key, field, value in zip(keys, fields, stored, strict=True)
            if value is not None
        }

    async def find_code(self, code: str, now: int) -> str | None:
        normal = normalize_code(code)
        if normal is None:
            return None
        owner = await self._call(self._client.get(code_key(normal)))
        if owner is None:
            return None
        event_id: str = owner.decode()
        # A code released late (or not at all, after a crash) must not lead to an ended
        # event: only a live one holds its code.
        expires_at, status = await self._call(self._client.hmget(event_key(event_id), "ea", "st"))
        if expires_at is None or int(expires_at) <= now or status != b"live":
            return None
        return event_id

    async def responses(self, event_id: str) -> list[Response]:
        found = await self._call(self._scan_responses(event_id))
        return sorted(found, key=lambda r: (r.answered_at, r.question_id, r.round, r.participant))

    async def nicknames(self, event_id: str) -> dict[bytes, str]:
        return await self._call(self._scan_nicknames(event_id))

    async def nickname_of(self, event_id: str, participant: bytes) -> str | None:
        value = await self._call(self._client.hget(event_nicknames(event_id), participant))
        return parse_nickname(value) if value is not None else None

    async def count_present(self, event_id: str, here: int, now: int) -> int:
        return await self.presence.count(event_id, here, now)

    async def _read(
        self, event_id: str, now: int, participant: bytes | None = None
    ) -> tuple[Event, frozenset[RoundKey]]:
        answered_field = ANSWERED_PREFIX + participant if participant else b""
        reply = await self._run("read", event_keys(event_id), [now, answered_field])
        if reply == 0:
            raise NotFound()
        doc, revision, version, tallies, answered = reply
        event = event_of(doc, int(revision), int(version), parse_tallies(tallies))
        return event, frozenset(parse_round_key(k) for k in answered.decode().split())

    async def _scan_responses(self, event_id: str) -> list[Response]:
        found: list[Response] = []
        # HSCAN, not HGETALL: a hall's answers would be one huge reply blocking the shard.
        async for field, value in self._client.hscan_iter(event_responses(event_id)):
            if field.startswith(ANSWERED_PREFIX):
                continue
            found.append(parse_response(field, value))
        return found

    async def _scan_nicknames(self, event_id: str) -> dict[bytes, str]:
        found: dict[bytes, str] = {}
        async for participant, value in self._client.hscan_iter(event_nicknames(event_id)):
            found[participant] = parse_nickname(value)
        return found

    async def _run(self, name: str, keys: list[str], args: list[Any]) -> Any:
        return await self._call(self._scripts[name](keys=keys, args=args))
