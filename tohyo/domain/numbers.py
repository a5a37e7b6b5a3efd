"""Numbers as tohyo shows and reads them.

`half_up`: a ratio with a fixed number of decimals, halves rounded up (4.25 is 4.3, as a
person rounds, and as JavaScript's Math.round on the pages), in integer arithmetic so it
is exact — no float's 4.2499… Percentages, a scale's mean and a ranking's mean score are
all rounded so.

`whole`: a JSON whole number — an int, not a bool (Python's `True` is an int) and not a
float such as 3.0.
"""

from __future__ import annotations

from typing import TypeGuard


def half_up(numerator: int, denominator: int, digits: int) -> float:
    """`numerator / denominator` to `digits` decimals, halves up; the denominator > 0."""
    scale: int = 10**digits
    return ((numerator * scale * 2 + denominator) // (2 * denominator)) / scale


def whole(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)
