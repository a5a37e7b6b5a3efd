"""Many sessions: creation rate, and votes spread over 1,000 sessions at once.

    .venv/bin/python bench/sessions.py [--sessions 1000] [--connections 50] [--duration 5]
                                       [--runs 3] [--smoke]

For every run this starts a fresh `tohyo serve` (pinned to the server core, fd limit raised)
and, with wrk pinned to the load core (hot_vote.py's invocation: `wrk -t1 -cN --latency`):

1. **create**: `bench/wrk/create.lua` POSTs a two-choice draft to /api/vote for --duration s
   -> sessions/s, p50/p99, server CPU µs per session; exact when the number of sessions in
   the SQLite file (read after the server stops) is between the 201s and the 201s plus the
   requests wrk left in flight at its deadline (the server may still commit those);
2. **spread**: --sessions sessions are created, their ids written to a file, and
   `bench/wrk/spread.lua` votes in a random one of them per request, a new voter each time
   -> votes/s, p50/p99, CPU µs/vote; every session's totalVotes is read back with its host
   token, and their sum checked the same way;
3. **hot**: for comparison, the same load on ONE session (`bench/wrk/vote.lua`).

Without wrk (--smoke only) the same requests come from the Python load generator.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path
from typing import Any

import loadlib as L


def phase(
    args: argparse.Namespace,
    server: L.Server,
    script: str,
    script_args: list[str],
    make: Any,
) -> dict[str, Any]:
    cpu = L.CpuWindow(server.pid).start()
    r = L.drive(args, server, script, script_args, make, args.connections, args.duration)
    used = cpu.stop()
    r["server_cpu_pct"] = used["server_cpu_pct"]
    r["cpu_us_per_op"] = 1e6 * used["server_cpu_s"] / r["ok"] if r["ok"] else 0.0
    r["write_kb_per_op"] = used["write_bytes"] / 1024 / r["ok"] if r["ok"] else 0.0
    r["client_cpu_pct"] = 100 * r["client_cpu_s"] / r["seconds"] if r["seconds"] else 0.0
    r["foreign_server_core"] = L.foreign_pct(used, f"cpu{args.server_cpu}", r["server_cpu_pct"])
    return r


def measure(args: argparse.Namespace, workdir: Path, run: int) -> dict[str, Any]:
    L.wait_quiet(args)
    with L.serve(
        workdir,
        f"sessions-r{run}",
        server_cpu=args.server_cpu,
        synchronous=args.synchronous,
        src=args.server_src,
    ) as server:
        create_raw = L.create_request(server.port, "Creation benchmark")
        warm_ok = warm_in_flight = 0
        if args.warmup > 0:
            warm = L.drive(
                args, server, "create.lua", [], lambda _: create_raw, args.connections, args.warmup
            )
            warm_ok, warm_in_flight = warm["ok"], warm["in_flight"]
            time.sleep(0.3)

        create = phase(args, server, "create.lua", [], lambda _: create_raw)
        L.log(
            f"run {run} create: {create['per_s']:,.0f} sessions/s (p50 {create['p50_ms']:.2f} ms,"
            f" p99 {create['p99_ms']:.2f} ms), {create['cpu_us_per_op']:.0f} CPU µs/session"
        )
        time.sleep(0.3)

        # Votes over many sessions.
        sessions, _ = L.create_sessions(server, args.sessions)
        ids = workdir / f"ids-r{run}.txt"
        ids.write_text("".join(f"{s}\n" for s, _ in sessions))
        prefix = L.voter_prefix()
        rng = random.Random(run)

        def spread_vote(i: int) -> bytes:
            session_id = sessions[rng.randrange(len(sessions))][0]
            return L.vote_request(server.port, session_id, f"{prefix}n{i:09d}")

        spread = phase(args, server, "spread.lua", [str(ids)], spread_vote)
        time.sleep(0.3)  # let the last batch commit before reading the tallies back
        totals = L.read_totals(server, sessions)
        total = sum(t["totalVotes"] for t in totals.values())
        spread["total_votes"] = total
        spread["touched"] = sum(1 for t in totals.values() if t["totalVotes"])
        spread["exact"] = spread["ok"] <= total <= spread["ok"] + spread["in_flight"]
        spread["exact"] = spread["exact"] and spread["non_ok"] == 0 and spread["errors"] == 0
        L.log(
            f"run {run} spread over {args.sessions}: {spread['per_s']:,.0f} votes/s"
            f" (p50 {spread['p50_ms']:.2f} ms, p99 {spread['p99_ms']:.2f} ms),"
            f" {spread['cpu_us_per_op']:.0f} CPU µs/vote, totalVotes {total} vs 201s"
            f" {spread['ok']} (+{spread['in_flight']} in flight) exact={spread['exact']}"
        )

        # The same load on one session, for comparison.
        hot_id, hot_token = L.create_session(server, "Hot comparison")
        hot_prefix = L.voter_prefix()
        hot = phase(
            args,
            server,
            "vote.lua",
            [hot_id],
            lambda i: L.vote_request(server.port, hot_id, f"{hot_prefix}n{i:09d}"),
        )
        time.sleep(0.3)
        hot_total = L.session_info(server, hot_id, hot_token)["totalVotes"]
        hot["total_votes"] = hot_total
        hot["exact"] = hot["ok"] <= hot_total <= hot["ok"] + hot["in_flight"]
        hot["exact"] = hot["exact"] and hot["non_ok"] == 0 and hot["errors"] == 0
        L.log(
            f"run {run} one session: {hot['per_s']:,.0f} votes/s (p99 {hot['p99_ms']:.2f} ms),"
            f" {hot['cpu_us_per_op']:.0f} CPU µs/vote exact={hot['exact']}"
        )
    # Sessions in the file: warm-up + measured creates (+ in flight) + the spread set + hot.
    stored = L.count_rows(server.db)
    low = warm_ok + create["ok"] + args.sessions + 1
    create["stored"] = stored
    create["exact"] = (
        low <= stored <= low + warm_in_flight + create["in_flight"]
        and create["non_ok"] == 0
        and create["errors"] == 0
    )
    return {"run": run, "create": create, "spread": spread, "hot": hot}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    L.common_args(parser, runs=3)
    parser.add_argument("--sessions", type=int, default=1000, help="sessions the votes spread over")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per wrk run")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of creates first")
    parser.add_argument(
        "--python-load", action="store_true", help="use the Python load generator, not wrk"
    )
    args = parser.parse_args()
    if args.smoke:
        args.sessions, args.connections, args.duration = 50, 8, 1.0
        args.warmup, args.runs = 0.0, 1
    L.raise_nofile()
    runs: list[dict[str, Any]] = []
    with L.workdir(args, "sessions") as workdir:
        for run in range(1, args.runs + 1):
            runs.append(measure(args, workdir, run))

    rows = []
    for kind, label in (
        ("create", "create sessions"),
        ("spread", f"votes over {args.sessions:,} sessions"),
        ("hot", "votes in 1 session"),
    ):
        rs = [r[kind] for r in runs]

        def m(key: str, rs: list[dict[str, Any]] = rs) -> float:
            return L.median([r[key] for r in rs])

        rows.append(
            [
                label,
                L.fmt(m("per_s")),
                L.fmt(m("p50_ms"), 2),
                L.fmt(m("p99_ms"), 2),
                f"{sum(r['exact'] for r in rs)}/{len(rs)}",
                L.fmt(m("server_cpu_pct")),
                L.fmt(m("cpu_us_per_op")),
                L.fmt(m("write_kb_per_op"), 2),
                L.fmt(m("client_cpu_pct")),
                sum(r["non_ok"] + r["errors"] for r in rs),
            ]
        )
    tool = runs[0]["create"]["tool"]
    sync = (args.synchronous or "full").upper() + L.server_label(args)
    md = [
        f"## Many sessions (SQLite synchronous={sync}, {args.runs} runs x {args.duration:g} s,"
        f" {tool} -c{args.connections} on CPU {args.client_cpu}, server on CPU {args.server_cpu})",
        "",
        "Medians over runs; every vote is a new voter.",
        "",
        L.table(
            [
                "load",
                "per s",
                "p50 ms",
                "p99 ms",
                "exact",
                "server CPU %",
                "server CPU µs/op",
                "KB written/op",
                f"{tool} CPU %",
                "non-2xx + errors",
            ],
            rows,
            "l",
        ),
        "",
        "Every run:",
        "",
        L.table(
            [
                "run",
                "load",
                "per s",
                "p50 ms",
                "p99 ms",
                "201s",
                "in flight",
                "stored / totalVotes",
                "exact",
                "CPU µs/op",
                "other procs on server core %",
            ],
            [
                [
                    r["run"],
                    kind,
                    L.fmt(r[kind]["per_s"]),
                    L.fmt(r[kind]["p50_ms"], 2),
                    L.fmt(r[kind]["p99_ms"], 2),
                    r[kind]["ok"],
                    r[kind]["in_flight"],
                    r[kind].get("stored", r[kind].get("total_votes")),
                    "yes" if r[kind]["exact"] else "NO",
                    L.fmt(r[kind]["cpu_us_per_op"]),
                    L.fmt(r[kind]["foreign_server_core"], 1),
                ]
                for r in runs
                for kind in ("create", "spread", "hot")
            ],
            "rl",
        ),
    ]
    ok = all(r[k]["exact"] for r in runs for k in ("create", "spread", "hot"))
    return L.finish(args, "sessions", "\n".join(md), {"runs": runs}, ok)


if __name__ == "__main__":
    sys.exit(main())
