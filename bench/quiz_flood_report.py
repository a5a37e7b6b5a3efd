"""bench/quiz_flood.py's judgement and report: whether a run's every board was right by the
quiz's rules (`checks`), and the markdown of its results (a table of medians and one of
every run).

The checks recompute each phone's place from what the phones were told, by the documented
rules (docs/api.md "Quiz"), not by tohyo's code: points from the milliseconds, the rank
from everyone's points and times. With one question a player's tie-breaks "less total
time, then who reached the score first" are one: a right answer reached its score at its
own answer, a wrong one never did, so the rank follows from (points, ms) alone.
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import loadlib as L
from event_phone import choice_of, expected_counts
from quiz_players import CHOICES, nickname_of

STATUS, RANK, SCORE, NICKNAME, POINTS, MS, CORRECT = range(7)


def spread(seconds: Sequence[float]) -> dict[str, float]:
    """p50/p99/max in ms of a sample in seconds (nan when empty)."""
    s = sorted(seconds)
    ms = {f"p{p}_ms": 1000 * L.percentile(s, p) for p in (50, 99)}
    ms["max_ms"] = 1000 * (s[-1] if s else math.nan)
    return ms


def expected_points(right: bool, ms: int, limit_s: int) -> int:
    """round(1000 × (1 − ms / limit / 2)), halves up, for a right answer in time; else 0."""
    if not right or ms >= limit_s * 1000:
        return 0
    exact = 1000 * (1 - Fraction(ms, 2 * limit_s * 1000))
    return math.floor(exact + Fraction(1, 2))


def checks(
    n: int,
    limit_s: int,
    correct: str,
    joined: dict[str, Any],
    flood: dict[str, Any],
    storm: dict[str, Any],
    host_tally: str,
) -> dict[str, bool]:
    rows: list[list[Any]] = storm["rows"]
    fetched = len(rows) == n and all(r[STATUS] == 200 for r in rows)
    right = [choice_of(i, CHOICES) == correct for i in range(n)]
    own = fetched and all(
        r[NICKNAME] == nickname_of(i)
        and r[CORRECT] is right[i]
        and isinstance(r[MS], int)
        and 0 <= r[MS] < limit_s * 1000
        and r[POINTS] == expected_points(right[i], r[MS], limit_s)
        and r[SCORE] == r[POINTS]
        for i, r in enumerate(rows)
    )
    ranks_right = own and _ranks_right(rows)
    shared = storm["shared"]
    one_board = len(shared) == 1 and not storm["errors"]
    top_right = one_board and ranks_right and _top_right(json.loads(next(iter(shared))), rows, n)
    tally = json.dumps({"totalVotes": n, "counts": expected_counts(n, CHOICES)})
    return {
        "every_join_200": joined["ok"] == n and joined["not_ok"] == 0 and not joined["errors"],
        "every_answer_201": flood["ok"] == n and flood["not_ok"] == 0 and not flood["errors"],
        "close_200": storm["close_status"] == 200,
        "every_board_200": fetched,
        "one_board_for_all": one_board,
        "own_points_right": own,
        "own_rank_right": ranks_right,
        "top_10_right": top_right,
        "host_tally_exact": host_tally == tally,
    }


def _ranks_right(rows: list[list[Any]]) -> bool:
    """Every rank is 1 + the players strictly ahead (more points, or as many in less time)."""
    keys = sorted((-r[POINTS], r[MS]) for r in rows)
    first: dict[tuple[int, int], int] = {}
    for place, key in enumerate(keys, start=1):
        first.setdefault(key, place)
    return all(r[RANK] == first[(-r[POINTS], r[MS])] for r in rows)


def _top_right(board: dict[str, Any], rows: list[list[Any]], n: int) -> bool:
    """The board names every player, and its entries are the 10 best, each as that
    player's own board says."""
    entries = board["entries"]
    by_name = {r[NICKNAME]: r for r in rows}
    best = sorted(r[RANK] for r in rows)[:10]
    return (
        board["players"] == n
        and [e["rank"] for e in entries] == best
        and all(
            e["nickname"] in by_name
            and by_name[e["nickname"]][RANK] == e["rank"]
            and by_name[e["nickname"]][SCORE] == e["score"]
            for e in entries
        )
    )


# --- the report ------------------------------------------------------------------------------


