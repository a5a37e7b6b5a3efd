"""Events: the host presents a question to a room of N phones, then every phone answers.

    .venv/bin/python bench/event_present.py [--phones 1000,10000] [--runs 3] [--smoke]

For every run and phone count this starts a fresh `tohyo serve` (SQLite, rate limits off,
pinned to the server core, fd limit raised), creates one event with two single-choice
questions (resultsVisibility "always", so every phone's frames carry the tallies), opens
both and leaves the room in the lobby (nothing presented). Then the *phone process*
(`event_phones.py phones`, pinned to the load core) connects N phones to the event's
stream, each its own participant (voter cookie), at most 256 connecting at a time.

1. **Present.** The host POSTs `present {questionId: "q1"}` (Bearer token). Per phone:
   the time from writing that request to the phone receiving the first frame whose
   `presenting` is q1 (p50, p99, max), and the present's own reply time.
2. **Answer flood**, right after every phone shows q1: the *answer process*
   (`event_phones.py answer`, also on the load core) sends every phone's answer to q1
   once, over --concurrency keep-alive connections (opened beforehand) with one answer
   in flight on each (200 by default): answers/s, the answers' p50/p99. Bounded by count
   (N) and time (--answer-timeout).
3. **Settle.** The host reads the event; every phone's newest frame must come to show q1
   with the host's totalVotes (== N) and every choice's count exact (phone i picks choice
   i % k + 1, so the counts are known in advance). A participant's frames carry no
   version (the version is the host's), so the tally itself is what is waited for.
4. **Next.** The host presents q2: the same latency as 1, now with every phone past its
   answer (another audience: "answered" differs) and the tallies in every frame.

Exact: every present 200, every phone shown q1 and q2, N answers 201 and nothing else,
the host's q1 tally exact, every phone's newest frame on that exact tally, no phone
dropped. Exit status 1 otherwise.

Reported per phone count (medians over runs): present p50/p99/max, answers/s, answer
p50/p99, settle time, Next p50/p99, server CPU % during present and flood, the phone and
answer processes' CPU, connect time for N phones, server RSS per phone; and the server's
garbage collections during the flood and the present (the longest pause, the total, how
many were full), logged by bench/gcwatch/sitecustomize.py, which the server loads first
through PYTHONPATH (nothing in tohyo changes).

TOHYO_* variables (e.g. TOHYO_STREAM_INTERVAL) are passed to the server as they are.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import event_phones as P
import loadlib as L
from event_phone import expected_counts
from event_present_report import report

GC_WATCH = L.BENCH / "gcwatch"  # sitecustomize that logs the server's collections
QUESTIONS = [
    ("Which talk should come next?", ["Storage", "Streams", "Scale-out", "Security"]),
    ("Lunch?", ["Ramen", "Curry", "Sushi"]),
]


def question_spec(prompt: str, choices: list[str]) -> dict[str, Any]:
    return {
        "type": "single",
        "prompt": prompt,
        "choices": [{"text": c} for c in choices],
        "resultsVisibility": "always",
    }


def host_call(server: L.Server, token: str, method: str, path: str, body: Any = None) -> Any:
    status, reply = L.request(
        server, method, path, body, headers={"Authorization": f"Bearer {token}"}
    )
    if status not in (200, 201):
        raise RuntimeError(f"{method} {path}: {status} {reply}")
    return reply


def create_event(server: L.Server) -> tuple[str, str]:
    """The event, both questions open, nothing presented: (eventId, hostToken)."""
    body = {"title": "Event benchmark", "questions": [question_spec(*q) for q in QUESTIONS]}
    status, created = L.request(server, "POST", "/api/events", body)
    if status != 201:
        raise RuntimeError(f"create event: {status} {created}")
    event_id, token = created["eventId"], created["hostToken"]
    for i in range(1, len(QUESTIONS) + 1):
        host_call(server, token, "POST", f"/api/events/{event_id}/questions/q{i}/open")
    return event_id, token


def host_view(server: L.Server, event_id: str, token: str) -> dict[str, Any]:
    view: dict[str, Any] = host_call(server, token, "GET", f"/api/events/{event_id}")
    return view


def results_of(view: dict[str, Any], question: str) -> str:
    """As `Phone.results` renders them, to compare."""
    for q in view["questions"]:
        if q["questionId"] == question:
            r = q["results"]
            counts = [c["voteCount"] for c in r["choices"]]
            return json.dumps({"totalVotes": r["totalVotes"], "counts": counts})
    raise RuntimeError(f"{question} missing from the host's view")


def timed_present(server: L.Server, event_id: str, token: str, question: str) -> dict[str, Any]:
    """POST present on an already open connection: when it was written and answered."""
    conn = http.client.HTTPConnection(L.HOST, server.port, timeout=60)
    try:
        conn.connect()
        body = json.dumps({"questionId": question}).encode()
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        sent_at = L.monotonic()
        conn.request("POST", f"/api/events/{event_id}/present", body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        return {
            "sent_at": sent_at,
            "status": response.status,
            "reply_ms": 1000 * (L.monotonic() - sent_at),
        }
    finally:
        conn.close()


def present(
    args: argparse.Namespace, server: L.Server, event_id: str, token: str, phones: P.Child, q: str
) -> dict[str, Any]:
    sent = timed_present(server, event_id, token, q)
    phones.send(
        {
            "cmd": "presented",
            "question": q,
            "sent_at": sent["sent_at"],
            "timeout": args.settle_timeout,
        }
    )
    shown = phones.recv(timeout=args.settle_timeout + 60)
    return sent | shown


def gc_watch_env(args: argparse.Namespace, log: Path) -> dict[str, str]:
    """The server's environment for bench/gcwatch (its collections logged to `log`):
    gcwatch first on PYTHONPATH, then the --server-src tree if any."""
    rest = L.server_env(args.server_src).get("PYTHONPATH") or os.environ.get("PYTHONPATH")
    path = str(GC_WATCH) + (os.pathsep + rest if rest else "")
    return {"PYTHONPATH": path, "TOHYO_BENCH_GC_LOG": str(log)}


def gc_pauses(log: Path, begin: float, end: float) -> dict[str, float]:
    """The server's collections that overlapped [begin, end]: the longest and the sum (ms),
    and how many were full (generation 2)."""
    pauses = []
    if log.exists():
        for line in log.read_text().splitlines():
            start, took, generation = line.split()
            if float(start) < end and float(start) + float(took) > begin:
                pauses.append((float(took), int(generation)))
    return {
        "max_ms": 1000 * max((t for t, _ in pauses), default=0.0),
        "total_ms": 1000 * sum(t for t, _ in pauses),
        "full": sum(1 for _, g in pauses if g == 2),
    }


def one_run(args: argparse.Namespace, workdir: Path, n: int, run: int) -> dict[str, Any]:
    L.wait_quiet(args)
    choices = len(QUESTIONS[0][1])
    prefix = L.voter_prefix()
    gc_log = workdir / f"gc-n{n}-r{run}.log"
    with L.serve(
        workdir,
        f"event-n{n}-r{run}",
        server_cpu=args.server_cpu,
        synchronous=args.synchronous,
        env=gc_watch_env(args, gc_log),
    ) as server:
        event_id, token = create_event(server)
        rss_idle = L.rss_kb(server.pid)
        common = ["--port", str(server.port), "--event", event_id, f"--prefix={prefix}"]
        phones = P.Child(
            ["phones", *common, "--n", str(n), "--parallel", str(args.parallel)], args.client_cpu
        )
        answers = None
        try:
            ready = phones.recv(timeout=120 + n / 50)
            L.log(
                f"run {run} n={n}: {ready['ready']} phones connected in"
                f" {ready['connect_s']:.1f} s ({ready['failed']} failed),"
                f" showing {ready['presenting']}"
            )
            rss_phones = L.rss_kb(server.pid)
            answers = P.Child(
                [
                    "answer",
                    *common,
                    "--n",
                    str(n),
                    "--question",
                    "q1",
                    "--choices",
                    str(choices),
                    "--concurrency",
                    str(args.concurrency),
                    "--duration",
                    str(args.answer_timeout),
                ],
                args.client_cpu,
            )
            answers.recv(timeout=60)  # started, the server reached once
            cpu = L.CpuWindow(server.pid).start()
            shown = present(args, server, event_id, token, phones, "q1")
            present_cpu = cpu.stop()
            cpu = L.CpuWindow(server.pid).start()
            answers.send({"cmd": "go"})
            flood = answers.recv(timeout=args.answer_timeout + 60)
            flood_cpu = cpu.stop()
            view = host_view(server, event_id, token)
            phones.send(
                {
                    "cmd": "finish",
                    "total": json.loads(results_of(view, "q1"))["totalVotes"],
                    "question": "q1",
                    "timeout": args.settle_timeout,
                }
            )
            final = phones.recv(timeout=args.settle_timeout + 60)
            after = present(args, server, event_id, token, phones, "q2")
            phones.send({"cmd": "close"})
            closed = phones.recv(timeout=60)
        finally:
            phones.close()
            if answers is not None:
                answers.close()
    expected = json.dumps({"totalVotes": n, "counts": expected_counts(n, choices)})
    sent = shown["sent_at"]
    gc_present = gc_pauses(gc_log, sent, sent + shown["max_ms"] / 1000)
    gc_flood = gc_pauses(gc_log, flood["started_at"], flood["started_at"] + flood["seconds"])
    checks = {
        "every_phone_connected": ready["ready"] == n,
        "present_200": shown["status"] == 200 and after["status"] == 200,
        "every_phone_shown_q1": shown["shown"] == n,
        "every_answer_201": flood["ok"] == n and flood["not_ok"] == 0 and not flood["errors"],
        "host_tally_exact": results_of(view, "q1") == expected,
        "every_phone_on_exact_tally": final["final_results"] == {expected: n},
        "every_phone_shown_q2": after["shown"] == n,
        "no_phone_dropped": final["lost"] == 0 and closed["lost_before_close"] == 0,
    }
    exact = all(checks.values())
    result = {
        "phones": n,
        "run": run,
        "connect_s": ready["connect_s"],
        "present_reply_ms": shown["reply_ms"],
        "present_p50_ms": shown["p50_ms"],
        "present_p90_ms": shown["p90_ms"],
        "present_p99_ms": shown["p99_ms"],
        "present_max_ms": shown["max_ms"],
        "present_min_ms": shown["min_ms"],
        "answers_per_s": flood["per_s"],
        "answer_p50_ms": flood["p50_ms"],
        "answer_p99_ms": flood["p99_ms"],
        "answers_ok": flood["ok"],
        "flood_s": flood["seconds"],
        "settle_s": final["settle_s"],
        "next_p50_ms": after["p50_ms"],
        "next_p99_ms": after["p99_ms"],
        "next_max_ms": after["max_ms"],
        "frames_per_phone": final["frames_per_phone"],
        "server_cpu_present_pct": present_cpu["server_cpu_pct"],
        "server_cpu_flood_pct": flood_cpu["server_cpu_pct"],
        "answer_cpu_pct": 100 * flood["cpu_s"] / flood["seconds"] if flood["seconds"] else 0.0,
        # From the phones' report before the flood to the one after it settled: about the
        # flood and its settle.
        "phones_cpu_pct": 100 * final["cpu_s"] / max(flood["seconds"] + final["settle_s"], 1e-3),
        "load_core_flood": flood_cpu["cores"].get(f"cpu{args.client_cpu}", {}).get("busy", 0.0),
        "foreign_server_core": L.foreign_pct(
            flood_cpu, f"cpu{args.server_cpu}", flood_cpu["server_cpu_pct"]
        ),
        "gc_present_max_ms": gc_present["max_ms"],
        "gc_flood_max_ms": gc_flood["max_ms"],
        "gc_flood_total_ms": gc_flood["total_ms"],
        "gc_flood_full": gc_flood["full"],
        "rss_idle_kb": rss_idle,
        "rss_phones_kb": rss_phones,
        "exact": exact,
        "checks": checks,
        "reports": {
            "ready": ready,
            "present": shown,
            "flood": flood,
            "final": final,
            "next": after,
        },
        "host_final": {"version": view["version"], "q1": results_of(view, "q1")},
    }
    L.log(
        f"run {run} n={n}: present p50 {result['present_p50_ms']:.1f} ms p99"
        f" {result['present_p99_ms']:.1f} ms max {result['present_max_ms']:.1f} ms;"
        f" {result['answers_per_s']:.0f} answers/s, p50 {result['answer_p50_ms']:.1f} ms p99"
        f" {result['answer_p99_ms']:.1f} ms; settled in {result['settle_s']:.2f} s; next p99"
        f" {result['next_p99_ms']:.1f} ms; exact={exact}" + ("" if exact else f" {checks}")
    )
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    L.common_args(parser, runs=3)
    parser.add_argument("--phones", default="1000,10000", help="comma-separated room sizes")
    parser.add_argument("--concurrency", type=int, default=200, help="answers in flight")
    parser.add_argument("--parallel", type=int, default=256, help="phones connecting at once")
    parser.add_argument(
        "--answer-timeout", type=float, default=120.0, help="the flood stops after this (s)"
    )
    parser.add_argument(
        "--settle-timeout", type=float, default=60.0, help="wait this long for the phones"
    )
    args = parser.parse_args()
    if args.smoke:
        args.phones, args.runs = "50", 1
    args.phone_list = [int(v) for v in args.phones.split(",") if v]
    L.raise_nofile()
    results: list[dict[str, Any]] = []
    with L.workdir(args, "event") as workdir:
        for run in range(1, args.runs + 1):
            for n in args.phone_list:
                results.append(one_run(args, workdir, n, run))

    ok = bool(results) and all(r["exact"] for r in results)
    data = {"results": results, "at": time.time()}
    return L.finish(args, "event_present", report(results, args), data, ok)


if __name__ == "__main__":
    sys.exit(main())
