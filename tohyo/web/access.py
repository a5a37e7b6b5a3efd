"""Structured access logs: one JSON line per request, off by default.

The original design kept no access logs, for privacy: a vote's log line says who voted
when. So they are off unless `access_log` is set. Even then a line holds the method, the
path, the status and the time taken, but no client address (unless
`access_log_addresses` is set too). It never holds a token: tokens travel in cookies,
headers and URL fragments, never in paths.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import Any

from tohyo.web.http import Message, Receive, Scope, Send

log = logging.getLogger("tohyo.access")


def enable() -> None:
    """Send access lines to stderr, one JSON object each."""
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False


async def logged(app: Any, scope: Scope, receive: Receive, send: Send, addresses: bool) -> None:
    started = time.perf_counter()
    status = 0

    async def sending(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        await send(message)

    try:
        await app(scope, receive, sending)
    finally:
        line: dict[str, Any] = {
            "method": scope.get("method"),
            "path": scope.get("path"),
            "status": status,
            "ms": round((time.perf_counter() - started) * 1000, 2),
        }
        if addresses and scope.get("client"):
            line["address"] = scope["client"][0]
        log.info(json.dumps(line))
