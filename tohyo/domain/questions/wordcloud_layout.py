"""Where a word cloud's words go: pure, deterministic, stable, and fast enough to run at
every update of a hall's tally.

The cloud is drawn in a 1000×600 box (`BOX_WIDTH`, `BOX_HEIGHT`; pages and pictures scale
it). Each word gets a font `size` and a box (`x`, `y` its top-left, `width`, `height`):
boxes never overlap and never leave the cloud's box. A drawer writes the word at
font-size `size`, centred in its box (`text-anchor: middle`, `dominant-baseline:
central`) and stretched to the box's width exactly (SVG `textLength`), so the width
estimated here without fonts (`text_em`) only affects the looks, never the fit.

Sizes come in a few classes (`size_class`: powers of two below the biggest count), so most
count changes change no size. The layout depends on each word's key, text and class only
— never on the counts themselves — so an answer that moves no word across a class
boundary gives the very same layout (and the memo returns it without work).

Stable positions: each word has a preferred spot from a hash of its key (near the centre,
the big words nearer), and words are placed in a fixed order (size class, biggest first,
then the key's hash), each on the free spot nearest its preferred one. A new word
therefore moves only the words placed after it that it takes the place of (and, in turn,
those they take the place of): every other word finds its old spot still free and still
nearest. When the words do not all fit, every size is scaled down one step (`SCALES`)
and the cloud is laid out afresh: that is the one change that moves everything, and it
happens a few times as a cloud fills up, not at every answer. Words that do not fit even
at the smallest scale are left out of the cloud (they stay in the results' list).

Occupancy is a grid of `CELL`-unit cells, one Python int per row (bit c set: cell c
free), so finding every free spot a box fits in is a few big-integer operations per row
rather than a test per cell: a row's runs of `w` free cells by shifting and AND-ing the row
with itself, then `h` consecutive rows the same way down the rows.
"""

from __future__ import annotations

import hashlib
import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

BOX_WIDTH = 1000
BOX_HEIGHT = 600
CLOUD_MAX = 60  # words in a cloud at most: the rest stay in the list
CELL = 5  # units per occupancy cell: 200 × 120 cells
# Font size per size class, smallest first: the biggest word is read from the back of a
# room, the smallest is still text rather than texture.
CLASS_SIZES = (20, 28, 38, 52, 72, 104)
SIZE_CLASSES = len(CLASS_SIZES)
MIN_SIZE = 18
# Every size times one of these, the largest at which every word fits.
SCALES = (1.0, 0.86, 0.74, 0.64, 0.55, 0.47, 0.4, 0.34, 0.29, 0.25)
LINE_HEIGHT = 1.2  # a box's height, in ems: room for ascenders and descenders
PAD_EM = 0.1  # added to a text's estimated width, in ems (half each side)
GAP_EM = 0.18  # free space kept to a box's right and below it, in ems
FILL = 0.62  # the share of the box words can cover: a first guess of the scale
SIDE_MARGIN = 0.95  # a single word never takes more than this share of the width

_COLS = BOX_WIDTH // CELL
_ROWS = BOX_HEIGHT // CELL
_FULL_ROW = (1 << _COLS) - 1
_ASPECT = BOX_WIDTH / BOX_HEIGHT  # distances count vertical units more: an oval cloud


@dataclass(frozen=True, slots=True)
class Word:
    """A word as the layout takes it: its entry key, the text shown, its size class."""

    key: str
    text: str
    size_class: int


@dataclass(frozen=True, slots=True)
class Placed:
    key: str
    size: int
    x: int
    y: int
    width: int
    height: int


def size_class(count: int, biggest: int) -> int:
    """0 (smallest) … SIZE_CLASSES - 1 (the biggest count's): one class down for every
    halving below the biggest count, so a class boundary sits at biggest/2, /4, …"""
    if count >= biggest or biggest <= 1:
        return SIZE_CLASSES - 1
    below = math.floor(math.log2(biggest / max(count, 1)))
    return max(0, SIZE_CLASSES - 1 - below)


