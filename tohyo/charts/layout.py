"""One layout for both painters: the title (the question), the status line (ballots,
open or closed, when), and the chart, every choice with its count and percentage in the
host view's colors. Text is measured with the PNG's font, so the SVG wraps where the PNG
does; it is laid out as `displayable`, whatever a session stored before the text rule."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal, NamedTuple

from tohyo import domain, palette
from tohyo.charts.fonts import Font, font
from tohyo.domain import Session
from tohyo.domain.phrases import japanese, phrases
from tohyo.domain.text import displayable

ChartKind = Literal["bar", "pie"]
CHARTS: tuple[ChartKind, ...] = ("bar", "pie")
SIZE_DEFAULT = (1280, 720)  # what a 16:9 slide or a projector shows
WIDTH_RANGE = (320, 3840)
HEIGHT_RANGE = (240, 2160)

INK = "#111111"
MUTED = "#555555"
TRACK = "#ffffff"
EDGE = "#767676"
PAPER = "#ffffff"

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "ballot": "{n} ballot",
        "ballots": "{n} ballots",
        "active": "Voting open",
        "closed": "Voting closed",
        "as_of": "Results as of {time}",
        "pie_note": "Slices: share of all selections (several choices per ballot)",
        "no_votes": "No votes yet",
    },
    "ja": {
        "ballot": "{n}票",
        "ballots": "{n}票",
        "active": "投票受付中",
        "closed": "投票終了",
        "as_of": "{time}時点の結果",
        "pie_note": "各部分：すべての選択に占める割合（複数選択）",
        "no_votes": "まだ投票はありません",
    },
}
LANGUAGES = tuple(WORDS)


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # baseline
    text: str
    size: int
    weight: str = "regular"
    color: str = INK
    anchor: Literal["start", "middle", "end"] = "start"
    # The width the text is stretched or squeezed to fill exactly, or None for its own: a
    # word cloud's word fills the box the live layout gave it, whatever the font's metrics.
    fit: float | None = None


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float
    color: str
    edge: str | None = None


@dataclass(frozen=True)
class Wedge:
    cx: float
    cy: float
    r: float
    start: float  # degrees clockwise from 12 o'clock
    end: float
    color: str


@dataclass
class Picture:
    width: int
    height: int
    shapes: list[Text | Box | Wedge] = field(default_factory=list)
    title: str = ""


class Titled(NamedTuple):
    pic: Picture
    unit: float  # the scale: 1 at 1280×720
    margin: int
    y: float  # the baseline of the title's last line


def titled(title: str, width: int, height: int) -> Titled:
    """A picture of `width`×`height` headed by `title` (displayable text): bold, up to
    three lines within the margins; what follows is laid out below `y` at the same scale.
    Every picture, a choice chart or a typed question's, is headed alike."""
    pic = Picture(width, height, title=title)
    unit = min(width / 1280, height / 720)
    margin = round(40 * unit)
    title_size = max(14, round(40 * unit))
    y = float(margin)
    for line in wrap(title, title_size, "bold", width - 2 * margin, 3):
        y += title_size * 1.25
        pic.shapes.append(Text(margin, y, line, title_size, "bold"))
    return Titled(pic, unit, margin, y)


def layout(
    session: Session, kind: ChartKind, lang: str, width: int, height: int, now: int
) -> Picture:
    d, s = session.definition, session.state
    words = WORDS[lang]
    # Text as a session may hold it from before the text rule (line breaks, NUL, U+FFFF):
    # Pillow's layout fails on a line break and XML 1.0 cannot hold C0 controls.
    pic, unit, margin, y = titled(displayable(d.question), width, height)
    inner = width - 2 * margin

    # Status line: ballots · open/closed · when.
    info_size = max(11, round(22 * unit))
    stamp = datetime.fromtimestamp(now / 1000, tz=UTC)
    when = stamp.strftime("%Y年%m月%d日 %H:%M UTC" if lang == "ja" else "%Y-%m-%d %H:%M UTC")
    ballots = words["ballot" if s.total_votes == 1 else "ballots"].format(n=f"{s.total_votes:,}")
    status = words["active" if s.status == "active" else "closed"]
    y += info_size * 1.8
    info = f"{ballots}  ·  {status}  ·  {words['as_of'].format(time=when)}"
    pic.shapes.append(Text(margin, y, info, info_size, color=MUTED))

    top = y + info_size * 1.4
    bottom = height - margin
    rows = [
        (
            displayable(c.text),
            n,
            domain.percentage(n, s.total_votes),
            palette.COLORS[i % len(palette.COLORS)],
        )
        for i, (c, n) in enumerate(zip(d.choices, s.counts, strict=True))
    ]
    if kind == "bar":
        _bars(pic, rows, s.total_votes, margin, top, inner, bottom - top, unit)
    else:
        note = words["pie_note"] if d.vote_type == "multiple" else None
        _pie(pic, rows, margin, top, inner, bottom - top, unit, note, words["no_votes"])
    return pic


