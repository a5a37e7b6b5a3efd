"""Events and question specs for the event tests, built the way the API builds them:
specs through `event_specs`, questions through `new_question`, so a test's event is one
the service could hold."""

from __future__ import annotations

from typing import Any

from tohyo.domain import event_transitions as t
from tohyo.domain.event import Event
from tohyo.domain.event_specs import QuestionSpec, parse_question
from tohyo.domain.event_transitions import new_question

DAY = 86_400_000
NOW = 1_700_000_000_000  # the domain tests' clock (the storage tests use a real one)


def spec_body(
    prompt: str = "Lunch?", type_: str = "single", n: int = 3, **extra: Any
) -> dict[str, Any]:
    return {
        "type": type_,
        "prompt": prompt,
        "choices": [{"text": f"choice {i}"} for i in range(1, n + 1)],
        **extra,
    }


def spec(prompt: str = "Lunch?", type_: str = "single", n: int = 3, **extra: Any) -> QuestionSpec:
    return parse_question(spec_body(prompt, type_, n, **extra))


def new_event(
    *specs: QuestionSpec,
    now: int,
    event_id: str = "e1",
    code: str = "",
    ttl: int = DAY,
) -> Event:
    """A live event holding `specs` as draft questions q1, q2, …, at revision 1."""
    questions = tuple(new_question(f"q{i}", s) for i, s in enumerate(specs, start=1))
    return Event(
        event_id,
        code,
        "Workshop",
        b"host-key",
        now,
        now + ttl,
        questions=questions,
        next_question=len(questions) + 1,
    )


def participant(n: int) -> bytes:
    return n.to_bytes(16, "big")


def event(n: int = 2) -> Event:
    """A live event with code 123456 and `n` draft single-choice questions, at NOW."""
    return new_event(*(spec(f"Question {i}?") for i in range(1, n + 1)), now=NOW, code="123456")


def opened(n: int = 2, *ids: str) -> Event:
    """`event(n)` with `ids` (default q1) opened at NOW."""
    e = event(n)
    for question_id in ids or ("q1",):
        e = t.open_question(e, question_id, NOW)
    return e


def assert_changed(before: Event, after: Event) -> None:
    """`after` is a host's change of `before`: one revision and one version on."""
    assert after is not before
    assert (after.revision, after.version) == (before.revision + 1, before.version + 1)
