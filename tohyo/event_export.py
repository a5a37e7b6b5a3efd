"""An event's results as files: JSON (every question, every round, every answer) and CSV
(one row per question, round and choice), and one question's round as the `Session` the
poll charts draw.

What a host takes home after the room has gone: drafts too (marked by their status), each
round with when it opened and its tally, and in JSON the answers of each round with when
they were given. Never who gave them: a participant key links one person's answers across
questions, so it stays in storage.

Each round's results are counted from the answers the export lists, through the question's
type, as the live tally counts them: the event is read before its answers are, and answers
that land in between (a shared store's reads are not one snapshot) are then listed and
counted alike. Once answers stop, the recount is the live tally.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import Counter
from collections.abc import Iterable
from typing import Any

from tohyo import domain
from tohyo.domain import questions
from tohyo.domain.event import Event, Question, Response, RoundKey
from tohyo.domain.event_views import results_context
from tohyo.domain.questions import EMPTY, AnswerContext, ChoiceConfig, Tally, answer_tag
from tohyo.export import neutralise

HEADERS = {
    "en": (
        "Question ID",
        "Position",
        "Question",
        "Type",
        "Status",
        "Round",
        "Opened at",
        "Answers",
        "Choice ID",
        "Choice",
        "Votes",
        "Percentage",
    ),
    "ja": (
        "質問ID",
        "順番",
        "質問",
        "種類",
        "状態",
        "回",
        "開始日時",
        "回答数",
        "選択肢ID",
        "選択肢",
        "票数",
        "割合(%)",
    ),
}
LANGUAGES = tuple(HEADERS)


def rounds(question: Question) -> list[tuple[int, int]]:
    """(round, openedAt) of every round the question has had, oldest first; none for a
    draft, which has never been asked."""
    if question.status == "draft":
        return []
    return list(enumerate(question.rounds_opened, start=1))


def by_round(responses: Iterable[Response]) -> dict[RoundKey, list[Response]]:
    grouped: dict[RoundKey, list[Response]] = {}
    for r in responses:
        grouped.setdefault((r.question_id, r.round), []).append(r)
    return grouped


def recount(question: Question, answers: Iterable[Response]) -> Tally:
    """A round's tally from its answers, each counted as it was when given (its type's
    increments, added as storage adds them; a changed answer is stored as it ended up)."""
    kind = questions.kind(question.type)
    counts: Counter[str] = Counter()
    total = 0
    for r in answers:
        context = AnswerContext(r.answered_at, answer_tag(r.participant, question.question_id))
        counts.update(kind.increments(question.config, r.answer, context))
        total += 1
    return Tally(dict(counts), total)


def results(
    event: Event, question: Question, round_: int, answers: Iterable[Response]
) -> dict[str, Any]:
    """A round's results, counted from `answers`, as its question's type shows them to
    the host: every entry, the hidden ones flagged."""
    context = results_context(
        event,
        question,
        host=True,
        full=True,
        closed=question.status == "closed" or round_ < question.round,
    )
    return questions.kind(question.type).results(
        question.config, recount(question, answers), context
    )


def to_json(event: Event, responses: Iterable[Response], exported_at: int) -> dict[str, Any]:
    grouped = by_round(responses)
    exported: list[dict[str, Any]] = []
    for position, question in enumerate(event.questions, start=1):
        kind = questions.kind(question.type)
        entry: dict[str, Any] = {
            "questionId": question.question_id,
            "position": position,
            "type": question.type,
            "prompt": question.prompt,
            **kind.config_view(question.config),
            "status": question.status,
            "resultsVisibility": question.visibility,
            "rounds": [],
        }
        if question.closed_at is not None:
            entry["closedAt"] = domain.iso(question.closed_at)
        for round_, opened_at in rounds(question):
            # In the order given; answers of the same millisecond in one order on every
            # backend (by what they are), whatever order storage returns them in.
            answers = sorted(
                grouped.get((question.question_id, round_), ()),
                key=lambda r: (r.answered_at, repr(r.answer)),
            )
            entry["rounds"].append(
                {
                    "round": round_,
                    "openedAt": domain.iso(opened_at),
                    "results": results(event, question, round_, answers),
                    "answers": [
                        {"answeredAt": domain.iso(r.answered_at), "answer": r.answer}
                        for r in answers
                    ],
                }
            )
        exported.append(entry)
    body: dict[str, Any] = {
        "eventId": event.event_id,
        "title": event.title,
        "status": event.status,
        "pace": event.pace,
        "createdAt": domain.iso(event.created_at),
        "expiresAt": domain.iso(event.expires_at),
        "questions": exported,
        "exportedAt": domain.iso(exported_at),
    }
    if event.ended_at is not None:
        body["endedAt"] = domain.iso(event.ended_at)
    return body


def to_csv(event: Event, responses: Iterable[Response], lang: str) -> bytes:
    """UTF-8 with a BOM so Excel reads Japanese, as the polls' CSV. A draft has one row
    per choice with its round and counts left empty: it was prepared, never asked. The
    counts are the JSON's: recounted from the answers."""
    grouped = by_round(responses)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADERS[lang])
    for position, question in enumerate(event.questions, start=1):
        lead = [
            question.question_id,
            position,
            neutralise(question.prompt),
            question.type,
            question.status,
        ]
        choices = questions.kind(question.type).config_view(question.config).get("choices", [])
        texts = {c["choiceId"]: c["text"] for c in choices}
        asked = rounds(question)
        if not asked:
            for c in choices or [{"choiceId": "", "text": ""}]:
                writer.writerow([*lead, "", "", "", c["choiceId"], neutralise(c["text"]), "", ""])
            continue
        for round_, opened_at in asked:
            shown = results(
                event, question, round_, grouped.get((question.question_id, round_), ())
            )
            head = [*lead, round_, domain.iso(opened_at), shown.get("totalVotes", "")]
            rows = shown.get("choices") or [{"choiceId": "", "voteCount": "", "percentage": ""}]
            for row in rows:
                cid = row["choiceId"]
                text = neutralise(texts.get(cid, ""))
                writer.writerow([*head, cid, text, row["voteCount"], row["percentage"]])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def charted(question: Question) -> bool:
    """Whether the poll charts can draw this question (choice questions)."""
    return isinstance(question.config, ChoiceConfig)


