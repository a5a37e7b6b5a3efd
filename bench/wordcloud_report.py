"""The report of bench/wordcloud_flood.py: a table of medians per participant count and
room, the ratios within each run (the phones room against the host-only one, which ran
one after the other on the same machine), and one row per run.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

import loadlib as L


def report(results: list[dict[str, Any]], args: argparse.Namespace) -> str:
    sync = (args.synchronous or "full").upper() + L.server_label(args)
    interval = os.environ.get("TOHYO_STREAM_INTERVAL", "0.05 (default)")
    md = [
        f"## Events: word cloud flood (SQLite synchronous={sync}, stream interval {interval} s,"
        f" {args.runs} runs, server on CPU {args.server_cpu}, load on CPU {args.client_cpu})",
        "",
        "Medians over runs. One event, one open and presented word cloud (maxEntries 3,"
        " results after_vote); N participants each answer once with 3 entries,"
        f" {args.concurrency} in flight. Room `host`: only the host's stream watches; room"
        " `phones`: every participant also holds the event's stream. Vote → host screen: for"
        " every answer, from writing it to the host's first frame that holds it, at least /"
        " estimated (the server commits in send order) / at most.",
        "",
        median_table(results, args),
        "",
        *ratio_lines(results, args),
        "Every run:",
        "",
        run_table(results),
    ]
    return "\n".join(md)


def _m(rs: list[dict[str, Any]], key: str) -> float:
    return L.median([r[key] for r in rs])


def _cost(rs: list[dict[str, Any]], key: str) -> float:
    return L.median([r["cost"][key] for r in rs])


def _bracket(rs: list[dict[str, Any]], point: str) -> str:
    """Vote → host screen at `point`: at least / estimated / at most."""
    return " / ".join(L.fmt(_m(rs, f"screen_{b}_{point}_ms")) for b in ("lower", "fifo", "upper"))


def _page(rs: list[dict[str, Any]]) -> str:
    pages = [r["page"] for r in rs if r.get("page")]
    if not pages:
        return "—"
    longest = L.median([p["longtask_max_ms"] for p in pages])
    over = L.median([p["longtasks_over_50ms"] for p in pages])
    handler = L.median([p["handler_p50_ms"] or 0.0 for p in pages])
    return f"{L.fmt(longest)} / {L.fmt(over)} / {L.fmt(handler, 1)}"


def median_table(results: list[dict[str, Any]], args: argparse.Namespace) -> str:
    rows = []
    for n in args.sizes:
        for room in args.room_list:
            rs = [r for r in results if r["participants"] == n and r["room"] == room]
            if not rs:
                continue
            rows.append(
                [
                    f"{n:,}",
                    room,
                    L.fmt(_m(rs, "answers_per_s")),
                    f"{L.fmt(_m(rs, 'answer_p50_ms'), 1)} / {L.fmt(_m(rs, 'answer_p99_ms'), 1)}",
                    _bracket(rs, "p50"),
                    _bracket(rs, "p99"),
                    L.fmt(_m(rs, "frame_gap_max_ms")),
                    f"{L.fmt(_m(rs, 'loop_late_max_ms'))} / {L.fmt(_m(rs, 'loop_late_50ms'))}"
                    f" / {L.fmt(_m(rs, 'loop_late_no_gc_max_ms'))}",
                    f"{L.fmt(_m(rs, 'gc_max_ms'))} / {L.fmt(_m(rs, 'gc_total_ms'))}",
                    L.fmt(_m(rs, "server_cpu_pct")),
                    L.fmt(_m(rs, "load_core_pct")),
                    f"{L.fmt(_cost(rs, 'host_cold_ms'), 1)}"
                    f" / {L.fmt(_cost(rs, 'host_memo_ms'), 2)}",
                    _page(rs),
                    f"{sum(r['exact'] for r in rs)}/{len(rs)}",
                ]
            )
    return L.table(
        [
            "participants",
            "room",
            "answers/s",
            "answer p50 / p99 ms",
            "vote → host screen p50 ms: ≥ / ≈ / ≤",
            "p99 ms: ≥ / ≈ / ≤",
            "longest wait for a host frame ms",
            "server loop late: longest ms / times ≥ 50 ms / longest without a GC ms",
            "server GC longest / total ms",
            "server CPU %",
            "load core %",
            "host results() + layout: afresh / memoized ms",
            "host page: longest task ms / tasks > 50 ms / a frame's handler p50 ms",
            "exact",
        ],
        rows,
        "rl",
    )


def ratio_lines(results: list[dict[str, Any]], args: argparse.Namespace) -> list[str]:
    """Within each run: the phones room over the host-only room (same n, back to back)."""
    if set(args.room_list) != {"host", "phones"}:
        return []
    lines = []
    for n in args.sizes:
        ratios = {"answers_per_s": [], "answer_p99_ms": [], "screen_fifo_p50_ms": []}
        for run in range(1, args.runs + 1):
            pair = {r["room"]: r for r in results if r["participants"] == n and r["run"] == run}
            if {"host", "phones"} <= pair.keys():
                for key, values in ratios.items():
                    if pair["host"][key]:
                        values.append(pair["phones"][key] / pair["host"][key])
        if ratios["answers_per_s"]:
            lines.append(
                f"- {n:,} participants, phones room ÷ host-only room within a run (median of"
                f" {len(ratios['answers_per_s'])}): answers/s"
                f" ×{L.fmt(L.median(ratios['answers_per_s']), 2)}, answer p99"
                f" ×{L.fmt(L.median(ratios['answer_p99_ms']), 2)}, vote → host screen"
                f" (estimate) p50 ×{L.fmt(L.median(ratios['screen_fifo_p50_ms']), 2)}."
            )
    return [*lines, ""] if lines else []


def run_table(results: list[dict[str, Any]]) -> str:
    rows = [
        [
            f"{r['participants']:,}",
            r["room"],
            r["run"],
            L.fmt(r["answers_per_s"]),
            L.fmt(r["answer_p50_ms"], 1),
            L.fmt(r["answer_p99_ms"], 1),
            f"{L.fmt(r['screen_fifo_p50_ms'])} / {L.fmt(r['screen_fifo_p99_ms'])}"
            f" / {L.fmt(r['screen_fifo_max_ms'])}",
            f"{L.fmt(r['screen_upper_p99_ms'])}",
            L.fmt(r["frames_per_s"], 1),
            L.fmt(r["frame_gap_max_ms"]),
            L.fmt(r["loop_late_max_ms"]) + ("" if r["loop_probed"] else " (not probed)"),
            f"{L.fmt(r['gc_max_ms'])} ({r['gc_full']} full)",
            L.fmt(r["server_cpu_pct"]),
            L.fmt(r["load_core_pct"]),
            L.fmt(r["foreign_server_core"], 1),
            L.fmt(r["host_frame_kb"], 1),
            f"{L.fmt(r['cost']['host_cold_ms'], 1)} / {L.fmt(r['cost']['public_cold_ms'], 1)}",
            L.fmt(r["flood_s"], 2),
            "yes" if r["exact"] else "NO " + ",".join(k for k, v in r["checks"].items() if not v),
        ]
        for r in results
    ]
    return L.table(
        [
            "participants",
            "room",
            "run",
            "answers/s",
            "answer p50 ms",
            "p99 ms",
            "screen ≈ p50 / p99 / max ms",
            "screen ≤ p99 ms",
            "host frames/s",
            "longest frame wait ms",
            "loop late max ms",
            "longest GC ms",
            "server CPU %",
            "load core %",
            "other procs on server core %",
            "host frame KB",
            "results() afresh host / public ms",
            "flood s",
            "exact",
        ],
        rows,
        "rlr",
    )
