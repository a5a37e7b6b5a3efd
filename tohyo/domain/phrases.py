"""Where Japanese text may break across lines: between phrases (文節), as BudouX finds
them, so "投票ありがとうございました！" breaks as 投票 | ありがとう | ございました！ and never
as "投票ありがとうございまし / た！". The pictures wrap at these boundaries; the Japanese UI
strings carry them as zero-width spaces for browsers that cannot find them themselves.

BudouX (Google's, a small model shipped in the package, no dictionary) is loaded once, on
first use; each text's phrases are cached, as the same prompts and labels are laid out
again on every picture of a question."""

from __future__ import annotations

from functools import cache, lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from budoux import Parser

ZWSP = "\u200b"  # ZERO WIDTH SPACE: a line may break here, and nothing is drawn
_CACHED_TEXTS = 4096  # prompts, choices and labels of the questions pictured lately


def japanese(ch: str) -> bool:
    """A character of CJK scripts and their punctuation (kana, kanji, full-width forms)."""
    return ord(ch) >= 0x2E80 and not 0xD800 <= ord(ch) <= 0xDFFF


@cache
def _parser() -> Parser:
    import budoux  # the model loads at import: only once a Japanese text needs it

    return budoux.load_default_japanese_parser()


@lru_cache(maxsize=_CACHED_TEXTS)
def phrases(text: str) -> tuple[str, ...]:
    """`text` cut into phrases: joined, they are `text` again. A boundary is kept only
    where a Japanese character is on one side of it, so Latin words, numbers and URLs
    stay whole (they break at spaces, as everywhere). Text without Japanese is one phrase."""
    if not any(japanese(ch) for ch in text):
        return (text,) if text else ()
    out: list[str] = []
    for chunk in _parser().parse(text):
        lone = out and (_alone(out[-1]) or _alone(chunk))
        if lone or (out and not (japanese(out[-1][-1]) or japanese(chunk[0]))):
            out[-1] += chunk
        else:
            out.append(chunk)
    return tuple(out)


def _alone(phrase: str) -> bool:
    """A phrase of one character: out of context, BudouX cuts short words wrongly (単 |
    一選択, 全画 | 面, 下 | 書き), and a lone character is never worth a line of its own."""
    return len(phrase.strip()) <= 1


def boundaries(text: str) -> list[int]:
    """The offsets in `text` where one phrase ends and the next begins."""
    offsets, at = [], 0
    for phrase in phrases(text)[:-1]:
        at += len(phrase)
        offsets.append(at)
    return offsets


def marked(text: str, mark: str = ZWSP) -> str:
    """`text` with `mark` between its phrases, for a browser to break at — except inside
    a `{placeholder}` (filled in later: it must stay one name), next to a space or a line
    break (already a break), and next to a mark already there."""
    cuts = set(boundaries(text))
    if not cuts:
        return text
    depth = 0
    inside: set[int] = set()  # offsets strictly inside {…}
    for i, ch in enumerate(text):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(0, depth - 1)
        elif depth:
            inside.add(i)
        if depth:
            inside.add(i + 1)
    out, last = [], 0
    for cut in sorted(cuts):
        before, after = text[cut - 1], text[cut]
        if cut in inside or before.isspace() or after.isspace() or mark in (before, after):
            continue
        out += [text[last:cut], mark]
        last = cut
    out.append(text[last:])
    return "".join(out)
