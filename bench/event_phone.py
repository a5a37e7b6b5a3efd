"""A phone of bench/event_present.py's room, on raw sockets: its requests (stream, answer),
who it is and what it picks, and `Phone`, its stream reader; `open_phones` connects a room.

A phone is participant `<prefix>p<i>` (its voter cookie): phone i's stream and phone i's
answer are the same participant, as on a real phone. `Phone` is an SSE reader that parses
almost nothing: per chunk of complete frames it reads the `"presenting":` value of each
state frame (noting when each value was first shown) and keeps the newest state's `data:`
line unparsed: its totalVotes is read by a byte search while waiting, the whole tally
parsed once at the end. The stream's chunk framing only ever falls between frames (the
server sends whole frames per chunk).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import loadlib as L

PRESENTING = b'"presenting":'
DATA_MARK = b"\ndata: "
TOTAL = b'"totalVotes":'
FRAME_END = b"\n\n"
PENDING_MAX = 1 << 20  # a frame never gets this long; past it the stream is broken


def phone_token(prefix: str, i: int) -> str:
    """Phone i's voter cookie (16-128 chars of [A-Za-z0-9_-])."""
    return f"{prefix}p{i:07d}"


def choice_of(i: int, choices: int) -> str:
    """Phone i always picks the same choice, so the exact final counts are known."""
    return str(i % choices + 1)


def expected_counts(n: int, choices: int) -> list[int]:
    return [
        sum(1 for i in range(n) if choice_of(i, choices) == str(c)) for c in range(1, 1 + choices)
    ]


def stream_request(port: int, event_id: str, token: str) -> bytes:
    headers = [("Accept", "text/event-stream"), ("Cookie", f"tohyo_voter={token}")]
    return L.build_request("GET", f"/api/events/{event_id}/stream", port, None, headers)


def answer_request(port: int, event_id: str, question: str, token: str, choice: str) -> bytes:
    body = b'{"choiceIds":["%s"]}' % choice.encode()
    return response_request(port, event_id, question, token, body)


def response_request(port: int, event_id: str, question: str, token: str, body: bytes) -> bytes:
    """A participant's answer of any type: `body` is its JSON."""
    path = f"/api/events/{event_id}/questions/{question}/responses"
    return L.build_request("POST", path, port, body, [("Cookie", f"tohyo_voter={token}")])


class Phone(asyncio.Protocol):
    """One phone's stream: when each `presenting` value was first shown, and the newest
    state's data (unparsed)."""

    __slots__ = (
        "bytes",
        "first",
        "frames",
        "last",
        "lost",
        "pending",
        "presenting",
        "raw",
        "shown",
        "status",
        "transport",
    )

    def __init__(self, raw_request: bytes, first: asyncio.Future[None]) -> None:
        self.transport: asyncio.Transport | None = None
        self.raw = raw_request
        self.first = first  # resolved by the first complete frame (the snapshot)
        self.pending = b""
        self.presenting: bytes | None = None
        self.shown: dict[bytes | None, float] = {}
        self.last = b""
        self.frames = 0
        self.bytes = 0
        self.status = 0
        self.lost: str | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.transport.write(self.raw)

    def data_received(self, data: bytes) -> None:
        now = L.monotonic()
        self.bytes += len(data)
        if not self.status:
            self.status = int(data[9:12]) if data.startswith(b"HTTP/1.1 ") else -1
            if self.status != 200:
                self.fail(f"status {self.status}: {data[:300]!r}")
                return
        buf = self.pending + data if self.pending else data
        end = buf.rfind(FRAME_END)
        if end < 0:
            self.pending = buf
            if len(buf) > PENDING_MAX:
                self.fail("a frame longer than 1 MiB")
            return
        done, self.pending = buf[: end + 2], buf[end + 2 :]
        # Every state frame (snapshot or update) says what is presented; nothing else does.
        pos = done.find(PRESENTING)
        newest = -1
        while pos >= 0:
            newest = pos
            start = pos + len(PRESENTING)
            value = done[start + 1 : done.find(b'"', start + 1)] if done[start] == 34 else None
            if value != self.presenting or not self.frames:
                self.presenting = value
                self.shown.setdefault(value, now)
            self.frames += 1
            pos = done.find(PRESENTING, start)
        if newest >= 0:  # keep the newest state's data line
            begin = done.rfind(DATA_MARK, 0, newest) + len(DATA_MARK)
            self.last = done[begin : done.find(b"\n", newest)]
            if not self.first.done():
                self.first.set_result(None)

    def total_of(self, question: bytes) -> int | None:
        """`question`'s totalVotes in the newest state, read without parsing it (cheap
        enough to ask every phone every few milliseconds)."""
        at = self.last.find(b'"questionId":"%s"' % question)
        at = self.last.find(TOTAL, at) if at >= 0 else -1
        if at < 0:
            return None
        digits = at + len(TOTAL)
        stop = digits
        while stop < len(self.last) and 48 <= self.last[stop] <= 57:
            stop += 1
        return int(self.last[digits:stop]) if stop > digits else None

    def fail(self, reason: str) -> None:
        self.lost = reason
        if not self.first.done():
            self.first.set_exception(ConnectionError(reason))
        if self.transport is not None:
            self.transport.close()

    def connection_lost(self, exc: BaseException | None) -> None:
        if self.lost is None:
            self.lost = repr(exc) if exc else "closed by the server"
        if not self.first.done():
            self.first.set_exception(ConnectionError(self.lost))

    def results(self, question: str) -> str:
        """The newest frame's results of `question`, as a stable string (for counting)."""
        try:
            view = json.loads(self.last)
        except ValueError:
            return "unreadable frame"
        for q in view.get("questions", ()):
            if q.get("questionId") == question:
                r = q.get("results")
                if r is None:
                    return "no results"
                return results_key(r)
        return "question missing"


def results_key(results: dict[str, Any]) -> str:
    """What a phone's results show, as a stable string: a choice question's counts, a word
    cloud's totals and list (each entry's key, text and count)."""
    if "choices" in results:
        counts = [c["voteCount"] for c in results["choices"]]
        return json.dumps({"totalVotes": results["totalVotes"], "counts": counts})
    entries = [[e["key"], e["text"], e["count"]] for e in results.get("entries", ())]
    totals = {k: results.get(k) for k in ("totalVotes", "entryCount", "distinct")}
    return json.dumps({**totals, "entries": entries}, ensure_ascii=False)


async def open_phones(
    port: int, event_id: str, prefix: str, n: int, parallel: int
) -> tuple[list[Phone], float]:
    """n phones, at most `parallel` connecting at a time; each counts once its snapshot
    arrived. Returns (phones, seconds)."""
    loop = asyncio.get_running_loop()
    phones: list[Phone] = []
    gate = asyncio.Semaphore(parallel)
    t0 = L.monotonic()

    async def one(i: int) -> None:
        raw = stream_request(port, event_id, phone_token(prefix, i))
        async with gate:
            first: asyncio.Future[None] = loop.create_future()
            for attempt in range(5):
                try:
                    _, phone = await loop.create_connection(lambda: Phone(raw, first), L.HOST, port)
                    break
                except OSError:
                    if attempt == 4:
                        raise
                    await asyncio.sleep(0.2 * (attempt + 1))
            phones.append(phone)
            await asyncio.wait_for(first, 60)

    outcomes = await asyncio.gather(*(one(i) for i in range(n)), return_exceptions=True)
    failures = [o for o in outcomes if isinstance(o, BaseException)]
    if failures:
        L.log(f"{len(failures)} of {n} phones failed to connect; first: {failures[0]!r}")
    return phones, L.monotonic() - t0
