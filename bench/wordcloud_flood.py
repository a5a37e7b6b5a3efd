"""Events: a word cloud flood — N participants each send 3 entries to one open word cloud;
answers/s, vote-to-screen on the host's stream, and whether the server or the host's page
stalls.

    .venv/bin/python bench/wordcloud_flood.py [--participants 1000,10000] [--rooms host,phones]
        [--runs 3] [--browser] [--smoke]

For every run, participant count and room, a fresh `tohyo serve` (SQLite, rate limits off,
pinned to the server core, fd limit raised; bench/loopwatch loaded first, which logs its
garbage collections and event-loop stalls) holds one event with one word cloud question
(maxEntries 3, resultsVisibility "after_vote"), opened and presented. "after_vote" is the
usual setting for a cloud: a phone does not see the room's words before typing its own
(they would steer it), and sees the cloud once it has sent them. So every phone's frame
carries the cloud from its answer on, and every pass renders two views of the tally, the
host's (200 entries) and everyone's (50), each with its layout of the top 60.

Rooms: `host`: only the host's stream watches (the cloud's own cost); `phones`: every
participant also holds the event's stream as a phone (`event_phones.py phones`, phone i
is participant i), as in a hall. Load processes, pinned to the load core:

- the host's screen (`wordcloud_host.py`): one host stream (Bearer token), every state
  frame's arrival time and totalVotes;
- the answers (`event_phones.py answer --wordcloud --times`): participant i sends
  `wordcloud_words.entries_of(i)` (a 300-word Zipf-like vocabulary in English and
  Japanese, spellings that differ only by case and width, a tail of typos), once each,
  over --concurrency keep-alive connections opened beforehand, one in flight on each;
  bounded by count (N) and time (--answer-timeout);
- with --browser, the host console in Chromium (`wordcloud_page.py`), its long tasks.

Measured: answers/s and the answers' p50/p99; vote-to-screen for every answer, as sure
bounds and an estimate (wordcloud_measures.py says how, and why a marker word cannot be
watched for); the longest wait for a host frame during the flood; the server's loop
stalls (the longest lateness of a 10 ms timer), garbage collections, CPU %; and, after
the run, what one results() with its layout and its JSON cost on the final tally, laid out
afresh and memoized (wordcloud_cost.py, pinned to the server core).

Exact: every answer 201 and nothing else; the host's last frame and its GET show
totalVotes == N and the 200 most common keys with exactly the counts and texts the known
answers imply (wordcloud_words.expected), with a cloud of top entries, inside its box,
no two boxes overlapping; the question's export holds every key with its count and
exactly the N canonical answers; in the phones room every phone's newest frame shows the
50 expected entries and no phone was dropped. Exit status 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import event_phones as P
import loadlib as L
import wordcloud_measures as M
import wordcloud_words as W
from event_phone import results_key
from event_present import gc_pauses, host_call
from wordcloud_report import report

LOOP_WATCH = L.BENCH / "loopwatch"  # sitecustomize: the server's GC pauses and loop stalls
QUESTION = "q1"


def question_spec() -> dict[str, Any]:
    return {
        "type": "wordcloud",
        "prompt": "One word for today? / 今日をひとことで",
        "maxEntries": W.MAX_ENTRIES,
        "resultsVisibility": "after_vote",
    }


def create_event(server: L.Server) -> dict[str, Any]:
    """The event, its word cloud open and presented: the creation's reply."""
    body = {"title": "Word cloud benchmark", "questions": [question_spec()]}
    status, created = L.request(server, "POST", "/api/events", body)
    if status != 201:
        raise RuntimeError(f"create event: {status} {created}")
    event_id, token = created["eventId"], created["hostToken"]
    host_call(server, token, "POST", f"/api/events/{event_id}/questions/{QUESTION}/open")
    host_call(server, token, "POST", f"/api/events/{event_id}/present", {"questionId": QUESTION})
    return dict(created)


def watch_env(args: argparse.Namespace, gc_log: Path, loop_log: Path) -> dict[str, str]:
    """bench/loopwatch first on the server's PYTHONPATH, then the --server-src tree."""
    rest = L.server_env(args.server_src).get("PYTHONPATH") or os.environ.get("PYTHONPATH")
    path = str(LOOP_WATCH) + (os.pathsep + rest if rest else "")
    return {
        "PYTHONPATH": path,
        "TOHYO_BENCH_GC_LOG": str(gc_log),
        "TOHYO_BENCH_LOOP_LOG": str(loop_log),
    }


def results_cost(args: argparse.Namespace, n: int) -> dict[str, Any]:
    """wordcloud_cost.py pinned to the server core, with the server's PYTHONPATH."""
    cmd = [*L.pin(args.server_cpu), sys.executable, str(L.BENCH / "wordcloud_cost.py")]
    cmd += ["--n", str(n), "--repeat", "3" if args.smoke else "7"]
    env = {**os.environ, **L.server_env(args.server_src)}
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=L.ROOT, env=env, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"wordcloud_cost.py: {done.stderr[-2000:]}")
    cost: dict[str, Any] = json.loads(done.stdout)
    return cost


