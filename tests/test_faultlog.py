"""A repeating fault is logged once in full, then as counts (a full disk must not write a
traceback per failed batch)."""

from __future__ import annotations

import logging

import pytest

from tohyo.storage.faultlog import FaultLog


def test_a_streak_is_one_traceback_then_one_line_per_interval(
    caplog: pytest.LogCaptureFixture,
) -> None:
    now = [0.0]
    faults = FaultLog(logging.getLogger("test.faults"), "commit", 10.0, clock=lambda: now[0])
    with caplog.at_level(logging.WARNING, "test.faults"):
        for i in range(460 * 25):  # 25 s of a full disk at 460 failures a second
            now[0] = i / 460
            faults.failed(OSError(28, "No space left on device"))
        faults.succeeded()
    records = caplog.records
    assert sum(r.exc_info is not None for r in records) == 1
    counted = [r for r in records if "more times" in r.getMessage()]
    assert len(counted) == 3  # at 10 s, at 20 s, and the rest when the streak ends
    assert sum(int(r.getMessage().split(" failed ")[1].split()[0]) for r in counted) == 11499
    assert "No space left on device" in counted[-1].getMessage()
    assert records[-1].getMessage() == "commit works again after 11500 failures"
    assert not faults.failing


def test_a_new_streak_starts_with_a_traceback_again(caplog: pytest.LogCaptureFixture) -> None:
    faults = FaultLog(logging.getLogger("test.faults"), "commit")
    with caplog.at_level(logging.WARNING, "test.faults"):
        faults.failed(OSError("one"))
        faults.succeeded()
        faults.failed(OSError("two"))
    assert sum(r.exc_info is not None for r in caplog.records) == 2


async def test_rate_limits_with_their_redis_down_log_one_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Found in review: every request logged "rate limits unavailable" while the counter
    store was down (9,214 lines in 4 s of a Redis outage)."""
    from tests.conftest import free_port
    from tohyo.config import Settings
    from tohyo.web.ratelimits import Budgets

    budgets = Budgets(Settings(storage=f"redis://127.0.0.1:{free_port()}/0"))  # nobody there
    try:
        with caplog.at_level(logging.WARNING, "tohyo.ratelimits"):
            for _ in range(100):
                await budgets.spend("request", "127.0.0.1")  # let through, uncounted
    finally:
        await budgets.close()
    assert len(caplog.records) == 1 and caplog.records[0].exc_info is not None