def layout(words: Sequence[Word]) -> tuple[Placed, ...]:
    """The placed words (those that fit) of at most CLOUD_MAX `words`, in the order of
    `words` (duplicated keys: the first). The same words, in any order, give the same
    layout; it is memoized on them."""
    unique: dict[str, Word] = {}
    for word in words[:CLOUD_MAX]:
        unique.setdefault(word.key, word)
    placed = {p.key: p for p in _layout(tuple(sorted(unique.values(), key=_by_key)))}
    return tuple(placed[w.key] for w in unique.values() if w.key in placed)


def text_em(text: str) -> float:
    """The estimated width of `text` in ems: wide and full-width characters (Japanese,
    Chinese, most emoji) one em, half-width katakana half, capitals and digits 0.68,
    other characters 0.58, marks that combine with the one before (accents, joiners,
    variation selectors) nothing."""
    return sum(_char_em(ch) for ch in text)


@lru_cache(maxsize=4096)
def _char_em(ch: str) -> float:
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0.0
    width = unicodedata.east_asian_width(ch)
    if width in ("W", "F"):
        return 1.0
    if width == "H":
        return 0.5
    if ch.isupper() or ch.isdigit():
        return 0.68
    if ch == " ":
        return 0.3
    return 0.58


def _by_key(word: Word) -> str:
    return word.key


@lru_cache(maxsize=32)  # the host's view and every phone's share one layout per change
def _layout(words: tuple[Word, ...]) -> tuple[Placed, ...]:
    shapes = sorted((_Shape.of(w) for w in words), key=_Shape.order)
    if not shapes:
        return ()
    demand = sum(s.area for s in shapes) / (BOX_WIDTH * BOX_HEIGHT * FILL)
    first = 0
    while first < len(SCALES) - 1 and SCALES[first] ** 2 * demand > 1:
        first += 1  # too much to fit by far: no need to try
    for scale in SCALES[first:-1]:
        done = _place(shapes, scale, give_up=True)
        if done is not None:
            return done
    placed = _place(shapes, SCALES[-1], give_up=False)
    assert placed is not None
    return placed


