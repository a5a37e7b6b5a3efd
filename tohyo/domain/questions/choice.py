"""Choice questions (`single`, `multiple`): the polls' question, inside an event.

Choices are `"1"…"n"` in order, as polls have; the tally counts each choice by its id.
Validation and percentages are the polls' own, so a choice question of an event and a
classic poll agree on every rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tohyo.domain.model import CHOICES_MAX, Choice
from tohyo.domain.questions.base import AnswerContext, Filters, Increments, ResultsContext, Tally
from tohyo.domain.transitions import percentage
from tohyo.domain.validation import choice_texts
from tohyo.errors import InvalidBallot


@dataclass(frozen=True, slots=True)
class ChoiceConfig:
    multiple: bool
    choices: tuple[Choice, ...]


_INDEX = {n: {str(i + 1): i for i in range(n)} for n in range(CHOICES_MAX + 1)}


class ChoiceType:
    names: tuple[str, ...] = ("single", "multiple")
    sealed: tuple[str, ...] = ()

    def parse_config(
        self, type_name: str, spec: Mapping[str, Any], problems: list[dict[str, str]]
    ) -> ChoiceConfig:
        texts = choice_texts(spec.get("choices"), problems)
        return _config(type_name, texts)

    def config_view(self, config: ChoiceConfig) -> dict[str, Any]:
        return {"choices": [{"choiceId": c.choice_id, "text": c.text} for c in config.choices]}

    def parse_answer(self, config: ChoiceConfig, body: Any, filters: Filters) -> list[str]:
        ids = body.get("choiceIds") if isinstance(body, dict) else None
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise InvalidBallot("choiceIds must be a list of choice id strings")
        if not ids:
            raise InvalidBallot("Choose at least one option")
        if len(ids) > len(config.choices):
            raise InvalidBallot(f"This question has {len(config.choices)} choices")
        if not config.multiple and len(ids) != 1:
            raise InvalidBallot("This question accepts exactly one choice")
        if len(set(ids)) != len(ids):
            raise InvalidBallot("A choice appears more than once in the answer")
        known = _INDEX[len(config.choices)]
        for cid in ids:
            if cid not in known:  # looked up, never parsed: "01" and " 1" name nothing
                raise InvalidBallot(f"Unknown choice id {cid[:20]!r}", {"choiceId": cid[:20]})
        return list(ids)

    def increments(
        self, config: ChoiceConfig, answer: list[str], context: AnswerContext
    ) -> Increments:
        return tuple(answer)

    def results(
        self, config: ChoiceConfig, tally: Tally, context: ResultsContext
    ) -> dict[str, Any]:
        counts = tally.counts
        return {
            "totalVotes": tally.total,
            "choices": [
                {
                    "choiceId": c.choice_id,
                    "voteCount": counts.get(c.choice_id, 0),
                    "percentage": percentage(counts.get(c.choice_id, 0), tally.total),
                }
                for c in config.choices
            ],
        }

    def config_to_json(self, config: ChoiceConfig) -> Any:
        return [c.text for c in config.choices]

    def config_from_json(self, type_name: str, stored: Any) -> ChoiceConfig:
        return _config(type_name, stored)


def _config(type_name: str, texts: list[str]) -> ChoiceConfig:
    choices = tuple(Choice(str(i), t) for i, t in enumerate(texts, start=1))
    return ChoiceConfig(type_name == "multiple", choices)
