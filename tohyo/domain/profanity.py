"""The optional English profanity filter of an event (`profanityFilter: true`).

The words are glin-profanity's English list (MIT; a kept, pure-Python package whose one
dependency is typing-extensions): about 400 words and phrases, with the spellings people
use to dodge a filter that the list itself names ("sh1t", "f*ck"). They are matched here,
as the event's banned words are (`domain.text_keys`): on the entry's key — NFKC, case
folded, white space collapsed — and on whole words only, so "class", "assess",
"Scunthorpe" and "cocktail" pass while "ass" and "you ass" are caught.

Why the list and not the library's own matcher: its pipeline (leetspeak, separators,
stretched letters, Unicode folding of its own) took 50-130 µs for one short entry and
2-4 ms for a 500-character card, on the server's event loop, for every answer; matching
the list with one compiled pattern takes about 1 µs and 80 µs. What that gives up is
guessing: a spelling the list does not name ("f u c k", "fuuuck") passes. And like any
word list it cannot read context: "pussy willow" and "the cock crowed" are caught. A
host who needs more adds banned words; one who is caught out hides the entry.

The list loads on first use (a server whose events never turn the filter on never
imports the package); `require_available` loads it when a host turns the filter on, so
a broken install is a clear refusal then, not an error at the first answer.
"""

from __future__ import annotations

import re
from functools import lru_cache

from tohyo.errors import InvalidState

# Fewer words than this means the list did not load (glin-profanity prints a warning and
# returns an empty list when its data file is missing): an empty filter would pretend.
_WORDS_MIN = 100


def profane(key: str) -> bool:
    """Whether an entry's key (`text_keys.entry_key`'s) holds a word of the list."""
    return _pattern().search(key) is not None


def require_available() -> None:
    """Load the list, or refuse to turn the filter on (InvalidState, 409) with the reason."""
    try:
        _pattern()
    except (ImportError, ValueError) as error:
        raise InvalidState(
            "The profanity filter is not available on this server: " + str(error)
        ) from None


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    from tohyo.domain.text_keys import entry_key

    try:
        from glin_profanity.data.dictionary import dictionary  # type: ignore[import-untyped]
    except ImportError:
        raise ImportError("the glin-profanity package is not installed") from None
    words = {entry_key(word) for word in dictionary.get_words("english")}
    words.discard("")
    if len(words) < _WORDS_MIN:
        raise ValueError("glin-profanity's English word list did not load")
    # Longest first, so a phrase is tried before a word it starts with.
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")
