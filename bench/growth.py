"""Cost growth: votes/s on a session that already holds 10, 10,000 and 100,000 ballots.

    .venv/bin/python bench/growth.py [--sizes 10,10000,100000] [--runs 3] [--duration 5]
                                     [--connections 50] [--smoke]

For each size a template database is built once: a server creates the measured session
and a warm-up session, casts `size` ballots in the first (distinct voters, through the API
with the raw-socket client: 32 connections x 2 pipelined requests; the fill rate is
reported too) and stops cleanly. Then for every run and size: the template is copied,
a fresh `tohyo serve` on the copy (pinned to the server core), wrk warms up on the other
session (--warmup s), and `wrk -t1 -cN --latency -s bench/wrk/vote.lua` (hot_vote.py's
invocation, on the load core) votes in the measured session for --duration s -> votes/s,
p50/p99, server CPU µs/vote and KB written per vote (/proc/<pid>/io). Exact when the
session's totalVotes (read back with the host token) is between size + 201s and
size + 201s + the requests wrk left in flight.

Without wrk (--smoke only) the measured load comes from the Python load generator.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import loadlib as L


def template(args: argparse.Namespace, workdir: Path, size: int) -> dict[str, Any]:
    """A database holding a session with `size` ballots, and a warm-up session."""
    tag = f"growth-tpl-{size}"
    with L.serve(
        workdir, tag, server_cpu=args.server_cpu, synchronous=args.synchronous, src=args.server_src
    ) as server:
        session_id, token = L.create_session(server, "Growth benchmark")
        warm_id, _ = L.create_session(server, "Growth warm-up")
        t0 = time.monotonic()
        L.cast_votes(server, session_id, size)
        fill_s = time.monotonic() - t0
        total = L.session_info(server, session_id, token)["totalVotes"]
        if total != size:
            raise RuntimeError(f"pre-fill: totalVotes {total}, expected {size}")
    L.log(f"template with {size:,} ballots: filled at {size / fill_s:,.0f} votes/s")
    return {
        "size": size,
        "db": server.db,
        "session": session_id,
        "token": token,
        "warm": warm_id,
        "fill_per_s": size / fill_s,
        "db_bytes": server.db.stat().st_size,
    }


def measure(
    args: argparse.Namespace, workdir: Path, tpl: dict[str, Any], run: int
) -> dict[str, Any]:
    L.wait_quiet(args)
    size = tpl["size"]
    db = workdir / f"growth-{size}-r{run}.db"
    shutil.copyfile(tpl["db"], db)
    wal = Path(f"{tpl['db']}-wal")
    if wal.exists():  # normally checkpointed and removed at the template server's stop
        shutil.copyfile(wal, f"{db}-wal")
    with L.serve(
        workdir,
        f"growth-{size}-r{run}",
        server_cpu=args.server_cpu,
        synchronous=args.synchronous,
        src=args.server_src,
        db=db,
    ) as server:
        session_id, token = tpl["session"], tpl["token"]
        if args.warmup > 0:
            warm_prefix = L.voter_prefix()
            L.drive(
                args,
                server,
                "vote.lua",
                [tpl["warm"]],
                lambda i: L.vote_request(server.port, tpl["warm"], f"{warm_prefix}n{i:09d}"),
                args.connections,
                args.warmup,
            )
            time.sleep(0.3)
        prefix = L.voter_prefix()
        cpu = L.CpuWindow(server.pid).start()
        r = L.drive(
            args,
            server,
            "vote.lua",
            [session_id],
            lambda i: L.vote_request(server.port, session_id, f"{prefix}n{i:09d}"),
            args.connections,
            args.duration,
        )
        used = cpu.stop()
        time.sleep(0.3)  # let the last batch commit before reading the tally
        total = L.session_info(server, session_id, token)["totalVotes"]
    r.update(
        size=size,
        run=run,
        total_votes=total,
        extra=total - size - r["ok"],
        exact=size + r["ok"] <= total <= size + r["ok"] + r["in_flight"]
        and r["non_ok"] == 0
        and r["errors"] == 0,
        server_cpu_pct=used["server_cpu_pct"],
        cpu_us_per_vote=1e6 * used["server_cpu_s"] / r["ok"] if r["ok"] else 0.0,
        write_kb_per_vote=used["write_bytes"] / 1024 / r["ok"] if r["ok"] else 0.0,
        client_cpu_pct=100 * r["client_cpu_s"] / r["seconds"] if r["seconds"] else 0.0,
        foreign_server_core=L.foreign_pct(used, f"cpu{args.server_cpu}", used["server_cpu_pct"]),
        db_bytes_after=db.stat().st_size,
    )
    L.log(
        f"run {run} size {size:,}: {r['per_s']:,.0f} votes/s (p50 {r['p50_ms']:.2f} ms,"
        f" p99 {r['p99_ms']:.2f} ms), {r['cpu_us_per_vote']:.0f} CPU µs/vote,"
        f" {r['write_kb_per_vote']:.1f} KB written/vote, exact={r['exact']}"
    )
    return r


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    L.common_args(parser, runs=3)
    parser.add_argument("--sizes", default="10,10000,100000", help="ballots already cast")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per measured run")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds on another session")
    parser.add_argument(
        "--python-load", action="store_true", help="use the Python load generator, not wrk"
    )
    args = parser.parse_args()
    if args.smoke:
        args.sizes, args.runs, args.duration, args.warmup, args.connections = (
            "10,300",
            1,
            1.0,
            0.0,
            8,
        )
    sizes = [int(s) for s in args.sizes.split(",") if s]
    L.raise_nofile()
    runs: list[dict[str, Any]] = []
    templates: list[dict[str, Any]] = []
    with L.workdir(args, "growth") as workdir:
        templates = [template(args, workdir, size) for size in sizes]
        for run in range(1, args.runs + 1):
            for tpl in templates:
                runs.append(measure(args, workdir, tpl, run))

    rows = []
    for tpl in templates:
        rs = [r for r in runs if r["size"] == tpl["size"]]

        def m(key: str, rs: list[dict[str, Any]] = rs) -> float:
            return L.median([r[key] for r in rs])

        rows.append(
            [
                f"{tpl['size']:,}",
                L.fmt(m("per_s")),
                L.fmt(m("p50_ms"), 2),
                L.fmt(m("p99_ms"), 2),
                f"{sum(r['exact'] for r in rs)}/{len(rs)}",
                L.fmt(m("server_cpu_pct")),
                L.fmt(m("cpu_us_per_vote")),
                L.fmt(m("write_kb_per_vote"), 1),
                f"{tpl['db_bytes'] / 1e6:.1f}",
                L.fmt(tpl["fill_per_s"]),
                L.fmt(m("client_cpu_pct")),
            ]
        )
    tool = runs[0]["tool"] if runs else "-"
    sync = (args.synchronous or "full").upper() + L.server_label(args)
    md = [
        f"## Cost growth: votes/s vs ballots already in the session (SQLite synchronous={sync},"
        f" {args.runs} runs x {args.duration:g} s, {tool} -c{args.connections} on CPU"
        f" {args.client_cpu}, server on CPU {args.server_cpu})",
        "",
        "Medians over runs. `ballots before` is the session's size when the measured run"
        " starts; each run adds its own votes on top.",
        "",
        L.table(
            [
                "ballots before",
                "votes/s",
                "p50 ms",
                "p99 ms",
                "exact",
                "server CPU %",
                "CPU µs/vote",
                "KB written/vote",
                "DB MB before",
                "pre-fill votes/s (raw client)",
                f"{tool} CPU %",
            ],
            rows,
        ),
        "",
        "Every run:",
        "",
        L.table(
            [
                "ballots before",
                "run",
                "votes/s",
                "p50 ms",
                "p99 ms",
                "201s",
                "in flight",
                "totalVotes",
                "extra",
                "exact",
                "CPU µs/vote",
                "other procs on server core %",
            ],
            [
                [
                    f"{r['size']:,}",
                    r["run"],
                    L.fmt(r["per_s"]),
                    L.fmt(r["p50_ms"], 2),
                    L.fmt(r["p99_ms"], 2),
                    r["ok"],
                    r["in_flight"],
                    r["total_votes"],
                    r["extra"],
                    "yes" if r["exact"] else "NO",
                    L.fmt(r["cpu_us_per_vote"]),
                    L.fmt(r["foreign_server_core"], 1),
                ]
                for r in runs
            ],
        ),
    ]
    ok = bool(runs) and all(r["exact"] for r in runs)
    templates_shown = [{k: v for k, v in t.items() if k != "token"} for t in templates]
    data = {"templates": templates_shown, "runs": runs}
    return L.finish(args, "growth", "\n".join(md), data, ok)


if __name__ == "__main__":
    sys.exit(main())
