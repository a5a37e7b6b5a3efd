"""Reading a picture back, for tests/test_picture_*.py: its SVG's texts and boxes, and what
its PNG draws — the ink of a line of text, the run of a bar's color — so a test can check
that both painters draw what the layout placed."""

from __future__ import annotations

import dataclasses
import io
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from PIL import Image

from tests.components import unavailable
from tohyo import charts, domain, palette
from tohyo.charts import Box, Picture
from tohyo.charts.layout import TRACK
from tohyo.domain import Session, State

SVG = "{http://www.w3.org/2000/svg}"


def session(
    choices: Sequence[str],
    counts: Sequence[int],
    ballots: int,
    vote_type: str = "single",
    question: str = "Which one?",
) -> Session:
    """A poll with `counts` per choice from `ballots` ballots (voters, for multiple)."""
    draft = domain.Draft(question, vote_type, tuple(choices))  # type: ignore[arg-type]
    definition = domain.make_definition(draft, "s", b"", 0, 10**13)
    state = dataclasses.replace(
        State.initial(len(choices)), counts=tuple(counts), total_votes=ballots
    )
    return Session(definition, state)


def needs_cjk_font() -> None:
    path = charts.font_path("regular")
    if path is None or "CJK" not in path:
        unavailable("no CJK font: apt-get install fonts-noto-cjk (see README)")


def svg_texts(body: bytes) -> list[str]:
    return [t.text or "" for t in ET.fromstring(body).iter(f"{SVG}text")]


def svg_boxes(body: bytes) -> list[Box]:
    """Every <rect> but the paper, as the Box it was painted from."""
    rects = list(ET.fromstring(body).iter(f"{SVG}rect"))[1:]
    return [
        Box(
            float(r.get("x", 0)),
            float(r.get("y", 0)),
            float(r.get("width", 0)),
            float(r.get("height", 0)),
            r.get("fill", ""),
            r.get("stroke"),
        )
        for r in rects
    ]


def tracks_and_fills(boxes: Sequence[Box]) -> tuple[list[Box], list[Box]]:
    """A bar chart's tracks (boxes with an edge) and fills (the palette's colors)."""
    tracks = [b for b in boxes if b.edge is not None and b.color == TRACK]
    fills = [b for b in boxes if b.edge is None and b.color in palette.COLORS]
    return tracks, fills


def png(body: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(body))
    image.load()
    return image.convert("RGB")


def _near(pixel: tuple[int, ...], color: str, within: int = 48) -> bool:
    want = tuple(int(color[k : k + 2], 16) for k in (1, 3, 5))
    return all(abs(a - b) <= within for a, b in zip(pixel, want, strict=True))


def color_run(image: Image.Image, y: float, x0: float, x1: float, color: str) -> int:
    """How many pixels of row `y` between x0 and x1 are (nearly) `color`."""
    row = round(y)
    return sum(1 for x in range(round(x0), round(x1)) if _near(image.getpixel((x, row)), color))


def column_run(image: Image.Image, x: float, y0: float, y1: float, color: str) -> int:
    """How many pixels of column `x` between y0 and y1 are (nearly) `color`."""
    column = round(x)
    return sum(1 for y in range(round(y0), round(y1)) if _near(image.getpixel((column, y)), color))


def ink_right(image: Image.Image, left: float, top: float, right: float, bottom: float) -> int:
    """The rightmost column with dark ink in the box, less `left` (0 if none)."""
    box = image.crop((round(left), round(top), round(right), round(bottom))).convert("L")
    columns = [
        x
        for x in range(box.width)
        if any(box.getpixel((x, y)) < 224 for y in range(box.height))  # type: ignore[operator]
    ]
    return max(columns) + 1 if columns else 0


def picture_texts(pic: Picture) -> list[charts.Text]:
    return [s for s in pic.shapes if isinstance(s, charts.Text)]
