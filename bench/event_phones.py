"""The load processes of bench/event_present.py and bench/wordcloud_flood.py: a room of
phones on one event, and their answers.

    event_phones.py phones --port P --event ID --prefix X --n N    # holds N streams
    event_phones.py answer --port P --event ID --prefix X --n N --question q1 --choices K
    event_phones.py answer ... --question q1 --wordcloud --times    # bench/wordcloud_flood.py

Like `loadlib.py viewers|voter` (whose pieces this reuses): started pinned to the load
core, talking JSON lines on stdin/stdout, asyncio (uvloop) on raw sockets. CLOCK_MONOTONIC
is system-wide, so the orchestrator's "present sent at" compares with a phone's "shown at".
The phones themselves (their requests and their stream reader) are in bench/event_phone.py.
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
from event_phone import answer_request, choice_of, open_phones, phone_token, response_request


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
    conns: Sequence[L.RawHttp], make: Any, n: int, duration: float, expect: int = 201
) -> L.LoadResult:
    """Requests 0..n-1 over `conns`, one in flight on each, until done or `duration` s;
    a reply of status `expect` counts as acknowledged."""
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
            if status == expect:
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
    if args.wordcloud:  # entries from bench/wordcloud_words.py, every body built up front
        from wordcloud_words import entries_of

        bodies = [
            json.dumps({"entries": entries_of(i)}, ensure_ascii=False).encode()
            for i in range(args.n)
        ]

    def make(i: int) -> bytes:
        token = phone_token(args.prefix, i)
        if args.wordcloud:
            return response_request(port, event, question, token, bodies[i])
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
    times = {}
    if args.times:  # each 201's send and receive time, paired (for bench/wordcloud_flood.py)
        times = {"sent_at": list(result.ack_sent), "acked_at": list(result.ack_times)}
    _say(result.summary() | {"started_at": started_at} | times)


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
            kind = p.add_mutually_exclusive_group(required=True)
            kind.add_argument("--choices", type=int, help="phone i picks choice i %% K + 1")
            kind.add_argument(
                "--wordcloud", action="store_true", help="phone i sends wordcloud_words' entries"
            )
            p.add_argument("--times", action="store_true", help="report every 201's times")
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
        super().__init__(args, cpu, Path(__file__))


if __name__ == "__main__":
    main()
