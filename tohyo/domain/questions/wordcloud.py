"""Word clouds (`wordcloud`): each participant sends a few short entries; the room's
entries are grouped by key and drawn as a cloud sized by count.

An answer is `{entries: ["…", …]}`: 1 to `maxEntries` strings (the list as sent: a list
longer than `maxEntries` is refused even if some of it repeats, so a phone's form and the
server agree on what "at most 3" means), each trimmed, its inner runs of white space made
one space, then 1-40 characters of one line (`domain.text`'s rule). Entries with one key
(`domain.text_keys.entry_key`: "Kyoto", "ＫＹＯＴＯ", "kyoto") count once per answer, under
the first spelling sent. An entry the event's filters catch refuses the whole answer,
naming the entry, so the participant can change it; nothing of it counts.

The canonical answer is the list of spellings kept. Each spelling adds 1 to the counter
`key`, or `key + SEPARATOR + spelling` where the spelling is not its own key, so results
show each key under its most common spelling (ties: the spelling that sorts first).

Results leave out what a viewer may not see: keys the filters catch (a word banned after
it was sent) for everyone, keys the host hid for everyone but the host, who sees them in
the list flagged `hidden` (never in the cloud). Neither counts in `entryCount` or
`distinct`. The list is most common first (ties by text, then key): at most 50 entries
(host 200, an export all); the cloud lays out the first 60 shown ones
(`wordcloud_layout`).

So that words stay where they are between updates, each question's last cloud is
remembered in this process (`_Memory`): its layout, the words' size classes and the
spelling shown for each key. The next update lays the cloud out from that layout (a word
keeps its centre), keeps a word's class until its count is well past a boundary, and keeps
the spelling shown while it is still among the most common (a tie with another spelling
does not flip "Growth" to "GROWTH"; without a memory, ties go to the spelling that sorts
first in code points). A question is known by its config object, which an event carries
unchanged from version to version in a process; a new process starts afresh.
"""

from __future__ import annotations

import heapq
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tohyo.domain import text
from tohyo.domain.numbers import whole
from tohyo.domain.questions import wordcloud_layout as cloud_layout
from tohyo.domain.questions.base import (
    SEPARATOR,
    AnswerContext,
    Filters,
    Increments,
    ResultsContext,
    Tally,
)
from tohyo.domain.text_keys import catcher, entry_key
from tohyo.domain.validation import issue
from tohyo.errors import InvalidBallot

MAX_ENTRIES_DEFAULT = 3
MAX_ENTRIES_LIMIT = 10
ENTRY_MAX = 40
LIST_MAX = 50
HOST_LIST_MAX = 200

# White space between words, made one space; not the controls (a tab, a line break),
# which `text.refusal` refuses rather than have them pass as spaces.
_INNER_SPACE = re.compile(r"[^\S\x00-\x1f\x7f-\x9f\u2028\u2029]+")


@dataclass(frozen=True, slots=True)
class WordCloudConfig:
    max_entries: int = MAX_ENTRIES_DEFAULT


class WordCloudType:
    names: tuple[str, ...] = ("wordcloud",)
    sealed: tuple[str, ...] = ()

    def parse_config(
        self, type_name: str, spec: Mapping[str, Any], problems: list[dict[str, str]]
    ) -> WordCloudConfig:
        raw = spec.get("maxEntries", MAX_ENTRIES_DEFAULT)
        if not whole(raw) or not 1 <= raw <= MAX_ENTRIES_LIMIT:
            problems.append(
                issue("maxEntries", f"must be a whole number from 1 to {MAX_ENTRIES_LIMIT}")
            )
            return WordCloudConfig()
        return WordCloudConfig(raw)

    def config_view(self, config: WordCloudConfig) -> dict[str, Any]:
        return {"maxEntries": config.max_entries}

    def parse_answer(self, config: WordCloudConfig, body: Any, filters: Filters) -> list[str]:
        entries = body.get("entries") if isinstance(body, dict) else None
        if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
            raise InvalidBallot("entries must be a list of strings")
        if not entries:
            raise InvalidBallot("Send at least one entry")
        if len(entries) > config.max_entries:
            raise InvalidBallot(f"This question takes at most {config.max_entries} entries")
        caught = catcher(filters)
        kept: dict[str, str] = {}
        for index, raw in enumerate(entries):
            spelling = _INNER_SPACE.sub(" ", text.trim(raw))
            refused = text.refusal(spelling, ENTRY_MAX)
            key = entry_key(spelling) if refused is None else ""
            if refused is None and not key:
                refused = "must not be blank"
            if refused is not None:
                raise InvalidBallot(f"Entry {index + 1} {refused}", _naming(index, refused))
            if caught is not None and caught(key):
                message = "is not allowed in this event"
                raise InvalidBallot(f"Entry {index + 1} {message}", _naming(index, message))
            kept.setdefault(key, spelling)
        return list(kept.values())

    def increments(
        self, config: WordCloudConfig, answer: list[str], context: AnswerContext
    ) -> Increments:
        return tuple(_counter(spelling) for spelling in answer)

    def results(
        self, config: WordCloudConfig, tally: Tally, context: ResultsContext
    ) -> dict[str, Any]:
        before = _MEMORY.recall(config)
        shown, hidden = _rows(tally, context, before.texts)
        limit = None if context.full else HOST_LIST_MAX if context.host else LIST_MAX
        top = _most_common(shown, cloud_layout.CLOUD_MAX)
        biggest = -top[0][0] if top else 0
        classes = {
            key: cloud_layout.size_class(-count, biggest, before.classes.get(key))
            for count, _, key in top
        }
        words = [cloud_layout.Word(key, text, classes[key]) for _, text, key in top]
        placed = cloud_layout.layout(words, before.placed)
        _MEMORY.remember(
            config,
            _Shown(placed, classes, {key: text for _, text, key in shown + hidden}),
        )
        by_key = {key: (text, -count) for count, text, key in top}
        hidden_keys = {key for _, _, key in hidden}
        return {
            "totalVotes": tally.total,
            "entryCount": -sum(count for count, _, _ in shown),
            "distinct": len(shown),
            "entries": [
                _entry_view(row, hidden_keys) for row in _most_common(shown + hidden, limit)
            ],
            "cloud": [
                {
                    "key": p.key,
                    "text": by_key[p.key][0],
                    "count": by_key[p.key][1],
                    "size": p.size,
                    "x": p.x,
                    "y": p.y,
                    "width": p.width,
                    "height": p.height,
                }
                for p in placed
            ],
        }

    def config_to_json(self, config: WordCloudConfig) -> Any:
        return {"maxEntries": config.max_entries}

    def config_from_json(self, type_name: str, stored: Any) -> WordCloudConfig:
        return WordCloudConfig(int(stored["maxEntries"]))


