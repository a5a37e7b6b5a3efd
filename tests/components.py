"""What a test does when a real component it needs (redis-server, chromium, a CJK font)
is not on this machine."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def unavailable(reason: str) -> NoReturn:
    """A real component a test needs is missing: skip it here, fail it in CI (CI=true),
    which must run every test."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must run this test", pytrace=False)
    pytest.skip(reason)
