"""The load process of bench/quiz_flood.py: a hall of quiz players on one event.

    quiz_players.py --port P --server-pid PID --event ID --prefix X --host-token T --n N

Like `event_phones.py answer` (whose `answer_all` this reuses): started pinned to the load
core, talking JSON lines on stdin/stdout, asyncio (uvloop) on raw sockets. Player i is
participant `<prefix>p<i>` (bench/event_phone.py's token), nicknamed `nickname_of(i)`,
answering `choice_of(i, 4)`. Every POST and PUT carries the Origin a phone's browser
sends (this server's own), so the same-origin check runs as it does for a phone.

Commands, in the order bench/quiz_flood.py sends them:

- `join`: every player PUTs its nickname (`…/me`), `--concurrency` connections with one
  request in flight each, bounded by count and `--duration`.
- `answer`: every player answers q1 once, the same way.
- `phones`: a phone's own connection for each player, opened `--parallel` at a time and
  woken with a `GET /healthz` each (an idle one would meet the server's keep-alive
  timeout, so `board` follows at once).
- `board`: this process closes q1 itself (the host's Bearer token), and the moment
  the close's 200 arrives every phone GETs `…/leaderboard` with its cookie at once. Per
  phone: when its request went out and when its board came back, and what the board
  told it (compact, for the checks in bench/quiz_flood_report.py).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections import Counter
from typing import Any

import loadlib as L
from event_phone import choice_of, phone_token
from event_phones import answer_all

CHOICES = 4
QUESTION = "q1"


def nickname_of(i: int) -> str:
    """Player i's nickname: unique in the event, 1-24 characters."""
    return f"Player {i:05d}"


def _say(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


class Requests:
    """The raw requests of one hall: every one a phone's browser would send."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.port, self.prefix = args.port, args.prefix
        self.base = f"/api/events/{args.event}"
        self.origin = ("Origin", f"http://{L.HOST}:{args.port}")
        self.token = args.host_token

    def cookie(self, i: int) -> tuple[str, str]:
        return ("Cookie", f"tohyo_voter={phone_token(self.prefix, i)}")

    def join(self, i: int) -> bytes:
        body = json.dumps({"nickname": nickname_of(i)}).encode()
        headers = [self.cookie(i), self.origin]
        return L.build_request("PUT", f"{self.base}/me", self.port, body, headers)

    def answer(self, i: int) -> bytes:
        body = b'{"choiceIds":["%s"]}' % choice_of(i, CHOICES).encode()
        path = f"{self.base}/questions/{QUESTION}/responses"
        return L.build_request("POST", path, self.port, body, [self.cookie(i), self.origin])

    def close(self) -> bytes:
        path = f"{self.base}/questions/{QUESTION}/close"
        headers = [("Authorization", f"Bearer {self.token}"), self.origin]
        return L.build_request("POST", path, self.port, b"{}", headers)

    def leaderboard(self, i: int) -> bytes:
        return L.build_request("GET", f"{self.base}/leaderboard", self.port, None, [self.cookie(i)])

    def health(self) -> bytes:
        return L.build_request("GET", "/healthz", self.port)


def seen(status: int, body: bytes) -> tuple[list[Any], str]:
    """What one phone's board told it, compact: [status, rank, score, nickname, points,
    ms, correct] and the shared part (players and the top entries) as a string to count."""
    if status != 200:
        return [status, None, None, None, None, None, None], f"status {status}"
    view = json.loads(body)
    me = view.get("me") or {}
    mine = (me.get("questions") or [{}])[0]
    row = [status, me.get("rank"), me.get("score"), me.get("nickname")]
    row += [mine.get("points"), mine.get("ms"), mine.get("correct")]
    shared = json.dumps({"players": view.get("players"), "entries": view.get("entries")})
    return row, shared


async def open_phones(port: int, n: int, parallel: int) -> list[L.RawHttp]:
    """n keep-alive connections, at most `parallel` connecting at a time."""
    gate = asyncio.Semaphore(parallel)

    async def one() -> L.RawHttp:
        async with gate:
            for attempt in range(5):
                try:
                    return await L.RawHttp.open(port)
                except OSError:
                    if attempt == 4:
                        raise
                    await asyncio.sleep(0.2 * (attempt + 1))
            raise AssertionError("unreachable")

    return list(await asyncio.gather(*(one() for _ in range(n))))


async def phones_ready(args: argparse.Namespace, make: Requests) -> Hall:
    """Every phone's own connection and the host's, open and just woken."""
    t0 = L.monotonic()
    phones = await open_phones(args.port, args.n, args.parallel)
    connect_s = L.monotonic() - t0
    host = await L.RawHttp.open(args.port)
    health = make.health()
    warm = await asyncio.gather(*(p.send(health) for p in phones), host.send(health))
    return Hall(phones, host, connect_s, sorted({status for status, _, _ in warm}))


class Hall:
    """The phones' connections, one each, and the host's."""

    def __init__(
        self, phones: list[L.RawHttp], host: L.RawHttp, connect_s: float, warm: list[int]
    ) -> None:
        self.phones, self.host, self.connect_s, self.warm = phones, host, connect_s, warm


async def board_storm(hall: Hall, make: Requests, server_pid: int) -> dict[str, Any]:
    """Close q1, and every phone fetches its board at the close's 200 (the module
    docstring). The server's CPU and the cores' are read over exactly that: from the
    close's send to the last board."""
    cpu0 = L.self_cpu_s()
    window = L.CpuWindow(server_pid).start()
    close_sent = L.monotonic()
    close_status, close_body, close_at = await hall.host.send(make.close())
    sent = []
    replies = []
    for i, phone in enumerate(hall.phones):  # at once: every phone learns of the close together
        sent.append(L.monotonic())
        replies.append(phone.send(make.leaderboard(i)))
    outcomes = await asyncio.gather(*replies, return_exceptions=True)
    cpu = window.stop()
    cpu_s = L.self_cpu_s() - cpu0
    rows, shared, fetch, errors = [], Counter[str](), [], Counter[str]()
    done = []
    for i, outcome in enumerate(outcomes):
        if isinstance(outcome, BaseException):
            errors[type(outcome).__name__] += 1
            rows.append([None] * 7)
            continue
        status, body, at = outcome
        row, common = seen(status, body)
        rows.append(row)
        shared[common] += 1
        fetch.append(at - sent[i])
        done.append(at)
    for conn in (*hall.phones, hall.host):
        conn.close()
    return {
        "connect_s": hall.connect_s,
        "warm_statuses": hall.warm,
        "close_status": close_status,
        "close_body": close_body[:300].decode("utf-8", "replace") if close_status != 200 else "",
        "close_sent_at": close_sent,
        "close_reply_ms": 1000 * (close_at - close_sent),
        "fired_s": sent[-1] - sent[0] if sent else 0.0,
        "all_ranked_s": max(done, default=close_at) - close_sent,
        "from_close_s": [at - close_sent for at in done],
        "fetch_s": fetch,
        "rows": rows,
        "shared": dict(shared),
        "errors": dict(errors),
        "cpu_s": cpu_s,
        "cpu": cpu,
    }


