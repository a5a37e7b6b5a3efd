"""The load processes of bench/event_present.py: a room of phones on one event, and their
answers.

    event_phones.py phones --port P --event ID --prefix X --n N    # holds N streams
    event_phones.py answer --port P --event ID --prefix X --n N --question q1 --choices K

Like `loadlib.py viewers|voter` (whose pieces this reuses): started pinned to the load
core, talking JSON lines on stdin/stdout, asyncio (uvloop) on raw sockets. CLOCK_MONOTONIC
is system-wide, so the orchestrator's "present sent at" compares with a phone's "shown at".

A phone is participant `<prefix>p<i>` (its voter cookie): phone i's stream and phone i's
answer are the same participant, as on a real phone. `Phone` is an SSE reader that parses
almost nothing: per chunk of complete frames it reads the `"presenting":` value of each
state frame (noting when each value was first shown) and keeps the newest state's `data:`
line unparsed: its totalVotes is read by a byte search while waiting, the whole tally
parsed once at the end. The stream's chunk framing only ever falls between frames (the
server sends whole frames per chunk).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
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
                counts = [c["voteCount"] for c in r["choices"]]
                return json.dumps({"totalVotes": r["totalVotes"], "counts": counts})
        return "question missing"


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


def spread(seconds: Sequence[float]) -> dict[str, float]:
    """p50/p90/p99/max/min in ms of a sample in seconds (nan when empty)."""
    s = sorted(seconds)
    ms = {f"p{p}_ms": 1000 * L.percentile(s, p) for p in (50, 90, 99)}
    ms["max_ms"] = 1000 * (s[-1] if s else math.nan)
    ms["min_ms"] = 1000 * (s[0] if s else math.nan)
    return ms


async def until(condition: Any, timeout: float) -> float:
    """Poll `condition()` every 10 ms until true or `timeout`; the seconds it took."""
    t0 = L.monotonic()
    deadline = t0 + timeout
    while not condition() and L.monotonic() < deadline:
        await asyncio.sleep(0.01)
    return L.monotonic() - t0


def _say(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


async def _phones_main(args: argparse.Namespace) -> None:
    """Hold N phones. Commands: presented {question, sent_at, timeout} | finish {question,
    total, timeout} | close."""
    limit = L.raise_nofile()
    if limit < args.n + 64:
        _say({"error": f"fd limit {limit} is too low for {args.n} phones"})
        return
    cpu0 = L.self_cpu_s()
    phones, seconds = await open_phones(args.port, args.event, args.prefix, args.n, args.parallel)
    ok = [p for p in phones if p.lost is None and p.last]
    _say(
        {
            "ready": len(ok),
            "failed": args.n - len(ok),
            "connect_s": seconds,
            "connect_cpu_s": L.self_cpu_s() - cpu0,
            "presenting": sorted({str(p.presenting) for p in ok})[:5],
        }
    )
    cpu_mark = L.self_cpu_s()

    def cpu_since_last() -> float:
        """This process's CPU seconds since the previous report (or the connect)."""
        nonlocal cpu_mark
        before, cpu_mark = cpu_mark, L.self_cpu_s()
        return cpu_mark - before

    while True:
        line = await asyncio.to_thread(sys.stdin.readline)
        if not line:
            break
        cmd = json.loads(line)
        if cmd["cmd"] == "presented":
            # Every phone has shown the presented question (the present was sent at sent_at).
            target = cmd["question"].encode()
            waited = await until(
                lambda t=target: all(t in p.shown or p.lost for p in phones), float(cmd["timeout"])
            )
            shown = [p.shown[target] - float(cmd["sent_at"]) for p in phones if target in p.shown]
            _say(
                {
                    "phones": len(phones),
                    "shown": len(shown),
                    "missing": len(phones) - len(shown),
                    "lost": sum(1 for p in phones if p.lost),
                    "waited_s": waited,
                    "cpu_s": cpu_since_last(),
                    **spread(shown),
                }
            )
        elif cmd["cmd"] == "finish":
            # Wait for every phone's newest state to count the host's final total, then
            # read its whole tally. (A participant's frames carry no version: the total is
            # how a phone shows it has every answer.)
            question, total = cmd["question"].encode(), int(cmd["total"])
            waited = await until(
                lambda q=question, t=total: all(p.total_of(q) == t or p.lost for p in phones),
                float(cmd["timeout"]),
            )
            results = Counter(p.results(cmd["question"]) for p in phones if not p.lost)
            _say(
                {
                    "phones": len(phones),
                    "lost": sum(1 for p in phones if p.lost),
                    "lost_reasons": Counter(p.lost for p in phones if p.lost).most_common(3),
                    "settle_s": waited,
                    "final_results": dict(results),
                    "frames_per_phone": L.median([p.frames for p in phones]),
                    "mbytes": sum(p.bytes for p in phones) / 1e6,
                    "cpu_s": cpu_since_last(),
                }
            )
        elif cmd["cmd"] == "close":
            break
    lost = sum(1 for p in phones if p.lost)
    for p in phones:
        if p.transport is not None:
            p.transport.close()
    await asyncio.sleep(0.1)
    _say({"closed": len(phones), "lost_before_close": lost})


