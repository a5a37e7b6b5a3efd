"""Q&A: upvotes/s on ONE hot audience question, against answers/s on one question of the
same event in the same run (issue 16's benchmark).

    .venv/bin/python bench/qa_upvotes.py [--runs 3] [--duration 10] [--connections 50]

For every run this starts a fresh `tohyo serve` (SQLite, rate limits off, pinned to the
server core), creates an event with one choice question and audience Q&A on, asks one
question to the host (entry a1), opens q1, holds `--viewers` phones' event streams open
(bench/event_phones.py on the load core: every one of them is sent the live `qa` frames),
then:

1. **Upvotes.** wrk (pinned to the load core) with bench/wrk/upvote.lua: every request is
   a new participant upvoting a1 — all on one entry, the hot key of Q&A. upvotes/s, p50,
   p99, the server's CPU µs per upvote.
2. **Answers.** The same load answering q1 (every request a new participant): answers/s,
   the ratio upvotes/answers within the run (machines here vary 3-4x between days; the
   ratio does not).

Exact: wrk stops with one request in flight per connection, which the server may still
commit; so the entry's upvotes read back (`GET …/qa`) must be within
[acked 201s, acked + in flight], and q1's totalVotes alike. Any non-201 fails the run
(every participant is new, so a 409 would be an upvote counted for someone else). Exit
status 1 otherwise. TOHYO_* variables reach the server unchanged.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import event_phones
import loadlib as L

ENTRY = "a1"
QUESTION = "q1"


def prepare(server: L.Server) -> tuple[str, str]:
    """The event (Q&A on, q1 open) and its host token; a1 asked."""
    spec = {
        "title": "Q&A benchmark",
        "questions": [{"type": "single", "prompt": "Lunch?", "choices": [{"text": "Ramen"},
                                                                          {"text": "Curry"}]}],
    }  # fmt: skip
    status, created = L.request(server, "POST", "/api/events", spec)
    if status != 201:
        raise RuntimeError(f"create event: {status} {created}")
    event_id, token = created["eventId"], created["hostToken"]
    host = {"Authorization": f"Bearer {token}"}
    for method, path, body, want in (
        ("PATCH", "", {"qa": "open"}, 200),
        ("POST", f"/questions/{QUESTION}/open", None, 200),
    ):
        status, reply = L.request(server, method, f"/api/events/{event_id}{path}", body, host)
        if status != want:
            raise RuntimeError(f"{method} {path}: {status} {reply}")
    asker = {"Cookie": f"tohyo_voter={L.voter_prefix()}asker000000000000"}
    question = {"text": "Will the slides be shared?"}
    status, reply = L.request(server, "POST", f"/api/events/{event_id}/qa", question, asker)
    if status != 201 or reply.get("entryId") != ENTRY:
        raise RuntimeError(f"ask: {status} {reply}")
    return event_id, token


def upvotes_of(server: L.Server, event_id: str) -> int:
    status, board = L.request(server, "GET", f"/api/events/{event_id}/qa")
    if status != 200:
        raise RuntimeError(f"GET qa: {status} {board}")
    return int(next(e["upvotes"] for e in board["entries"] if e["entryId"] == ENTRY))


def answers_of(server: L.Server, event_id: str, token: str) -> int:
    host = {"Authorization": f"Bearer {token}"}
    status, view = L.request(server, "GET", f"/api/events/{event_id}", None, host)
    if status != 200:
        raise RuntimeError(f"GET event: {status} {view}")
    question = next(q for q in view["questions"] if q["questionId"] == QUESTION)
    return int(question["results"]["totalVotes"])


def load(
    args: argparse.Namespace, server: L.Server, event_id: str, kind: str, target: str
) -> dict[str, Any]:
    cpu = L.CpuWindow(server.pid).start()
    result = L.wrk(
        server.url,
        L.WRK_DIR / "upvote.lua",
        args.connections,
        args.duration,
        (event_id, kind, target),
        client_cpu=args.client_cpu,
    )
    window = cpu.stop()
    seconds = result["duration_us"] / 1e6
    ok = int(result["ok"])
    return {
        "ok": ok,
        "non_ok": int(result["non_ok"]),
        "statuses": result["statuses"],
        "in_flight": int(result["sent"]) - ok - int(result["non_ok"]),
        "errors": L.wrk_errors(result),
        "per_s": ok / seconds,
        "p50_ms": result["latency_us"]["p50"] / 1000,
        "p99_ms": result["latency_us"]["p99"] / 1000,
        "server_cpu_pct": window["server_cpu_pct"],
        "cpu_us_per_request": 1e6 * window["server_cpu_pct"] / 100 * seconds / max(ok, 1),
        "foreign_server_core": L.foreign_pct(
            window, f"cpu{args.server_cpu}", window["server_cpu_pct"]
        ),
    }


def exact(measured: dict[str, Any], stored: int) -> bool:
    acked = measured["ok"]
    return (
        measured["non_ok"] == 0
        and measured["errors"] == 0
        and acked <= stored <= acked + measured["in_flight"]
    )


def one_run(args: argparse.Namespace, workdir: Path, run: int) -> dict[str, Any]:
    L.wait_quiet(args)
    with L.serve(workdir, f"qa-r{run}", server_cpu=args.server_cpu, src=args.server_src) as server:
        event_id, token = prepare(server)
        phones = event_phones.Child(
            [
                *("phones", "--port", str(server.port), "--event", event_id),
                *(f"--prefix={L.voter_prefix()}", "--n", str(args.viewers)),
            ],
            args.client_cpu,
        )
        try:
            ready = phones.recv(timeout=60 + args.viewers / 100)
            upvotes = load(args, server, event_id, "qa", ENTRY)
            counted = upvotes_of(server, event_id)
            answers = load(args, server, event_id, "answer", QUESTION)
            answered = answers_of(server, event_id, token)
            phones.send({"cmd": "close"})
            closed = phones.recv(timeout=60)
        finally:
            phones.close()
    result = {
        "run": run,
        "connections": args.connections,
        "viewers": ready["ready"],
        "viewers_lost": closed["lost_before_close"],
        "upvotes": upvotes,
        "answers": answers,
        "upvotes_counted": counted,
        "answers_counted": answered,
        "ratio": upvotes["per_s"] / answers["per_s"] if answers["per_s"] else 0.0,
        "exact": exact(upvotes, counted)
        and exact(answers, answered)
        and ready["ready"] == args.viewers
        and closed["lost_before_close"] == 0,
    }
    L.log(
        f"run {run} c={args.connections}, {ready['ready']} viewers:"
        f" {upvotes['per_s']:.0f} upvotes/s (p50"
        f" {upvotes['p50_ms']:.1f} ms, p99 {upvotes['p99_ms']:.1f} ms), {answers['per_s']:.0f}"
        f" answers/s, ratio {result['ratio']:.2f}; counted {counted} of {upvotes['ok']} acked"
        f" (+{upvotes['in_flight']} in flight); exact={result['exact']}"
    )
    return result


def report(results: list[dict[str, Any]]) -> str:
    def med(path: tuple[str, ...]) -> float:
        values = []
        for r in results:
            value: Any = r
            for key in path:
                value = value[key]
            values.append(float(value))
        return L.median(values)

    rows = [
        [
            results[0]["viewers"],
            results[0]["connections"],
            L.fmt(med(("upvotes", "per_s"))),
            L.fmt(med(("upvotes", "p50_ms")), 1),
            L.fmt(med(("upvotes", "p99_ms")), 1),
            L.fmt(med(("upvotes", "cpu_us_per_request"))),
            L.fmt(med(("answers", "per_s"))),
            L.fmt(med(("answers", "p99_ms")), 1),
            L.fmt(med(("ratio",)), 2),
            all(r["exact"] for r in results),
        ]
    ]
    header = ["viewers", "conns", "upvotes/s", "p50 ms", "p99 ms", "server µs/upvote", "answers/s",
              "answer p99 ms", "upvotes/answers", "exact"]  # fmt: skip
    every = [
        [r["run"], L.fmt(r["upvotes"]["per_s"]), L.fmt(r["upvotes"]["p99_ms"], 1),
         L.fmt(r["answers"]["per_s"]), L.fmt(r["ratio"], 2),
         L.fmt(r["upvotes"]["foreign_server_core"], 1), r["exact"]]
        for r in results
    ]  # fmt: skip
    return (
        f"### Q&A upvotes on one hot entry (medians of {len(results)} runs)\n\n"
        + L.table(header, rows)
        + "\n\n"
        + L.table(["run", "upvotes/s", "p99 ms", "answers/s", "ratio", "foreign %", "exact"], every)
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    L.common_args(parser, runs=3)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per load (s)")
    parser.add_argument("--connections", type=int, default=50, help="wrk connections")
    parser.add_argument("--viewers", type=int, default=1000, help="event streams held open")
    args = parser.parse_args()
    if args.smoke:
        args.duration, args.runs, args.connections, args.viewers = 1.0, 1, 10, 20
    if not L.have("wrk"):
        raise SystemExit("wrk is not on PATH (apt-get install -y wrk)")
    results: list[dict[str, Any]] = []
    with L.workdir(args, "qa") as workdir:
        for run in range(1, args.runs + 1):
            results.append(one_run(args, workdir, run))
    ok = bool(results) and all(r["exact"] for r in results)
    data = {"results": results, "at": time.time(), "args": json.loads(json.dumps(vars(args)))}
    return L.finish(args, "qa_upvotes", report(results), data, ok)


if __name__ == "__main__":
    sys.exit(main())
