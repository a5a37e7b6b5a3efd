"""Pages and the schema compressed for browsers that accept it.

A page is made per request (its view is the session's or event's state) and is small, so
it is compressed as it is sent: brotli at a fast quality when the browser takes `br`,
else gzip. Only whole, uncompressed text responses of the pages app pass through here;
streams and the JSON API are served elsewhere (web/api.py) and never buffered.
"""

from __future__ import annotations

from typing import Any

from tohyo.web.assets import chosen_encoding, compressed

TEXT_TYPES = (b"text/html", b"text/css", b"application/json", b"image/svg+xml")


class Compressed:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        accepted = dict(scope["headers"]).get(b"accept-encoding", b"")
        head = scope["method"] == "HEAD"
        if scope["method"] != "GET" and not head:
            await self.app(scope, receive, send)
            return
        start: dict[str, Any] | None = None
        parts: list[bytes] = []

        async def sending(message: Any) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = message.get("headers", [])
                names = {name.lower(): value for name, value in headers}
                kind = names.get(b"content-type", b"")
                if b"content-encoding" in names or not kind.startswith(TEXT_TYPES):
                    start = None
                    await send(message)
                    return
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            parts.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            await _send_whole(send, start, b"".join(parts), accepted)

        # A HEAD is answered as its GET would be (the same encoding, length and Vary):
        # the page is made as for a GET, and its body left out.
        if head:
            scope = {**scope, "method": "GET"}
            send = _without_body(send)
        await self.app(scope, receive, sending)


def _without_body(send: Any) -> Any:
    async def sending(message: Any) -> None:
        if message["type"] == "http.response.body":
            message = {**message, "body": b""}
        await send(message)

    return sending


async def _send_whole(send: Any, start: dict[str, Any], body: bytes, accepted: bytes) -> None:
    encodings = compressed(body, fast=True) if accepted else {}
    encoding = chosen_encoding(accepted, encodings)
    headers, varies = [], [b"accept-encoding"]
    for name, value in start.get("headers", []):
        if name.lower() == b"vary":
            varies.insert(0, value)
        elif name.lower() != b"content-length":
            headers.append((name, value))
    headers.append((b"vary", b", ".join(varies)))
    if encoding:
        body = encodings[encoding]
        headers.append((b"content-encoding", encoding.encode()))
    headers.append((b"content-length", str(len(body)).encode()))
    await send({**start, "headers": headers})
    await send({"type": "http.response.body", "body": body})
