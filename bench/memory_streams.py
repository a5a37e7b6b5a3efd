"""The kinds of idle stream bench/memory.py measures, each on a fresh server of its own:

- `poll`: `tohyo serve`, the host's streams of one poll (`loadlib.py viewers`);
- `event`: `tohyo serve`, phones on one event presenting a question, each its own
  participant with its voter cookie (`event_phones.py phones`, as bench/event_present.py
  connects them);
- `bare`: uvicorn with a bare ASGI app holding the same kind of stream
  (bench/bare_stream.py): what a stream costs below tohyo;
- `guarded`: the same bare app behind tohyo's connection guard
  (tohyo.web.protocol.GuardedProtocol): `guarded` - `bare` is the guard's share.

Each kind is warmed up (its code paths once, 50 streams opened and closed) and then
opens waves of idle streams through `opener(n)`, a load process on the load core that
answers {"ready", "connect_s"} once its n streams are connected, and
{"lost_before_close"} after {"cmd": "close"}.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import event_phones as P
import event_present as E
import loadlib as L

KINDS = ("poll", "event", "bare", "guarded")
LABELS = {
    "poll": "poll (host streams on one session)",
    "event": "event (phones on one event, a question presented)",
    "bare": "bare uvicorn (same options, an app that only holds the stream)",
    "guarded": "bare app behind tohyo's connection guard (GuardedProtocol)",
}
BARE = L.BENCH / "bare_stream.py"
MEMWATCH = L.BENCH / "memwatch"  # sitecustomize: tracemalloc and the collector's census
Opener = Callable[[int], L.Child]


@contextlib.contextmanager
def serve(args: argparse.Namespace, workdir: Path, kind: str, tag: str) -> Iterator[L.Server]:
    """A fresh server for `kind` (--memwatch DIR: with bench/memwatch loaded, dumping there)."""
    env: dict[str, str] = {}
    if getattr(args, "memwatch", None):
        rest = L.server_env(args.server_src).get("PYTHONPATH") or ""
        env = {
            "PYTHONPATH": str(MEMWATCH) + (":" + rest if rest else ""),
            "TOHYO_BENCH_MEMWATCH": str(Path(args.memwatch) / tag),
        }
    program = None
    if kind in ("bare", "guarded"):
        program = [sys.executable, str(BARE), *(["--guarded"] if kind == "guarded" else [])]
    with L.serve(
        workdir,
        tag,
        server_cpu=args.server_cpu,
        synchronous=args.synchronous,
        src=args.server_src,
        env=env,
        program=program,
    ) as server:
        yield server


def warm_up(args: argparse.Namespace, server: L.Server, kind: str) -> Opener:
    """Every code path of `kind` once, 50 streams opened and closed, then settle; returns
    how to open n idle streams of it."""
    if kind == "event":
        opener = _event(args, server)
    else:
        if kind == "poll":
            session_id, token = L.create_session(server, "Memory benchmark")
            L.create_sessions(server, 20, concurrency=2, pipeline=1)
            L.cast_votes(server, session_id, 20, concurrency=2, pipeline=1)
        else:  # the bare app holds any /stream path
            session_id, token = "00000000-0000-4000-8000-000000000000", "unused"
        opener = _viewers(args, server, session_id, token)
    warm = opener(50)
    try:
        warm.recv(timeout=60)
        warm.send({"cmd": "close"})
        warm.recv(timeout=60)
    finally:
        warm.close()
    time.sleep(args.settle)
    return opener


def _viewers(args: argparse.Namespace, server: L.Server, session_id: str, token: str) -> Opener:
    def opener(n: int) -> L.Child:
        # --token=...: a token may start with "-", which argparse would take for an option
        argv = ["viewers", "--port", str(server.port), "--session", session_id]
        return L.Child([*argv, f"--token={token}", "--n", str(n)], args.client_cpu)

    return opener


def _event(args: argparse.Namespace, server: L.Server) -> Opener:
    event_id, token = E.create_event(server)
    E.host_call(server, token, "POST", f"/api/events/{event_id}/present", {"questionId": "q1"})
    prefix = L.voter_prefix()
    waves = iter(range(1_000_000))

    def opener(n: int) -> L.Child:
        # Each wave its own participants: a phone of a wave before has left for good.
        argv = ["phones", "--port", str(server.port), "--event", event_id, "--n", str(n)]
        return P.Child([*argv, f"--prefix={prefix}w{next(waves)}"], args.client_cpu)

    return opener
