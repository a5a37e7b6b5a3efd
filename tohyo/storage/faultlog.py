"""Logging a fault that repeats: the first in full, then a count per interval.

A full disk fails every commit; one traceback per failed batch (hundreds a second) buries
the one line an operator needs and can fill the same disk with logs. A `FaultLog` logs the
first failure of a streak with its traceback, then at most one line per `interval` with
how many more there were and the latest message, and one line when the streak ends.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable


class FaultLog:
    def __init__(
        self,
        logger: logging.Logger,
        what: str,
        interval: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._log = logger
        self._what = what
        self._interval = interval
        self._clock = clock
        self._failures = 0  # in the current streak
        self._unreported = 0  # since the last line
        self._last_line = 0.0
        self._latest = ""

    @property
    def failing(self) -> bool:
        return self._failures > 0

    def failed(self, error: BaseException, context: str = "") -> None:
        now = self._clock()
        self._failures += 1
        self._latest = f"{type(error).__name__}: {error}"
        if self._failures == 1:
            self._log.error("%s failed%s", self._what, context, exc_info=error)
            self._last_line = now
            return
        self._unreported += 1
        if now - self._last_line >= self._interval:
            self._report(now)

    def succeeded(self) -> None:
        if not self._failures:
            return
        if self._unreported:
            self._report(self._clock())
        self._log.warning("%s works again after %d failures", self._what, self._failures)
        self._failures = 0

    def _report(self, now: float) -> None:
        self._log.error(
            "%s failed %d more times in the last %.0f s (latest: %s)",
            self._what,
            self._unreported,
            now - self._last_line,
            self._latest,
        )
        self._unreported = 0
        self._last_line = now
