"""The server's event-loop stalls and garbage collections, logged for bench/wordcloud_flood.py.

Loaded first through PYTHONPATH, as bench/gcwatch/sitecustomize.py is (which this runs
first, so TOHYO_BENCH_GC_LOG works here too); nothing in tohyo changes. When
TOHYO_BENCH_LOOP_LOG names a file, the first uvloop loop the process makes (uvicorn's:
`uvicorn.loops.uvloop` hands out `uvloop.new_event_loop`, looked up when the server
starts) gets a probe: a timer due every 10 ms. Its lateness is how long the loop was busy
with other callbacks — a results render, a pass of writes to the streams, a collection —
and each lateness of 5 ms or more is appended as `<due, CLOCK_MONOTONIC s> <late s>`. The
probe costs 100 callbacks a second. (uvloop's timers have millisecond resolution: a
lateness is ±1 ms.) Without uvloop nothing is probed and the log stays empty apart from
a first line saying so.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

_gc_watch = Path(__file__).resolve().parent.parent / "gcwatch" / "sitecustomize.py"
# In a namespace of its own: its globals (its log file among them) are not ours.
exec(compile(_gc_watch.read_text(), str(_gc_watch), "exec"), {"__name__": "gcwatch"})

_loop_log = os.environ.get("TOHYO_BENCH_LOOP_LOG")
PERIOD = 0.010
REPORTED = 0.005


def _probe(loop: Any, log: Any) -> None:
    due = [time.monotonic() + PERIOD]

    def tick() -> None:
        now = time.monotonic()
        late = now - due[0]
        if late >= REPORTED:
            log.write(f"{due[0]:.6f} {late:.6f}\n")
        due[0] = now + PERIOD
        loop.call_later(PERIOD, tick)

    loop.call_later(PERIOD, tick)


if _loop_log:
    _log = open(_loop_log, "a", buffering=1)  # noqa: SIM115 - open for the process's life
    try:
        import uvloop
    except ImportError:
        _log.write("# no uvloop: not probed\n")
    else:
        _new_event_loop = uvloop.new_event_loop
        _probed = [False]

        def _probed_loop() -> Any:
            loop = _new_event_loop()
            if not _probed[0]:
                _probed[0] = True
                _log.write(f"# probing the loop every {PERIOD * 1000:.0f} ms\n")
                _probe(loop, _log)
            return loop

        uvloop.new_event_loop = _probed_loop
