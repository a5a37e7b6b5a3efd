"""Where a word cloud's words go: pure, deterministic, stable, and fast enough to run at
every update of a hall's tally.

The cloud is drawn in a 1000×600 box (`BOX_WIDTH`, `BOX_HEIGHT`; pages and pictures scale
it). Each word gets a font `size` and a box (`x`, `y` its top-left, `width`, `height`):
boxes never overlap and never leave the cloud's box. A drawer writes the word at
font-size `size`, centred in its box (`text-anchor: middle`, `dominant-baseline:
central`) and stretched to the box's width exactly (SVG `textLength`), so the width
estimated here without fonts (`text_em`) only affects the looks, never the fit.

Sizes come in a few classes (`size_class`: powers of two below the biggest count), so most
count changes change no size; given the class a word had at the last update, a class
changes only once the count is well past the boundary (`HYSTERESIS`), so a count that
hovers around a boundary does not flip a word's size at every answer. The layout depends
on each word's key, text and class only — never on the counts themselves — and on the
previous layout.

Stable positions: the layout is incremental. Given the previous layout of the same cloud
(`layout(words, previous)`), a word already placed keeps its centre whenever it still
fits there: a word that kept its size or shrank always does (its cells lie inside the
cells it had, which no other such word had), a word that grew does unless it grew into a
neighbour. Only new words and words that grew into a neighbour look for a spot: the free
spot nearest their previous centre, and for a new word the free spot nearest its
preferred one, from a hash of its key (near the centre, the big words nearer). So a new
word never moves another, and an answer moves at most the word it made bigger. When the
words do not all fit, every size is scaled down one step (`SCALES`); the centres stay, so
that moves nothing either. The scale never grows back while there is a previous layout
(that would move words into each other); a fresh layout (no previous: a new process)
takes the largest scale that fits. Words that do not fit even at the smallest scale are
left out of the cloud (they stay in the results' list).

Without a previous layout, words are placed in a fixed order (size class, biggest first,
then the key's hash), each on the free spot nearest its preferred one. Everything is
pure and deterministic given (words, previous), and memoized on them.

Occupancy is a grid of `CELL`-unit cells, one Python int per row (bit c set: cell c
free), so finding every free spot a box fits in is a few big-integer operations per row
rather than a test per cell: a row's runs of `w` free cells by shifting and AND-ing the row
with itself, then `h` consecutive rows the same way down the rows.
"""

from __future__ import annotations

import hashlib
import math
import unicodedata
from collections.abc import Iterable, Sequence
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
# A class changes once the count is this many halvings past the class's boundary: half a
# halving, a factor of √2 (a word in the top class at 100 stays there down to 36).
HYSTERESIS = 0.5

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
    scale_step: int  # the index in SCALES of the scale the cloud was laid out at

    @property
    def centre(self) -> tuple[float, float]:
        return (self.x + self.width / 2, self.y + self.height / 2)


def size_class(count: int, biggest: int, before: int | None = None) -> int:
    """0 (smallest) … SIZE_CLASSES - 1 (the biggest count's): one class down for every
    halving below the biggest count, so a class boundary sits at biggest/2, /4, … The
    class the word had `before` (at the last update) is kept while the count is within
    `HYSTERESIS` halvings of that class's range."""
    top = SIZE_CLASSES - 1
    if count >= biggest or biggest <= 1:
        return top
    halvings = math.log2(biggest / max(count, 1))
    plain = max(0, top - math.floor(halvings))
    if before is None or not 0 <= before <= top:
        return plain
    # Class c covers [top - c, top - c + 1) halvings (class 0: everything beyond).
    low = top - before - HYSTERESIS
    high = math.inf if before == 0 else top - before + 1 + HYSTERESIS
    return before if low <= halvings < high else plain


def layout(words: Sequence[Word], previous: Iterable[Placed] = ()) -> tuple[Placed, ...]:
    """The placed words (those that fit) of at most CLOUD_MAX `words`, in the order of
    `words` (duplicated keys: the first), given the `previous` layout of the same cloud
    (the boxes of the last update; none: laid out afresh). The same words and previous
    boxes, in any order, give the same layout; it is memoized on them."""
    unique: dict[str, Word] = {}
    for word in words[:CLOUD_MAX]:
        unique.setdefault(word.key, word)
    before = tuple(sorted((p for p in previous if p.key in unique), key=_by_placed_key))
    placed = {p.key: p for p in _layout(tuple(sorted(unique.values(), key=_by_key)), before)}
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


def _by_placed_key(placed: Placed) -> str:
    return placed.key


