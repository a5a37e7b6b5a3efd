"""What a typed question's round shows in its picture (word cloud, text, scale, ranking:
`tohyo.charts.render_question` draws it), and a version naming exactly that.

A picture may be downloaded by anyone allowed to see the round's results, and a room
shares one: it shows the public results (`host=False`) to the host too — no hidden entry,
no card awaiting approval, nothing the filters catch. Its version is a hash of what it
shows (`picture_version`), as a choice round's is, so the chart cache keeps it until it
would look different: an answer that only adds to a hidden word draws nothing anew, and
a download's timing tells nobody it came.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tohyo.domain import questions
from tohyo.domain.event import Event, Question
from tohyo.domain.event_views import results_context
from tohyo.event_export.choice_charts import picture_version
from tohyo.event_export.rounds import over


@dataclass(frozen=True, slots=True)
class TypedRound:
    """One round of a typed question as its picture shows it (`charts.QuestionPicture`'s
    fields), with the picture's id and version for the cache."""

    picture_id: str
    version: int
    prompt: str
    type: str
    config: Mapping[str, Any]
    results: Mapping[str, Any]
    open: bool
    round: int


def typed_round(event: Event, question: Question, round_: int) -> TypedRound:
    kind = questions.kind(question.type)
    config = kind.config_view(question.config)
    context = results_context(event, question, host=False, closed=over(question, round_))
    results = kind.results(question.config, event.tally(question, round_), context)
    current = round_ == question.round and question.status == "open"
    shown = (question.prompt, question.type, config, results, current, round_)
    return TypedRound(
        f"{event.event_id}/{question.question_id}/{round_}",
        picture_version(*shown),
        question.prompt,
        question.type,
        config,
        results,
        current,
        round_,
    )
