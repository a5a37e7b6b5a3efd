"""The key a typed entry is grouped, moderated and filtered by.

People type the same word many ways: "Kyoto", "kyoto ", "ＫＹＯＴＯ", "Ｋｙｏｔｏ", a "café"
with a combining accent or without, half-width "ｷｮｳﾄ" for "キョウト". `entry_key` makes
them one key: Unicode NFKC (full- and half-width forms, composed accents), case folded,
trimmed, inner white space collapsed to one space. A Japanese entry stays one phrase: it
is never split into characters or morphemes, so "東京タワー" is one key, not 東京 and タワー.

`caught` is what the event's filters say of an entry: a banned word (normalised the same
way) matches a whole word of the key — "ass" catches "ass" and "you ass" but not "class" —
or, for a banned word in a script written without spaces (Japanese, Chinese), anywhere
in it. The optional profanity filter is `tohyo.domain.profanity`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: the question types import this module
    from tohyo.domain.questions.base import Filters


# Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt): characters that
# draw nothing — zero-width spaces and joiners, the soft hyphen, the byte-order mark,
# variation selectors, bidi controls, Hangul fillers, tags. Left in a key, "ca\u200bt"
# would be a second "cat" (one person counting a word many times in one answer, and a
# way round banned words and the host's Hide). The braille blank U+2800 draws nothing
# either. The spelling shown keeps them; only the key drops them — but for the zero-width
# joiner between two emoji, which makes them one ("👨‍👩‍👧" is a family, not three people).
INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b\u200c\u200e\u200f"
    "\u202a-\u202e\u2060-\u206f\u2800\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)


@lru_cache(maxsize=65_536)  # results read every entry's key at every update
def entry_key(text: str) -> str:
    """The key `text` is grouped, moderated and filtered by (see above); a key is its own
    key. "" for text that draws nothing (only white space and invisible characters)."""
    # NFKC before folding (a full-width letter folds once it is plain) and after (folding
    # can undo composition: "ǰ" folds to j + a combining caron).
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    seen = INVISIBLE.sub("", folded)
    if JOINER in seen:
        seen = _EMOJI_JOINS.sub(_join_emoji_only, seen)
    return " ".join(seen.split())


JOINER = "\u200d"
_EMOJI_JOINS = re.compile(f"(.?){JOINER}(?=(.?))", re.DOTALL)


def _join_emoji_only(match: re.Match[str]) -> str:
    """A joiner stays between two symbols (emoji, and a skin tone before it), else goes."""
    before, after = match.group(1), match.group(2)
    keep = (
        before
        and after
        and unicodedata.category(before) in ("So", "Sk")
        and unicodedata.category(after) == "So"
    )
    return before + (JOINER if keep else "")


def caught(text: str, filters: Filters) -> bool:
    """Whether an entry (its key, or text that is normalised here) is caught."""
    test = catcher(filters)
    return test is not None and test(entry_key(text))


def catcher(filters: Filters) -> Callable[[str], bool] | None:
    """What `caught` says of a *key* (already `entry_key`'s), as one function to call for
    many keys — every entry of a cloud's results, at every update — or None when the
    filters catch nothing, so a caller can skip the test altogether. The function
    remembers its answers: a hall's keys are mostly the same from update to update, and
    matching a key against a few hundred banned words takes microseconds each time."""
    if not filters.banned and not filters.profanity:
        return None
    return _memoized_catcher(filters)


_REMEMBERED_KEYS = 20_000  # per set of filters; then it starts afresh


@lru_cache(maxsize=8)  # an event's filters are the same from change to change
def _memoized_catcher(filters: Filters) -> Callable[[str], bool]:
    checks: list[Callable[[str], bool]] = []
    if filters.banned:
        search = _banned_pattern(filters.banned).search
        checks.append(lambda key: search(key) is not None)
    if filters.profanity:
        from tohyo.domain.profanity import profane  # its word list loads only when used

        checks.append(profane)
    known: dict[str, bool] = {}

    def test(key: str) -> bool:
        answer = known.get(key)
        if answer is None:
            if len(known) >= _REMEMBERED_KEYS:
                known.clear()
            answer = known[key] = any(check(key) for check in checks)
        return answer

    return test


def _unspaced(word: str) -> bool:
    """Whether `word` is in a script written without spaces between words."""
    return any(unicodedata.east_asian_width(ch) in ("W", "F") and not ch.isascii() for ch in word)


@lru_cache(maxsize=64)  # an event's list is the same object from change to change
def _banned_pattern(banned: tuple[str, ...]) -> re.Pattern[str]:
    parts = []
    for word in banned:
        escaped = re.escape(entry_key(word))
        if not escaped:
            continue
        parts.append(escaped if _unspaced(word) else rf"(?<!\w){escaped}(?!\w)")
    return re.compile("|".join(parts) or r"(?!)")
