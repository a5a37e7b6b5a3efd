"""Quiz: a hall of N players answers one quiz question within its limit, then every phone
asks for its rank at once (issue 16's benchmark; the Q&A half does not exist yet).

    .venv/bin/python bench/quiz_flood.py [--players 10000] [--runs 3] [--smoke]

For every run this starts a fresh `tohyo serve` (SQLite, rate limits off, pinned to the
server core, fd limit raised, bench/gcwatch first on PYTHONPATH) and creates one event
with one quiz question (four choices, "2" right, the longest limit: 240 s). The *player
process* (`quiz_players.py`, pinned to the load core) then plays the hall:

1. **Join.** Every player PUTs a nickname (`…/me`), `--concurrency` in flight: joins/s.
2. **Answer flood.** The host opens q1; every player answers it once, `--concurrency`
   kept-alive connections with one answer in flight each, bounded by count and by
   `--answer-timeout` (well inside the limit): answers/s, the answers' p50/p99, and the
   server's longest garbage collection during the flood (bench/gcwatch).
3. **Close → every phone's rank.** Each player's phone opens a connection of its own; the
   player process closes q1 with the host's token and, the moment the close's 200
   arrives, all N phones GET `…/leaderboard` together. From the close's send to the last
   phone holding its rank (the headline), each phone's time from the close (p50/p99),
   each fetch's own time (p50/p99), the close's reply, the server's CPU during the storm.

Exact (bench/quiz_flood_report.py's `checks`): N joins 200, N answers 201, the close 200,
N boards 200 and nothing else; every board names N players and shows the same top 10;
every phone's own place is right by the rules: its nickname, right or wrong as its choice
was, its points round(1000 × (1 − ms / limit / 2)) for a right answer and 0 for a wrong
one, its rank 1 + the players strictly ahead of it (more points, or as many in less
time); the top 10 are the 10 best players; the host's tally after the close exact. Exit
status 1 otherwise.

`--profile` adds one run with py-spy attached to the server across the close and the
storm (bench/results/profile-quiz-*.json, for bench/profile_summary.py); it is not in the
medians. TOHYO_* variables reach the server unchanged.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import loadlib as L
from event_phone import expected_counts
from event_present import gc_pauses, gc_watch_env, host_call, results_of
from quiz_flood_report import checks, report, spread
from quiz_players import CHOICES, QUESTION

TIME_LIMIT = 240  # seconds: the longest a quiz allows, so the flood fits on a slow machine
CORRECT = "2"


def quiz_spec() -> dict[str, Any]:
    return {
        "title": "Quiz benchmark",
        "questions": [
            {
                "type": "quiz",
                "prompt": "Which city was Japan's capital before Tokyo?",
                "choices": [{"text": c} for c in ("Osaka", "Kyoto", "Nara", "Kamakura")],
                "correct": [CORRECT],
                "timeLimit": TIME_LIMIT,
            }
        ],
    }


def create_event(server: L.Server) -> tuple[str, str]:
    status, created = L.request(server, "POST", "/api/events", quiz_spec())
    if status != 201:
        raise RuntimeError(f"create event: {status} {created}")
    return created["eventId"], created["hostToken"]


class Players(L.Child):
    """bench/quiz_players.py run as a load process, pinned to `cpu`."""

    def __init__(self, args: list[str], cpu: str | None) -> None:
        super().__init__(args, cpu, Path(__file__).with_name("quiz_players.py"))


def one_run(args: argparse.Namespace, workdir: Path, run: int, profile: bool) -> dict[str, Any]:
    L.wait_quiet(args)
    n = args.players
    gc_log = workdir / f"gc-r{run}.log"
    with L.serve(
        workdir,
        f"quiz-r{run}",
        server_cpu=args.server_cpu,
        synchronous=args.synchronous,
        env=gc_watch_env(args, gc_log),
    ) as server:
        event_id, token = create_event(server)
        players = Players(
            [
                *("--port", str(server.port), "--server-pid", str(server.pid)),
                *("--event", event_id, f"--prefix={L.voter_prefix()}"),
                *("--host-token", token, "--n", str(n), "--concurrency", str(args.concurrency)),
                *("--parallel", str(args.parallel), "--duration", str(args.answer_timeout)),
            ],
            args.client_cpu,
        )
        try:
            players.recv(timeout=60)  # connected, the server reached
            players.send({"cmd": "join"})
            joined = players.recv(timeout=args.answer_timeout + 60)
            rss_joined = L.rss_kb(server.pid)
            host_call(server, token, "POST", f"/api/events/{event_id}/questions/{QUESTION}/open")
            opened_at = L.monotonic()
            cpu = L.CpuWindow(server.pid).start()
            players.send({"cmd": "answer"})
            flood = players.recv(timeout=args.answer_timeout + 60)
            flood_cpu = cpu.stop()
            players.send({"cmd": "phones"})
            players.recv(timeout=60 + n / 100)
            spy = None
            if profile:  # (py_spy waits half a second for it to attach: within keep-alive)
                target = L.results_path(f"profile-quiz-n{n}").with_suffix(".speedscope.json")
                spy = L.py_spy(server.pid, args.profile_seconds, target, args.client_cpu)
            players.send({"cmd": "board"})
            storm = players.recv(timeout=args.settle_timeout + 60 + n / 100)
            storm_cpu = storm["cpu"]  # read by the player process over the storm itself
            if spy is not None:
                L.py_spy_wait(spy)
                L.log(f"profile: {L.rel(target)}")
            view = host_call(server, token, "GET", f"/api/events/{event_id}")
        finally:
            players.close()
    expected = {"totalVotes": n, "counts": expected_counts(n, CHOICES)}
    gc_flood = gc_pauses(gc_log, flood["started_at"], flood["started_at"] + flood["seconds"])
    begin = storm["close_sent_at"]
    gc_storm = gc_pauses(gc_log, begin, begin + storm["all_ranked_s"])
    verdict = checks(n, TIME_LIMIT, CORRECT, joined, flood, storm, results_of(view, QUESTION))
    exact = all(verdict.values())
    from_close, fetch = spread(storm["from_close_s"]), spread(storm["fetch_s"])
    result = {
        "players": n,
        "run": run,
        "profiled": profile,
        "joins_per_s": joined["per_s"],
        "join_p99_ms": joined["p99_ms"],
        "answers_per_s": flood["per_s"],
        "answer_p50_ms": flood["p50_ms"],
        "answer_p99_ms": flood["p99_ms"],
        "flood_s": flood["seconds"],
        "open_to_close_s": begin - opened_at,
        "close_reply_ms": storm["close_reply_ms"],
        "all_ranked_s": storm["all_ranked_s"],
        "first_ranked_ms": 1000 * min(storm["from_close_s"], default=float("nan")),
        "rank_p50_ms": from_close["p50_ms"],
        "rank_p99_ms": from_close["p99_ms"],
        "fetch_p50_ms": fetch["p50_ms"],
        "fetch_p99_ms": fetch["p99_ms"],
        "boards_per_s": n / storm["all_ranked_s"] if storm["all_ranked_s"] else 0.0,
        "fired_ms": 1000 * storm["fired_s"],
        "connect_s": storm["connect_s"],
        "gc_flood_max_ms": gc_flood["max_ms"],
        "gc_flood_full": gc_flood["full"],
        "gc_storm_max_ms": gc_storm["max_ms"],
        "gc_storm_total_ms": gc_storm["total_ms"],
        "server_cpu_flood_pct": flood_cpu["server_cpu_pct"],
        "server_cpu_storm_pct": storm_cpu["server_cpu_pct"],
        "players_cpu_flood_pct": 100 * flood["cpu_s"] / max(flood["seconds"], 1e-3),
        "load_core_storm": storm_cpu["cores"].get(f"cpu{args.client_cpu}", {}).get("busy", 0.0),
        "foreign_server_core": L.foreign_pct(
            flood_cpu, f"cpu{args.server_cpu}", flood_cpu["server_cpu_pct"]
        ),
        "foreign_server_core_storm": L.foreign_pct(
            storm_cpu, f"cpu{args.server_cpu}", storm_cpu["server_cpu_pct"]
        ),
        "foreign_load_core_storm": L.foreign_pct(
            storm_cpu, f"cpu{args.client_cpu}", 100 * storm["cpu_s"] / storm_cpu["seconds"]
        ),
        "rss_joined_kb": rss_joined,
        "exact": exact,
        "checks": verdict,
        "expected_tally": expected,
        "host_tally": results_of(view, QUESTION),
        "reports": {
            "join": joined,
            "flood": flood,
            "storm": {k: v for k, v in storm.items() if not isinstance(v, list)},
        },
    }
    L.log(
        f"run {run} n={n}: {result['joins_per_s']:.0f} joins/s; {result['answers_per_s']:.0f}"
        f" answers/s, p50 {result['answer_p50_ms']:.1f} ms p99 {result['answer_p99_ms']:.1f}"
        f" ms; close reply {result['close_reply_ms']:.1f} ms; every phone ranked"
        f" {result['all_ranked_s']:.2f} s after the close (p50 {result['rank_p50_ms']:.0f} ms,"
        f" p99 {result['rank_p99_ms']:.0f} ms); exact={exact}"
        + ("" if exact else f" {[k for k, v in verdict.items() if not v]}")
    )
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    L.common_args(parser, runs=3)
    parser.add_argument("--players", type=int, default=10_000, help="players in the hall")
    parser.add_argument("--concurrency", type=int, default=200, help="joins/answers in flight")
    parser.add_argument("--parallel", type=int, default=256, help="phones connecting at once")
    parser.add_argument(
        "--answer-timeout", type=float, default=120.0, help="each flood stops after this (s)"
    )
    parser.add_argument("--settle-timeout", type=float, default=120.0)
    parser.add_argument("--profile", action="store_true", help="one more run under py-spy")
    parser.add_argument("--profile-seconds", type=float, default=4.0)
    args = parser.parse_args()
    if args.smoke:
        args.players, args.runs = 300, 1
    if args.answer_timeout >= TIME_LIMIT - 30:
        parser.error(f"--answer-timeout must leave the flood well inside the {TIME_LIMIT} s limit")
    L.raise_nofile()
    results: list[dict[str, Any]] = []
    with L.workdir(args, "quiz") as workdir:
        for run in range(1, args.runs + 1):
            results.append(one_run(args, workdir, run, profile=False))
        if args.profile:
            results.append(one_run(args, workdir, args.runs + 1, profile=True))
    ok = bool(results) and all(r["exact"] for r in results)
    data = {"results": results, "at": time.time()}
    return L.finish(args, "quiz_flood", report(results, args), data, ok)


if __name__ == "__main__":
    sys.exit(main())
