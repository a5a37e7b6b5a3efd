"""The CSV export: one table, a row per question, round and item (`csv_rows`), in English
or Japanese headers. An event of choice questions only has the first twelve columns, as
before there were other types; one with any other type has the typed columns too, and one
with a quiz the quiz's columns after them: each round of a quiz question lists its choices
as a choice question's, then a row per answer — its player's nickname, the choice ids it
picked, whether it earned full credit, its ms from the round's opening, its points (in the
typed Points column) and when it was given (Answered at). The final ranking is the JSON's
alone: this is one table, a row per question, round and item, with no room for another."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, replace

from tohyo import domain
from tohyo.domain import event_transitions as transitions
from tohyo.domain import questions
from tohyo.domain.event import Event, Question, Response, RoundKey
from tohyo.event_export.csv_rows import NO, TEXT_FIELDS, YES, Cell, Item, extended, items
from tohyo.event_export.quiz_scores import NO_NAMES, Names, round_scores
from tohyo.event_export.rounds import by_round, in_order, recount, rounds, shown
from tohyo.export import neutralise

HEADERS = {
    "en": (
        *("Question ID", "Position", "Question", "Type", "Status", "Round", "Opened at"),
        *("Answers", "Choice ID", "Choice", "Votes", "Percentage"),
    ),
    "ja": (
        *("質問ID", "順番", "質問", "種類", "状態", "回", "開始日時"),
        *("回答数", "選択肢ID", "選択肢", "票数", "割合(%)"),
    ),
}
TYPED_HEADERS = {
    "en": (
        *("Point", "Mean", "Points", "Runoff round", "Runoff"),
        *("Answered at", "Hidden", "Approved"),
    ),
    "ja": (
        *("段階", "平均", "得点", "即時決選投票の回", "即時決選投票"),
        *("回答日時", "非表示", "承認済み"),
    ),
}
QUIZ_HEADERS = {
    "en": ("Nickname", "Answer", "Correct", "ms"),
    "ja": ("ニックネーム", "回答", "正解", "経過(ms)"),
}
NO_QUIZ: list[Cell] = ["" for _ in QUIZ_HEADERS["en"]]
LANGUAGES = tuple(HEADERS)


def to_csv(
    event: Event,
    responses: Iterable[Response],
    lang: str,
    question_id: str | None = None,
    names: Names = NO_NAMES,
) -> bytes:
    """UTF-8 with a BOM so Excel reads Japanese, as the polls' CSV; every question, or the
    one named. The counts are the JSON's: recounted from the answers. Every cell that
    holds typed text (prompts, choices, entries, cards, nicknames) is neutralised: a
    spreadsheet shows `=cmd` as text, and never runs it. `names`: the quiz's nicknames."""
    chosen = [
        (position, q)
        for position, q in enumerate(event.questions, start=1)
        if question_id is None or q.question_id == question_id
    ]
    if question_id is not None and not chosen:
        raise KeyError(question_id)
    wide = extended({q.type for _, q in chosen})
    scored = any(transitions.timed(q) for _, q in chosen)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    typed = TYPED_HEADERS[lang] if wide else ()
    writer.writerow(HEADERS[lang] + typed + (QUIZ_HEADERS[lang] if scored else ()))
    grouped = by_round(responses)
    layout = _Layout(wide, NO_QUIZ if scored else [], names)
    for position, question in chosen:
        writer.writerows(_question_rows(event, question, position, grouped, layout))
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


@dataclass(frozen=True, slots=True)
class _Layout:
    """The table's columns past the first twelve: the typed ones (`wide`), the quiz's
    (`tail`: blank cells on every row but a quiz answer's, none without a quiz)."""

    wide: bool
    tail: list[Cell]
    names: Names


def _question_rows(
    event: Event,
    question: Question,
    position: int,
    grouped: dict[RoundKey, list[Response]],
    layout: _Layout,
) -> Iterable[list[Cell]]:
    wide, tail = layout.wide, layout.tail
    lead: list[Cell] = [
        question.question_id,
        position,
        neutralise(question.prompt),
        question.type,
        question.status,
    ]
    view = questions.kind(question.type).config_view(question.config)
    asked = rounds(question)
    if not asked:  # a draft: prepared, never asked
        for item in items(question.type, view, None):
            yield [*lead, "", "", "", *neutralised(item).cells(wide), *tail]
        return
    for round_, opened_at in asked:
        answers = grouped.get((question.question_id, round_), [])
        results = shown(event, question, round_, recount(question, answers))
        head: list[Cell] = [*lead, round_, domain.iso(opened_at), results.get("totalVotes", "")]
        for item in items(question.type, view, results):
            yield [*head, *neutralised(item).cells(wide), *tail]
        if transitions.timed(question):
            scores = round_scores(question, round_, opened_at, answers)
            for answer in in_order(answers):
                score = scores[answer.participant]
                timed = Item(points=score.points, answered_at=domain.iso(answer.answered_at))
                yield [
                    *head,
                    *timed.cells(wide),
                    neutralise(layout.names.get(answer.participant, "")),
                    ",".join(answer.answer),
                    YES if score.correct else NO,
                    score.elapsed,
                ]


def neutralised(item: Item) -> Item:
    """`item` with its typed text made safe for a spreadsheet (`export.neutralise`)."""
    return replace(item, **{name: neutralise(str(getattr(item, name))) for name in TEXT_FIELDS})
