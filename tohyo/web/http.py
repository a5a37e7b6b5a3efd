"""A lean request/response layer for the JSON API, straight on ASGI.

The vote path is the hot path: a framework's request object, router and middleware
stack cost about as much as the vote itself (see ../shared/MEASUREMENTS.md), so API
routes read the scope directly. Everything here is small and allocation-light.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any

import orjson

from tohyo.errors import (
    InvalidJSON,
    PayloadTooLarge,
    TohyoError,
    UnsupportedMediaType,
    error_body,
)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Headers = list[tuple[bytes, bytes]]

# Sent with every response; the stricter policy for pages is added by the page layer.
BASE_HEADERS: Headers = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    # An API response never loads anything, nor may it be framed.
    (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
]
# no-store: every JSON answer is a moment's state, and some are one voter's own
# (myChoiceIds): no cache on the way may keep or share one.
JSON_HEADERS: Headers = [
    (b"content-type", b"application/json"),
    (b"cache-control", b"no-store"),
    *BASE_HEADERS,
]


class Request:
    __slots__ = ("_cookies", "_headers", "receive", "scope")

    def __init__(self, scope: Scope, receive: Receive) -> None:
        self.scope = scope
        self.receive = receive
        self._headers: dict[bytes, bytes] | None = None
        self._cookies: dict[str, str] | None = None

    def settle(self) -> None:
        """Forget the headers and cookies parsed so far: a stream, open for hours, need
        not hold them (they are parsed again if asked for)."""
        self._headers = None
        self._cookies = None

    @property
    def method(self) -> str:
        return str(self.scope["method"])

    @property
    def headers(self) -> dict[bytes, bytes]:
        if self._headers is None:
            self._headers = dict(self.scope["headers"])
        return self._headers

    def header(self, name: bytes) -> str | None:
        value = self.headers.get(name)
        return value.decode("latin-1") if value is not None else None

    @property
    def cookies(self) -> dict[str, str]:
        if self._cookies is None:
            self._cookies = parse_cookies(self.headers.get(b"cookie", b"").decode("latin-1"))
        return self._cookies

    @property
    def address(self) -> str:
        """The client's address (the proxy's X-Forwarded-For when the proxy is trusted:
        uvicorn rewrites the scope then)."""
        client = self.scope.get("client")
        return str(client[0]) if client else "unknown"

    @property
    def secure(self) -> bool:
        return self.scope.get("scheme") == "https"

    def query(self) -> dict[str, str]:
        from urllib.parse import parse_qsl

        raw = self.scope.get("query_string", b"").decode("latin-1")
        return dict(parse_qsl(raw, keep_blank_values=True))

    def base_url(self, configured: str | None) -> str:
        if configured:
            return configured
        host = self.header(b"host") or "localhost"
        return f"{self.scope.get('scheme', 'http')}://{host}"

    def _has_body(self) -> bool:
        length = self.headers.get(b"content-length")
        return (length is not None and length != b"0") or b"transfer-encoding" in self.headers

    def _refuse_declared_excess(self, limit: int) -> None:
        declared = self.headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            raise PayloadTooLarge(details={"limit": limit})

    async def body(self, limit: int) -> bytes:
        """The whole body, refusing with 413 as soon as it passes `limit` bytes."""
        self._refuse_declared_excess(limit)
        return await self._read(limit)

    async def _read(self, limit: int) -> bytes:
        message = await self.receive()
        if message["type"] != "http.request":
            return b""
        first: bytes = message.get("body", b"")
        if len(first) > limit:
            raise PayloadTooLarge(details={"limit": limit})
        if not message.get("more_body", False):
            return first  # the usual case: the whole body in one message, nothing to join
        chunks = [first]
        size = len(first)
        while True:
            message = await self.receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise PayloadTooLarge(details={"limit": limit})
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    async def json(self, limit: int) -> Any:
        """The body as JSON: 415 unless it is declared JSON (a cross-site form cannot
        send that without CORS), 413 past `limit` bytes, 400 if it does not parse
        (orjson refuses nesting deeper than 1,024 levels, so depth cannot exhaust us)."""
        self._refuse_declared_excess(limit)
        kind = self.headers.get(b"content-type", b"").partition(b";")[0].strip().lower()
        json_type = kind == b"application/json" or kind.endswith(b"+json")
        if not json_type and (kind or self._has_body()):
            raise UnsupportedMediaType()
        raw = await self._read(limit)  # the declared length was checked above
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            raise InvalidJSON() from None


def parse_cookies(header: str) -> dict[str, str]:
    cookies: dict[str, str] = {}
    for part in header.split(";"):
        name, sep, value = part.strip().partition("=")
        if sep and name:
            cookies.setdefault(name, value.strip().strip('"'))
    return cookies


def cookie(
    name: str, value: str, *, max_age: int, secure: bool, path: str = "/"
) -> tuple[bytes, bytes]:
    return (b"set-cookie", f"{name}={value}".encode("latin-1") + _attributes(max_age, secure, path))


@functools.lru_cache(maxsize=64)
def _attributes(max_age: int, secure: bool, path: str) -> bytes:
    """What follows a cookie's value; the same for every vote's voter cookie, so it is
    built once rather than per vote."""
    parts = ["", f"Max-Age={max_age}", f"Path={path}", "HttpOnly", "SameSite=Lax"]
    if secure:
        parts.append("Secure")
    return "; ".join(parts).encode("latin-1")


async def send_json(
    send: Send, status: int, data: Any, headers: Iterable[tuple[bytes, bytes]] = ()
) -> None:
    body = orjson.dumps(data)
    length = (b"content-length", str(len(body)).encode())
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [*JSON_HEADERS, *headers, length],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def send_bytes(send: Send, status: int, body: bytes, headers: Headers) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [*headers, (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def send_error(send: Send, error: TohyoError, headers: Headers | None = None) -> None:
    await send_json(send, error.status, error_body(error), headers or ())