def question_session(event: Event, question: Question, round_: int) -> domain.Session:
    """One round of a choice question as the one-question `Session` the poll charts draw.

    Its id names the event, question and round, and its version names what the picture
    shows (`picture_version`), so the chart cache (tohyo.web.images) keeps a round's
    picture until it would look different. Not the event's version: that moves with every
    answer to any question, a hidden one too, and a viewer timing their downloads would
    see a fresh drawing each time one lands. A round is open in the picture only while it
    is the question's current, open round."""
    config = question.config
    assert isinstance(config, ChoiceConfig)
    tally = event.tallies.get((question.question_id, round_), EMPTY)
    current = round_ == question.round and question.status == "open"
    counts = tuple(tally.counts.get(c.choice_id, 0) for c in config.choices)
    status: domain.Status = "active" if current else "closed"
    shown = (question.prompt, config.multiple, tuple(c.text for c in config.choices))
    definition = domain.Definition(
        f"{event.event_id}/{question.question_id}/{round_}",
        question.prompt,
        "multiple" if config.multiple else "single",
        config.choices,
        event.created_at,
        event.expires_at,
        b"",
    )
    state = domain.State(
        status,
        counts,
        tally.total,
        picture_version(shown, status, counts, tally.total),
        visibility=question.visibility,
    )
    return domain.Session(definition, state)


def picture_version(*shown: object) -> int:
    """A number for exactly what a round's picture shows (its text, its status, its
    counts): equal for equal pictures, and for different ones all but never (64 bits)."""
    digest = hashlib.blake2b(repr(shown).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")
