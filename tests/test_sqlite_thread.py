"""The SQLite journal's commit thread: jobs run in order, off the loop, and each is
answered on the loop with its error, if any."""

from __future__ import annotations

import asyncio
import threading

import pytest

from tohyo.storage.sqlite_thread import CommitThread


async def test_jobs_run_in_order_off_the_loop_and_are_answered_on_it() -> None:
    loop = asyncio.get_running_loop()
    thread = CommitThread(loop, "test-commit")
    ran: list[tuple[int, str]] = []
    answered: list[tuple[int, BaseException | None, bool]] = []
    all_answered = asyncio.Event()

    def job(n: int) -> None:
        ran.append((n, threading.current_thread().name))
        if n == 2:
            raise OSError("disk I/O error")

    def answer(n: int, error: BaseException | None) -> None:
        on_loop = threading.current_thread() is threading.main_thread()
        answered.append((n, error, on_loop))
        if len(answered) == 4:
            all_answered.set()

    for n in range(4):
        thread.submit(job, n, answer)
    await asyncio.wait_for(all_answered.wait(), 10)
    thread.close()
    assert ran == [(n, "test-commit") for n in range(4)]
    assert [n for n, _, _ in answered] == [0, 1, 2, 3]
    assert all(on_loop for _, _, on_loop in answered)
    errors = [error for _, error, _ in answered]
    assert isinstance(errors[2], OSError) and errors.count(None) == 3


async def test_run_is_a_future_of_the_loop() -> None:
    thread = CommitThread(asyncio.get_running_loop(), "test-commit")
    seen: list[object] = []
    await asyncio.wait_for(thread.run(seen.append, "reopened"), 10)
    assert seen == ["reopened"]

    def fail(_: object) -> None:
        raise ValueError("will not open")

    with pytest.raises(ValueError, match="will not open"):
        await asyncio.wait_for(thread.run(fail), 10)
    thread.close()


async def test_close_runs_what_was_submitted_first() -> None:
    thread = CommitThread(asyncio.get_running_loop(), "test-commit")
    release = threading.Event()
    ran: list[int] = []

    def job(n: int) -> None:
        release.wait(10)
        ran.append(n)

    for n in range(3):
        thread.submit(job, n, lambda n, error: None)
    release.set()
    thread.close()
    assert ran == [0, 1, 2]
