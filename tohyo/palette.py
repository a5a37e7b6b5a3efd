"""The colors of the choices, one per choice, shared by the live chart and the exports.

Okabe–Ito's colour-blind-safe hues first (the light ones left out), then darker hues, so
that every color has the 3:1 contrast on white that WCAG 1.4.11 asks of chart graphics
(a test checks it). Choice i (from 1) uses COLORS[(i - 1) % 10].
"""

from __future__ import annotations

COLORS: tuple[str, ...] = (
    "#0072B2",  # blue
    "#D55E00",  # vermilion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#8C6D00",  # dark gold
    "#6B8E23",  # olive
    "#7A5195",  # purple
    "#8B4513",  # brown
    "#B2182B",  # crimson
    "#666666",  # grey
)


def css() -> str:
    """The palette as CSS custom properties and classes `.c1`..`.c10`."""
    lines = [":root {"]
    lines += [f"  --c{i}: {color};" for i, color in enumerate(COLORS, start=1)]
    lines.append("}")
    for i in range(1, len(COLORS) + 1):
        lines.append(f".c{i} {{ --color: var(--c{i}); }}")
    return "\n".join(lines) + "\n"
