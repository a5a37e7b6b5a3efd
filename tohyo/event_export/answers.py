"""A round's answers as the JSON export lists them: when each was given and the answer as
stored, and for the typed question types what the answer means, read off the counters it
made (their names are the types' contract, the stored answer is each type's own):

- wordcloud: `entries: [{key, text, hidden, filtered}]`, each entry's key, its spelling,
  whether the host hid the key, whether the event's filters catch it (it never counted);
- text: `key` (the card's, as results name it), `text`, `hidden`, `filtered` and, where
  cards wait for approval, `approved`;
- scale: `values: {statementId: value}`;
- ranking: `ranking: [choiceId…]`, best first.

Never whose: a card's key is the only part of a participant's tag shown, and results show
it already. A choice question's answer is its choice ids, and nothing is added.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tohyo import domain
from tohyo.domain import questions
from tohyo.domain.event import Event, Question, Response
from tohyo.domain.questions import SEPARATOR, Increments
from tohyo.domain.text_keys import catcher, caught

Meaning = Callable[[Event, Question, Increments], dict[str, Any]]


def listed(event: Event, question: Question, answer: Response, made: Increments) -> dict[str, Any]:
    """One answer as the export lists it; `made` the counters it made (rounds.increments)."""
    entry: dict[str, Any] = {
        "answeredAt": domain.iso(answer.answered_at),
        "answer": answer.answer,
    }
    meaning = _MEANINGS.get(question.type)
    if meaning is not None:
        entry.update(meaning(event, question, made))
    return entry


def _split(counter: str) -> tuple[str, str]:
    """A counter named `key` or `key SEPARATOR text`: (key, text); text is the key when
    the spelling is the key itself."""
    key, _, text = counter.partition(SEPARATOR)
    return key, text or key


def _wordcloud(event: Event, question: Question, made: Increments) -> dict[str, Any]:
    test = catcher(event.filters())  # a counter's key is the entry's key (entry_key's)
    entries = []
    for counter in made:
        key, text = _split(counter)
        entries.append(
            {
                "key": key,
                "text": text,
                "hidden": key in question.hidden,
                "filtered": test is not None and test(key),
            }
        )
    return {"entries": entries}


def _text(event: Event, question: Question, made: Increments) -> dict[str, Any]:
    if not made:
        return {}
    key, text = _split(made[0])
    meaning: dict[str, Any] = {
        "key": key,
        "text": text,
        "hidden": key in question.hidden,
        "filtered": caught(text, event.filters()),
    }
    if approval_first(question):
        meaning["approved"] = key in question.approved
    return meaning


def approval_first(question: Question) -> bool:
    """Whether a text question's cards wait for the host's approval before they show."""
    view = questions.kind(question.type).config_view(question.config)
    return bool(view.get("moderation") == "approve")


def _scale(event: Event, question: Question, made: Increments) -> dict[str, Any]:
    values: dict[str, int] = {}
    for counter in made:
        statement, _, value = counter.partition(":")
        if value.isdigit():
            values[statement] = int(value)
    return {"values": values}


def _ranking(event: Event, question: Question, made: Increments) -> dict[str, Any]:
    for counter in made:
        if counter.startswith("b:"):
            return {"ranking": counter[2:].split(",") if counter[2:] else []}
    return {}


_MEANINGS: dict[str, Meaning] = {
    "wordcloud": _wordcloud,
    "text": _text,
    "scale": _scale,
    "ranking": _ranking,
}
