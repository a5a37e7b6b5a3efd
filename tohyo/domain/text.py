"""What text a question or a choice may hold: one line of printable Unicode.

Leading and trailing white space is trimmed first (`str.strip`), so a pasted
"Lunch?\\n" is "Lunch?". After trimming, a question is 1-255 characters and a choice
1-100, and neither may contain:

- control characters (Unicode's Cc: the C0 controls with NUL, tab, line feed and
  carriage return; DEL; the C1 controls such as NEL, U+0085). A question is one line of
  a slide, a button or a table cell, and a tab or line break shows differently in each
  (pages collapse it, the PNG's text layout fails on it, CSV keeps it). XML 1.0, which
  the SVG export is, cannot hold C0 controls at all, not even escaped;
- the line and paragraph separators U+2028 and U+2029: line breaks by other names;
- lone surrogates (U+D800-U+DFFF): halves of a pair, not characters; UTF-8 (every
  store) cannot encode them;
- the 66 noncharacters (U+FDD0-U+FDEF and the last two code points of every plane,
  U+FFFE, U+FFFF … U+10FFFF): Unicode keeps them for a program's own use, never for
  interchange, and XML forbids U+FFFE and U+FFFF.

Everything else is allowed: format characters (the joiners inside emoji, the
direction marks of Arabic or Hebrew text), private-use characters, and code points
unassigned today, which a later Unicode version may assign.

Sessions stored before this rule may hold any text; `displayable` makes such text safe
to lay out and to write as XML.
"""

from __future__ import annotations

import re

QUESTION_MAX = 255
CHOICE_TEXT_MAX = 100

_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
)
# Written as code points (no literal controls in the source); the surrogate range works
# because Python strings, unlike UTF-8, can hold a lone surrogate. `str.isprintable()`
# holds for none of them, so it is a fast path for most text (it is False for some allowed
# characters too: white space other than " ", format characters, unassigned ones).
_REFUSED = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff{_NONCHARACTERS}]")
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


def trim(text: str) -> str:
    return text.strip()


def refusal(text: str, limit: int) -> str | None:
    """Why trimmed `text` is not a valid question or choice of at most `limit`
    characters, or None when it is."""
    if not 1 <= len(text) <= limit:
        return f"must be 1-{limit} characters"
    found = None if text.isprintable() else _REFUSED.search(text)
    if found is None:
        return None
    char = found.group()
    where = f"U+{ord(char):04X}, character {found.start() + 1}"
    return f"must be one line of text: {_kind(char)} ({where}) is not allowed"


def displayable(text: str) -> str:
    """`text` with every character the rule refuses replaced by a space: safe to lay
    out and to write as XML 1.0, whatever a store holds from before the rule. A space,
    not U+FFFD: none of them has a picture of its own (and the CJK fonts have no U+FFFD
    glyph), while a space keeps the words on either side apart."""
    return text if text.isprintable() else _REFUSED.sub(" ", text)


def _kind(char: str) -> str:
    if char in _LINE_BREAKS:
        return "a line break"
    if char == "\t":
        return "a tab"
    if "\ud800" <= char <= "\udfff":
        return "a lone surrogate"
    if ord(char) < 0xA0:
        return "a control character"
    return "a noncharacter"
