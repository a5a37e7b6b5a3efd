"""The report of bench/event_present.py: the markdown of its results, a table of medians per
phone count and one of every run (the columns the module's docstring lists).
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
        f"## Events: present and answer flood (SQLite synchronous={sync}, stream interval"
        f" {interval} s, {args.runs} runs, server on CPU {args.server_cpu}, phones and"
        f" answers on CPU {args.client_cpu})",
        "",
        "Medians over runs. One event, two open questions (results visible to all), N phones"
        " on its stream, each its own participant. Present: from writing the host's present"
        " of q1 to each phone's first frame presenting q1. Then every phone answers q1 once,"
        f" {args.concurrency} in flight; every phone must end on the exact tally. Next: the"
        " host presents q2, same latency.",
        "",
        median_table(results, args),
        "",
        "Every run:",
        "",
        run_table(results),
    ]
    return "\n".join(md)


def median_table(results: list[dict[str, Any]], args: argparse.Namespace) -> str:
    rows = []
    for n in args.phone_list:
        rs = [r for r in results if r["phones"] == n]
        if not rs:
            continue

        def m(key: str, rs: list[dict[str, Any]] = rs) -> float:
            return L.median([r[key] for r in rs])

        rows.append(
            [
                f"{n:,}",
                f"{L.fmt(m('present_p50_ms'), 1)} / {L.fmt(m('present_p99_ms'), 1)}"
                f" / {L.fmt(m('present_max_ms'), 0)}",
                L.fmt(m("present_reply_ms"), 1),
                L.fmt(m("answers_per_s")),
                f"{L.fmt(m('answer_p50_ms'), 1)} / {L.fmt(m('answer_p99_ms'), 1)}",
                f"{L.fmt(m('gc_flood_max_ms'))} / {L.fmt(m('gc_flood_total_ms'))}",
                L.fmt(m("settle_s"), 2),
                f"{L.fmt(m('next_p50_ms'), 1)} / {L.fmt(m('next_p99_ms'), 1)}",
                f"{sum(r['exact'] for r in rs)}/{len(rs)}",
                f"{L.fmt(m('server_cpu_present_pct'))} / {L.fmt(m('server_cpu_flood_pct'))}",
                f"{L.fmt(m('phones_cpu_pct'))} / {L.fmt(m('answer_cpu_pct'))}"
                f" / {L.fmt(m('load_core_flood'))}",
                L.fmt(m("connect_s"), 1),
                L.fmt((m("rss_phones_kb") - m("rss_idle_kb")) / n, 1),
            ]
        )
    return L.table(
        [
            "phones",
            "present → phone p50 / p99 / max ms",
            "present reply ms",
            "answers/s",
            "answer p50 / p99 ms",
            "server GC in flood: longest / total ms",
            "settle s",
            "next → phone p50 / p99 ms",
            "exact",
            "server CPU % present / flood",
            "CPU % phones / answers / load core (flood)",
            "connect s",
            "server KB/phone",
        ],
        rows,
        "r",
    )


def run_table(results: list[dict[str, Any]]) -> str:
    rows = [
        [
            f"{r['phones']:,}",
            r["run"],
            L.fmt(r["present_p50_ms"], 1),
            L.fmt(r["present_p90_ms"], 1),
            L.fmt(r["present_p99_ms"], 1),
            L.fmt(r["present_max_ms"], 0),
            L.fmt(r["present_reply_ms"], 1),
            L.fmt(r["answers_per_s"]),
            L.fmt(r["answer_p50_ms"], 1),
            L.fmt(r["answer_p99_ms"], 1),
            f"{L.fmt(r['gc_flood_max_ms'])} ({r['gc_flood_full']} full)",
            L.fmt(r["gc_present_max_ms"]),
            L.fmt(r["flood_s"], 2),
            L.fmt(r["settle_s"], 2),
            L.fmt(r["next_p50_ms"], 1),
            L.fmt(r["next_p99_ms"], 1),
            L.fmt(r["frames_per_phone"], 0),
            "yes" if r["exact"] else "NO " + ",".join(k for k, v in r["checks"].items() if not v),
            L.fmt(r["server_cpu_flood_pct"]),
            L.fmt(r["load_core_flood"]),
            L.fmt(r["foreign_server_core"], 1),
        ]
        for r in results
    ]
    return L.table(
        [
            "phones",
            "run",
            "present p50 ms",
            "p90 ms",
            "p99 ms",
            "max ms",
            "reply ms",
            "answers/s",
            "answer p50 ms",
            "p99 ms",
            "longest GC in flood ms",
            "longest GC in present ms",
            "flood s",
            "settle s",
            "next p50 ms",
            "p99 ms",
            "frames/phone",
            "exact",
            "server CPU % (flood)",
            "load core %",
            "other procs on server core %",
        ],
        rows,
        "rr",
    )
