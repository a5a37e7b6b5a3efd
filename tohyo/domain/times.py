"""Times as the API writes and reads them: ISO 8601, milliseconds since the epoch."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
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


# RFC 3339's date-time, which the OpenAPI schema's `format: date-time` names: T or t,
# Z or z, any fraction, a leap second. [0-9], not \\d, which matches other scripts' digits.
_RFC3339 = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?"
    r"(?:[Zz]|([+-])([0-9]{2}):([0-9]{2}))"
)
_BEFORE_EVERYTHING = -(10**15)  # year 0, which datetime cannot hold: long past, anyway


def parse_time(value: Any, field: str) -> int:
    """An RFC 3339 date-time (ISO 8601 with a time zone), as milliseconds since the epoch."""
    problem = ValidationFailed(
        f"{field} must be an ISO 8601 time with a zone, like 2026-11-28T18:30:00Z",
        [{"field": field, "message": "must be an RFC 3339 date-time (with a time zone)"}],
    )
    found = _RFC3339.fullmatch(value) if isinstance(value, str) and len(value) <= 40 else None
    if found is None:
        raise problem
    year, month, day, hour, minute, second = (int(found[i]) for i in range(1, 7))
    leap = second == 60  # 23:59:60, a leap second: one second after 23:59:59
    sign, offset_hours, offset_minutes = found[8], int(found[9] or 0), int(found[10] or 0)
    if offset_hours > 23 or offset_minutes > 59 or (leap and minute != 59):
        raise problem
    offset = timedelta(hours=offset_hours, minutes=offset_minutes)
    try:
        parsed = datetime(
            max(year, 1),
            month,
            day,
            hour,
            minute,
            59 if leap else second,
            tzinfo=timezone(-offset if sign == "-" else offset),
        )
    except ValueError:
        raise problem from None
    if year == 0:
        return _BEFORE_EVERYTHING
    millis = int(((found[7] or ".0")[1:] + "00")[:3])
    return int(parsed.timestamp()) * 1000 + millis + (1000 if leap else 0)
