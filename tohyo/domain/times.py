"""Times as the API writes and reads them: ISO 8601, milliseconds since the epoch."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tohyo.errors import ValidationFailed


def iso(ms: int) -> str:
    """Milliseconds since the epoch as JavaScript's toISOString() writes them."""
    seconds, millis = divmod(ms, 1000)
    global _iso_second, _iso_prefix
    if seconds != _iso_second:  # formatting a datetime costs ~8 µs; votes share the second
        _iso_prefix = datetime.fromtimestamp(seconds, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.")
        _iso_second = seconds
    return f"{_iso_prefix}{millis:03d}Z"


_iso_second = -1
_iso_prefix = ""


def parse_time(value: Any, field: str) -> int:
    """An ISO 8601 date-time with a time zone, as milliseconds since the epoch."""
    problem = ValidationFailed(
        f"{field} must be an ISO 8601 time with a zone, like 2026-11-28T18:30:00Z",
        [{"field": field, "message": "must be an ISO 8601 date-time with a time zone"}],
    )
    if not isinstance(value, str) or len(value) > 40:
        raise problem
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise problem from None
    if parsed.tzinfo is None:
        raise problem
    return int(parsed.timestamp() * 1000)
