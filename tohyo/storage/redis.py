"""`redis://` and `redis+cluster://` — sessions shared by any number of tohyo processes.

The serialization point of a session is the Redis shard that owns it: every key of a
session carries the hash tag `{sessionId}`, and create, cast, close and read each run as
one Lua script on that shard (`lua/*.lua`), so nothing of the same session interleaves,
whichever process sent it. A script's writes are durable as Redis is configured to make
them (AOF; see docs/deployment.md) before its reply reaches the caller.

A change is announced twice: to this process's listeners as soon as the script answers,
and on the session's channel to every process that watches it (`redis_feed.py`). Both
carry the absolute state with its version, so duplicates and reordering are harmless.

Definitions never change after creation, so each process caches them; a vote is one
round trip to Redis carrying only the ballot.

Events (`self.events`) live beside sessions on the same connections: `redis_events.py`.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections import OrderedDict
from collections.abc import Awaitable
from importlib import resources
from typing import Any, TypeVar

import orjson

try:
    import redis.asyncio as aioredis
    from redis.asyncio.cluster import RedisCluster
except ImportError as missing:  # pragma: no cover - exercised by a fresh install
    from tohyo.errors import ConfigurationError

    raise ConfigurationError(
        "Redis storage needs the redis extra: pip install 'tohyo[redis]'"
    ) from missing

from tohyo import domain
from tohyo.domain import Definition, Session, State, Visibility
from tohyo.domain.model import Ballot
from tohyo.errors import (
    AlreadyVoted,
    ConfigurationError,
    InvalidBallot,
    NotFound,
    StorageError,
    VotingClosed,
)
from tohyo.storage.base import Listeners
from tohyo.storage.events import EventStore
from tohyo.storage.faultlog import FaultLog
from tohyo.storage.redis_events import RedisEvents
from tohyo.storage.redis_feed import ChangeSubscriber
from tohyo.storage.redis_keys import (
    EXPIRY_INDEX,
    FAILURES,
    READY_PROBE,
    SERVER_KEY,
    SESSIONS,
    channel,
    session_key,
    stored_ballots,
    voter_field,
)
from tohyo.storage.redis_session_wire import parse_ballot, parse_state, read_definition

log = logging.getLogger("tohyo.storage.redis")

T = TypeVar("T")

MAX_IN_FLIGHT = 64  # commands one process has waiting on Redis at once
SPARE_CONNECTIONS = 8  # pub/sub and resync pipelines, outside that cap


def _script(name: str) -> str:
    lua = resources.files("tohyo.storage") / "lua"
    return (lua / "state.lua").read_text() + "\n" + (lua / f"{name}.lua").read_text()


class RedisStore(Listeners):
    def __init__(
        self,
        url: str,
        *,
        cluster: bool = False,
        resync_interval: float = 2.0,
        max_definitions: int = 10_000,
    ) -> None:
        super().__init__()
        self.url = url
        self.cluster = cluster
        self.resync_interval = resync_interval
        self._client: Any = None
        self._publish = "SPUBLISH" if cluster else "PUBLISH"  # sharded pub/sub on a Cluster
        self._definitions: OrderedDict[str, Definition] = OrderedDict()
        self._max_definitions = max_definitions
        self._scripts: dict[str, Any] = {}
        self.subscriber: ChangeSubscriber[Session] | None = None
        self._in_flight = asyncio.Semaphore(MAX_IN_FLIGHT)
        # A Redis outage fails every request: one traceback, then counts.
        self._faults = FaultLog(log, "redis")
        # Events share this store's connections, its cap on commands in flight and its
        # fault log (redis_events.py).
        self.redis_events = RedisEvents(
            self._call, cluster=cluster, resync_interval=resync_interval
        )
        self.events: EventStore = self.redis_events  # the protocol's name for it

    # --- lifecycle --------------------------------------------------------------------

    async def start(self) -> None:
        # Commands in flight are capped (excess callers queue on the semaphore), so a flood
        # of votes opens at most this many connections per process and node.
        options: dict[str, Any] = {
            "socket_keepalive": True,
            "health_check_interval": 30,
            "max_connections": MAX_IN_FLIGHT + SPARE_CONNECTIONS,
        }
        if self.cluster:
            self._client = RedisCluster.from_url(self.url, **options)
        else:
            self._client = aioredis.Redis.from_url(self.url, **options)
        for name in ("create", "read", "cast", "close", "configure", "expire"):
            self._scripts[name] = self._client.register_script(_script(name))
        await self._call(self._client.ping())
        await self._check_config()
        self.subscriber = ChangeSubscriber(
            self,
            self._client,
            topic=SESSIONS,
            sharded=self.cluster,
            resync_interval=self.resync_interval,
        )
        self.redis_events.start(self._client)

    async def _check_config(self) -> None:
        """Refuse a Redis that may evict sessions (every tohyo key has an expiry, so any
        eviction policy but noeviction can drop live sessions and their ballots under
        memory pressure), and warn when it keeps no append-only file (a restart then loses
        acknowledged votes). Managed services often forbid CONFIG: then trust the operator."""
        try:
            config = await self._client.config_get("*")
        except FAILURES:
            return
        values = {_text(k): _text(v) for k, v in config.items()}
        policy, limit = values.get("maxmemory-policy"), values.get("maxmemory", "0")
        if policy not in (None, "noeviction") and limit != "0":
            raise ConfigurationError(
                f"Redis evicts keys under memory pressure (maxmemory {limit}, maxmemory-policy "
                f"{policy}): it could drop live voting sessions. Set maxmemory-policy "
                "noeviction (docs/deployment.md)."
            )
        if values.get("appendonly") == "no":
            log.warning(
                "Redis has appendonly=no: votes are acknowledged before they are on disk, and a "
                "Redis restart loses them. Use appendonly yes (docs/deployment.md)."
            )

    async def close(self) -> None:
        if self.subscriber is not None:
            await self.subscriber.close()
        await self.redis_events.close()
        if self._client is not None:
            await self._client.aclose()

    async def ready(self) -> bool:
        """Redis takes a write. A PING is not enough: a Redis that cannot persist
        (`stop-writes-on-bgsave-error`) or lacks the replicas it demands still answers it,
        and refuses every vote. (On a Cluster the probe key lives on one shard.)"""
        try:
            await self._call(self._client.set(READY_PROBE, b"1", px=60_000))
        except StorageError:
            return False
        return True

    async def server_key(self) -> bytes:
        client = self._client
        await self._call(client.set(SERVER_KEY, secrets.token_bytes(32), nx=True))
        key: bytes = await self._call(client.get(SERVER_KEY))
        return key

    # --- watching (the change feed across processes) ----------------------------------

    async def watch(self, session_id: str) -> None:
        assert self.subscriber is not None
        await self.subscriber.watch(session_id)

    def unwatch(self, session_id: str) -> None:
        if self.subscriber is not None:
            self.subscriber.unwatch(session_id)

    async def latest(self, session_id: str, now: int) -> Session:
        """The stored state, for the subscriber healing the feed."""
        session, _ = await self.read(session_id, b"", now)
        return session

    def heard_line(self, session_id: str, line: bytes) -> None:
        """A state line from the channel: tell the listeners if the definition is known."""
        definition = self._definitions.get(session_id)
        if definition is None:
            assert self.subscriber is not None
            self.subscriber.refresh_soon(session_id)
            return
        self._notify(Session(definition, parse_state(line)))

    def heard(self, session: Session) -> None:
        """A state read back by the subscriber to heal the feed."""
        self._notify(session)

    def rolled_back(self, session: Session) -> None:
        """Redis lost changes that were announced: this is the state it has now."""
        log.warning(
            "session %s went back to version %d in Redis", session.session_id, session.version
        )
        self._notify_rollback(session)

    # --- operations -------------------------------------------------------------------

    async def create(self, definition: Definition, initial: State | None = None) -> Session:
        d = definition
        first = initial or State.initial(len(d.choices))
        fields: list[Any] = [
            *("q", d.question, "t", d.vote_type, "n", len(d.choices)),
            *("ch", orjson.dumps([c.text for c in d.choices]), "ca", d.created_at),
            *("ea", d.expires_at, "hk", d.host_key),
            *("v", 1, "st", "active", "cl", 0, "tv", 0),
            *("vis", first.visibility, "dl", first.closes_at or 0),
        ]
        for i in range(1, len(d.choices) + 1):
            fields += (f"c{i}", 0)
        sid = d.session_id
        created = await self._run("create", [session_key(sid)], [d.expires_at, *fields])
        if created != 1:
            raise StorageError(f"session id {sid} is already taken")
        # Only the sweeper reads the index; if this is lost, PEXPIREAT still deletes.
        await self._call(self._client.zadd(EXPIRY_INDEX, {sid: d.expires_at}))
        self._remember(definition)
        session = Session(definition, first)
        self._announce(session)
        return session

    async def get(
        self, session_id: str, voter_key: bytes | None, now: int
    ) -> tuple[Session, Ballot]:
        return await self.read(session_id, voter_key or b"", now)

    async def read(self, session_id: str, voter_key: bytes, now: int) -> tuple[Session, Ballot]:
        cached = self._definitions.get(session_id)
        voter = voter_field(voter_key) if voter_key else b""
        keys = [session_key(session_id), channel(session_id)]
        args = [now, voter, "0" if cached else "1", self._publish]
        reply = await self._run("read", keys, args)
        if reply == 0:
            raise NotFound()
        ballot, line, *definition = reply
        if cached is None:
            cached = self._remember(read_definition(session_id, definition))
        else:
            self._definitions.move_to_end(session_id)
        return Session(cached, parse_state(line)), parse_ballot(ballot)

    async def cast(
        self, session_id: str, voter_key: bytes, choice_ids: tuple[str, ...], now: int
    ) -> Session:
        definition = await self._definition(session_id, now)
        try:
            domain.ballot_indexes(definition, choice_ids)
        except InvalidBallot:
            # A closed session refuses before it looks at the ballot, as everywhere.
            session, _ = await self.read(session_id, b"", now)
            domain.require_open(session.state)
            raise
        ballot = f"{now}:{','.join(choice_ids)}"
        reply = await self._run(
            "cast",
            [session_key(session_id), channel(session_id)],
            [now, voter_field(voter_key), ballot, self._publish, *choice_ids],
        )
        if isinstance(reply, int):
            raise (NotFound, VotingClosed, AlreadyVoted)[reply]()
        session = Session(definition, parse_state(reply))
        self._announce(session)
        return session

    async def close_voting(self, session_id: str, now: int) -> Session:
        definition = await self._definition(session_id, now)
        keys = [session_key(session_id), channel(session_id)]
        reply = await self._run("close", keys, [now, self._publish])
        return self._outcome(definition, reply)

    async def configure(
        self,
        session_id: str,
        now: int,
        visibility: Visibility | None = None,
        closes_at: int | None = None,
    ) -> Session:
        definition = await self._definition(session_id, now)
        keys = [session_key(session_id), channel(session_id)]
        args = [now, self._publish, visibility or "", "" if closes_at is None else closes_at]
        reply = await self._run("configure", keys, args)
        if reply == 1:
            raise VotingClosed()
        return self._outcome(definition, reply)

    def _outcome(self, definition: Definition, reply: Any) -> Session:
        """A script's answer `0` (missing or expired) or `{changed, state line}`."""
        if reply == 0:
            raise NotFound()
        changed, line = reply
        session = Session(definition, parse_state(line))
        if changed:
            self._announce(session)
        return session

    async def expire(self, now: int, limit: int = 500) -> list[str]:
        due = await self._call(
            self._client.zrangebyscore(EXPIRY_INDEX, "-inf", now, start=0, num=limit)
        )
        gone: list[str] = []
        for raw in due:
            session_id = raw.decode()
            if await self._run("expire", [session_key(session_id)], [now]):
                gone.append(session_id)
                self._definitions.pop(session_id, None)
        if due:
            await self._call(self._client.zrem(EXPIRY_INDEX, *due))
        return gone

    async def ballots(self, session_id: str) -> list[tuple[str, ...]]:
        ballots = await self._call(stored_ballots(self._client, session_id))
        return [tuple(v.partition(b":")[2].decode().split(",")) for v in ballots.values()]

    # --- helpers ----------------------------------------------------------------------

    def _announce(self, session: Session) -> None:
        # Heard here first; the subscriber then skips this version when it comes back.
        if self.subscriber is not None:
            self.subscriber.saw(session.session_id, session.version)
        self._notify(session)

    async def _definition(self, session_id: str, now: int) -> Definition:
        definition = self._definitions.get(session_id)
        if definition is None:
            session, _ = await self.read(session_id, b"", now)
            return session.definition
        if definition.expires_at <= now:
            raise NotFound()
        return definition

    def _remember(self, definition: Definition) -> Definition:
        self._definitions[definition.session_id] = definition
        while len(self._definitions) > self._max_definitions:
            self._definitions.popitem(last=False)
        return definition

    async def _run(self, name: str, keys: list[str], args: list[Any]) -> Any:
        return await self._call(self._scripts[name](keys=keys, args=args))

    async def _call(self, awaitable: Awaitable[T]) -> T:
        try:
            async with self._in_flight:
                result = await awaitable
        except FAILURES as error:
            # A script whose reply was lost may still have run: a retried vote then gets
            # 409, which tells the voter it counted. Nothing is ever counted twice.
            self._faults.failed(error)
            raise StorageError() from error
        self._faults.succeeded()
        return result


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value
