"""The ASGI application factory: `create_app(settings)`.

The JSON API (the hot path) is served by plain ASGI handlers; pages, static files and
the OpenAPI document by a small Starlette app. The lifespan opens the store and the
session objects and closes them; nothing lives at module level, so tests can build as
many apps as they like.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import signal
import threading
from collections.abc import Awaitable
from typing import Any

from tohyo.config import Settings
from tohyo.objects import SessionObjects
from tohyo.storage import open_store
from tohyo.storage.base import Store
from tohyo.web import access, api, pages
from tohyo.web.http import Message, Receive, Scope, Send

log = logging.getLogger("tohyo")


class TohyoApp:
    def __init__(
        self, settings: Settings, store: Store, *, end_streams_on_signal: bool = False
    ) -> None:
        self.settings = settings
        self.end_streams_on_signal = end_streams_on_signal
        self.objects = SessionObjects(
            store,
            stream_interval=settings.stream_interval,
            heartbeat=settings.heartbeat,
            sweep_interval=settings.sweep_interval,
            event_retention=settings.event_retention,
        )
        self.context = api.Context(settings, self.objects)
        self.pages = pages.create_pages(self.context)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.settings.access_log:
            addresses = self.settings.access_log_addresses
            await access.logged(self._serve, scope, receive, send, addresses)
        else:
            await self._serve(scope, receive, send)

    def _serve(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        """The handler's coroutine for this request, returned rather than awaited here:
        one frame fewer held by every open stream for as long as it is open."""
        kind = scope["type"]
        if kind == "http":
            path: str = scope["path"]
            if scope.get("scheme") == "https":
                send = _with_hsts(send)
            if path.startswith("/api/") or path in api.UNCOUNTED:
                return api.handle(self.context, scope, receive, send)
            return self.pages(scope, receive, send)
        if kind == "lifespan":
            return self._lifespan(receive, send)
        return _ignored()

    async def startup(self) -> None:
        if self.settings.access_log:
            access.enable()
        await self.objects.start()
        secret = self.settings.secret_key
        self.context.server_key = (
            hashlib.sha256(secret.encode()).digest()
            if secret
            else await self.objects.store.server_key()
        )
        if self.end_streams_on_signal:
            self._chain_signal_handlers()

    def begin_shutdown(self) -> None:
        """End every stream now, so a server shutdown never waits on open viewers, and
        tell load balancers (/readyz) to send nothing new here."""
        self.context.shutting_down = True
        self.objects.feed.shutdown()

    async def shutdown(self) -> None:
        await self.objects.stop()
        await self.context.budgets.close()
        self.context.charts.close()

    def _chain_signal_handlers(self) -> None:
        """On SIGTERM or SIGINT, end every stream, then let the server's handler run.

        A server waits for open responses before it stops, and a stream never ends by
        itself; ending them (with a `retry` hint) lets viewers reconnect to another process
        at once. Chaining the handler the server installed works the same under one
        process and under `--workers`, where each worker runs uvicorn's own server class.
        """
        if threading.current_thread() is not threading.main_thread():
            return
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            previous = signal.getsignal(sig)

            def handler(signum: int, frame: Any, previous: Any = previous) -> None:
                loop.call_soon_threadsafe(self.begin_shutdown)
                if callable(previous):
                    previous(signum, frame)

            signal.signal(sig, handler)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    await self.startup()
                except Exception as error:
                    log.exception("startup failed")
                    await send({"type": "lifespan.startup.failed", "message": str(error)})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.shutdown()
                await send({"type": "lifespan.shutdown.complete"})
                return


async def _ignored() -> None:
    """What a scope of another type gets (websocket: tohyo serves none)."""


HSTS = (b"strict-transport-security", b"max-age=31536000")


def _with_hsts(send: Send) -> Send:
    """Over https, tell browsers to use nothing else for a year (only then: a plain http
    server saying so would be ignored, and could lock out a host that has no TLS yet)."""

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", []), HSTS]}
        await send(message)

    return sending


def create_app(
    settings: Settings | None = None, store: Store | None = None, **options: Any
) -> TohyoApp:
    """Build an app; the store is opened from `settings.storage` unless one is given."""
    settings = settings or Settings()
    store = store if store is not None else open_store(settings.storage)
    return TohyoApp(settings, store, **options)


def served_app() -> TohyoApp:
    """The app `tohyo serve` runs in each worker process, configured from TOHYO_* variables."""
    return create_app(Settings.from_env(), end_streams_on_signal=True)
