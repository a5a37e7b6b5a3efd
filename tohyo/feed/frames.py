"""The bytes a stream sends: Server-Sent Events frames, the endings and the heartbeat.

Frames carry `id: <version>` and absolute state, so resends and reconnects are harmless.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Literal

import orjson

EndReason = Literal["expired", "shutdown"]
Write = Callable[[bytes, bool], Awaitable[None]]  # (frame, final) -> the server's send

HEARTBEAT = b": ping\n\n"
EXPIRED = b"event: expired\ndata: {}\n\n"
# On shutdown, ask clients to come back soon: another process (or this one, restarted)
# will serve them.
SHUTDOWN = b"retry: 1000\n\n"
ENDINGS: dict[EndReason, bytes] = {"expired": EXPIRED, "shutdown": SHUTDOWN}
# No stream goes longer than the heartbeat without a byte: one quiet for HEARTBEAT_DUE of
# it is pinged (the rest absorbs a late timer), and so are those due within HEARTBEAT_EARLY
# after it, so one wake-up serves many streams.
HEARTBEAT_DUE = 0.85
HEARTBEAT_EARLY = 0.05


def sse_frame(kind: str, version: int | None, data: object) -> bytes:
    """One event; `version` None leaves out the `id:` line (for viewers who may not see the
    counts: the version would give the number of ballots away)."""
    body = b"event: %s\ndata: %s\n\n" % (kind.encode(), orjson.dumps(data))
    return body if version is None else b"id: %d\n" % version + body
