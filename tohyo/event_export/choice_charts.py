"""A choice question's round as the one-question `Session` the poll charts draw, and the
version that names what its picture shows (the chart cache keeps a picture until then)."""

from __future__ import annotations

import hashlib

from tohyo import domain
from tohyo.domain.event import Event, Question
from tohyo.domain.questions import EMPTY, ChoiceConfig, QuizConfig


def charted(question: Question) -> bool:
    """Whether the poll charts can draw this question (choice questions, and quizzes: a
    quiz's distribution is a choice question's)."""
    return isinstance(question.config, ChoiceConfig | QuizConfig)


def _choices(question: Question) -> ChoiceConfig:
    config = question.config
    return config.choice if isinstance(config, QuizConfig) else config


def question_session(event: Event, question: Question, round_: int) -> domain.Session:
    """One round of a choice question as the one-question `Session` the poll charts draw.

    Its id names the event, question and round, and its version names what the picture
    shows (`picture_version`), so the chart cache (tohyo.web.images) keeps a round's
    picture until it would look different. Not the event's version: that moves with every
    answer to any question, a hidden one too, and a viewer timing their downloads would
    see a fresh drawing each time one lands. A round is open in the picture only while it
    is the question's current, open round."""
    config = _choices(question)
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
