"""Fonts for the charts: Noto Sans CJK where Debian installs it (Japanese and Latin),
else DejaVu (Latin only), or `TOHYO_FONT`; and which characters a font lacks."""

from __future__ import annotations

import logging
import os
from functools import cache
from pathlib import Path

from PIL import ImageFont

log = logging.getLogger("tohyo.charts")
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont

# Font files tried in order: Noto Sans CJK (Debian's fonts-noto-cjk) covers Japanese and
# Latin; DejaVu (in most Linux images) covers Latin only.
FONT_CANDIDATES = {
    "regular": (
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    ),
    "bold": (
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
        "/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    ),
}


@cache
def font_path(weight: str) -> str | None:
    chosen = os.environ.get("TOHYO_FONT")
    if chosen and Path(chosen).exists():
        return chosen
    for candidate in FONT_CANDIDATES[weight]:
        if Path(candidate).exists():
            return candidate
    return None


@cache
def font(size: int, weight: str = "regular") -> Font:
    path = font_path(weight)
    if path is None:
        log.warning("no font file found; install fonts-noto-cjk (see README)")
        return ImageFont.load_default(size)
    return ImageFont.truetype(path, size, index=0)  # index 0 of Noto's collection: JP


@cache
def _tofu(size: int, weight: str) -> bytes:
    """What the font draws for a character it does not have."""
    return _glyph(size, weight, "\U0010fffd")


def _glyph(size: int, weight: str, char: str) -> bytes:
    mask = font(size, weight).getmask(char)
    return bytes(mask) + bytes(str(mask.size), "ascii")


def missing_glyphs(text: str, size: int = 24, weight: str = "regular") -> set[str]:
    """The characters of `text` the font would draw as a box."""
    tofu = _tofu(size, weight)
    return {
        ch
        for ch in set(text)
        if not ch.isspace() and ch.isprintable() and _glyph(size, weight, ch) == tofu
    }
