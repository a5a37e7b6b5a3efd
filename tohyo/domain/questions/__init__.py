"""Question types, one module each, behind `base.QuestionType`.

`kind(name)` is the type that handles a spec's `type`; `TYPE_NAMES` lists them for
validation messages and the API schema. A new type is a module here and one line below.
"""

from __future__ import annotations

from tohyo.domain.questions.base import (
    EMPTY,
    NO_FILTERS,
    PUBLIC,
    SEPARATOR,
    AnswerContext,
    Filters,
    Increments,
    QuestionType,
    ResultsContext,
    Tally,
    answer_tag,
)
from tohyo.domain.questions.choice import ChoiceConfig, ChoiceType
from tohyo.domain.questions.quiz import QuizConfig, QuizType
from tohyo.domain.questions.ranking import RankingType
from tohyo.domain.questions.scale import ScaleType
from tohyo.domain.questions.text import TextType
from tohyo.domain.questions.wordcloud import WordCloudType

_TYPES: tuple[QuestionType, ...] = (
    ChoiceType(),
    ScaleType(),
    RankingType(),
    WordCloudType(),
    TextType(),
    QuizType(),
)
_BY_NAME: dict[str, QuestionType] = {name: t for t in _TYPES for name in t.names}
TYPE_NAMES: tuple[str, ...] = tuple(_BY_NAME)


def kind(name: str) -> QuestionType:
    """The type handling `name` (a name from TYPE_NAMES; KeyError otherwise)."""
    return _BY_NAME[name]


__all__ = [
    "EMPTY",
    "NO_FILTERS",
    "PUBLIC",
    "SEPARATOR",
    "TYPE_NAMES",
    "AnswerContext",
    "ChoiceConfig",
    "ChoiceType",
    "Filters",
    "Increments",
    "QuestionType",
    "QuizConfig",
    "ResultsContext",
    "Tally",
    "answer_tag",
    "kind",
]