def _value(count: int, pct: float) -> str:
    return f"{count:,} ({pct:g}%)"


def _bars(
    pic: Picture,
    rows: list[tuple[str, int, float, str]],
    ballots: int,
    left: float,
    top: float,
    width: float,
    height: float,
    unit: float,
) -> None:
    n = len(rows)
    row_h = min(height / n, 96 * unit)
    size = max(11, min(round(26 * unit), round(row_h * 0.42)))
    # On a small picture the text is larger than the scale would make it (11 px at
    # least): rows grow, where there is room, to hold a two-line label of that size.
    row_h = min(height / n, max(row_h, size * 2.6))
    label_w = width * 0.3
    value_w = max(font(size, "bold").getlength(_value(c, p)) for _, c, p, _ in rows) + 12 * unit
    track_x = left + label_w + 16 * unit
    track_w = max(10.0, width - label_w - 16 * unit - value_w - 12 * unit)
    # A full track is every ballot (for multiple choice, every voter: a ballot is one
    # voter's, however many choices it marks), never the leading choice: 34.5 % fills
    # about a third of its track, and nothing is filled before the first ballot.
    for i, (text, count, pct, color) in enumerate(rows):
        y = top + i * row_h
        bar_h = row_h * 0.62
        bar_y = y + (row_h - bar_h) / 2
        lines = wrap(text, size, "regular", label_w, 2)
        line_h = size * 1.2
        first = y + row_h / 2 - (len(lines) * line_h) / 2 + size * 0.95
        for k, line in enumerate(lines):
            pic.shapes.append(Text(left, first + k * line_h, line, size))
        pic.shapes.append(Box(track_x, bar_y, track_w, bar_h, TRACK, EDGE))
        if count and ballots:
            filled = track_w * min(1.0, count / ballots)
            pic.shapes.append(Box(track_x, bar_y, filled, bar_h, color))
        baseline = y + row_h / 2 + size * 0.35
        pic.shapes.append(
            Text(left + width, baseline, _value(count, pct), size, "bold", anchor="end")
        )


def _pie(
    pic: Picture,
    rows: list[tuple[str, int, float, str]],
    left: float,
    top: float,
    width: float,
    height: float,
    unit: float,
    note: str | None,
    empty: str,
) -> None:
    r = min(height, width * 0.45) / 2 * 0.96
    cx, cy = left + width * 0.25, top + height / 2
    whole = sum(c for _, c, _, _ in rows)
    angle = 0.0
    if whole == 0:
        pic.shapes.append(Wedge(cx, cy, r, 0, 360, "#e5e7eb"))
    for _, count, _, color in rows:
        if count:
            sweep = 360 * count / whole
            pic.shapes.append(Wedge(cx, cy, r, angle, angle + sweep, color))
            angle += sweep
    # The legend: swatch, text, count and percentage (of ballots, as on the host view).
    legend_x = left + width * 0.52
    legend_w = width * 0.48
    n = len(rows)
    size = max(11, min(round(24 * unit), round(height / (n * 1.9))))
    line_h = size * 1.6
    y = cy - (n * line_h) / 2 + size
    for text, count, pct, color in rows:
        pic.shapes.append(Box(legend_x, y - size * 0.85, size, size, color))
        label = wrap(text, size, "regular", legend_w * 0.62, 1)[0]
        pic.shapes.append(Text(legend_x + size * 1.5, y, label, size))
        pic.shapes.append(Text(left + width, y, _value(count, pct), size, "bold", anchor="end"))
        y += line_h
    if note:
        small = max(10, round(size * 0.75))
        pic.shapes.append(Text(legend_x, y + small, note, small, color=MUTED))
    if whole == 0:
        pic.shapes.append(Text(legend_x, y + size * 1.5, empty, size, color=MUTED))


