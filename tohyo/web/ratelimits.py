"""Per-address budgets, counted with the `limits` library: in memory, or in Redis when
sessions live there (so a budget holds across every process and host).

Budgets (settings `limit_*`; docs/security.md explains the numbers):
- creating sessions, per address;
- voting, per address *and session* (a hall behind one NAT votes in one session);
- opening streams, per address;
- every API request, per address (a coarse ceiling).

Sliding-window counters: two counters per key, no list of timestamps, so a hall's worth
of requests costs the same as one. A refusal is 429 `rate_limited` with Retry-After.
If the shared counter store fails, requests are let through (and logged): availability
of the vote beats precision of the limit, and storage has its own errors.
"""

from __future__ import annotations

import logging
import math
import time
from typing import Any

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, Storage
from limits.aio.strategies import SlidingWindowCounterRateLimiter

from tohyo.config import Settings
from tohyo.errors import RateLimited, ServerBusy, TooManyStreams
from tohyo.storage.faultlog import FaultLog

log = logging.getLogger("tohyo.ratelimits")


class Budgets:
    def __init__(self, settings: Settings) -> None:
        self.enabled = settings.rate_limits
        self.items: dict[str, RateLimitItem] = {
            "create": parse(settings.limit_create),
            "vote": parse(settings.limit_vote),
            "stream": parse(settings.limit_stream),
            "join": parse(settings.limit_join),
            "request": parse(settings.limit_requests),
        }
        self._storage: Storage = _storage_for(settings.storage)
        self._limiter = SlidingWindowCounterRateLimiter(self._storage)
        # Down, the counter store fails every request: one traceback, then counts.
        self._faults = FaultLog(log, "rate limits")

    async def close(self) -> None:
        """Close the shared counter store's connection, if it has one."""
        bridge = getattr(self._storage, "bridge", None)
        client = getattr(bridge, "storage", None)
        if client is not None:
            await client.aclose()

    async def spend(self, kind: str, address: str, *scope: str) -> None:
        """Count one `kind` for `address` (and `scope`); RateLimited if over budget."""
        if not self.enabled:
            return
        item = self.items[kind]
        try:
            if await self._limiter.hit(item, kind, address, *scope):
                self._faults.succeeded()
                return
            stats = await self._limiter.get_window_stats(item, kind, address, *scope)
        except Exception as error:  # the counter store is down: let the request through
            self._faults.failed(error, "; requests pass unlimited meanwhile")
            return
        self._faults.succeeded()
        raise RateLimited(max(1, math.ceil(stats.reset_time - time.time())))


class StreamCounter:
    """Open streams of this process, per address and in all: each costs a socket and
    about 11 KB, so a flood of them is refused before it can exhaust the process."""

    def __init__(self, settings: Settings) -> None:
        self.per_address = settings.max_streams_per_address if settings.rate_limits else None
        self.limit = settings.max_streams
        self.total = 0
        self._by_address: dict[str, int] = {}

    def enter(self, address: str) -> None:
        if self.total >= self.limit:
            raise ServerBusy()
        held = self._by_address.get(address, 0)
        if self.per_address is not None and held >= self.per_address:
            raise TooManyStreams(retry_after=30)
        self._by_address[address] = held + 1
        self.total += 1

    def leave(self, address: str) -> None:
        self.total -= 1
        held = self._by_address.pop(address, 1) - 1
        if held > 0:
            self._by_address[address] = held


def _storage_for(url: str) -> Storage:
    """Counters next to the sessions: Redis when they are in Redis, else this process."""
    scheme, _, rest = url.partition("://")
    if not scheme.startswith("redis"):
        return MemoryStorage()
    from limits.aio.storage import RedisClusterStorage, RedisStorage

    address = rest.partition("?")[0]  # without tohyo's own options
    options: dict[str, Any] = {"implementation": "redispy"}
    if scheme.endswith("+cluster"):
        plain = scheme.removesuffix("+cluster")
        return RedisClusterStorage(f"async+{plain}+cluster://{address}", **options)
    return RedisStorage(f"async+{scheme}://{address}", **options)
