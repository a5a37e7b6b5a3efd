"""Redis scale-out: votes/s through 1 and 3 processes on one Redis, vote-to-viewer latency
within and across processes, and the CPU each vote costs in the app and in Redis.

    .venv/bin/python bench/redis_scale.py [--processes 1,3] [--fsync always,everysec]
        [--connections 60] [--duration 8] [--runs 3] [--viewers 1000] [--rate 20] [--smoke]

For every fsync mode and run this starts its own `redis-server` (free loopback port, AOF on
with that `appendfsync`, on a fresh directory under --db-dir), then for each process count
P starts P `tohyo serve --storage redis://…` processes. Redis and the tohyo processes are
pinned to the server core and the load to the other, as in hot_vote.py: the numbers say
what one core of app plus Redis does, and the CPU columns say how that core was split.

1. **Throughput**: one hot session; P wrk instances at once, one per process, each with
   connections/P connections (bench/wrk/vote.lua: every request a new voter). Exact when
   acked 201s <= the stored total <= acked + in flight, with no non-201. CPU time of every
   tohyo process and of redis-server is read from /proc around the run and divided by the
   votes stored: **app ms and Redis ms of CPU per 1,000 votes** — capacity planning
   (one core of app serves about 1e6 / app µs votes/s; one Redis shard about
   1e6 / Redis µs, since Redis runs scripts on one thread).
2. **Latency** (with P >= 2, once per run): --viewers host viewers on one process while a
   voter votes at --rate/s into the same process, then into another one. The difference is
   what the trip through Redis pub/sub adds. Exact when every viewer ends on the final
   version and total and saw every vote.

Prints markdown tables of medians and writes JSON to bench/results/ (git-ignored).
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import loadlib as L

VOTE_LUA = L.BENCH / "wrk" / "vote.lua"


@contextlib.contextmanager
def redis_server(workdir: Path, fsync: str, cpu: str | None) -> Iterator[tuple[str, int]]:
    """A redis-server with the AOF on, pinned to `cpu`: (url, pid)."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is not installed (apt-get install -y redis-server)")
    port = L.free_port()
    directory = Path(tempfile.mkdtemp(prefix=f"redis-{fsync}-", dir=workdir))
    args = [*L.pin(cpu), binary, "--port", str(port), "--bind", L.HOST, "--dir", str(directory)]
    args += ["--save", "", "--appendonly", "yes", "--appendfsync", fsync, "--logfile", "r.log"]
    proc = subprocess.Popen(args)
    try:
        deadline = time.monotonic() + 10
        while (
            subprocess.run(
                ["redis-cli", "-p", str(port), "ping"], capture_output=True, text=True, check=False
            ).stdout.strip()
            != "PONG"
        ):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.05)
        yield f"redis://{L.HOST}:{port}/0", proc.pid
    finally:
        L.stop(proc)
        shutil.rmtree(directory, ignore_errors=True)


@contextlib.contextmanager
def processes(
    args: argparse.Namespace, workdir: Path, url: str, count: int, tag: str
) -> Iterator[list[L.Server]]:
    with contextlib.ExitStack() as stack:
        servers = [
            stack.enter_context(
                L.serve(
                    workdir,
                    f"{tag}-p{i}",
                    server_cpu=args.server_cpu,
                    storage=url,
                    src=args.server_src,
                )
            )
            for i in range(count)
        ]
        yield servers


