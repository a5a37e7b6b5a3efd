"""`tohyo serve` with the SQLite writer's group commits counted, for benchmarks only.

    TOHYO_BENCH_STATS=/tmp/stats.json python bench/serve_instrumented.py serve --port ...

Wraps `SQLiteJournal._write` (nothing under tohyo/ is changed) to count batches
(= transactions = commits), changes per batch (ballots, or changed sessions when a batch
has no ballots), and the commit thread's wall time inside batches. SIGUSR1 writes the
counts since the previous SIGUSR1 to $TOHYO_BENCH_STATS and starts a new interval; so
does exit. `hot_vote.py --instrument` uses it around each vote
run. The wrapper costs about a microsecond per batch.
"""

from __future__ import annotations

import atexit
import json
import os
import signal
import sys
import time
from collections import Counter
from typing import Any

from tohyo.storage import sqlite

sizes: Counter[int] = Counter()
busy = [0.0]
started = [time.monotonic()]
_original = sqlite.SQLiteJournal._write


def _write(self: sqlite.SQLiteJournal, batch: Any) -> None:
    t0 = time.perf_counter()
    _original(self, batch)
    busy[0] += time.perf_counter() - t0
    sizes[len(batch.ballots) or len(batch.changed)] += 1


def dump(*_: object) -> None:
    path = os.environ.get("TOHYO_BENCH_STATS")
    now = time.monotonic()
    snapshot, seconds, in_batches = dict(sizes), now - started[0], busy[0]
    sizes.clear()
    busy[0] = 0.0
    started[0] = now
    if not path:
        return
    batches = sum(snapshot.values())
    ops = sum(size * n for size, n in snapshot.items())
    stats = {
        "seconds": seconds,
        "batches": batches,
        "operations": ops,
        "ops_per_batch": ops / batches if batches else 0.0,
        "batches_per_s": batches / seconds if seconds else 0.0,
        "single_op_batches": snapshot.get(1, 0),
        "max_batch": max(snapshot, default=0),
        "writer_seconds_in_batches": in_batches,
        "sizes": sorted(snapshot.items()),
    }
    with open(path, "w") as out:
        json.dump(stats, out)


sqlite.SQLiteJournal._write = _write  # type: ignore[method-assign]
signal.signal(signal.SIGUSR1, dump)
atexit.register(dump)

if __name__ == "__main__":
    from tohyo.cli import main

    sys.argv[0] = "tohyo"
    main()
