"""Spending a rate-limit budget in a test without meeting a window's edge.

tohyo counts budgets with `limits`' sliding-window counter: the previous window's count,
weighted by how much of it still overlaps, plus the current one — and the library floors
that sum. Just past a window's edge a spent budget of two reads floor(2 × 0.99) = 1, so it
briefly has room again: a test that spends a budget and then expects a refusal fails about
once in sixty runs per second it spans an edge. Tests start well inside a window instead.
"""

from __future__ import annotations

import time

MARGIN = 15.0  # seconds: far more than any of these tests needs to spend and be refused


def inside_one_window(period: float = 60.0) -> None:
    """Wait for the next window if this one ends within MARGIN (windows are aligned to
    the epoch, so this process and the server see the same edges)."""
    left = period - time.time() % period
    if left < MARGIN:
        time.sleep(left + 0.1)