async def _main(args: argparse.Namespace) -> None:
    limit = L.raise_nofile()
    if limit < args.n + 64:
        _say({"error": f"fd limit {limit} is too low for {args.n} phones"})
        return
    make = Requests(args)
    health = make.health()
    conns = [await L.RawHttp.open(args.port) for _ in range(min(args.concurrency, args.n))]
    _say(
        {"ready": sorted({s for s, _, _ in await asyncio.gather(*(c.send(health) for c in conns))})}
    )
    while True:
        line = await asyncio.to_thread(sys.stdin.readline)
        if not line:
            break
        cmd = json.loads(line)["cmd"]
        if cmd in ("join", "answer"):
            await asyncio.gather(*(c.send(health) for c in conns))  # awake after the wait
            started_at = L.monotonic()
            if cmd == "join":
                result = await answer_all(conns, make.join, args.n, args.duration, expect=200)
            else:
                result = await answer_all(conns, make.answer, args.n, args.duration)
            _say(result.summary() | {"started_at": started_at})
        elif cmd == "phones":
            for conn in conns:
                conn.close()
            hall = await phones_ready(args, make)
            _say({"phones": len(hall.phones), "connect_s": hall.connect_s})
        elif cmd == "board":
            _say(await board_storm(hall, make, args.server_pid))
        else:
            break


def main() -> None:
    parser = argparse.ArgumentParser(description="the load process of bench/quiz_flood.py")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--event", required=True)
    parser.add_argument("--prefix", required=True)
    parser.add_argument("--host-token", required=True)
    parser.add_argument("--server-pid", type=int, required=True, help="for its CPU")
    parser.add_argument("--n", type=int, required=True)
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--parallel", type=int, default=256, help="phones connecting at once")
    parser.add_argument("--duration", type=float, default=120.0)
    args = parser.parse_args()
    try:
        L.run(_main(args))
    except Exception as error:
        _say({"error": repr(error)})
        raise


if __name__ == "__main__":
    main()