def wrap(text: str, size: int, weight: str, width: float, max_lines: int) -> list[str]:
    """Greedy wrap by measured width, at spaces and between Japanese phrases (BudouX's:
    "投票 | ありがとう | ございました！", never "ございまし / た！"), a phrase wider than the line
    between its characters (never before a closing mark like 。 or ）, nor after an
    opening one), and at each line break ("\n", as open-text answers hold them); the last
    line ends with an ellipsis when text is left over."""
    f = font(size, weight)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        if not paragraph.strip() and (not lines or not lines[-1]):
            continue  # blank lines: one at most between paragraphs, none first
        lines += _wrap_paragraph(paragraph, f, width)
        if len(lines) > max_lines:
            break
    if len(lines) > max_lines:
        kept = lines[:max_lines]
        while len(kept) > 1 and not kept[-1]:
            kept.pop()
        last = kept[-1]
        while last and f.getlength(last + "…") > width:
            last = last[:-1]
        kept[-1] = last.rstrip() + "…"
        return kept
    while len(lines) > 1 and not lines[-1]:
        lines.pop()
    return lines or [""]


def _wrap_paragraph(text: str, f: Font, width: float) -> list[str]:
    lines: list[str] = []
    current = ""
    for token, fresh in _pieces(text, f, width):
        candidate = current + token
        if current and (fresh or f.getlength(candidate) > width):
            lines.append(current.rstrip())
            current = token.lstrip()
        else:
            current = candidate
        while f.getlength(current) > width and len(current) > 1:  # one very long word
            cut = len(current) - 1
            while cut > 1 and f.getlength(current[:cut]) > width:
                cut -= 1
            lines.append(current[:cut])
            current = current[cut:]
    return [*lines, current.rstrip()] if current.strip() or not lines else lines


def _pieces(text: str, f: Font, width: float) -> list[tuple[str, bool]]:
    """The tokens of `text`, each with whether it must start a line: a Japanese phrase
    wider than the line comes as its characters, the first on a line of its own, as a
    browser's `overflow-wrap: anywhere` breaks a phrase only where nothing else fits."""
    out: list[tuple[str, bool]] = []
    for token in _tokens(text):
        if f.getlength(token.rstrip()) > width and any(japanese(ch) for ch in token):
            out += [(piece, k == 0) for k, piece in enumerate(_characters(token))]
        else:
            out.append((token, False))
    return out


# Japanese line breaking (kinsoku): a line never starts with a closing mark or ends with an
# opening one, so they stay with the character they belong to.
_NO_LINE_START = frozenset(
    "、。，．・：；？！ー）」』】〕〉》］｝ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮ…‥,.!?:;)]}"
)
_NO_LINE_END = frozenset("（「『【〔〈《［｛([{")


def _tokens(text: str) -> list[str]:
    """The pieces a line may break between: Japanese phrases, and within them words with
    the spaces after them; a piece that would start with a closing mark, or follow an
    opening one, joins the piece before it."""
    tokens: list[str] = []
    for phrase in phrases(text):
        for word in _words(phrase):
            if tokens and (word[0] in _NO_LINE_START or tokens[-1][-1] in _NO_LINE_END):
                tokens[-1] += word
            else:
                tokens.append(word)
    return tokens


def _words(text: str) -> list[str]:
    """`text` cut after each space: "a b" is "a ", "b"."""
    words: list[str] = []
    word = ""
    for ch in text:
        word += ch
        if ch == " ":
            words.append(word)
            word = ""
    return [*words, word] if word else words


def _characters(text: str) -> list[str]:
    """The pieces of a phrase too wide for a line: words with the space after them, and
    single CJK characters (with the closing marks after them, and the opening marks
    before)."""
    tokens: list[str] = []
    word = ""
    for ch in text:
        if ch in _NO_LINE_START and not word and tokens:
            tokens[-1] += ch
        elif ch == " ":
            tokens.append(word + " ")
            word = ""
        elif japanese(ch) and ch not in _NO_LINE_START:
            if word and word[-1] not in _NO_LINE_END:
                tokens.append(word)
                word = ""
            word += ch
            if ch not in _NO_LINE_END:  # a line may break after it
                tokens.append(word)
                word = ""
        else:
            word += ch
    if word:
        tokens.append(word)
    return tokens
