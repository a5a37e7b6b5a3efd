"""uvicorn's httptools protocol, guarded at the connection level: what a client can hold
before any ASGI code runs.

uvicorn (0.54, `http="httptools"`) has no cap on request headers (its
`h11_max_incomplete_event_size` applies to h11 only), and no timer on a connection until
its first response completes: one 100 MB header was parsed to the end, by repeated bytes
concatenation that held the event loop for seconds, and a connection that sent only
`GET /heal` was held forever. It has no setting for either, so this small subclass adds
them, and leaves everything else to uvicorn:

- the request line and headers of each request are capped at `max_header_bytes`: the
  parser is never fed past the cap, the client gets 431 `headers_too_large`, and the
  connection closes;
- what follows the headers — the body, its chunk framing and any trailers, which are
  headers too and which httptools gathers in memory just the same — is capped at
  `max_body + max_header_bytes`; past that the connection closes (the app has answered
  413 for a body past `max_body` already);
- a request's headers must arrive within `header_timeout` of the connection opening, or
  of the request's first byte on a kept-alive connection (408 `request_timeout`, or a
  silent close when nothing came at all); idle kept-alive connections are uvicorn's
  `timeout_keep_alive`;
- one process holds at most `max_connections`, and one client address at most
  `max_connections_per_address` (except a trusted proxy, whose address every client
  behind it shares); beyond, a new connection is closed at once.

docs/security.md ("Connections") says what this holds and what needs a proxy in front.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
from uvicorn import Config
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol
from uvicorn.server import ServerState

from tohyo.config import Settings
from tohyo.errors import HeadersTooLarge, RequestError, RequestTimeout, error_body
from tohyo.web.connection_memory import lighten, lighter_pipeline
from tohyo.web.http import JSON_HEADERS

log = logging.getLogger("tohyo.connections")

# After an error response, unread input is drained for a moment before closing: closing a
# socket with unread input sends a reset, which can destroy the response before the client
# reads it. Bounded in bytes and time, so a flood is not drained for long.
LINGER_BYTES = 1 << 20
LINGER_SECONDS = 2.0
WARN_EVERY = 60.0  # seconds between two log lines about refused connections


@dataclass(frozen=True)
class ConnectionLimits:
    max_header_bytes: int = Settings.max_header_bytes
    max_body: int = Settings.max_body
    header_timeout: float = Settings.header_timeout
    max_connections: int = Settings.max_connections
    max_connections_per_address: int | None = Settings.max_connections_per_address
    trusted_proxies: str | None = None  # their connections are not bounded per address

    @classmethod
    def from_settings(cls, settings: Settings) -> ConnectionLimits:
        return cls(
            max_header_bytes=settings.max_header_bytes,
            max_body=settings.max_body,
            header_timeout=settings.header_timeout,
            max_connections=settings.max_connections,
            # Like the other per-address limits, lifted for load tests (rate_limits=false).
            max_connections_per_address=(
                settings.max_connections_per_address if settings.rate_limits else None
            ),
            trusted_proxies=settings.trusted_proxies,
        )


class GuardedConfig(Config):
    """uvicorn's Config with `GuardedProtocol` and its limits. Importable, so it is
    pickled as it is into each `--workers` process."""

    def __init__(self, app: Any, limits: ConnectionLimits, **options: Any) -> None:
        super().__init__(app, http=GuardedProtocol, **options)
        self.connection_limits = limits

    def configure_logging(self) -> None:
        # Called again in each worker process, where loggers start afresh.
        super().configure_logging()
        logger = logging.getLogger("uvicorn.error")
        if not any(isinstance(f, OncePerInterval) for f in logger.filters):
            logger.addFilter(OncePerInterval())


class OncePerInterval(logging.Filter):
    """Each distinct warning passes at most once per `interval`; the next one to pass says
    how many like it were held back. Any client can make uvicorn warn at will (an `Upgrade`
    header, a malformed request): one line each would let it flood the log."""

    def __init__(
        self, interval: float = WARN_EVERY, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__()
        self._interval = interval
        self._clock = clock
        self._seen: dict[str, tuple[float, int]] = {}  # message -> (last passed, held back)

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno != logging.WARNING:
            return True
        key, now = str(record.msg), self._clock()
        last, held = self._seen.get(key, (-math.inf, 0))
        if now - last < self._interval:
            self._seen[key] = (last, held + 1)
            return False
        if len(self._seen) > 256:  # uvicorn's messages are few; never let this grow
            self._seen.clear()
        self._seen[key] = (now, 0)
        if held:
            record.msg = f"{record.msg} ({held} more like it in the last {now - last:.0f} s)"
        return True


class Peers:
    """Open connections of one server process, per client address."""

    def __init__(self, limits: ConnectionLimits) -> None:
        self.per_address = limits.max_connections_per_address
        self.trusted = _address_matcher(limits.trusted_proxies)
        self.held: dict[str, int] = {}
        self.warned_at = -WARN_EVERY

    def enter(self, address: str) -> bool:
        held = self.held.get(address, 0)
        if self.per_address is not None and held >= self.per_address and not self.trusted(address):
            return False
        self.held[address] = held + 1
        return True

    def leave(self, address: str) -> None:
        held = self.held.pop(address, 1) - 1
        if held > 0:
            self.held[address] = held

    def warn(self, message: str, *args: object) -> None:
        """Log a refusal, at most once a minute (a flood would otherwise flood the log)."""
        now = time.monotonic()
        if now - self.warned_at >= WARN_EVERY:
            self.warned_at = now
            log.warning(message, *args)


def _peers(server_state: ServerState, limits: ConnectionLimits) -> Peers:
    """The server's one `Peers`, kept with the state uvicorn shares between connections."""
    peers: Peers | None = getattr(server_state, "tohyo_peers", None)
    if peers is None:
        peers = Peers(limits)
        server_state.tohyo_peers = peers  # type: ignore[attr-defined]
    return peers


