"""The interface every question type implements, and the tally it feeds.

A type decides four things and nothing else: what its spec may configure
(`parse_config`), what an answer may be (`parse_answer`), which tally counters an answer
increments (`increments`), and how a tally reads as results (`results`). Storage never
names a type: it stores an answer (its canonical JSON) and adds its increments to the
question's tally for the round, atomically, if that participant has no answer yet.

Counters are named by strings (a choice's id, a word cloud's normalised entry, …), so a
type with an open-ended set of answers needs no schema of its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

Increments = tuple[str, ...]  # counters an answer adds 1 to (a name may repeat)


@dataclass(frozen=True, slots=True)
class Tally:
    """One question's counters in one round, and how many answers made them."""

    counts: Mapping[str, int] = field(default_factory=dict)
    total: int = 0

    def add(self, increments: Increments) -> Tally:
        counts = dict(self.counts)
        for name in increments:
            counts[name] = counts.get(name, 0) + 1
        return Tally(counts, self.total + 1)


EMPTY = Tally()


class QuestionType(Protocol):
    """One kind of question: a module in `tohyo.domain.questions` registers one."""

    # The `type` names of specs this module handles (choice questions: single, multiple).
    names: tuple[str, ...]

    def parse_config(
        self, type_name: str, spec: Mapping[str, Any], problems: list[dict[str, str]]
    ) -> Any:
        """The type's frozen config from a question spec; problems are appended (field,
        message) rather than raised, so one reply lists every mistake of a spec."""

    def config_view(self, config: Any) -> dict[str, Any]:
        """The config as the API shows it (merged into the question's view)."""

    def parse_answer(self, config: Any, body: Any) -> Any:
        """The canonical answer (JSON-able) from a response body; InvalidBallot if wrong."""

    def increments(self, config: Any, answer: Any) -> Increments:
        """The counters `answer` adds 1 to."""

    def results(self, config: Any, tally: Tally) -> dict[str, Any]:
        """The tally as results: the `results` of a question's view."""

    def config_to_json(self, config: Any) -> Any:
        """The config as stored (JSON-able), read back by `config_from_json`."""

    def config_from_json(self, type_name: str, stored: Any) -> Any: ...
