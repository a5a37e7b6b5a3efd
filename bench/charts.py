"""Chart exports: how long one picture takes to draw, in process (tohyo.charts.render).

    .venv/bin/python bench/charts.py [--runs 7] [--smoke]

A Japanese session with four choices; PNG bar, PNG pie and SVG at 1280x720, and a PNG at
3840x2160 (the largest size the API allows). Medians of --runs drawings after one warm-up
(fonts loaded). The server draws on a thread pool and caches by session version, so this
is the cost of the first export of each version, not of every download.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path
from typing import Any

import loadlib as L

from tohyo import charts, domain
from tohyo.domain import Session, State

CASES = (
    ("png", "bar", 1280, 720),
    ("png", "pie", 1280, 720),
    ("svg", "bar", 1280, 720),
    ("png", "bar", 3840, 2160),
)


def session() -> Session:
    choices = ("ラーメン", "カレー", "寿司", "Other")
    draft = domain.Draft("お昼はどこに行きますか？", "single", choices)
    definition = domain.make_definition(draft, "bench", b"host", 0, 10**13)
    return Session(definition, State("active", (12, 7, 3, 1), 23, 24))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    L.common_args(parser, runs=7)
    args = parser.parse_args()
    if args.smoke:
        args.runs = 1
    subject = session()
    charts.render(subject, fmt="png", lang="ja", now=0)  # fonts loaded
    results: list[dict[str, Any]] = []
    for fmt, kind, width, height in CASES:
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            picture = charts.render(
                subject, fmt=fmt, kind=kind, lang="ja", width=width, height=height, now=0
            )
            times.append(time.perf_counter() - started)
        results.append(
            {
                "format": fmt,
                "chart": kind,
                "size": f"{width}x{height}",
                "median_ms": 1000 * statistics.median(times),
                "bytes": len(picture),
            }
        )
    rows = [
        [r["format"], r["chart"], r["size"], L.fmt(r["median_ms"], 1), f"{r['bytes']:,}"]
        for r in results
    ]
    report = f"Chart exports: `bench/charts.py` (runs={args.runs}, medians)\n\n" + L.table(
        ["format", "chart", "size", "ms per picture", "bytes"], rows, "lllrr"
    )
    print(report)
    if args.markdown:
        Path(args.markdown).write_text(report + "\n")
    out = Path(args.json) if args.json else L.results_path("charts")
    L.write_json(out, {"args": vars(args), "results": results})


if __name__ == "__main__":
    main()
