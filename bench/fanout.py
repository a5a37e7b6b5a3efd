"""Fan-out: N viewers on one session's stream while votes arrive; vote-to-viewer latency.

    .venv/bin/python bench/fanout.py [--viewers 1000,10000] [--rates 20,max] [--runs 3]
                                     [--duration 8] [--smoke]

For every run and viewer count this starts a fresh `tohyo serve` (pinned to the server
core, fd limit raised), creates one session, and starts the *viewer process*
(`loadlib.py viewers`, pinned to the load core): N connections to the session's stream,
each with the host's `Authorization: Bearer` header so every event carries the tally,
opened at most 256 at a time. Each viewer is an asyncio Protocol on a raw socket that only
scans for `\\nid: <version>` and stamps each new version with CLOCK_MONOTONIC.

Then, for each vote rate, a *voter process* (`loadlib.py voter`, also on the load core)
votes for --duration seconds, new voter each time: at a fixed rate (e.g. 20/s: one vote at
a time, the next when due) or `max` (as fast as the server answers, over
--voter-connections keep-alive connections). It records each 201's receive time.

Latency: the i-th 201 means i of this run's votes were durable; a viewer has shown it at
its first event with version >= (version before the run) + i, since each vote adds one
version and nothing else changes the session. Two latencies, over all (viewer, vote) pairs
(votes evenly sampled so that pairs <= --budget): **from send** = that event's receive
time - when the vote request was written (end to end, commit included; never negative with
one vote in flight), and **from 201** = the event's receive time - the 201's receive time
(negative when the server writes events before the 201, which a server that fans out
before answering does for every vote). At a fixed rate with one vote in flight both are
exact per vote. At `max` they pair the i-th 201 with the i-th version, an approximation,
and when the server is saturated the 201s themselves come late (`vote 201 p99`): read the
fixed-rate rows for per-vote latency.

Exact: every viewer ends on the host's final version, its last event's totalVotes equals
the votes before + the 201s, the host GET agrees, no viewer lost, no non-201.

Reported per point (medians over runs): votes/s achieved, latency p50/p99, events per
viewer per second, server CPU %, the viewer and voter processes' own CPU % and the load
core's busy % (if the load core is saturated the latency includes client delay: see the
`load core` column), connect time for N viewers, server RSS with N viewers connected.

TOHYO_* variables (e.g. TOHYO_STREAM_INTERVAL) are passed to the server as they are.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

import loadlib as L


def parse_rates(text: str) -> list[float]:
    return [0.0 if r.strip() == "max" else float(r) for r in text.split(",") if r.strip()]


def rate_name(rate: float) -> str:
    return "max" if rate == 0 else f"{rate:g}/s"


def one_server(args: argparse.Namespace, workdir: Path, n: int, run: int) -> list[dict[str, Any]]:
    """One server and N viewers; one measured voting window per rate (run 0: profiled)."""
    L.wait_quiet(args)
    out: list[dict[str, Any]] = []
    with L.serve(
        workdir,
        f"fanout-n{n}-r{run}",
        server_cpu=args.server_cpu,
        synchronous=args.synchronous,
        src=args.server_src,
    ) as server:
        session_id, token = L.create_session(server, "Fan-out benchmark")
        rss_idle = L.rss_kb(server.pid)
        viewers = L.Child(
            [
                "viewers",
                "--port",
                str(server.port),
                "--session",
                session_id,
                f"--token={token}",  # a token may start with "-"
                "--n",
                str(n),
                "--parallel",
                str(args.parallel),
            ],
            args.client_cpu,
        )
        try:
            ready = viewers.recv(timeout=120 + n / 100)
            L.log(
                f"run {run} n={n}: {ready['ready']} viewers connected in"
                f" {ready['connect_s']:.1f} s ({ready['failed']} failed)"
            )
            rss_viewers = L.rss_kb(server.pid)
            for rate in args.rate_list:
                out.append(
                    window(args, workdir, server, session_id, token, viewers, n, rate, run)
                    | {
                        "connected": ready["ready"],
                        "connect_failed": ready["failed"],
                        "connect_s": ready["connect_s"],
                        "rss_idle_kb": rss_idle,
                        "rss_viewers_kb": rss_viewers,
                    }
                )
            viewers.send({"cmd": "close"})
            closed = viewers.recv(timeout=60)
            for r in out:
                r["lost_before_close"] = closed["lost_before_close"]
                if closed["lost_before_close"]:
                    r["exact"] = False
                    r["checks"]["no_viewer_dropped_before_close"] = False
        finally:
            viewers.close()
    return out


def window(
    args: argparse.Namespace,
    workdir: Path,
    server: L.Server,
    session_id: str,
    token: str,
    viewers: L.Child,
    n: int,
    rate: float,
    run: int,
) -> dict[str, Any]:
    before = L.session_info(server, session_id, token)
    acks = workdir / f"acks-n{n}-r{run}-{rate_name(rate).replace('/', '')}.json"
    voter = L.Child(
        [
            "voter",
            "--port",
            str(server.port),
            "--session",
            session_id,
            "--rate",
            str(rate),
            "--duration",
            str(args.duration),
            "--out",
            str(acks),
            "--connections",
            str(args.voter_connections),
        ],
        args.client_cpu,
    )
    try:
        voter.recv(timeout=60)  # started and connected
        viewers.send({"cmd": "start"})
        viewers.recv(timeout=30)
        spy = None
        if run == 0:  # --profile: py-spy on the server for this window (not in the medians)
            target = (
                L.RESULTS
                / f"profile-fanout-{args.stamp}-n{n}-{rate_name(rate).replace('/', 'per')}.json"
            )
            spy = L.py_spy(server.pid, args.duration, target, args.client_cpu)
        cpu = L.CpuWindow(server.pid).start()
        voter.send({"cmd": "go"})
        votes = voter.recv(timeout=args.duration + 120)
    finally:
        voter.close()
    used = cpu.stop()
    if spy is not None:
        L.py_spy_wait(spy)
    rss = L.rss_kb(server.pid)
    after = L.session_info(server, session_id, token)
    viewers.send(
        {
            "cmd": "finish",
            "final": after["version"],
            "acks": str(acks),
            "base": before["version"],
            "budget": args.budget,
            "timeout": args.settle_timeout,
        }
    )
    seen = viewers.recv(timeout=args.settle_timeout + 120)
    acked = int(votes["ok"])
    expected_total = before["totalVotes"] + acked
    checks = {
        "host_total_matches_201s": after["totalVotes"] == expected_total,
        "no_non_201": votes["not_ok"] == 0 and not votes["errors"],
        "no_viewer_lost": seen["lost"] == 0 and seen["viewers"] == n,
        "every_viewer_on_final_version": seen["final_versions"] == {str(after["version"]): n},
        "every_viewer_on_final_total": seen["final_totals"] == {str(expected_total): n},
        "every_vote_seen": seen["missing_pairs"] == 0,
    }
    exact = all(checks.values())
    viewer_cpu = seen["cpu_pct"]
    voter_cpu = 100 * votes["cpu_s"] / votes["seconds"] if votes["seconds"] else 0.0
    result = {
        "viewers": n,
        "rate": rate_name(rate),
        "run": run,
        "votes_per_s": acked / votes["seconds"] if votes["seconds"] else 0.0,
        "acked": acked,
        "vote_p50_ms": votes["p50_ms"],
        "vote_p99_ms": votes["p99_ms"],
        "late_votes": votes.get("late", 0),
        "p50_ms": seen["p50_ms"],
        "p90_ms": seen["p90_ms"],
        "p99_ms": seen["p99_ms"],
        "max_ms": seen["max_ms"],
        "min_ms": seen["min_ms"],
        "send_p50_ms": seen["send_p50_ms"],
        "send_p90_ms": seen["send_p90_ms"],
        "send_p99_ms": seen["send_p99_ms"],
        "send_max_ms": seen["send_max_ms"],
        "pairs": seen["pairs"],
        "acks_used": seen["acks_used"],
        "events_per_viewer_s": seen["events_per_viewer"] / seen["window_s"],
        "mbytes_per_s": seen["mbytes"] / seen["window_s"],
        "settle_s": seen["settle_s"],
        "server_cpu_pct": used["server_cpu_pct"],
        "viewer_cpu_pct": viewer_cpu,
        "voter_cpu_pct": voter_cpu,
        "load_core_busy": used["cores"].get(f"cpu{args.client_cpu}", {}).get("busy", 0.0),
        "server_core_busy": used["cores"].get(f"cpu{args.server_cpu}", {}).get("busy", 0.0),
        "foreign_server_core": L.foreign_pct(used, f"cpu{args.server_cpu}", used["server_cpu_pct"]),
        "rss_after_kb": rss,
        "exact": exact,
        "checks": checks,
        "viewer_report": seen,
        "voter_report": votes,
        "final": {"version": after["version"], "totalVotes": after["totalVotes"]},
    }
    L.log(
        f"run {run} n={n} rate={rate_name(rate)}: {result['votes_per_s']:.0f} votes/s,"
        f" latency from send p50 {result['send_p50_ms']:.1f} ms p99"
        f" {result['send_p99_ms']:.1f} ms, from 201 p50 {result['p50_ms']:.1f} ms p99"
        f" {result['p99_ms']:.1f} ms"
        f" max {result['max_ms']:.1f} ms, {result['events_per_viewer_s']:.1f} events/viewer/s,"
        f" server CPU {used['server_cpu_pct']:.0f}%, viewers CPU {viewer_cpu:.0f}%,"
        f" voter CPU {voter_cpu:.0f}%, load core {result['load_core_busy']:.0f}%, exact={exact}"
        + ("" if exact else f" {checks}")
    )
    return result


def median_table(results: list[dict[str, Any]], args: argparse.Namespace) -> str:
    rows = []
    for n in args.viewer_list:
        for rate in args.rate_list:
            rs = [r for r in results if r["viewers"] == n and r["rate"] == rate_name(rate)]
            if not rs:
                continue

            def m(key: str, rs: list[dict[str, Any]] = rs) -> float:
                return L.median([r[key] for r in rs])

            rows.append(
                [
                    f"{n:,}",
                    rate_name(rate),
                    L.fmt(m("votes_per_s"), 1 if rate else 0),
                    L.fmt(m("send_p50_ms"), 1),
                    L.fmt(m("send_p99_ms"), 1),
                    L.fmt(m("send_max_ms"), 0),
                    L.fmt(m("p50_ms"), 1),
                    L.fmt(m("p99_ms"), 1),
                    L.fmt(m("events_per_viewer_s"), 1),
                    L.fmt(m("vote_p99_ms"), 1),
                    f"{sum(r['exact'] for r in rs)}/{len(rs)}",
                    L.fmt(m("server_cpu_pct")),
                    f"{L.fmt(m('viewer_cpu_pct'))} / {L.fmt(m('voter_cpu_pct'))}"
                    f" / {L.fmt(m('load_core_busy'))}",
                    L.fmt(m("connect_s"), 1),
                    L.fmt((m("rss_viewers_kb") - m("rss_idle_kb")) / n, 1),
                ]
            )
    return L.table(
        [
            "viewers",
            "vote rate",
            "votes/s",
            "latency from send p50 ms",
            "p99 ms",
            "max ms",
            "from 201 p50 ms",
            "p99 ms",
            "events/viewer/s",
            "vote 201 p99 ms",
            "exact",
            "server CPU %",
            "CPU % viewers / voter / load core",
            "connect s",
            "server KB/viewer",
        ],
        rows,
        "rlr",
    )


def run_table(results: list[dict[str, Any]]) -> str:
    rows = [
        [
            f"{r['viewers']:,}",
            r["rate"],
            r["run"],
            L.fmt(r["votes_per_s"], 1),
            r["acked"],
            L.fmt(r["send_p50_ms"], 1),
            L.fmt(r["send_p90_ms"], 1),
            L.fmt(r["send_p99_ms"], 1),
            L.fmt(r["send_max_ms"], 0),
            L.fmt(r["p50_ms"], 1),
            L.fmt(r["p99_ms"], 1),
            L.fmt(r["min_ms"], 1),
            f"{r['pairs']:,}",
            L.fmt(r["events_per_viewer_s"], 1),
            L.fmt(r["mbytes_per_s"], 1),
            L.fmt(r["settle_s"], 2),
            "yes" if r["exact"] else "NO " + ",".join(k for k, v in r["checks"].items() if not v),
            L.fmt(r["server_cpu_pct"]),
            L.fmt(r["viewer_cpu_pct"]),
            L.fmt(r["voter_cpu_pct"]),
            L.fmt(r["load_core_busy"]),
            L.fmt(r["foreign_server_core"], 1),
        ]
        for r in results
    ]
    return L.table(
        [
            "viewers",
            "rate",
            "run",
            "votes/s",
            "201s",
            "from send p50 ms",
            "p90 ms",
            "p99 ms",
            "max ms",
            "from 201 p50 ms",
            "p99 ms",
            "min ms",
            "pairs",
            "events/viewer/s",
            "MB/s to viewers",
            "settle s",
            "exact",
            "server CPU %",
            "viewers CPU %",
            "voter CPU %",
            "load core %",
            "other procs on server core %",
        ],
        rows,
        "rlr",
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    L.common_args(parser, runs=3)
    parser.add_argument("--viewers", default="1000,10000", help="comma-separated viewer counts")
    parser.add_argument(
        "--rates", default="20,max", help="votes/s, comma-separated; max = flat out"
    )
    parser.add_argument("--duration", type=float, default=8.0, help="seconds of votes per point")
    parser.add_argument("--voter-connections", type=int, default=32, help="for the max rate")
    parser.add_argument("--parallel", type=int, default=256, help="viewers connecting at once")
    parser.add_argument(
        "--budget", type=int, default=2_000_000, help="most (viewer, vote) pairs per point"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="one more run per viewer count with py-spy on the server (needs py-spy in the venv)",
    )
    parser.add_argument(
        "--settle-timeout", type=float, default=60.0, help="wait this long for the final state"
    )
    args = parser.parse_args()
    if args.smoke:
        args.viewers, args.runs, args.duration = "50", 1, 1.0
    args.viewer_list = [int(v) for v in args.viewers.split(",") if v]
    args.rate_list = parse_rates(args.rates)
    L.raise_nofile()
    results: list[dict[str, Any]] = []
    profiled: list[dict[str, Any]] = []
    args.stamp = time.strftime("%Y%m%d-%H%M%S")
    with L.workdir(args, "fanout") as workdir:
        for run in range(1, args.runs + 1):
            for n in args.viewer_list:
                results += one_server(args, workdir, n, run)
        if args.profile:
            for n in args.viewer_list:
                profiled += one_server(args, workdir, n, 0)

    sync = (args.synchronous or "full").upper() + L.server_label(args)
    interval = os.environ.get("TOHYO_STREAM_INTERVAL", "0.05 (default)")
    md = [
        f"## Fan-out: vote-to-viewer latency (SQLite synchronous={sync}, stream interval"
        f" {interval} s, {args.runs} runs x {args.duration:g} s of votes, server on CPU"
        f" {args.server_cpu}, viewers and voter on CPU {args.client_cpu})",
        "",
        "Medians over runs. Latency, over all (viewer, vote) pairs: from the vote request's"
        " send (end to end, commit included) or from its 201, to each viewer's first event"
        " that includes it; from the 201 is negative when events go out before the 201."
        f" `max` votes over {args.voter_connections} connections as fast as the server"
        " answers (latencies there pair the i-th 201 with the i-th version: approximate).",
        "",
        median_table(results, args),
        "",
        "Every run:",
        "",
        run_table(results),
    ]
    if profiled:
        md += ["", "Profiled runs (py-spy attached; not in the medians):", "", run_table(profiled)]
        md += ["", "Profiles: bench/results/profile-fanout-*.json (speedscope; see"]
        md += ["bench/profile_summary.py)."]
    ok = all(r["exact"] for r in results + profiled) and bool(results + profiled)
    data = {"results": results, "profiled": profiled}
    return L.finish(args, "fanout", "\n".join(md), data, ok)


if __name__ == "__main__":
    sys.exit(main())
