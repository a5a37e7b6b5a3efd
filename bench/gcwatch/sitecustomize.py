"""The server's garbage collections, logged for bench/event_present.py.

Python imports `sitecustomize` at start-up from the first directory on sys.path that has
one, so a server started with this directory first on PYTHONPATH loads it before tohyo;
nothing in tohyo changes. It acts only when TOHYO_BENCH_GC_LOG names a file: then each
collection that took 1 ms or more is appended to it as `<start, CLOCK_MONOTONIC s>
<seconds> <generation>` (a callback per collection costs about a microsecond).
"""

from __future__ import annotations

import gc
import os
import time
from typing import Any

_path = os.environ.get("TOHYO_BENCH_GC_LOG")

if _path:
    _log = open(_path, "a", buffering=1)  # noqa: SIM115 - open for the process's life
    _started = [0.0]

    def _watch(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            _started[0] = time.monotonic()
            return
        took = time.monotonic() - _started[0]
        if took >= 0.001:
            _log.write(f"{_started[0]:.6f} {took:.6f} {info['generation']}\n")

    gc.callbacks.append(_watch)
