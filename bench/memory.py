"""Memory: server RSS idle, per idle stream viewer, and per stored session (RSS and SQLite).

    .venv/bin/python bench/memory.py [--viewers 10000] [--sessions 100000] [--runs 3] [--smoke]

For every run this starts a fresh `tohyo serve` (pinned to the server core, fd limit raised)
and reads its VmRSS from /proc/<pid>/status:

1. **idle baseline**: after start-up and a short warm-up (a few sessions, votes and 50 stream
   viewers opened and closed, so lazily imported code and first allocations are in);
2. **idle viewers**: the viewer process (`loadlib.py viewers`, on the load core) opens
   --viewers streams on one session, each with the host's bearer token; once every snapshot
   arrived and --settle s passed, RSS again -> KB per idle viewer; then they all disconnect
   and RSS is read once more (what the server keeps after they left);
3. **stored sessions**: --sessions sessions created through the API as fast as the server
   takes them (16 connections, 4 pipelined requests each), RSS and database size (file + WAL)
   read at 4 checkpoints -> RSS per stored session; after the server stops (SQLite
   checkpoints and removes the WAL) the file size -> bytes per session on disk.

The SQLite store keeps the 10,000 most recently used sessions in memory, so RSS per session
is expected to flatten beyond that: the checkpoints show where.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import loadlib as L


def viewer_args(server: L.Server, session_id: str, token: str, n: int) -> list[str]:
    port = str(server.port)
    # --token=...: a token may start with "-", which argparse would take for an option
    return ["viewers", "--port", port, "--session", session_id, f"--token={token}", "--n", str(n)]


def warm_up(args: argparse.Namespace, server: L.Server) -> tuple[str, str]:
    """Every code path once (creates, votes, 50 streams opened and closed); then settle."""
    session_id, token = L.create_session(server, "Memory benchmark")
    L.create_sessions(server, 20, concurrency=2, pipeline=1)
    L.cast_votes(server, session_id, 20, concurrency=2, pipeline=1)
    warm = L.Child(viewer_args(server, session_id, token, 50), args.client_cpu)
    try:
        warm.recv(timeout=60)
        warm.send({"cmd": "close"})
        warm.recv(timeout=60)
    finally:
        warm.close()
    time.sleep(args.settle)
    return session_id, token


def wave(args: argparse.Namespace, server: L.Server, session_id: str, token: str) -> dict[str, Any]:
    """Open --viewers idle viewers, read RSS, close them all, read RSS again."""
    viewers = L.Child(viewer_args(server, session_id, token, args.viewers), args.client_cpu)
    out: dict[str, Any] = {}
    try:
        ready = viewers.recv(timeout=120 + args.viewers / 100)
        time.sleep(args.settle)
        out["viewers"] = ready["ready"]
        out["connect_s"] = ready["connect_s"]
        out["with_kb"] = L.rss_kb(server.pid)
        out["fds"] = len(list(Path(f"/proc/{server.pid}/fd").iterdir()))
        viewers.send({"cmd": "close"})
        out["lost"] = viewers.recv(timeout=60)["lost_before_close"]
    finally:
        viewers.close()
    time.sleep(args.settle)
    out["after_kb"] = L.rss_kb(server.pid)
    return out


def measure(args: argparse.Namespace, workdir: Path, run: int) -> dict[str, Any]:
    out: dict[str, Any] = {"run": run}
    # Server 1: idle viewers, twice (a second wave that grows RSS again would be a leak).
    L.wait_quiet(args)
    with L.serve(
        workdir,
        f"memory-viewers-r{run}",
        server_cpu=args.server_cpu,
        synchronous=args.synchronous,
        src=args.server_src,
    ) as server:
        session_id, token = warm_up(args, server)
        out["baseline_kb"] = L.rss_kb(server.pid)
        out["baseline_status"] = L.proc_status(server.pid)
        first = wave(args, server, session_id, token)
        second = wave(args, server, session_id, token)
        out["waves"] = [first, second]
    out["viewers"] = min(first["viewers"], second["viewers"])
    out["viewers_lost"] = first["lost"] + second["lost"]
    out["connect_s"] = first["connect_s"]
    out["with_viewers_kb"] = first["with_kb"]
    out["after_viewers_kb"] = first["after_kb"]
    out["second_wave_kb"] = second["with_kb"]
    out["after_second_kb"] = second["after_kb"]
    out["kb_per_viewer"] = (first["with_kb"] - out["baseline_kb"]) / max(1, args.viewers)
    L.log(
        f"run {run}: idle {out['baseline_kb'] / 1024:.1f} MB; {first['viewers']} viewers:"
        f" {first['with_kb'] / 1024:.1f} MB -> {out['kb_per_viewer']:.1f} KB/viewer; after"
        f" they left {first['after_kb'] / 1024:.1f} MB; second wave"
        f" {second['with_kb'] / 1024:.1f} MB, after {second['after_kb'] / 1024:.1f} MB"
    )

    # Server 2: stored sessions, in 4 steps.
    L.wait_quiet(args)
    with L.serve(
        workdir,
        f"memory-sessions-r{run}",
        server_cpu=args.server_cpu,
        synchronous=args.synchronous,
        src=args.server_src,
    ) as server:
        warm_up(args, server)
        before_kb, before_db = L.rss_kb(server.pid), server.db_bytes()
        points = []
        done = 0
        t0 = time.monotonic()
        step = max(1, args.sessions // 4)
        while done < args.sessions:
            n = min(step, args.sessions - done)
            L.create_sessions(server, n)
            done += n
            points.append(
                {
                    "sessions": done,
                    "rss_kb": L.rss_kb(server.pid),
                    "db_bytes": server.db_bytes(),
                    "seconds": time.monotonic() - t0,
                }
            )
        seconds = time.monotonic() - t0
        out["sessions"] = done
        out["create_per_s"] = done / seconds
        out["sessions_kb"] = L.rss_kb(server.pid)
        out["sessions_status"] = L.proc_status(server.pid)
        out["points"] = points
        out["before_sessions_kb"] = before_kb
        out["before_sessions_db"] = before_db
        out["kb_per_session"] = (out["sessions_kb"] - before_kb) / done
        out["db_live_bytes_per_session"] = (points[-1]["db_bytes"] - before_db) / done
    # After a clean stop SQLite has checkpointed the WAL into the file and removed it.
    out["db_file_bytes"] = server.db.stat().st_size
    out["stored"] = L.count_rows(server.db)
    out["stored_ok"] = out["stored"] == done + 21  # + the warm-up's 21
    out["db_bytes_per_session"] = out["db_file_bytes"] / out["stored"]
    L.log(
        f"run {run}: {done} sessions at {out['create_per_s']:,.0f}/s: RSS"
        f" {out['sessions_kb'] / 1024:.1f} MB -> {1024 * out['kb_per_session']:.0f} B/session;"
        f" file {out['db_file_bytes'] / 1e6:.1f} MB -> {out['db_bytes_per_session']:.0f} B/session"
    )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    L.common_args(parser, runs=3)
    parser.add_argument("--viewers", type=int, default=10_000)
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--settle", type=float, default=2.0, help="seconds before reading RSS")
    args = parser.parse_args()
    if args.smoke:
        args.viewers, args.sessions, args.runs, args.settle = 100, 400, 1, 0.3
    L.raise_nofile()
    runs: list[dict[str, Any]] = []
    with L.workdir(args, "memory") as workdir:
        for run in range(1, args.runs + 1):
            runs.append(measure(args, workdir, run))

    def m(key: str) -> float:
        return L.median([r[key] for r in runs])

    sync = (args.synchronous or "full").upper() + L.server_label(args)
    md = [
        f"## Memory (SQLite synchronous={sync}, {args.runs} runs, server on CPU {args.server_cpu})",
        "",
        "Medians over runs. RSS is the server's VmRSS; 1 MB = 1024 KB. Viewers and sessions"
        " are measured on two fresh servers (freed viewer memory would hide session growth).",
        "",
        L.table(
            ["measure", "value"],
            [
                ["idle RSS (after warm-up)", f"{m('baseline_kb') / 1024:.1f} MB"],
                [
                    f"RSS with {args.viewers:,} idle viewers (host streams, one session)",
                    f"{m('with_viewers_kb') / 1024:.1f} MB",
                ],
                ["**per idle viewer**", f"**{m('kb_per_viewer'):.1f} KB**"],
                ["RSS after every viewer left", f"{m('after_viewers_kb') / 1024:.1f} MB"],
                [
                    "RSS with a second wave of as many viewers / after it left",
                    f"{m('second_wave_kb') / 1024:.1f} MB / {m('after_second_kb') / 1024:.1f} MB",
                ],
                [f"connect time for {args.viewers:,} viewers", f"{m('connect_s'):.1f} s"],
                [
                    "idle RSS of the second server (after warm-up)",
                    f"{m('before_sessions_kb') / 1024:.1f} MB",
                ],
                [
                    f"RSS after creating {args.sessions:,} sessions",
                    f"{m('sessions_kb') / 1024:.1f} MB",
                ],
                ["**RSS per stored session**", f"**{1024 * m('kb_per_session'):,.0f} B**"],
                [
                    "**SQLite file per session** (after shutdown, WAL checkpointed)",
                    f"**{m('db_bytes_per_session'):,.0f} B**",
                ],
                [
                    "file + WAL per session while serving",
                    f"{m('db_live_bytes_per_session'):,.0f} B",
                ],
                [
                    "sessions created per second (16 conns x 4 pipelined)",
                    f"{m('create_per_s'):,.0f}",
                ],
            ],
            "lr",
        ),
        "",
        "RSS while sessions are created (run 1):",
        "",
        L.table(
            ["sessions", "RSS MB", "RSS growth B/session so far", "file + WAL MB", "s"],
            [
                [
                    f"{p['sessions']:,}",
                    f"{p['rss_kb'] / 1024:.1f}",
                    f"{1024 * (p['rss_kb'] - runs[0]['before_sessions_kb']) / p['sessions']:,.0f}",
                    f"{p['db_bytes'] / 1e6:.1f}",
                    f"{p['seconds']:.1f}",
                ]
                for p in runs[0]["points"]
            ],
        ),
        "",
        "Every run:",
        "",
        L.table(
            [
                "run",
                "idle MB",
                "viewers",
                "with viewers MB",
                "KB/viewer",
                "after left MB",
                "sessions",
                "RSS MB",
                "B/session RSS",
                "B/session file",
                "created/s",
            ],
            [
                [
                    r["run"],
                    f"{r['baseline_kb'] / 1024:.1f}",
                    f"{r['viewers']:,}",
                    f"{r['with_viewers_kb'] / 1024:.1f}",
                    f"{r['kb_per_viewer']:.1f}",
                    f"{r['after_viewers_kb'] / 1024:.1f}",
                    f"{r['sessions']:,}",
                    f"{r['sessions_kb'] / 1024:.1f}",
                    f"{1024 * r['kb_per_session']:,.0f}",
                    f"{r['db_bytes_per_session']:,.0f}",
                    f"{r['create_per_s']:,.0f}",
                ]
                for r in runs
            ],
        ),
    ]
    text = "\n".join(md)
    print(text)
    out = Path(args.json) if args.json else L.results_path("memory")
    L.write_json(out, {"args": vars(args), "runs": runs})
    if args.markdown:
        Path(args.markdown).write_text(text + "\n")
    print(f"\nraw results: {L.rel(out)}")
    ok = all(
        r["viewers"] == args.viewers and r["viewers_lost"] == 0 and r["stored_ok"] for r in runs
    )
    if not ok:
        print("FAILED: viewers not connected or dropped, or sessions not stored", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
