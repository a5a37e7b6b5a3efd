"""Open text (`text`): each participant sends one answer of up to 500 characters; the
host's screen shows them as a wall of cards, newest first.

An answer is `{text}`: its line breaks made "\\n" (a "\\r\\n" or a lone "\\r" pasted from
another system is one line break), trimmed, more than one blank line in a row made one,
then 1-500 characters that `domain.text` allows — but for "\\n", the one control a card
keeps (a card is several lines; a tab or a line separator still is not). A text the
event's filters catch — its key (`text_keys.entry_key` of the whole text, so a banned
word is found across a line break) holds a banned word, or a word of the profanity
filter — is refused, as a word cloud's entry is; nothing of it counts.

Each answer is a card with a key of its own, `f"{at}.{tag}"` (when it was given, in ms,
and the participant's tag within the question: `AnswerContext`), and adds 1 to the
counter `key + SEPARATOR + text`. The key tells nothing of whose the card is outside
this question, and it is what the host hides, restores and approves
(`domain.event_moderation`).

Results are `{totalVotes, shown, pending, cards}`: the cards newest first (ties by key), at
most 30 (the host 200, an export all), each `{key, text, at}`. Left out for everyone:
cards the filters catch (a word banned after the card was sent). Left out for everyone
but the host, who sees them flagged: hidden cards (`hidden: true`) and, where the
question's `moderation` is "approve", cards the host has not approved yet (`pending:
true`). `shown` counts the cards everyone may see, `pending` (the host's only) those
waiting for approval that are not hidden.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from tohyo.domain import text
from tohyo.domain.questions.base import (
    SEPARATOR,
    AnswerContext,
    Filters,
    Increments,
    ResultsContext,
    Tally,
)
from tohyo.domain.text_keys import catcher, entry_key
from tohyo.domain.times import iso
from tohyo.domain.validation import issue
from tohyo.errors import InvalidBallot

Moderation = Literal["none", "approve"]
MODERATIONS: tuple[Moderation, ...] = ("none", "approve")
TEXT_MAX = 500
LIST_MAX = 30
HOST_LIST_MAX = 200
BANNED = "is not allowed in this event"  # the phone's form reads this in details

_OTHER_BREAKS = re.compile(r"\r\n?")
_BLANK_LINES = re.compile(r"\n{3,}")


@dataclass(frozen=True, slots=True)
class TextConfig:
    moderation: Moderation = "none"

    @property
    def approve_first(self) -> bool:
        return self.moderation == "approve"


def card_text(raw: str) -> str:
    """An answer's text as a card keeps it (see above), not yet checked."""
    one_kind = _OTHER_BREAKS.sub("\n", raw)
    return _BLANK_LINES.sub("\n\n", text.trim(one_kind))


def refusal(card: str) -> str | None:
    """Why a card's text (`card_text`'s) may not be sent, or None. A line break is checked
    as the space it stands in for: the rest of `domain.text`'s rule applies, and a refused
    character's place in the message is its place in the card."""
    return text.refusal(card.replace("\n", " "), TEXT_MAX)


class TextType:
    names: tuple[str, ...] = ("text",)
    sealed: tuple[str, ...] = ()

    def parse_config(
        self, type_name: str, spec: Mapping[str, Any], problems: list[dict[str, str]]
    ) -> TextConfig:
        moderation = spec.get("moderation", "none")
        if moderation not in MODERATIONS:
            problems.append(issue("moderation", "must be one of " + ", ".join(MODERATIONS)))
            return TextConfig()
        return TextConfig(moderation)

    def config_view(self, config: TextConfig) -> dict[str, Any]:
        return {"moderation": config.moderation}

    def parse_answer(self, config: TextConfig, body: Any, filters: Filters) -> str:
        raw = body.get("text") if isinstance(body, dict) else None
        if not isinstance(raw, str):
            raise InvalidBallot("text must be a string", [issue("text", "must be a string")])
        card = card_text(raw)
        refused = refusal(card)
        if refused is None and not entry_key(card):  # only invisible characters
            refused = "must not be blank"
        if refused is not None:
            raise InvalidBallot(f"text {refused}", [issue("text", refused)])
        caught = catcher(filters)
        if caught is not None and caught(entry_key(card)):
            raise InvalidBallot(f"This answer {BANNED}", [issue("text", BANNED)])
        return card

    def increments(self, config: TextConfig, answer: str, context: AnswerContext) -> Increments:
        return (f"{context.at}.{context.tag}{SEPARATOR}{answer}",)

    def results(self, config: TextConfig, tally: Tally, context: ResultsContext) -> dict[str, Any]:
        caught = catcher(context.filters)
        approve_first = config.approve_first
        rows: list[tuple[int, str, str]] = []  # (at, key, text): the newest is the largest
        shown = pending = 0
        for name in tally.counts:
            key, _, card = name.partition(SEPARATOR)
            if caught is not None and caught(entry_key(card)):
                continue
            hidden = key in context.hidden
            waiting = approve_first and key not in context.approved
            if not hidden and not waiting:
                shown += 1
            elif not hidden:
                pending += 1
            if context.host or not (hidden or waiting):
                rows.append((_at(key), key, card))
        limit = None if context.full else HOST_LIST_MAX if context.host else LIST_MAX
        newest = (
            sorted(rows, reverse=True)
            if limit is None or len(rows) <= limit
            else heapq.nlargest(limit, rows)
        )
        results: dict[str, Any] = {
            "totalVotes": tally.total,
            "shown": shown,
            "cards": [_card_view(row, context, approve_first) for row in newest],
        }
        if context.host:
            results["pending"] = pending
        return results

    def config_to_json(self, config: TextConfig) -> Any:
        return {"moderation": config.moderation}

    def config_from_json(self, type_name: str, stored: Any) -> TextConfig:
        moderation = stored.get("moderation", "none") if isinstance(stored, dict) else "none"
        return TextConfig(moderation if moderation in MODERATIONS else "none")


def _at(key: str) -> int:
    at, _, _ = key.partition(".")
    return int(at) if at.isascii() and at.isdigit() else 0


def _card_view(
    row: tuple[int, str, str], context: ResultsContext, approve_first: bool
) -> dict[str, Any]:
    at, key, card = row
    view: dict[str, Any] = {"key": key, "text": card, "at": iso(at)}
    if key in context.hidden:
        view["hidden"] = True
    if approve_first and key not in context.approved:
        view["pending"] = True
    return view
