"""Chart exports for the API: rendered off the event loop, cached by session version.

A chart is CPU work (tens of milliseconds for a PNG): it runs on a small thread pool so
votes and streams keep flowing meanwhile. A session's picture changes only when its
version does, so repeated exports (a host clicking twice, a room of people downloading)
are served from a cache keyed by version and options, and identical requests arriving
together share one rendering. (An event's round comes as a session whose version names
what its picture shows, `event_export.question_session`: whether a download was drawn
afresh must say nothing its viewer may not see.)
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Literal

from tohyo import charts
from tohyo.domain import Session

Key = tuple[str, int, str, str, str, int, int]
CACHED = 64  # pictures kept; a PNG is ~100 KB


class ChartExports:
    def __init__(self, workers: int = 2) -> None:
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="tohyo-chart")
        self._done: OrderedDict[Key, bytes] = OrderedDict()
        self._running: dict[Key, asyncio.Future[bytes]] = {}
        self.rendered = 0  # pictures actually drawn (the rest came from the cache)

    async def picture(
        self,
        session: Session,
        *,
        fmt: Literal["png", "svg"],
        kind: charts.ChartKind,
        lang: str,
        width: int,
        height: int,
        now: int,
    ) -> bytes:
        key: Key = (session.session_id, session.version, fmt, kind, lang, width, height)
        draw = partial(
            charts.render,
            session,
            fmt=fmt,
            kind=kind,
            lang=lang,
            width=width,
            height=height,
            now=now,
        )
        return await self.drawn(key, draw)

    async def drawn(self, key: Key, draw: Callable[[], bytes]) -> bytes:
        """The picture `key` names: from the cache, or drawn once on the pool (requests
        for it arriving meanwhile share the drawing). `key` names what the picture shows:
        an id, a version that changes with it, and the drawing's options."""
        cached = self._done.get(key)
        if cached is not None:
            self._done.move_to_end(key)
            return cached
        running = self._running.get(key)
        if running is None:
            running = asyncio.get_running_loop().run_in_executor(self._pool, draw)
            self._running[key] = running
            try:
                picture = await running
            finally:
                del self._running[key]
            self.rendered += 1
            self._done[key] = picture
            while len(self._done) > CACHED:
                self._done.popitem(last=False)
            return picture
        return await asyncio.shield(running)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
