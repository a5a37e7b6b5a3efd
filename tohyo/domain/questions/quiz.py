"""Quiz questions (`quiz`): a choice question with right answers and a time limit.

`{type: "quiz", prompt, choices, correct: [choiceId…], timeLimit: 5–240, scoring?}`.
Choices are `"1"…"n"` as a choice question's, and answers, tallies and results are a
choice question's own (`ChoiceType`), so the distribution after close reads like any
poll's: one pick where one choice is correct, several where several are ("select all that
apply" — the phone is told how to answer, as Kahoot tells it).

Two things are a quiz's alone. The right answers are `sealed`: a participant's view of
the question leaves `correct` out until the question closes (otherwise a phone could read
the answer off the stream). And the time limit is the question's deadline: every opening
lasts `timeLimit` seconds (`event_specs` makes it the question's duration), after which
the question closes by itself and storage refuses answers, as it does at any deadline.
How an answer scores is `tohyo.domain.quiz`'s: this module only says what is right.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from tohyo.domain.numbers import whole
from tohyo.domain.questions.base import AnswerContext, Filters, Increments, ResultsContext, Tally
from tohyo.domain.questions.choice import ChoiceConfig, ChoiceType
from tohyo.domain.validation import issue

Scoring = Literal["all", "partial"]
SCORINGS: tuple[Scoring, ...] = ("all", "partial")
TIME_LIMIT_MIN = 5  # seconds: the shortest deadline any question may have
TIME_LIMIT_MAX = 240  # Kahoot's longest

_CHOICES = ChoiceType()


@dataclass(frozen=True, slots=True)
class QuizConfig:
    choice: ChoiceConfig  # its `multiple`: whether more than one choice is correct
    correct: tuple[str, ...]  # choice ids, in choice order
    time_limit: int  # seconds
    scoring: Scoring = "all"


class QuizType:
    names: tuple[str, ...] = ("quiz",)
    sealed: tuple[str, ...] = ("correct",)

    def parse_config(
        self, type_name: str, spec: Mapping[str, Any], problems: list[dict[str, str]]
    ) -> QuizConfig | None:
        before = len(problems)
        choice = _CHOICES.parse_config("single", spec, problems)
        ids = [c.choice_id for c in choice.choices]
        correct = spec.get("correct")
        if not (isinstance(correct, list) and correct and all(isinstance(c, str) for c in correct)):
            problems.append(issue("correct", "must be a non-empty list of choice ids"))
        elif len(set(correct)) != len(correct):
            problems.append(issue("correct", "names a choice more than once"))
        elif len(problems) == before and not set(correct) <= set(ids):
            problems.append(issue("correct", f"must name choices from 1 to {len(ids)}"))
        limit = spec.get("timeLimit")
        if not (whole(limit) and TIME_LIMIT_MIN <= limit <= TIME_LIMIT_MAX):
            problems.append(
                issue(
                    "timeLimit",
                    f"must be a whole number of seconds from {TIME_LIMIT_MIN} to {TIME_LIMIT_MAX}",
                )
            )
        scoring = spec.get("scoring", "all")
        if scoring not in SCORINGS:
            problems.append(issue("scoring", "must be one of " + ", ".join(SCORINGS)))
        if len(problems) > before:
            return None
        return _config(choice, correct, limit, scoring)  # type: ignore[arg-type]  # checked

    def config_view(self, config: QuizConfig) -> dict[str, Any]:
        return {
            **_CHOICES.config_view(config.choice),
            "correct": list(config.correct),
            "timeLimit": config.time_limit,
            "scoring": config.scoring,
        }

    def parse_answer(self, config: QuizConfig, body: Any, filters: Filters) -> list[str]:
        """`{choiceIds}`, as a choice question's; sorted, so that two phones picking the
        same choices in another order send the same answer."""
        return sorted(_CHOICES.parse_answer(config.choice, body, filters), key=int)

    def increments(
        self, config: QuizConfig, answer: list[str], context: AnswerContext
    ) -> Increments:
        return tuple(answer)

    def results(self, config: QuizConfig, tally: Tally, context: ResultsContext) -> dict[str, Any]:
        return _CHOICES.results(config.choice, tally, context)

    def config_to_json(self, config: QuizConfig) -> Any:
        return {
            "choices": _CHOICES.config_to_json(config.choice),
            "correct": list(config.correct),
            "timeLimit": config.time_limit,
            "scoring": config.scoring,
        }

    def config_from_json(self, type_name: str, stored: Any) -> QuizConfig:
        choice = _CHOICES.config_from_json("single", stored["choices"])
        return _config(choice, stored["correct"], stored["timeLimit"], stored["scoring"])


def _config(choice: ChoiceConfig, correct: list[str], limit: int, scoring: Scoring) -> QuizConfig:
    ordered = tuple(sorted(correct, key=int))
    several = ChoiceConfig(len(ordered) > 1, choice.choices)
    return QuizConfig(several, ordered, limit, scoring)
