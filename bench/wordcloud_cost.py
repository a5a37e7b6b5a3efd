"""What one word cloud's results cost on the final tally of bench/wordcloud_flood.py: the
type's `results()` (grouping by key, the most common spelling, the lists, the layout of the
top 60) and the frame's JSON, for the host (200 entries) and for everyone else (50).

    taskset -c 0 .venv/bin/python bench/wordcloud_cost.py --n 10000 [--repeat 7]

Run in a process of its own, pinned to the server's core (wordcloud_flood.py starts it
after the server stopped, with the server's PYTHONPATH, so --server-src's tree is timed).
The tally is the one the server ended on (wordcloud_words.expected: the run checked that
the server's equals it). Timed, each the median of --repeat:

- cold: the layout's memo emptied first (`wordcloud_layout._layout`), so the words are
  laid out afresh: what a pass costs when a word changed size class or a new word entered
  the top 60;
- memoized: the same call again: what a pass costs when the counts moved but no size
  class did (most passes of a flood);
- json: orjson of the results (the frame's share of them).

Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from typing import Any

import wordcloud_words as W


def _timed(call: Any, repeat: int, before: Any = None) -> float:
    """Median seconds of `call()` over `repeat` calls, `before()` untimed before each."""
    seconds = []
    for _ in range(repeat):
        if before is not None:
            before()
        t0 = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - t0)
    return statistics.median(seconds)


def cost(n: int, repeat: int) -> dict[str, Any]:
    import orjson

    from tohyo.domain.questions import wordcloud as cloud
    from tohyo.domain.questions import wordcloud_layout as layout
    from tohyo.domain.questions.base import ResultsContext, Tally

    want = W.expected(n)
    tally = Tally(dict(want.counters), n)
    kind, config = cloud.WordCloudType(), cloud.WordCloudConfig(W.MAX_ENTRIES)
    memo = getattr(layout, "_layout", None)
    forget = getattr(memo, "cache_clear", None)
    out: dict[str, Any] = {
        "n": n,
        "counters": len(want.counters),
        "keys": len(want.entries),
        "memo": forget is not None,
    }
    for who, context in (("host", ResultsContext(host=True)), ("public", ResultsContext())):
        results = kind.results(config, tally, context)  # warm: imports, char widths
        out[f"{who}_cold_ms"] = 1000 * _timed(
            lambda c=context: kind.results(config, tally, c), repeat, forget
        )
        out[f"{who}_memo_ms"] = 1000 * _timed(
            lambda c=context: kind.results(config, tally, c), repeat
        )
        out[f"{who}_json_ms"] = 1000 * _timed(lambda r=results: orjson.dumps(r), repeat)
        out[f"{who}_json_bytes"] = len(orjson.dumps(results))
        out[f"{who}_cloud_words"] = len(results["cloud"])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, required=True, help="participants (the tally's)")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    sys.stdout.write(json.dumps(cost(args.n, args.repeat)) + "\n")


if __name__ == "__main__":
    main()
