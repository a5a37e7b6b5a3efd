"""What bench/wordcloud_flood.py computes from its load processes' reports: vote-to-screen
latency on the host's stream, the gaps between the host's frames, the server's loop
stalls, and the checks of a frame's word cloud.

Vote-to-screen. A word sent once ranks below every word of the vocabulary, so it is in
neither the host's 200 entries nor the cloud's 60: a marker word cannot be watched for.
What a host frame does show of every answer is totalVotes, the size of the set of
answers its state holds; states are committed versions, so that set only grows. Answer j
was written at s_j and its 201 read at a_j (every answer is 201, or the run is inexact).
Then for the first host frame after s_j that holds j:

- **at least** (`lower`): j is in no state with fewer than acked(s_j) + 1 answers, where
  acked(s_j) = the 201s read before s_j (all committed before j was sent);
- **at most** (`upper`): j is in every state with sent(a_j) answers or more, where
  sent(a_j) = the answers written before a_j. (A state without j holds only answers
  committed before j, each written before j's commit, so before a_j, and j is not among
  them: at most sent(a_j) − 1.)
- **estimate** (`fifo`): j is in the first frame with sends(s_j) + 1 answers, sends(s_j)
  the answers written before j — exact if the server commits answers in the order they
  were written, which one event loop reading the sockets and one writer come close to
  (bench/fanout.py pairs votes and versions the same way).

The sure bracket is about one answer latency wide at the upper end (by Little's law, the
answers in flight take one latency to commit): report all three. Each is the frame's
arrival time minus s_j, for every answer, not a sample.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import loadlib as L


def spread(values: Sequence[float], prefix: str) -> dict[str, float]:
    """p50/p99/max in ms of seconds (nan when empty)."""
    s = sorted(values)
    return {
        f"{prefix}_p50_ms": 1000 * L.percentile(s, 50),
        f"{prefix}_p99_ms": 1000 * L.percentile(s, 99),
        f"{prefix}_max_ms": 1000 * (s[-1] if s else math.nan),
    }


def screen_latency(
    sent: Sequence[float],
    acked: Sequence[float],
    times: Sequence[float],
    totals: Sequence[int],
    total_before: int = 0,
) -> dict[str, Any]:
    """Vote-to-screen per answer (see the module's docstring): `sent`/`acked` paired per
    answer, `times`/`totals` the host's frames in arrival order."""
    sends, acks = sorted(sent), sorted(acked)
    in_order = all(a <= b for a, b in itertools.pairwise(totals))
    shown = [t - total_before for t in totals]

    def first_frame(at_least: int, after: float) -> float | None:
        k = max(bisect.bisect_left(shown, at_least), bisect.bisect_right(times, after))
        return times[k] - after if k < len(times) else None

    lower, upper, fifo = [], [], []
    missing = 0
    for s, a in zip(sent, acked, strict=True):
        low = first_frame(bisect.bisect_left(acks, s) + 1, s)
        high = first_frame(bisect.bisect_left(sends, a), s)
        guess = first_frame(bisect.bisect_left(sends, s) + 1, s)
        if low is None or high is None or guess is None:
            missing += 1
            continue
        lower.append(low)
        upper.append(high)
        fifo.append(guess)
    return {
        **spread(lower, "screen_lower"),
        **spread(fifo, "screen_fifo"),
        **spread(upper, "screen_upper"),
        "screen_missing": missing,
        "frames_in_order": in_order,
    }


def frame_gaps(times: Sequence[float], begin: float, end: float) -> dict[str, float]:
    """The host's frames from `begin` (the flood's start) to `end` (its frame of the last
    answer): the longest wait for a frame, its p99, frames per second."""
    inside = [begin] + [t for t in times if begin < t <= end]
    gaps = sorted(b - a for a, b in itertools.pairwise(inside))
    span = end - begin
    return {
        "frame_gap_max_ms": 1000 * (gaps[-1] if gaps else math.nan),
        "frame_gap_p99_ms": 1000 * L.percentile(gaps, 99),
        "frames_per_s": len(gaps) / span if span > 0 else math.nan,
    }


def loop_stalls(log: Path, begin: float, end: float, gc_log: Path | None = None) -> dict[str, Any]:
    """The server's loop lateness logged by bench/loopwatch in [begin, end]: the longest,
    how many were 50 ms or more, the longest that no garbage collection of `gc_log`
    overlapped (so not a collection's: a render, a pass of writes, a commit), and whether
    the probe ran at all."""
    probed, late = False, []
    if log.exists():
        for line in log.read_text().splitlines():
            if line.startswith("#"):
                probed = probed or "probing" in line
                continue
            due, took = (float(v) for v in line.split())
            if begin <= due <= end:
                late.append((due, took))
    pauses = []
    if gc_log is not None and gc_log.exists():
        for line in gc_log.read_text().splitlines():
            start, took, _ = line.split()
            pauses.append((float(start), float(start) + float(took)))

    def collected(due: float, took: float) -> bool:
        return any(a < due + took and b > due for a, b in pauses)

    return {
        "loop_probed": probed,
        "loop_late_max_ms": 1000 * max((t for _, t in late), default=0.0),
        "loop_late_50ms": sum(1 for _, t in late if t >= 0.05),
        "loop_late_no_gc_max_ms": 1000
        * max((t for d, t in late if not collected(d, t)), default=0.0),
    }


def cloud_problems(results: dict[str, Any], box: tuple[int, int] = (1000, 600)) -> list[str]:
    """What is wrong with a frame's cloud: a word not among the first 60 entries with its
    count and text, a box outside the cloud's box, two boxes overlapping."""
    problems = []
    top = {e["key"]: e for e in results["entries"][:60]}
    cloud = results["cloud"]
    for word in cloud:
        entry = top.get(word["key"])
        if entry is None or (entry["text"], entry["count"]) != (word["text"], word["count"]):
            problems.append(f"{word['key']!r} is not a top entry as listed")
        right, bottom = word["x"] + word["width"], word["y"] + word["height"]
        if word["x"] < 0 or word["y"] < 0 or right > box[0] or bottom > box[1]:
            problems.append(f"{word['key']!r} leaves the box")
    for i, a in enumerate(cloud):
        for b in cloud[i + 1 :]:
            if (
                a["x"] < b["x"] + b["width"]
                and b["x"] < a["x"] + a["width"]
                and a["y"] < b["y"] + b["height"]
                and b["y"] < a["y"] + a["height"]
            ):
                problems.append(f"{a['key']!r} overlaps {b['key']!r}")
    if not cloud and results["entries"]:
        problems.append("no cloud")
    return problems[:10]