@lru_cache(maxsize=32)  # the host's view and every phone's share one layout per change
def _layout(words: tuple[Word, ...], before: tuple[Placed, ...]) -> tuple[Placed, ...]:
    shapes = sorted((_Shape.of(w) for w in words), key=_Shape.order)
    if not shapes:
        return ()
    demand = sum(s.area for s in shapes) / (BOX_WIDTH * BOX_HEIGHT * FILL)
    first = 0
    while first < len(SCALES) - 1 and SCALES[first] ** 2 * demand > 1:
        first += 1  # too much to fit by far: no need to try
    if before:
        # Never bigger than the last time: growing every word would move them apart.
        first = max(first, min(max(p.scale_step for p in before), len(SCALES) - 1))
    previous = {p.key: p for p in before}
    for step in range(first, len(SCALES) - 1):
        done = _place(shapes, step, previous, give_up=True)
        if done is not None:
            return done
    placed = _place(shapes, len(SCALES) - 1, previous, give_up=False)
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


@dataclass(frozen=True, slots=True)
class _Block:
    """A word's box at one scale and the cells it takes: the box's own, then the gap to
    its right and below it."""

    size: int
    width: int  # the box's, within the cells
    height: int
    cols: int
    rows: int

    @staticmethod
    def of(shape: _Shape, step: int) -> _Block:
        size = shape.size(SCALES[step])
        width = math.ceil(shape.em * size)
        height = math.ceil(LINE_HEIGHT * size)
        gap = GAP_EM * size
        cols = min(_COLS, math.ceil((width + gap) / CELL))
        rows = min(_ROWS, math.ceil((height + gap) / CELL))
        return _Block(size, min(width, cols * CELL), height, cols, rows)

    @staticmethod
    def taken_by(placed: Placed) -> tuple[int, int, int, int]:
        """The cells (col, row, cols, rows) a placed word took."""
        gap = GAP_EM * placed.size
        cols = min(_COLS, math.ceil((placed.width + gap) / CELL))
        rows = min(_ROWS, math.ceil((placed.height + gap) / CELL))
        return placed.x // CELL, placed.y // CELL, cols, rows

    def around(self, centre: tuple[float, float]) -> tuple[int, int]:
        """The top-left cell that puts the box's centre nearest `centre`."""
        return (
            round((centre[0] - self.width / 2) / CELL),
            round((centre[1] - self.height / 2) / CELL),
        )


def _place(
    shapes: list[_Shape], step: int, previous: dict[str, Placed], *, give_up: bool
) -> tuple[Placed, ...] | None:
    """Every shape at scale `step`: a word of the `previous` layout at its centre if it
    still fits there (those that did not grow first: they always do), then the others on
    the free spot nearest their previous centre, then the new words on the free spot
    nearest their preferred one, each group biggest first. None as soon as one does not
    fit when `give_up`, else those that fit."""
    free = [_FULL_ROW] * _ROWS
    placed: list[Placed] = []
    blocks = {shape.key: _Block.of(shape, step) for shape in shapes}

    def take(shape: _Shape, col: int, row: int) -> None:
        block = blocks[shape.key]
        taken = ~(((1 << block.cols) - 1) << col)
        for r in range(row, row + block.rows):
            free[r] &= taken
        # The box is the word's own (gaps are to its right and below it, inside the cells
        # it took), and within the cloud: its cells are.
        placed.append(
            Placed(shape.key, block.size, col * CELL, row * CELL, block.width, block.height, step)
        )

    kept: list[tuple[_Shape, int, int]] = []
    grown: list[tuple[_Shape, int, int]] = []
    for shape in shapes:
        old = previous.get(shape.key)
        if old is None:
            continue
        block = blocks[shape.key]
        col, row = block.around(old.centre)
        old_col, old_row, old_cols, old_rows = _Block.taken_by(old)
        if block.cols <= old_cols and block.rows <= old_rows:
            # Inside its old cells, which no other word that did not grow takes.
            col = min(max(col, old_col), old_col + old_cols - block.cols)
            row = min(max(row, old_row), old_row + old_rows - block.rows)
            kept.append((shape, col, row))
        else:
            grown.append((shape, col, row))
    moving: list[_Shape] = []
    for shape, col, row in kept + grown:
        block = blocks[shape.key]
        col = min(max(col, 0), _COLS - block.cols)
        row = min(max(row, 0), _ROWS - block.rows)
        if _is_free(free, col, row, block.cols, block.rows):
            take(shape, col, row)
        else:
            moving.append(shape)
    moving.sort(key=_Shape.order)
    arriving = [shape for shape in shapes if shape.key not in previous]
    for shape in moving + arriving:
        block = blocks[shape.key]
        old = previous.get(shape.key)
        if old is not None:
            want_col, want_row = block.around(old.centre)
        else:
            want_col = round((shape.want_x - block.width / 2) / CELL)
            want_row = round((shape.want_y - block.height / 2) / CELL)
        spot = _nearest_free(free, block.cols, block.rows, want_col, want_row)
        if spot is None:
            if give_up:
                return None
            continue
        take(shape, *spot)
    return tuple(placed)


def _is_free(free: list[int], col: int, row: int, cols: int, rows: int) -> bool:
    mask = ((1 << cols) - 1) << col
    return all(free[r] & mask == mask for r in range(row, row + rows))


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