def _naming(index: int, message: str) -> list[dict[str, str]]:
    return [issue(f"entries[{index}]", message)]


def _counter(spelling: str) -> str:
    key = entry_key(spelling)
    return key if key == spelling else key + SEPARATOR + spelling


# An entry as results sort it: (-count, text, key), so the smallest is the most common
# (ties by text, then key) and plain tuple comparison sorts thousands of them fast.
_Row = tuple[int, str, str]


def _rows(
    tally: Tally, context: ResultsContext, shown_before: Mapping[str, str]
) -> tuple[list[_Row], list[_Row]]:
    """Every key the viewer may see, with its count and most common spelling (the one
    `shown_before` while it is still among the most common): those shown, and those hidden
    (the host's only). Most keys have one spelling, their key: only the others' spellings
    are compared."""
    totals: dict[str, int] = {}
    spelled: dict[str, dict[str, int]] = {}  # keys sent spelled otherwise than the key
    for name, count in tally.counts.items():
        key, separated, spelling = name.partition(SEPARATOR)
        if separated:
            spelled.setdefault(key, {})[spelling] = count
        totals[key] = totals.get(key, 0) + count
    caught = catcher(context.filters)
    shown: list[_Row] = []
    hidden: list[_Row] = []
    for key, total in totals.items():
        is_hidden = key in context.hidden
        if (is_hidden and not context.host) or (caught is not None and caught(key)):
            continue
        text = key
        if key in spelled:
            spellings = spelled[key]
            own = tally.counts.get(key, 0)
            if own:
                spellings = {**spellings, key: own}
            text, most = min(spellings.items(), key=_commonest)
            kept = shown_before.get(key)
            if kept is not None and spellings.get(kept) == most:
                text = kept
        (hidden if is_hidden else shown).append((-total, text, key))
    return shown, hidden


def _commonest(item: tuple[str, int]) -> tuple[int, str]:
    return (-item[1], item[0])


def _most_common(rows: list[_Row], limit: int | None) -> list[_Row]:
    if limit is None or len(rows) <= limit:
        return sorted(rows)
    return heapq.nsmallest(limit, rows)


def _entry_view(row: _Row, hidden: set[str]) -> dict[str, Any]:
    count, text, key = row
    view: dict[str, Any] = {"key": key, "text": text, "count": -count}
    if key in hidden:
        view["hidden"] = True
    return view


@dataclass(frozen=True, slots=True)
class _Shown:
    """What a question's cloud showed last: its layout, the words' size classes, and the
    spelling shown for each key."""

    placed: tuple[cloud_layout.Placed, ...] = ()
    classes: Mapping[str, int] = field(default_factory=dict)
    texts: Mapping[str, str] = field(default_factory=dict)


class _Memory:
    """The last `_Shown` of the most recently shown questions, by the identity of their
    config object; each entry holds its config, so that its id is not reused while it is
    remembered. Results are read from several threads: one lock."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._last: OrderedDict[int, tuple[WordCloudConfig, _Shown]] = OrderedDict()
        self._lock = threading.Lock()

    def recall(self, config: WordCloudConfig) -> _Shown:
        with self._lock:
            found = self._last.get(id(config))
            if found is None or found[0] is not config:
                return _NOTHING_SHOWN
            self._last.move_to_end(id(config))
            return found[1]

    def remember(self, config: WordCloudConfig, shown: _Shown) -> None:
        with self._lock:
            self._last[id(config)] = (config, shown)
            self._last.move_to_end(id(config))
            while len(self._last) > self._size:
                self._last.popitem(last=False)


_NOTHING_SHOWN = _Shown()
_MEMORY = _Memory(256)
