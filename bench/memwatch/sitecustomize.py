"""What the server's memory is made of, dumped on demand for bench/memory.py --census.

Loaded first through PYTHONPATH, as bench/gcwatch/sitecustomize.py is (which this runs
first, so TOHYO_BENCH_GC_LOG works here too); nothing in tohyo changes. When
TOHYO_BENCH_MEMWATCH names a directory, each SIGUSR1 writes into that directory, under the
next number N:

- `N.tracemalloc`: a tracemalloc snapshot (diff two with `Snapshot.compare_to`);
- `N.json`: the collector's census — a full collection first (how long it took, and how
  many unreachable objects it found: what streams closed since left in cycles), then how
  many objects it tracks, by type, and its generation counts, thresholds and frozen count.

tracemalloc starts at the first SIGUSR1 (TOHYO_BENCH_MEMWATCH_FRAMES frames per traceback,
1 by default; 0: no tracemalloc, the census only), not at start-up, which it would slow
tenfold: so the first snapshot holds only what its own dump allocated, and diffs start
from the second. The dump runs in the main thread between two bytecodes of whatever ran
(a signal handler), so it sees the event loop between callbacks.
"""

from __future__ import annotations

import gc
import json
import os
import signal
import time
import tracemalloc
from collections import Counter
from pathlib import Path
from typing import Any

_gc_watch = Path(__file__).resolve().parent.parent / "gcwatch" / "sitecustomize.py"
exec(compile(_gc_watch.read_text(), str(_gc_watch), "exec"), {"__name__": "gcwatch"})

_dir = os.environ.get("TOHYO_BENCH_MEMWATCH")


def census() -> dict[str, Any]:
    """A full collection (timed, with what it found unreachable), then what is tracked."""
    began, began_cpu = time.perf_counter(), time.thread_time()
    unreachable = gc.collect()
    full_s, full_cpu_s = time.perf_counter() - began, time.thread_time() - began_cpu
    tracked = gc.get_objects()
    types = Counter(f"{type(o).__module__}.{type(o).__qualname__}" for o in tracked)
    return {
        "full_collection_s": full_s,
        # CPU time, which other processes on a shared core do not stretch as they do wall time
        "full_collection_cpu_s": full_cpu_s,
        "unreachable": unreachable,
        "tracked": len(tracked),
        "frozen": gc.get_freeze_count(),
        "counts": gc.get_count(),
        "thresholds": gc.get_threshold(),
        "types": dict(types.most_common(200)),
    }


if _dir:
    _out = Path(_dir)
    _out.mkdir(parents=True, exist_ok=True)
    _dumps = [0]

    def _dump(signum: int, frame: Any) -> None:
        _dumps[0] += 1
        n = _dumps[0]
        frames = int(os.environ.get("TOHYO_BENCH_MEMWATCH_FRAMES", "1"))
        if frames and not tracemalloc.is_tracing():
            tracemalloc.start(frames)
        (_out / f"{n}.json").write_text(json.dumps(census()))
        if frames:
            tracemalloc.take_snapshot().dump(str(_out / f"{n}.tracemalloc"))
        (_out / f"{n}.done").write_text("")

    signal.signal(signal.SIGUSR1, _dump)
