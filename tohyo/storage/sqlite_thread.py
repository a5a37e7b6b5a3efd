"""The SQLite journal's commit thread: one thread that runs the journal's jobs in order
and answers each on the event loop.

A ThreadPoolExecutor and `run_in_executor` did this before, at a cost per group commit
of a concurrent Future (with its Condition), a work item, an asyncio Future chained to it
and two callbacks crossing between them. Here a job is a (function, argument, answer)
triple on a SimpleQueue and its answer is one `call_soon_threadsafe`; every caller in
the batch then waits on the batch's own future, as before.

The thread is a daemon: the journal's `close` ends it after the last commit, and a process
that exits without closing stops it wherever it is — mid-commit that is a crash, which
SQLite's journal makes atomic, as kill -9 would.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections.abc import Callable
from typing import Any

Answer = Callable[[Any, BaseException | None], None]


class CommitThread:
    def __init__(self, loop: asyncio.AbstractEventLoop, name: str) -> None:
        self._loop = loop
        self._jobs: queue.SimpleQueue[tuple[Callable[[Any], None], Any, Answer] | None]
        self._jobs = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._serve, name=name, daemon=True)
        self._thread.start()

    def submit(self, job: Callable[[Any], None], arg: Any, answer: Answer) -> None:
        """Run `job(arg)` on the thread, then `answer(arg, error or None)` on the loop."""
        self._jobs.put((job, arg, answer))

    def run(self, job: Callable[[Any], None], arg: Any = None) -> asyncio.Future[None]:
        """`job(arg)` on the thread, as a future of the loop."""
        future: asyncio.Future[None] = self._loop.create_future()

        def answer(_: Any, error: BaseException | None) -> None:
            if future.done():  # its waiter was cancelled meanwhile
                return
            if error is None:
                future.set_result(None)
            else:
                future.set_exception(error)

        self.submit(job, arg, answer)
        return future

    def close(self) -> None:
        """Run every job submitted so far, then end the thread."""
        self._jobs.put(None)
        self._thread.join()

    def _serve(self) -> None:
        while (item := self._jobs.get()) is not None:
            job, arg, answer = item
            error: BaseException | None = None
            try:
                job(arg)
            except BaseException as failure:  # the journal decides what a failure means
                error = failure
            with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits
                self._loop.call_soon_threadsafe(answer, arg, error)
            del item, job, arg, answer, error  # hold nothing of a batch while idle
