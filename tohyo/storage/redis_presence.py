"""Who is connected to an event, over every process on one Redis (or Cluster).

Each process knows exactly how many participants hold a stream to it; none knows the
others'. So each says its own count every few seconds, in one hash per event under the
event's hash tag (`redis_keys.event_presence`: the shard that owns the event), a field per
process (a random token per store) holding "<count> <nowMs>"; one script
(lua/event_presence.lua) sets this process's field, drops the fields of processes that
fell silent (killed, or with nobody connected any more) and sums the rest.

Freshness is judged by the callers' clocks, as event deadlines are: processes whose
clocks disagree by seconds would keep a dead one's count longer, or drop a live one's.

Presence is advisory: a Redis failure is logged (the store's fault log, through its
`call`) and this process's own count is answered instead — never a 503.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from importlib import resources
from typing import Any

from tohyo.errors import StorageError
from tohyo.storage.events import PRESENCE_FRESH_MS
from tohyo.storage.redis_keys import event_presence


class RedisPresence:
    def __init__(self, call: Callable[[Awaitable[Any]], Awaitable[Any]]) -> None:
        # The store's gate to Redis (RedisStore._call): its cap on commands in flight,
        # failures as StorageError, logged once per streak.
        self._call = call
        self.token = secrets.token_hex(8)  # this process's field in every presence hash
        self._script: Any = None

    def start(self, client: Any) -> None:
        lua = resources.files("tohyo.storage") / "lua" / "event_presence.lua"
        self._script = client.register_script(lua.read_text())

    async def count(self, event_id: str, here: int, now: int) -> int:
        if self._script is None:
            return here
        args = [self.token, here, now, PRESENCE_FRESH_MS]
        try:
            total = await self._call(self._script(keys=[event_presence(event_id)], args=args))
        except StorageError:
            return here  # logged by the store's fault log; the count is only advisory
        return int(total)