def export_problems(export: dict[str, Any], want: W.Expected) -> list[str]:
    """The question's export against the known answers: every key, every answer."""
    rounds = export.get("rounds") or [{}]
    rnd = rounds[-1]
    problems = []
    if results_key(rnd.get("results", {})) != results_key(want.results(None)):
        problems.append("export results differ")
    answers = [tuple(a["answer"]) for a in rnd.get("answers", ())]
    if sorted(answers) != sorted(want.answers.elements()):
        problems.append(f"export answers differ ({len(answers)} listed)")
    return problems


def question_export(server: L.Server, event_id: str, token: str) -> dict[str, Any]:
    path = f"/api/events/{event_id}/questions/{QUESTION}/export?format=json"
    reply = host_call(server, token, "GET", path)
    for q in reply.get("questions", [reply]):
        if q.get("questionId") == QUESTION:
            return dict(q)
    return dict(reply)


def host_results(server: L.Server, event_id: str, token: str) -> dict[str, Any]:
    view = host_call(server, token, "GET", f"/api/events/{event_id}")
    for q in view["questions"]:
        if q["questionId"] == QUESTION:
            return dict(q["results"])
    raise RuntimeError("the question is missing from the host's view")


def one_run(
    args: argparse.Namespace, workdir: Path, n: int, room: str, run: int, want: W.Expected
) -> dict[str, Any]:
    L.wait_quiet(args)
    tag = f"cloud-n{n}-{room}-r{run}"
    gc_log, loop_log = workdir / f"{tag}.gc", workdir / f"{tag}.loop"
    prefix = L.voter_prefix()
    children: list[L.Child] = []
    with L.serve(
        workdir,
        tag,
        server_cpu=args.server_cpu,
        synchronous=args.synchronous,
        env=watch_env(args, gc_log, loop_log),
    ) as server:
        created = create_event(server)
        event_id, token = created["eventId"], created["hostToken"]
        common = ["--port", str(server.port), "--event", event_id, f"--prefix={prefix}"]
        try:
            watch = ["--port", str(server.port), "--event", event_id, f"--token={token}"]
            host = L.Child(
                [*watch, "--question", QUESTION], args.client_cpu, L.BENCH / "wordcloud_host.py"
            )
            children.append(host)
            host.recv(timeout=60)
            phones = None
            ready: dict[str, Any] = {}
            if room == "phones":
                phones = P.Child(
                    ["phones", *common, "--n", str(n), "--parallel", str(args.parallel)],
                    args.client_cpu,
                )
                children.append(phones)
                ready = phones.recv(timeout=120 + n / 50)
                L.log(
                    f"run {run} n={n} {room}: {ready['ready']} phones in"
                    f" {ready['connect_s']:.1f} s ({ready['failed']} failed)"
                )
            page = None
            if args.browser:
                url = created["hostUrl"].replace("localhost", L.HOST)
                page = L.Child(["--url", url], args.client_cpu, L.BENCH / "wordcloud_page.py")
                children.append(page)
                page.recv(timeout=120)
            flags = ["--wordcloud", "--times", "--concurrency", str(args.concurrency)]
            flags += ["--duration", str(args.answer_timeout)]
            answers = P.Child(
                ["answer", *common, "--n", str(n), "--question", QUESTION, *flags],
                args.client_cpu,
            )
            children.append(answers)
            answers.recv(timeout=120)  # connections open, the server reached once
            if page is not None:
                page.send({"cmd": "go"})
                page.recv(timeout=30)
            cpu = L.CpuWindow(server.pid).start()
            answers.send({"cmd": "go"})
            flood = answers.recv(timeout=args.answer_timeout + 60)
            host.send({"cmd": "finish", "total": n, "timeout": args.settle_timeout})
            screen = host.recv(timeout=args.settle_timeout + 60)
            flood_cpu = cpu.stop()
            shown = page_report = None
            if page is not None:
                shot = L.RESULTS / f"wordcloud-page-{tag}.png"
                L.RESULTS.mkdir(exist_ok=True)
                page.send({"cmd": "finish", "settle": 1.0, "screenshot": str(shot)})
                page_report = page.recv(timeout=60)
            if phones is not None:
                phones.send(
                    {
                        "cmd": "finish",
                        "question": QUESTION,
                        "total": n,
                        "timeout": args.settle_timeout,
                    }
                )
                shown = phones.recv(timeout=args.settle_timeout + 60)
            fetched = host_results(server, event_id, token)
            export = question_export(server, event_id, token)
            for child in (host, phones, page):  # (the answer process has ended)
                if child is not None:
                    child.send({"cmd": "close"})
        finally:
            for child in children:
                child.close()
    cost = results_cost(args, n)
    started, times = flood["started_at"], screen["times"]
    final_at = next(
        (t for t, total in zip(times, screen["totals"], strict=True) if total == n),
        started + flood["seconds"],
    )
    latency = M.screen_latency(flood["sent_at"], flood["acked_at"], times, screen["totals"])
    host_want = results_key(want.results(200))
    screen_results = screen["results"] or {"entries": [], "cloud": []}
    cloud = M.cloud_problems(screen_results)
    checks = {
        "every_answer_201": flood["ok"] == n and flood["not_ok"] == 0 and not flood["errors"],
        "host_screen_exact": results_key(screen_results) == host_want,
        "host_get_exact": results_key(fetched) == host_want,
        "cloud_sound": not cloud,
        "export_exact": not export_problems(export, want),
        "every_answer_on_screen": latency["screen_missing"] == 0 and latency["frames_in_order"],
        "host_stream_kept": screen["lost"] is None,
    }
    if phones is not None and shown is not None:
        public = results_key(want.results(50))
        checks["every_phone_connected"] = ready["ready"] == n
        checks["every_phone_exact"] = shown["final_results"] == {public: n}
        checks["no_phone_dropped"] = shown["lost"] == 0
    exact = all(checks.values())
    gc = gc_pauses(gc_log, started, final_at)
    result = {
        "participants": n,
        "room": room,
        "run": run,
        "answers_per_s": flood["per_s"],
        "answer_p50_ms": flood["p50_ms"],
        "answer_p99_ms": flood["p99_ms"],
        "answers_ok": flood["ok"],
        "flood_s": flood["seconds"],
        "to_last_frame_s": final_at - started,
        **latency,
        **M.frame_gaps(times, started, final_at),
        **M.loop_stalls(loop_log, started, final_at, gc_log),
        "gc_max_ms": gc["max_ms"],
        "gc_total_ms": gc["total_ms"],
        "gc_full": gc["full"],
        "server_cpu_pct": flood_cpu["server_cpu_pct"],
        "answer_cpu_pct": 100 * flood["cpu_s"] / flood["seconds"] if flood["seconds"] else 0.0,
        "load_core_pct": flood_cpu["cores"].get(f"cpu{args.client_cpu}", {}).get("busy", 0.0),
        "foreign_server_core": L.foreign_pct(
            flood_cpu, f"cpu{args.server_cpu}", flood_cpu["server_cpu_pct"]
        ),
        "host_frames": screen["frames"],
        "host_frame_kb": screen["last_frame_bytes"] / 1000,
        "host_mb": screen["bytes"] / 1e6,
        "phones_connect_s": ready.get("connect_s"),
        "phone_frames": shown["frames_per_phone"] if shown else None,
        "phones_mb": shown["mbytes"] if shown else None,
        "page": page_report,
        "cost": cost,
        "distinct": len(want.entries),
        "exact": exact,
        "checks": checks,
        "cloud_problems": cloud,
        "export_problems": export_problems(export, want),
    }
    L.log(
        f"run {run} n={n} {room}: {result['answers_per_s']:.0f} answers/s, p50"
        f" {result['answer_p50_ms']:.1f} ms p99 {result['answer_p99_ms']:.1f} ms; screen"
        f" {result['screen_lower_p50_ms']:.0f}/{result['screen_fifo_p50_ms']:.0f}/"
        f"{result['screen_upper_p50_ms']:.0f} ms p50, longest frame gap"
        f" {result['frame_gap_max_ms']:.0f} ms, loop late max {result['loop_late_max_ms']:.0f}"
        f" ms; exact={exact}" + ("" if exact else f" {checks}")
    )
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    L.common_args(parser, runs=3)
    parser.add_argument("--participants", default="1000,10000", help="comma-separated sizes")
    parser.add_argument("--rooms", default="host,phones", help="host, phones or both")
    parser.add_argument("--concurrency", type=int, default=200, help="answers in flight")
    parser.add_argument("--parallel", type=int, default=256, help="phones connecting at once")
    parser.add_argument("--browser", action="store_true", help="the host console in Chromium")
    parser.add_argument(
        "--answer-timeout", type=float, default=120.0, help="the flood stops after this (s)"
    )
    parser.add_argument(
        "--settle-timeout", type=float, default=60.0, help="wait this long for the screens"
    )
    args = parser.parse_args()
    if args.smoke:
        args.participants, args.runs, args.concurrency = "60", 1, 20
    args.sizes = [int(v) for v in args.participants.split(",") if v]
    args.room_list = [r for r in args.rooms.split(",") if r]
    if set(args.room_list) - {"host", "phones"}:
        parser.error("--rooms: host, phones")
    L.raise_nofile()
    W.check_vocabulary()
    wants = {n: W.expected(n) for n in args.sizes}
    results: list[dict[str, Any]] = []
    with L.workdir(args, "wordcloud") as workdir:
        for run in range(1, args.runs + 1):
            for n in args.sizes:
                for room in args.room_list:
                    results.append(one_run(args, workdir, n, room, run, wants[n]))

    ok = bool(results) and all(r["exact"] for r in results)
    data = {"results": results, "at": time.time()}
    return L.finish(args, "wordcloud_flood", report(results, args), data, ok)


if __name__ == "__main__":
    sys.exit(main())
