"""tohyo's own CPU per request on the vote path and on GET /healthz, without a server.

    .venv/bin/python bench/vote_path_cost.py [--requests 30000] [--concurrency 50] [--runs 5]
    PYTHONPATH=/path/to/other/tree .venv/bin/python bench/vote_path_cost.py   # another tree

`bench/hot_vote.py` measures the whole server: uvicorn's HTTP parsing, its per-request
task and `send`, the loop's socket work, and tohyo's handlers. This measures only the
last: the ASGI app is called in-process (on uvloop, as `tohyo serve` runs it) with scopes
as uvicorn builds them and `receive`/`send` that cost next to nothing, --concurrency
requests at a time, and reports CPU µs per request of the event-loop thread
(`time.thread_time`) and of the whole process (`time.process_time`: the SQLite commit
thread too). Subtracting these from hot_vote.py's per-request CPU leaves the server's
own share. The median of --runs is printed; each vote is a new voter (own cookie), as
in bench/wrk/vote.lua, into one session on a fresh SQLite file (synchronous=FULL).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import uvloop

from tohyo.config import Settings
from tohyo.web.app import create_app

BODY = b'{"choiceIds":["1"]}'


def scope(method: str, path: str, headers: list[tuple[bytes, bytes]]) -> dict[str, Any]:
    """A scope as uvicorn's httptools protocol builds it, one per request."""
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 50000),
        "scheme": "http",
        "method": method,
        "root_path": "",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(b"host", b"127.0.0.1:8000"), *headers],
        "state": {},
    }


async def call(app: Any, request: dict[str, Any], body: bytes) -> int:
    status = 0

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(request, receive, send)
    return status


async def measure(app: Any, make: Any, requests: int, concurrency: int) -> tuple[float, float]:
    """CPU µs per request: the loop's thread, the whole process."""
    thread0, process0 = time.thread_time(), time.process_time()
    for start in range(0, requests, concurrency):
        statuses = await asyncio.gather(
            *(call(app, *make(n)) for n in range(start, min(requests, start + concurrency)))
        )
        assert all(s in (200, 201) for s in statuses), statuses
    thread, process = time.thread_time() - thread0, time.process_time() - process0
    return 1e6 * thread / requests, 1e6 * process / requests


async def run(args: argparse.Namespace, folder: Path, round_: int) -> dict[str, float]:
    storage = args.storage or f"sqlite:///{folder / f'cost{round_}.db'}"
    settings = Settings(storage=storage, rate_limits=False)
    app = create_app(settings)
    await app.startup()
    try:
        sid = (await app.objects.create(*_session(app))).session_id
        prefix = f"r{round_}x"

        def vote(n: int) -> tuple[dict[str, Any], bytes]:
            cookie = f"tohyo_voter={prefix}{n:016d}".encode()
            headers = [
                (b"content-type", b"application/json"),
                (b"cookie", cookie),
                (b"content-length", str(len(BODY)).encode()),
            ]
            return scope("POST", f"/api/vote/{sid}", headers), BODY

        def healthz(n: int) -> tuple[dict[str, Any], bytes]:
            return scope("GET", "/healthz", []), b""

        await measure(app, healthz, 2000, args.concurrency)  # warm-up
        h_thread = h_process = v_thread = v_process = 0.0
        if args.only in (None, "healthz"):
            h_thread, h_process = await measure(app, healthz, args.requests, args.concurrency)
        if args.only in (None, "vote"):
            v_thread, v_process = await measure(app, vote, args.requests, args.concurrency)
        return {
            "healthz_loop_us": h_thread,
            "healthz_process_us": h_process,
            "vote_loop_us": v_thread,
            "vote_process_us": v_process,
        }
    finally:
        await app.shutdown()


def _session(app: Any) -> tuple[Any, Any]:
    import uuid

    from tohyo import domain

    draft = domain.Draft("Bench?", "single", ("a", "b"))
    now = app.objects.clock()
    definition = domain.make_definition(draft, str(uuid.uuid4()), b"h", now, 3_600_000)
    return definition, domain.initial_state(draft, definition)


async def main(args: argparse.Namespace) -> None:
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for round_ in range(args.runs):
            results.append(await run(args, Path(folder), round_))
    med = {k: statistics.median(r[k] for r in results) for k in results[0]}
    print(
        f"tohyo's own CPU µs per request ({args.storage or 'SQLite'}, median of {args.runs},"
        f" {args.requests:,} requests,"
        f" {args.concurrency} at a time; loop thread / whole process):\n"
        f"  GET /healthz  {med['healthz_loop_us']:6.1f} / {med['healthz_process_us']:6.1f}\n"
        f"  POST vote     {med['vote_loop_us']:6.1f} / {med['vote_process_us']:6.1f}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=30_000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--only", choices=["healthz", "vote"], default=None, help="measure only this"
    )
    parser.add_argument(
        "--storage", default=None, help="e.g. memory:// (default: a fresh SQLite file per run)"
    )
    uvloop.run(main(parser.parse_args()))