class GuardedProtocol(HttpToolsProtocol):
    # Slots, not the instance dict uvicorn's attributes are in: with these 10 more it would
    # pass the 30 keys a dict shares between instances and cost each connection ~1.2 KB.
    __slots__ = (
        "deadline",
        "head_begun",
        "head_room",
        "heads_read",
        "limits",
        "lingering",
        "messages_read",
        "peer",
        "peers",
        "rest_room",
    )

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.pipeline = lighter_pipeline(self.pipeline)
        limits = getattr(config, "connection_limits", None) or ConnectionLimits()
        self.limits: ConnectionLimits = limits
        self.peers = _peers(server_state, limits)
        self.peer: str | None = None  # the address this connection is counted under
        # Bytes the current request's head may still take; None once its headers are in
        # (a body, or a response being sent, is not a head).
        self.head_room: int | None = limits.max_header_bytes
        self.head_begun = False  # a byte of the current head has arrived
        self.heads_read = 0
        # Bytes the current request may still send after its head (body, chunk framing,
        # trailers); counted from the end of the head to the end of the message.
        self.rest_room = 0
        self.messages_read = 0
        # The connection's one timer: the current head's deadline, or the end of lingering.
        self.deadline: asyncio.TimerHandle | None = None
        self.lingering = -1  # bytes drained after an error response; -1: not lingering

    # --- connections --------------------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        lighten(self.flow._is_writable_event)
        if len(self.connections) > self.limits.max_connections:
            self.peers.warn("refusing connections: %d open", len(self.connections) - 1)
            transport.close()
            return
        address = self.client[0] if self.client else "unknown"
        if not self.peers.enter(address):
            self.peers.warn(
                "refusing connections from an address holding %d", self.peers.held[address]
            )
            transport.close()
            return
        self.peer = address
        self._arm_head_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        if self.peer is not None:
            self.peers.leave(self.peer)
            self.peer = None
        super().connection_lost(exc)

    # --- the request head: capped in bytes and in time -----------------------------------

    def data_received(self, data: bytes) -> None:
        if self.lingering >= 0:
            self._drain(len(data))
            return
        while data and not self.transport.is_closing():
            room = self.head_room
            if room is None:  # past the headers: uvicorn's own flow control applies
                data = self._feed_rest(data)
                continue
            if room == 0:  # the head goes on past the cap
                self._refuse(HeadersTooLarge(details={"limit": self.limits.max_header_bytes}))
                return
            if not self.head_begun:
                self.head_begun = True
                if self.deadline is None:  # a new request on a kept-alive connection
                    self._arm_head_deadline()
            # Never feed the parser past the cap: it keeps an unfinished header in memory,
            # growing it by concatenation (quadratic in its length).
            piece, data = data[:room], data[room:]
            heads_before = self.heads_read
            super().data_received(piece)
            if self.heads_read == heads_before:
                self.head_room = room - len(piece)
            # Else the headers ended inside `piece`. If a whole request and the start of
            # the next one were in it too, that start went uncounted: at most one read.

    def _feed_rest(self, data: bytes) -> bytes:
        """Feed what follows the head, up to its cap; return what belongs to the next
        request (its head is counted from there)."""
        room = self.rest_room
        if room <= 0:
            # Trailers or framing without end (a body past max_body was answered 413).
            self._disarm()
            self.transport.close()
            return b""
        piece, data = data[:room], data[room:]
        messages_before = self.messages_read
        super().data_received(piece)
        if self.messages_read == messages_before:
            self.rest_room = room - len(piece)
        # Else the message ended inside `piece`; any start of the next request in it went
        # uncounted by the head's cap: at most one read, as below.
        return data

    def on_headers_complete(self) -> None:
        self.heads_read += 1
        self.head_room = None
        self.rest_room = self.limits.max_body + self.limits.max_header_bytes
        self._disarm()
        super().on_headers_complete()
        if self.cycle is not None:
            lighten(self.cycle.message_event)

    def on_message_complete(self) -> None:
        self.messages_read += 1
        super().on_message_complete()
        # The next byte begins the next request's head. Its clock starts with that byte:
        # until then this connection is either sending a response (a stream may last
        # hours) or idle, which is uvicorn's keep-alive timeout.
        self.head_room = self.limits.max_header_bytes
        self.head_begun = False

    def _arm_head_deadline(self) -> None:
        self._disarm()
        self.deadline = self.loop.call_later(self.limits.header_timeout, self._head_late)

    def _disarm(self) -> None:
        if self.deadline is not None:
            self.deadline.cancel()
            self.deadline = None

    def _head_late(self) -> None:
        self.deadline = None
        if self.transport.is_closing() or self.head_room is None:
            return
        if self.head_begun:
            self._refuse(RequestTimeout(details={"seconds": self.limits.header_timeout}))
        else:  # nothing was asked (a browser's spare connection): nothing to answer
            self.transport.close()

    # --- refusing --------------------------------------------------------------------

    def _refuse(self, error: RequestError) -> None:
        """Answer `error` and close. Behind a response still being sent (a pipelined
        request), an answer would corrupt it: then only close."""
        self._disarm()
        if self.cycle is not None and not self.cycle.response_complete:
            self.transport.close()
            return
        body = orjson.dumps(error_body(error))
        head = [STATUS_LINE[error.status]]
        for name, value in [
            *self.server_state.default_headers,
            *JSON_HEADERS,
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ]:
            head += [name, b": ", value, b"\r\n"]
        self.transport.write(b"".join([*head, b"\r\n", body]))
        if not self.transport.can_write_eof():
            self.transport.close()
            return
        self.transport.write_eof()
        self.flow.resume_reading()
        self.lingering = 0
        self.deadline = self.loop.call_later(LINGER_SECONDS, self.transport.close)

    def _drain(self, size: int) -> None:
        self.lingering += size
        if self.lingering > LINGER_BYTES:
            self.transport.close()


def _address_matcher(trusted: str | None) -> Callable[[str], bool]:
    """Whether an address is one of `trusted` ("*", or addresses and networks by comma)."""
    if not trusted:
        return lambda address: False
    entries = [entry.strip() for entry in trusted.split(",") if entry.strip()]
    if "*" in entries:
        return lambda address: True
    networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
    literals: set[str] = set()
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            literals.add(entry)

    def matches(address: str) -> bool:
        if address in literals:
            return True
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:  # a dual-stack socket
            ip = ip.ipv4_mapped
        return any(ip in network for network in networks)

    return matches