def throughput(
    args: argparse.Namespace, servers: list[L.Server], redis_pid: int, fsync: str, run: int
) -> dict[str, Any]:
    sid, token = L.create_session(servers[0], "Redis scale-out benchmark")
    each = max(1, args.connections // len(servers))
    if args.warmup:
        L.wrk(servers[0].url, VOTE_LUA, each, args.warmup, [sid], client_cpu=args.client_cpu)
    before = L.session_info(servers[0], sid, token)
    pids = [s.pid for s in servers]
    app0, redis0 = sum(L.proc_ticks(p) for p in pids), L.proc_ticks(redis_pid)
    cpu = L.CpuWindow(redis_pid).start()

    def one(server: L.Server) -> dict[str, Any]:
        return L.wrk(server.url, VOTE_LUA, each, args.duration, [sid], client_cpu=args.client_cpu)

    with ThreadPoolExecutor(len(servers)) as pool:
        results = list(pool.map(one, servers))
    used = cpu.stop()
    app_s = (sum(L.proc_ticks(p) for p in pids) - app0) / L.TICKS
    redis_s = (L.proc_ticks(redis_pid) - redis0) / L.TICKS
    after = L.session_info(servers[-1], sid, token)

    ok = sum(int(r["ok"]) for r in results)
    non_ok = sum(int(r["non_ok"]) for r in results)
    in_flight = sum(int(r["sent"]) - int(r["ok"]) - int(r["non_ok"]) for r in results)
    stored = after["totalVotes"] - before["totalVotes"]
    seconds = max(r["duration_us"] for r in results) / 1e6
    checks = {
        "no_non_201": non_ok == 0 and all(L.wrk_errors(r) == 0 for r in results),
        "every_201_stored": stored >= ok,
        "nothing_beyond_sent": stored <= ok + in_flight,
        "tally_matches_total": sum(c["voteCount"] for c in after["choices"]) == after["totalVotes"],
    }
    result = {
        "kind": "throughput",
        "fsync": fsync,
        "processes": len(servers),
        "connections": each * len(servers),
        "run": run,
        "votes_per_s": ok / seconds,
        "p50_ms": L.median([r["latency_us"]["p50"] / 1000 for r in results]),
        "p99_ms": max(r["latency_us"]["p99"] / 1000 for r in results),
        "app_ms_per_1000": 1e6 * app_s / max(stored, 1),
        "redis_ms_per_1000": 1e6 * redis_s / max(stored, 1),
        "app_cpu_pct": 100 * app_s / used["seconds"],
        "redis_cpu_pct": 100 * redis_s / used["seconds"],
        "server_core_busy": used["cores"].get(f"cpu{args.server_cpu}", {}).get("busy", 0.0),
        "load_core_busy": used["cores"].get(f"cpu{args.client_cpu}", {}).get("busy", 0.0),
        "acked": ok,
        "stored": stored,
        "extra": stored - ok,
        "exact": all(checks.values()),
        "checks": checks,
    }
    L.log(
        f"fsync={fsync} P={len(servers)} run {run}: {result['votes_per_s']:.0f} votes/s,"
        f" p99 {result['p99_ms']:.1f} ms, app {result['app_ms_per_1000']:.0f} ms and Redis"
        f" {result['redis_ms_per_1000']:.0f} ms CPU per 1,000 votes, exact={result['exact']}"
        + ("" if result["exact"] else f" {checks}")
    )
    return result


def latency(
    args: argparse.Namespace,
    workdir: Path,
    voting: L.Server,
    viewing: L.Server,
    fsync: str,
    run: int,
    path: str,
) -> dict[str, Any]:
    sid, token = L.create_session(voting, "Redis fan-out benchmark")
    watch = ["--port", str(viewing.port), "--session", sid, f"--token={token}"]
    viewers = L.Child(["viewers", *watch, "--n", str(args.viewers)], args.client_cpu)
    try:
        ready = viewers.recv(timeout=120 + args.viewers / 100)
        before = L.session_info(voting, sid, token)
        acks = workdir / f"acks-{fsync}-{run}-{path}.json"
        vote = ["--port", str(voting.port), "--session", sid, "--rate", str(args.rate)]
        vote += ["--duration", str(args.latency_duration), "--out", str(acks)]
        voter = L.Child(["voter", *vote, "--connections", "1"], args.client_cpu)
        try:
            voter.recv(timeout=60)
            viewers.send({"cmd": "start"})
            viewers.recv(timeout=30)
            voter.send({"cmd": "go"})
            votes = voter.recv(timeout=args.latency_duration + 120)
        finally:
            voter.close()
        after = L.session_info(voting, sid, token)
        viewers.send(
            {
                "cmd": "finish",
                "final": after["version"],
                "acks": str(acks),
                "base": before["version"],
                "budget": 2_000_000,
                "timeout": 30,
            }
        )
        seen = viewers.recv(timeout=150)
        viewers.send({"cmd": "close"})
        viewers.recv(timeout=60)
    finally:
        viewers.close()
    n = args.viewers
    checks = {
        "all_viewers_connected": ready["ready"] == n,
        "no_non_201": votes["not_ok"] == 0 and not votes["errors"],
        "every_viewer_on_final_version": seen["final_versions"] == {str(after["version"]): n},
        "every_viewer_on_final_total": seen["final_totals"] == {str(after["totalVotes"]): n},
        "every_vote_seen": seen["missing_pairs"] == 0,
    }
    result = {
        "kind": "latency",
        "fsync": fsync,
        "path": path,
        "run": run,
        "viewers": n,
        "votes_per_s": votes["ok"] / votes["seconds"] if votes["seconds"] else 0.0,
        "send_p50_ms": seen["send_p50_ms"],
        "send_p99_ms": seen["send_p99_ms"],
        "p50_ms": seen["p50_ms"],
        "p99_ms": seen["p99_ms"],
        "exact": all(checks.values()),
        "checks": checks,
    }
    L.log(
        f"fsync={fsync} run {run} {path}: {n} viewers, from send p50"
        f" {result['send_p50_ms']:.1f} ms p99 {result['send_p99_ms']:.1f} ms,"
        f" exact={result['exact']}" + ("" if result["exact"] else f" {checks}")
    )
    return result


def latencies(
    args: argparse.Namespace, workdir: Path, servers: list[L.Server], fsync: str, run: int
) -> list[dict[str, Any]]:
    """Votes into the first process; viewers on it, then on the last one."""
    return [
        latency(args, workdir, servers[0], viewing, fsync, run, path)
        for path, viewing in (("same process", servers[0]), ("across processes", servers[-1]))
    ]


def tables(results: list[dict[str, Any]]) -> str:
    rows = []
    for fsync in dict.fromkeys(r["fsync"] for r in results):
        for p in sorted({r["processes"] for r in results if r["kind"] == "throughput"}):
            rs = [
                r
                for r in results
                if r["kind"] == "throughput" and r["fsync"] == fsync and r["processes"] == p
            ]
            if not rs:
                continue

            def m(key: str, rs: list[dict[str, Any]] = rs) -> float:
                return L.median([r[key] for r in rs])

            rows.append(
                [
                    fsync,
                    p,
                    rs[0]["connections"],
                    L.fmt(m("votes_per_s")),
                    L.fmt(m("p50_ms"), 1),
                    L.fmt(m("p99_ms"), 1),
                    L.fmt(m("app_ms_per_1000")),
                    L.fmt(m("redis_ms_per_1000")),
                    f"{m('app_cpu_pct'):.0f} / {m('redis_cpu_pct'):.0f}",
                    f"{sum(r['exact'] for r in rs)}/{len(rs)}",
                ]
            )
    out = "#### Votes/s on one hot session (medians)\n\n" + L.table(
        [
            "appendfsync",
            "processes",
            "connections",
            "votes/s",
            "p50 ms",
            "p99 ms",
            "app CPU ms / 1k votes",
            "Redis CPU ms / 1k votes",
            "CPU % app / Redis",
            "exact",
        ],
        rows,
        "llrrrrrrrr",
    )
    lat = [r for r in results if r["kind"] == "latency"]
    if lat:
        rows = []
        for fsync in dict.fromkeys(r["fsync"] for r in lat):
            for path in ("same process", "across processes"):
                rs = [r for r in lat if r["fsync"] == fsync and r["path"] == path]
                if rs:
                    rows.append(
                        [
                            fsync,
                            path,
                            rs[0]["viewers"],
                            L.fmt(L.median([r["votes_per_s"] for r in rs])),
                            L.fmt(L.median([r["send_p50_ms"] for r in rs]), 1),
                            L.fmt(L.median([r["send_p99_ms"] for r in rs]), 1),
                            L.fmt(L.median([r["p99_ms"] for r in rs]), 1),
                            f"{sum(r['exact'] for r in rs)}/{len(rs)}",
                        ]
                    )
        out += "\n\n#### Vote-to-viewer latency (medians)\n\n" + L.table(
            [
                "appendfsync",
                "viewers on",
                "viewers",
                "votes/s",
                "from send p50 ms",
                "from send p99 ms",
                "from 201 p99 ms",
                "exact",
            ],
            rows,
            "llrrrrrr",
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    L.common_args(parser, runs=3)
    parser.add_argument("--processes", default="1,3")
    parser.add_argument("--fsync", default="always,everysec")
    parser.add_argument("--connections", type=int, default=60)
    parser.add_argument("--duration", type=float, default=8)
    parser.add_argument("--warmup", type=float, default=1)
    parser.add_argument("--viewers", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=20)
    parser.add_argument("--latency-duration", type=float, default=8)
    args = parser.parse_args()
    if args.smoke:
        args.runs, args.duration, args.warmup, args.connections = 1, 1, 0, 6
        args.viewers, args.latency_duration, args.quiet_wait = 20, 1, 0
        args.processes, args.fsync = "1,2", "always"
    if not L.have("wrk"):
        raise SystemExit("wrk is not on PATH (apt-get install -y wrk)")
    L.raise_nofile()
    counts = [int(p) for p in args.processes.split(",")]
    results: list[dict[str, Any]] = []
    with L.workdir(args, "redis-bench") as workdir:
        for run in range(args.runs):
            for fsync in args.fsync.split(","):
                L.wait_quiet(args)
                with redis_server(workdir, fsync, args.server_cpu) as (url, redis_pid):
                    for p in counts:
                        tag = f"{fsync}-r{run}-{p}"
                        with processes(args, workdir, url, p, tag) as servers:
                            results.append(throughput(args, servers, redis_pid, fsync, run))
                            if p == max(counts) and p >= 2:
                                results += latencies(args, workdir, servers, fsync, run)
    report = tables(results)
    header = (
        f"Redis scale-out: `bench/redis_scale.py` (runs={args.runs}, duration={args.duration:g}s,"
        f" {args.connections} connections, {args.viewers} viewers at {args.rate:g} votes/s;"
        f" Redis and tohyo on CPU {args.server_cpu}, load on CPU {args.client_cpu})\n\n"
    )
    print(header + report)
    if args.markdown:
        Path(args.markdown).write_text(header + report + "\n")
    out = Path(args.json) if args.json else L.results_path("redis_scale")
    L.write_json(out, {"args": vars(args), "results": results})
    L.log(f"results: {L.rel(out)}")
    if not all(r["exact"] for r in results):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
