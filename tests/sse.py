"""A small Server-Sent Events reader for tests: frames are read by a background task into
a queue, and every wait has a timeout, so a stream that hangs fails in seconds."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx


@dataclass
class Frame:
    """One blank-line-terminated block of the stream, fields in the order received."""

    fields: list[tuple[str, str]]
    at: float = field(default_factory=time.monotonic)

    def get(self, name: str) -> str | None:
        values = [v for k, v in self.fields if k == name]
        return values[-1] if values else None

    @property
    def event(self) -> str | None:
        return self.get("event")

    @property
    def id(self) -> int:
        raw = self.get("id")
        assert raw is not None, f"frame has no id: {self.fields}"
        return int(raw)

    @property
    def data(self) -> dict[str, Any]:
        raw = self.get("data")
        assert raw is not None, f"frame has no data: {self.fields}"
        parsed: dict[str, Any] = json.loads(raw)
        return parsed

    @property
    def retry(self) -> int | None:
        raw = self.get("retry")
        return None if raw is None else int(raw)

    @property
    def is_comment(self) -> bool:
        return bool(self.fields) and all(k == "" for k, _ in self.fields)


END = object()  # queued when the server ends the stream


class FrameQueue:
    """Frames parsed from a stream's lines, queued by a reader; every wait has a timeout.
    Subclasses read the lines (httpx here; curl over HTTP/2 in tests/proxies.py)."""

    def __init__(self) -> None:
        self._queue: asyncio.Queue[Any] = asyncio.Queue()
        self._fields: list[tuple[str, str]] = []
        # A host's event stream is also sent `presence` (how many phones are connected)
        # every few seconds, whatever else happens: those frames are queued apart, so a
        # test of states reads on undisturbed (test_event_presence.py reads these).
        self.presence: asyncio.Queue[Frame] = asyncio.Queue()

    def feed(self, line: str) -> None:
        """One line of the body, without its line ending."""
        if line == "":
            if self._fields:
                frame = Frame(self._fields)
                (self.presence if frame.event == "presence" else self._queue).put_nowait(frame)
                self._fields = []
            return
        name, _, value = line.partition(":")
        self._fields.append((name, value[1:] if value.startswith(" ") else value))

    def ended(self) -> None:
        self._queue.put_nowait(END)

    async def next(self, timeout: float = 3.0) -> Frame | None:
        """The next frame, or None once the server has ended the stream."""
        try:
            item = await asyncio.wait_for(self._queue.get(), timeout)
        except TimeoutError:
            raise AssertionError(f"no SSE frame within {timeout}s") from None
        if item is END:
            self._queue.put_nowait(END)  # stays ended
            return None
        assert isinstance(item, Frame)
        return item

    async def next_event(self, timeout: float = 3.0) -> Frame:
        """The next frame that carries an event (skips `retry:` hints and comments)."""
        deadline = time.monotonic() + timeout
        while True:
            frame = await self.next(max(0.01, deadline - time.monotonic()))
            assert frame is not None, "stream ended while an event was expected"
            if frame.event is not None:
                return frame

    async def quiet(self, seconds: float) -> list[Frame]:
        """Every frame that arrives within `seconds` (the stream must stay open)."""
        frames: list[Frame] = []
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                item = await asyncio.wait_for(self._queue.get(), left)
            except TimeoutError:
                break
            assert item is not END, f"stream ended unexpectedly after {frames}"
            frames.append(item)
        return frames


class Stream(FrameQueue):
    """Frames of one open SSE response; `next()` waits with a timeout."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__()
        self.response = response
        self.error: BaseException | None = None
        self.ended_at: float | None = None
        self._task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        try:
            async for line in self.response.aiter_lines():
                self.feed(line)
        except httpx.HTTPError as error:
            self.error = error
        finally:
            self.ended_at = time.monotonic()
            self.ended()

    async def aclose(self) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task


@contextlib.asynccontextmanager
async def open_stream(
    http: httpx.AsyncClient, session_id: str, headers: dict[str, str] | None = None
) -> AsyncIterator[Stream]:
    async with http.stream("GET", f"/api/vote/{session_id}/stream", headers=headers) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        stream = Stream(response)
        try:
            yield stream
        finally:
            await stream.aclose()


async def open_snapshot(stream: FrameQueue) -> Frame:
    """The opening of every stream: a `retry: 3000` hint, then the snapshot event."""
    hint = await stream.next()
    assert hint is not None
    assert hint.fields == [("retry", "3000")]
    snapshot = await stream.next()
    assert snapshot is not None
    assert snapshot.event == "snapshot"
    return snapshot