@dataclass(frozen=True, slots=True)
class _Shape:
    """A word's size-independent measures, its hash and where it would like to be."""

    key: str
    size_class: int
    em: float  # estimated width, padding included
    rank: int  # the key's hash: the order of placement within a class
    want_x: float  # the preferred centre, in box units
    want_y: float
    area: float  # at scale 1, gaps included

    @staticmethod
    def of(word: Word) -> _Shape:
        digest = hashlib.blake2b(word.key.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        angle = 2 * math.pi * int.from_bytes(digest[0:4]) / 2**32
        # sqrt: spots spread evenly over the disc; bigger words keep nearer the centre.
        reach = math.sqrt(int.from_bytes(digest[4:8]) / 2**32)
        reach *= 0.12 + 0.4 * (SIZE_CLASSES - 1 - word.size_class) / (SIZE_CLASSES - 1)
        em = max(text_em(word.text), 0.5) + PAD_EM
        size = min(CLASS_SIZES[word.size_class], BOX_WIDTH * SIDE_MARGIN / em)
        area = (em + GAP_EM) * size * (LINE_HEIGHT + GAP_EM) * size
        return _Shape(
            key=word.key,
            size_class=word.size_class,
            em=em,
            rank=int.from_bytes(digest[8:16]),
            want_x=BOX_WIDTH / 2 * (1 + reach * math.cos(angle)),
            want_y=BOX_HEIGHT / 2 * (1 + reach * math.sin(angle)),
            area=area,
        )

    def order(self) -> tuple[int, int, str]:
        return (-self.size_class, self.rank, self.key)

    def size(self, scale: float) -> int:
        size = CLASS_SIZES[self.size_class] * scale
        # A long word is made smaller until it fits across the box (40 wide characters
        # still do at MIN_SIZE: 40 × 18 < 950).
        return max(MIN_SIZE, int(min(size, BOX_WIDTH * SIDE_MARGIN / self.em)))


def _place(shapes: list[_Shape], scale: float, *, give_up: bool) -> tuple[Placed, ...] | None:
    """Every shape at `scale` on its nearest free spot, biggest first; None as soon as one
    does not fit when `give_up`, else those that fit."""
    free = [_FULL_ROW] * _ROWS
    placed: list[Placed] = []
    for shape in shapes:
        size = shape.size(scale)
        width = math.ceil(shape.em * size)
        height = math.ceil(LINE_HEIGHT * size)
        gap = GAP_EM * size
        cols = min(_COLS, math.ceil((width + gap) / CELL))
        rows = min(_ROWS, math.ceil((height + gap) / CELL))
        want_col = round((shape.want_x - width / 2) / CELL)
        want_row = round((shape.want_y - height / 2) / CELL)
        spot = _nearest_free(free, cols, rows, want_col, want_row)
        if spot is None:
            if give_up:
                return None
            continue
        col, row = spot
        taken = ~(((1 << cols) - 1) << col)
        for r in range(row, row + rows):
            free[r] &= taken
        # The box is the word's own (gaps are to its right and below it, inside the cells
        # it took), and within the cloud: its cells are.
        placed.append(
            Placed(shape.key, size, col * CELL, row * CELL, min(width, cols * CELL), height)
        )
    return tuple(placed)


def _nearest_free(
    free: list[int], cols: int, rows: int, want_col: int, want_row: int
) -> tuple[int, int] | None:
    """The top-left cell of the free `cols` × `rows` block nearest (want_col, want_row),
    or None. Nearest in box units, vertical distances weighted by the box's aspect (the
    cloud grows as an oval that fills the box); ties go to the upper, then the left."""
    want_col = min(max(want_col, 0), _COLS - cols)
    want_row = min(max(want_row, 0), _ROWS - rows)
    runs = [_run_starts(row, cols) for row in free]  # bit c: cells c … c+cols-1 free
    fits = _run_starts_down(runs, rows)  # fits[r] bit c: the block at (c, r) is free
    best: tuple[float, int, int] | None = None
    for step in range(2 * _ROWS):
        row = want_row + (step + 1) // 2 * (1 if step % 2 else -1)  # 0, +1, -1, +2, …
        dy = (row - want_row) * _ASPECT
        if best is not None and dy * dy > best[0]:
            break  # every row further away is worse than what was found
        if not 0 <= row < len(fits) or not fits[row]:
            continue
        col = _nearest_bit(fits[row], want_col)
        cost = (col - want_col) ** 2 + dy * dy
        if best is None or (cost, row, col) < best:
            best = (cost, row, col)
    return None if best is None else (best[2], best[1])


def _run_starts(bits: int, length: int) -> int:
    """Bit c set where bits c … c+length-1 all are."""
    span = 1
    while span * 2 <= length:
        bits &= bits >> span
        span *= 2
    if span < length:
        bits &= bits >> (length - span)
    return bits


def _run_starts_down(rows: list[int], length: int) -> list[int]:
    """`_run_starts` across rows: entry r is the AND of rows r … r+length-1 (the list is
    length-1 shorter)."""
    span = 1
    while span * 2 <= length:
        rows = [a & b for a, b in zip(rows, rows[span:], strict=False)]
        span *= 2
    if span < length:
        rows = [a & b for a, b in zip(rows, rows[length - span :], strict=False)]
    return rows


def _nearest_bit(bits: int, want: int) -> int:
    """The set bit of `bits` (not 0) nearest bit `want`; the lower on a tie."""
    above = bits >> want
    right = want + ((above & -above).bit_length() - 1) if above else None
    below = bits & ((1 << want) - 1)
    left = below.bit_length() - 1 if below else None
    if right is None:
        assert left is not None
        return left
    if left is None or right - want < want - left:
        return right
    return left
