"""The ASGI application factory: `create_app(settings)`.

The JSON API (the hot path) is served by plain ASGI handlers; pages, static files and
the OpenAPI document by a small Starlette app. The lifespan opens the store and the
session objects and closes them; nothing lives at module level, so tests can build as
many apps as they like.
"""

from __future__ import annotations

import hashlib
import logging

from tohyo.config import Settings
from tohyo.objects import SessionObjects
from tohyo.storage import open_store
from tohyo.storage.base import Store
from tohyo.web import api, pages
from tohyo.web.http import Receive, Scope, Send

log = logging.getLogger("tohyo")


class TohyoApp:
    def __init__(self, settings: Settings, store: Store) -> None:
        self.settings = settings
        self.objects = SessionObjects(
            store,
            stream_interval=settings.stream_interval,
            heartbeat=settings.heartbeat,
            sweep_interval=settings.sweep_interval,
        )
        self.context = api.Context(settings, self.objects)
        self.pages = pages.create_pages(self.context)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            path: str = scope["path"]
            if path.startswith("/api/") or path == "/healthz":
                await api.handle(self.context, scope, receive, send)
            else:
                await self.pages(scope, receive, send)
        elif kind == "lifespan":
            await self._lifespan(receive, send)

    async def startup(self) -> None:
        await self.objects.start()
        secret = self.settings.secret_key
        self.context.server_key = (
            hashlib.sha256(secret.encode()).digest()
            if secret
            else await self.objects.store.server_key()
        )

    def begin_shutdown(self) -> None:
        """End every stream now, so a server shutdown never waits on open viewers."""
        self.objects.feed.shutdown()

    async def shutdown(self) -> None:
        await self.objects.stop()

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


def create_app(settings: Settings | None = None, store: Store | None = None) -> TohyoApp:
    """Build an app; the store is opened from `settings.storage` unless one is given."""
    settings = settings or Settings()
    return TohyoApp(settings, store if store is not None else open_store(settings.storage))
