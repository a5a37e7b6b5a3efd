"""Memory: server RSS idle, per idle stream viewer, and per stored session (RSS and SQLite).

    .venv/bin/python bench/memory.py [--viewers 10000] [--sessions 100000] [--runs 3] [--smoke]
        [--streams poll,event,bare,guarded] [--memwatch DIR]

For every run this starts a fresh `tohyo serve` (pinned to the server core, fd limit raised)
and reads its VmRSS from /proc/<pid>/status:

1. **idle baseline**: after start-up and a short warm-up (a few sessions, votes and 50 stream
   viewers opened and closed, so lazily imported code and first allocations are in);
2. **idle viewers**: the viewer process (`loadlib.py viewers`, on the load core) opens
   --viewers streams on one session, each with the host's bearer token; once every snapshot
   arrived and --settle s passed, RSS again -> KB per idle viewer; then they all disconnect
   and RSS is read once more (what the server keeps after they left); twice (a second wave
   that grows RSS again would be a leak). The same on a fresh server for every other kind
   of stream in --streams (bench/memory_streams.py): `event` phones, each its own
   participant, on one event presenting a question; and, to tell tohyo's share from the
   server's, `bare` uvicorn holding the same streams with an app that does nothing else,
   and `guarded`, that app behind tohyo's connection guard;
3. **stored sessions**: --sessions sessions created through the API as fast as the server
   takes them (16 connections, 4 pipelined requests each), RSS and database size (file + WAL)
   read at 4 checkpoints -> RSS per stored session; after the server stops (SQLite
   checkpoints and removes the WAL) the file size -> bytes per session on disk.

The SQLite store keeps the 10,000 most recently used sessions in memory, so RSS per session
is expected to flatten beyond that: the checkpoints show where.

--memwatch DIR loads bench/memwatch into every server (tracemalloc, dumps on SIGUSR1: see
its docstring), to look into what a stream holds; it slows the servers, so their RSS is
not what they cost.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import loadlib as L
import memory_streams as S


def warm_up(args: argparse.Namespace, server: L.Server) -> None:
    """The sessions' server: every code path once, as the poll streams' server is."""
    S.warm_up(args, server, "poll")


def wave(args: argparse.Namespace, server: L.Server, opener: S.Opener) -> dict[str, Any]:
    """Open --viewers idle streams, read RSS, close them all, read RSS again."""
    viewers = opener(args.viewers)
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


def streams(args: argparse.Namespace, workdir: Path, run: int, kind: str) -> dict[str, Any]:
    """One fresh server of `kind`: idle RSS, then two waves of --viewers idle streams."""
    L.wait_quiet(args)
    out: dict[str, Any] = {}
    with S.serve(args, workdir, kind, f"memory-{kind}-r{run}") as server:
        opener = S.warm_up(args, server, kind)
        out["baseline_kb"] = L.rss_kb(server.pid)
        out["baseline_status"] = L.proc_status(server.pid)
        first = wave(args, server, opener)
        second = wave(args, server, opener)
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
        f"run {run} {kind}: idle {out['baseline_kb'] / 1024:.1f} MB; {first['viewers']}"
        f" streams: {first['with_kb'] / 1024:.1f} MB -> {out['kb_per_viewer']:.1f} KB each;"
        f" after they left {first['after_kb'] / 1024:.1f} MB; second wave"
        f" {second['with_kb'] / 1024:.1f} MB, after {second['after_kb'] / 1024:.1f} MB"
    )
    return out


def measure(args: argparse.Namespace, workdir: Path, run: int) -> dict[str, Any]:
    out: dict[str, Any] = {"run": run}
    # One server per kind of stream; the poll's results also at the top (as before kinds).
    out["streams"] = {kind: streams(args, workdir, run, kind) for kind in args.kinds}
    if "poll" in out["streams"]:
        out.update(out["streams"]["poll"])
    if args.sessions:
        out.update(stored_sessions(args, workdir, run))
    return out


def stored_sessions(args: argparse.Namespace, workdir: Path, run: int) -> dict[str, Any]:
    """A fresh server (freed viewer memory would hide session growth): --sessions
    sessions created in 4 steps, RSS and database size at each."""
    out: dict[str, Any] = {}
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


def streams_report(args: argparse.Namespace, runs: list[dict[str, Any]]) -> list[str]:
    """One row per kind of stream (medians over runs), and what tohyo adds to bare uvicorn."""

    def m(kind: str, key: str) -> float:
        return L.median([r["streams"][kind][key] for r in runs])

    rows = [
        [
            S.LABELS[kind],
            f"{m(kind, 'baseline_kb') / 1024:.1f}",
            f"{m(kind, 'with_viewers_kb') / 1024:.1f}",
            f"**{m(kind, 'kb_per_viewer'):.1f}**",
            f"{m(kind, 'after_viewers_kb') / 1024:.1f}",
            f"{m(kind, 'second_wave_kb') / 1024:.1f} / {m(kind, 'after_second_kb') / 1024:.1f}",
            f"{m(kind, 'connect_s'):.1f}",
        ]
        for kind in args.kinds
    ]
    md = [
        L.table(
            [
                "stream",
                "idle MB",
                f"with {args.viewers:,} streams MB",
                "KB per idle stream",
                "after they left MB",
                "second wave / after MB",
                "connect s",
            ],
            rows,
            "lrrrrrr",
        )
    ]
    if "bare" in args.kinds:
        share = [
            [S.LABELS[kind], f"{m(kind, 'kb_per_viewer') - m('bare', 'kb_per_viewer'):+.1f}"]
            for kind in args.kinds
            if kind != "bare"
        ]
        md += [
            "",
            "KB per idle stream beyond bare uvicorn's:",
            "",
            L.table(["stream", "KB"], share, "lr"),
        ]
    return md


def sessions_report(args: argparse.Namespace, runs: list[dict[str, Any]]) -> list[str]:
    def m(key: str) -> float:
        return L.median([r[key] for r in runs])

    return [
        L.table(
            ["measure", "value"],
            [
                [
                    "idle RSS of the sessions' server (after warm-up)",
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
    ]


def every_run(args: argparse.Namespace, runs: list[dict[str, Any]]) -> str:
    header = ["run", *(f"{kind} KB/stream" for kind in args.kinds)]
    if args.sessions:
        header += ["sessions", "B/session RSS", "B/session file", "created/s"]
    rows = []
    for r in runs:
        row = [r["run"], *(f"{r['streams'][kind]['kb_per_viewer']:.1f}" for kind in args.kinds)]
        if args.sessions:
            row += [
                f"{r['sessions']:,}",
                f"{1024 * r['kb_per_session']:,.0f}",
                f"{r['db_bytes_per_session']:,.0f}",
                f"{r['create_per_s']:,.0f}",
            ]
        rows.append(row)
    return L.table(header, rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    L.common_args(parser, runs=3)
    parser.add_argument("--viewers", type=int, default=10_000, help="idle streams per wave")
    parser.add_argument("--sessions", type=int, default=100_000, help="0: no sessions' server")
    parser.add_argument("--settle", type=float, default=2.0, help="seconds before reading RSS")
    parser.add_argument(
        "--streams",
        default="poll,event,bare",
        help=f"kinds of stream, each on a server of its own: any of {','.join(S.KINDS)}",
    )
    parser.add_argument("--memwatch", default=None, help="load bench/memwatch, dumping here")
    args = parser.parse_args()
    args.kinds = [k for k in args.streams.split(",") if k]
    if not args.kinds or not set(args.kinds) <= set(S.KINDS):
        parser.error(f"--streams: a list of {', '.join(S.KINDS)}")
    if args.smoke:
        args.viewers, args.sessions, args.runs, args.settle = 100, 400, 1, 0.3
    L.raise_nofile()
    runs: list[dict[str, Any]] = []
    with L.workdir(args, "memory") as workdir:
        for run in range(1, args.runs + 1):
            runs.append(measure(args, workdir, run))

    sync = (args.synchronous or "full").upper() + L.server_label(args)
    md = [
        f"## Memory (SQLite synchronous={sync}, {args.runs} runs, server on CPU {args.server_cpu})",
        "",
        "Medians over runs. RSS is the server's VmRSS; 1 MB = 1024 KB. Each kind of stream and"
        " the stored sessions are measured on a fresh server of their own (freed stream memory"
        " would hide session growth).",
        "",
        *streams_report(args, runs),
        "",
        *([*sessions_report(args, runs), ""] if args.sessions else []),
        "Every run:",
        "",
        every_run(args, runs),
    ]
    text = "\n".join(md)
    print(text)
    out = Path(args.json) if args.json else L.results_path("memory")
    L.write_json(out, {"args": vars(args), "runs": runs})
    if args.markdown:
        Path(args.markdown).write_text(text + "\n")
    print(f"\nraw results: {L.rel(out)}")
    ok = all(
        s["viewers"] == args.viewers and s["viewers_lost"] == 0
        for r in runs
        for s in r["streams"].values()
    ) and all(r["stored_ok"] for r in runs if args.sessions)
    if not ok:
        print("FAILED: streams not connected or dropped, or sessions not stored", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
