"""A bare uvicorn server holding idle Server-Sent Events streams: what a stream costs
below tohyo, for bench/memory.py --bare.

    bare_stream.py [--guarded] serve --host H --port P [--storage ignored]

uvicorn runs as `tohyo serve` runs it (uvloop, httptools, no WebSockets, no access log,
no server header) with an ASGI app that answers every GET of a `/stream` path with the
headers and one snapshot-like event, as tohyo's stream does, then only waits for the
client to go away; anything else gets a small JSON 200 (the health check, the warm-up).
`--guarded` serves it through tohyo's connection guard (tohyo.web.protocol.GuardedProtocol)
instead of uvicorn's own protocol: the difference is the guard's share of a stream.
"""

from __future__ import annotations

import argparse
import importlib.util
from typing import Any

import uvicorn

HEADERS = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"cache-control", b"no-cache, no-transform"),
    (b"x-accel-buffering", b"no"),
]
SNAPSHOT = b'retry: 3000\n\nid: 1\nevent: snapshot\ndata: {"totalVotes":0}\n\n'
START = {"type": "http.response.start", "status": 200, "headers": HEADERS}
BODY = {"type": "http.response.body", "body": SNAPSHOT, "more_body": True}
OK_START = {"type": "http.response.start", "status": 200, "headers": []}
OK_BODY = {"type": "http.response.body", "body": b'{"status":"ok"}'}


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    if scope["path"].endswith("/stream"):
        await send(START)
        await send(BODY)
        while (await receive())["type"] != "http.disconnect":
            pass
        return
    await send(OK_START)
    await send(OK_BODY)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--guarded", action="store_true")
    parser.add_argument("command", choices=["serve"])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--storage", default=None, help="ignored (for loadlib.serve)")
    args = parser.parse_args()
    options: dict[str, Any] = {
        "host": args.host,
        "port": args.port,
        "loop": "uvloop" if importlib.util.find_spec("uvloop") else "asyncio",
        "ws": "none",
        "lifespan": "on",
        "access_log": False,
        "log_level": "warning",
        "server_header": False,
        "proxy_headers": False,  # as tohyo serve without trusted proxies
        "backlog": 4096,
    }
    if args.guarded:
        from tohyo.config import Settings
        from tohyo.web.protocol import ConnectionLimits, GuardedConfig

        limits = ConnectionLimits.from_settings(Settings(rate_limits=False))
        config: uvicorn.Config = GuardedConfig(app, limits, **options)
    else:
        config = uvicorn.Config(app, **options)
    uvicorn.Server(config).run()


if __name__ == "__main__":
    main()
