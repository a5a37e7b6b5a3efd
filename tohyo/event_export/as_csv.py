"""The CSV export: one table, a row per question, round and item (`csv_rows`), in English
or Japanese headers. An event of choice questions only has the first twelve columns, as
before there were other types; one with any other type has the typed columns too."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import replace

from tohyo import domain
from tohyo.domain import questions
from tohyo.domain.event import Event, Question, Response, RoundKey
from tohyo.event_export.csv_rows import TEXT_FIELDS, Cell, Item, extended, items
from tohyo.event_export.rounds import by_round, recount, rounds, shown
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
LANGUAGES = tuple(HEADERS)


def to_csv(
    event: Event, responses: Iterable[Response], lang: str, question_id: str | None = None
) -> bytes:
    """UTF-8 with a BOM so Excel reads Japanese, as the polls' CSV; every question, or the
    one named. The counts are the JSON's: recounted from the answers. Every cell that
    holds typed text (prompts, choices, entries, cards) is neutralised: a spreadsheet shows
    `=cmd` as text, and never runs it."""
    chosen = [
        (position, q)
        for position, q in enumerate(event.questions, start=1)
        if question_id is None or q.question_id == question_id
    ]
    if question_id is not None and not chosen:
        raise KeyError(question_id)
    wide = extended({q.type for _, q in chosen})
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADERS[lang] + (TYPED_HEADERS[lang] if wide else ()))
    grouped = by_round(responses)
    for position, question in chosen:
        writer.writerows(_question_rows(event, question, position, grouped, wide))
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def _question_rows(
    event: Event,
    question: Question,
    position: int,
    grouped: dict[RoundKey, list[Response]],
    wide: bool,
) -> Iterable[list[Cell]]:
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
            yield [*lead, "", "", "", *neutralised(item).cells(wide)]
        return
    for round_, opened_at in asked:
        tally = recount(question, grouped.get((question.question_id, round_), ()))
        results = shown(event, question, round_, tally)
        head: list[Cell] = [*lead, round_, domain.iso(opened_at), results.get("totalVotes", "")]
        for item in items(question.type, view, results):
            yield [*head, *neutralised(item).cells(wide)]


def neutralised(item: Item) -> Item:
    """`item` with its typed text made safe for a spreadsheet (`export.neutralise`)."""
    return replace(item, **{name: neutralise(str(getattr(item, name))) for name in TEXT_FIELDS})