async def answer_all(
    conns: Sequence[L.RawHttp], make: Any, n: int, duration: float
) -> L.LoadResult:
    """Requests 0..n-1 over `conns`, one in flight on each, until done or `duration` s."""
    result = L.LoadResult()
    numbers = iter(range(n))
    t0, cpu0 = L.monotonic(), L.self_cpu_s()
    deadline = t0 + duration

    async def worker(conn: L.RawHttp) -> None:
        for i in numbers:
            if L.monotonic() >= deadline:
                return
            raw = make(i)
            sent_at = L.monotonic()
            result.sent += 1
            try:
                status, _, at = await conn.send(raw)
            except (ConnectionError, OSError) as error:
                result.errors[type(error).__name__] += 1
                return
            result.statuses[status] += 1
            result.latencies.append(at - sent_at)
            if status == 201:
                result.ack_times.append(at)
                result.ack_sent.append(sent_at)

    await asyncio.gather(*(worker(c) for c in conns))
    result.seconds, result.cpu_s = L.monotonic() - t0, L.self_cpu_s() - cpu0
    return result


async def _answer_main(args: argparse.Namespace) -> None:
    """Every phone answers once: `concurrency` connections, one answer in flight on each,
    at most `duration` seconds in all.

    The connections are opened at start-up and kept alive with a `GET /healthz` each
    just before the flood (an idle one would be closed after the server's keep-alive
    timeout): the flood measures answers, not 200 connections opened at one instant."""
    port, event, question = args.port, args.event, args.question

    def make(i: int) -> bytes:
        token = phone_token(args.prefix, i)
        return answer_request(port, event, question, token, choice_of(i, args.choices))

    health = L.build_request("GET", "/healthz", port)
    conns = [await L.RawHttp.open(port) for _ in range(min(args.concurrency, args.n))]
    warm = await asyncio.gather(*(c.send(health) for c in conns))
    _say({"ready": sorted({status for status, _, _ in warm})})
    await asyncio.to_thread(sys.stdin.readline)  # "go"
    await asyncio.gather(*(c.send(health) for c in conns))
    started_at = L.monotonic()
    result = await answer_all(conns, make, args.n, args.duration)
    for conn in conns:
        conn.close()
    _say(result.summary() | {"started_at": started_at})


def main() -> None:
    parser = argparse.ArgumentParser(description="load processes for bench/event_present.py")
    sub = parser.add_subparsers(dest="what", required=True)
    for name in ("phones", "answer"):
        p = sub.add_parser(name)
        p.add_argument("--port", type=int, required=True)
        p.add_argument("--event", required=True)
        p.add_argument("--prefix", required=True)
        p.add_argument("--n", type=int, required=True)
        if name == "phones":
            p.add_argument("--parallel", type=int, default=256)
        else:
            p.add_argument("--question", required=True)
            p.add_argument("--choices", type=int, required=True)
            p.add_argument("--concurrency", type=int, default=200)
            p.add_argument("--duration", type=float, default=120.0)
    args = parser.parse_args()
    try:
        L.run(_phones_main(args) if args.what == "phones" else _answer_main(args))
    except Exception as error:
        _say({"error": repr(error)})
        raise


class Child(L.Child):
    """This module run as a load process, pinned to `cpu` (see loadlib.Child)."""

    def __init__(self, args: Sequence[str], cpu: str | None) -> None:
        import subprocess

        cmd = [*L.pin(cpu), sys.executable, str(Path(__file__).resolve()), *args]
        self.proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=L.ROOT, text=True, bufsize=1
        )


if __name__ == "__main__":
    main()