def report(results: list[dict[str, Any]], args: argparse.Namespace) -> str:
    sync = (args.synchronous or "full").upper() + L.server_label(args)
    counted = [r for r in results if not r["profiled"]]
    md = [
        f"## Quiz: {args.players:,} players, one question (SQLite synchronous={sync},"
        f" {len(counted)} runs, server on CPU {args.server_cpu}, players on CPU"
        f" {args.client_cpu})",
        "",
        "Medians over runs. Every player joins with a nickname, then answers the open quiz"
        f" question once, {args.concurrency} in flight. Then the host closes it, and at the"
        " close's 200 every phone GETs the leaderboard on a connection of its own, all at once:"
        " from the close's send to the last phone holding its rank. Every board checked by"
        " the rules (points from the ms, rank from everyone's points and times, the top 10).",
        "",
        median_table(counted),
        "",
        "Every run:",
        "",
        run_table(results),
    ]
    return "\n".join(md)


def median_table(results: list[dict[str, Any]]) -> str:
    def m(key: str) -> float:
        return L.median([r[key] for r in results])

    row = [
        f"{results[0]['players']:,}" if results else "-",
        L.fmt(m("joins_per_s")),
        L.fmt(m("answers_per_s")),
        f"{L.fmt(m('answer_p50_ms'), 1)} / {L.fmt(m('answer_p99_ms'), 1)}",
        L.fmt(m("gc_flood_max_ms")),
        L.fmt(m("close_reply_ms"), 1),
        L.fmt(m("first_ranked_ms")),
        f"**{L.fmt(m('all_ranked_s'), 2)}**",
        f"{L.fmt(m('rank_p50_ms'))} / {L.fmt(m('rank_p99_ms'))}",
        f"{L.fmt(m('fetch_p50_ms'))} / {L.fmt(m('fetch_p99_ms'))}",
        L.fmt(m("boards_per_s")),
        f"{sum(r['exact'] for r in results)}/{len(results)}",
        f"{L.fmt(m('server_cpu_flood_pct'))} / {L.fmt(m('server_cpu_storm_pct'))}",
    ]
    return L.table(
        [
            "players",
            "joins/s",
            "answers/s",
            "answer p50 / p99 ms",
            "longest server GC in flood ms",
            "close reply ms",
            "close → first phone ranked ms",
            "close → every phone ranked s",
            "close → phone ranked p50 / p99 ms",
            "board fetch p50 / p99 ms",
            "boards/s",
            "exact",
            "server CPU % flood / storm",
        ],
        [row],
    )


def run_table(results: list[dict[str, Any]]) -> str:
    rows = [
        [
            f"{r['run']}" + (" (py-spy)" if r["profiled"] else ""),
            L.fmt(r["joins_per_s"]),
            L.fmt(r["join_p99_ms"], 1),
            L.fmt(r["answers_per_s"]),
            L.fmt(r["answer_p50_ms"], 1),
            L.fmt(r["answer_p99_ms"], 1),
            f"{L.fmt(r['gc_flood_max_ms'])} ({r['gc_flood_full']} full)",
            L.fmt(r["flood_s"], 2),
            L.fmt(r["close_reply_ms"], 1),
            L.fmt(r["first_ranked_ms"]),
            L.fmt(r["all_ranked_s"], 2),
            L.fmt(r["rank_p50_ms"]),
            L.fmt(r["rank_p99_ms"]),
            L.fmt(r["fetch_p99_ms"]),
            f"{L.fmt(r['gc_storm_max_ms'])} / {L.fmt(r['gc_storm_total_ms'])}",
            L.fmt(r["fired_ms"]),
            L.fmt(r["connect_s"], 1),
            "yes" if r["exact"] else "NO " + ",".join(k for k, v in r["checks"].items() if not v),
            L.fmt(r["server_cpu_storm_pct"]),
            L.fmt(r["load_core_storm"]),
            f"{L.fmt(r['foreign_server_core'], 1)} / {L.fmt(r['foreign_server_core_storm'], 1)}",
            L.fmt(r["foreign_load_core_storm"], 1),
        ]
        for r in results
    ]
    return L.table(
        [
            "run",
            "joins/s",
            "join p99 ms",
            "answers/s",
            "answer p50 ms",
            "p99 ms",
            "longest GC in flood ms",
            "flood s",
            "close reply ms",
            "first phone ranked ms",
            "every phone ranked s",
            "ranked p50 ms",
            "p99 ms",
            "fetch p99 ms",
            "GC in storm longest / total ms",
            "GETs written in ms",
            "phones connect s",
            "exact",
            "server CPU % (storm)",
            "load core % (storm)",
            "other procs on server core % flood / storm",
            "other procs on load core % (storm)",
        ],
        rows,
        "l",
    )
