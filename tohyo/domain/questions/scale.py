"""Rating scales (`scale`): each participant rates one or more statements on one scale of
3-11 points, with optional labels for its two ends ("Not at all" … "Completely").

Statements are `"1"…"k"` in order; a scale without statements rates one unnamed
statement, `"1"`, answered with `{value}` rather than `{values}`. The tally counts each
statement's points by `"{statementId}:{point}"`, so the distribution of every statement and
its mean come from at most 10 × 11 counters, however many answered.

Numbers are JSON integers: `true` is no point, and neither is `3.0` (no client sends
one, and a canonical answer holds one spelling of each value).

A stored scale's view is a spec that makes the same scale again (a draft's PATCH is merged
onto it): `labels: null` (none) and `statements: []` (none) are therefore taken in a spec,
and mean what the view means by them — the only way for a PATCH to drop labels.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeGuard

from tohyo.domain.numbers import half_up, whole
from tohyo.domain.questions.base import AnswerContext, Filters, Increments, ResultsContext, Tally
from tohyo.domain.validation import issue, text_field
from tohyo.errors import InvalidBallot

POINTS_MIN = 3
POINTS_MAX = 11
LABEL_MAX = 40
STATEMENTS_MAX = 10
STATEMENT_TEXT_MAX = 100
LONE = "1"  # the statement id of a scale without statements


@dataclass(frozen=True, slots=True)
class ScaleConfig:
    points: int
    labels: tuple[str, str] | None = None  # (low, high)
    statements: tuple[str, ...] = ()  # empty: one unnamed statement

    @property
    def statement_ids(self) -> tuple[str, ...]:
        return _statement_ids(max(1, len(self.statements)))


class ScaleType:
    names: tuple[str, ...] = ("scale",)
    sealed: tuple[str, ...] = ()

    def parse_config(
        self, type_name: str, spec: Mapping[str, Any], problems: list[dict[str, str]]
    ) -> ScaleConfig | None:
        before = len(problems)
        raw = spec.get("points")
        points = raw if whole(raw) and POINTS_MIN <= raw <= POINTS_MAX else None
        if points is None:
            problems.append(
                issue("points", f"must be a whole number from {POINTS_MIN} to {POINTS_MAX}")
            )
        labels = _labels(spec.get("labels"), problems)
        statements = _statements(spec.get("statements"), problems)
        if points is None or len(problems) > before:
            return None
        return ScaleConfig(points, labels, statements)

    def config_view(self, config: ScaleConfig) -> dict[str, Any]:
        labels = config.labels
        return {
            "points": config.points,
            "labels": None if labels is None else {"low": labels[0], "high": labels[1]},
            "statements": [
                {"statementId": sid, "text": text}
                for sid, text in zip(config.statement_ids, config.statements, strict=False)
            ],
        }

    def parse_answer(self, config: ScaleConfig, body: Any, filters: Filters) -> list[int]:
        """`{value}` for a scale without statements, `{values: [v…]}` (one per statement,
        in their order) for one with; the canonical answer is the list of values."""
        if not isinstance(body, dict):
            raise InvalidBallot("The body must be a JSON object with " + _field(config))
        rule = f"a whole number from 1 to {config.points}"
        if not config.statements:
            if "value" not in body and "values" in body:
                raise InvalidBallot("This scale has no statements: send value, not values")
            value = body.get("value")
            if not _on_scale(value, config.points):
                raise InvalidBallot(f"value must be {rule}")
            return [value]
        count = len(config.statements)
        values = body.get("values")
        if not isinstance(values, list) or len(values) != count:
            if "values" not in body and "value" in body:
                raise InvalidBallot(f"This scale rates {count} statements: send values")
            raise InvalidBallot(f"values must be a list of {count} ratings, one per statement")
        for sid, value in zip(config.statement_ids, values, strict=True):
            if not _on_scale(value, config.points):
                raise InvalidBallot(
                    f"The rating of statement {sid} must be {rule}", {"statementId": sid}
                )
        return list(values)

    def increments(
        self, config: ScaleConfig, answer: list[int], context: AnswerContext
    ) -> Increments:
        names = _counter_names(config.points, len(config.statement_ids))
        return tuple(names[i][value - 1] for i, value in enumerate(answer))

    def results(self, config: ScaleConfig, tally: Tally, context: ResultsContext) -> dict[str, Any]:
        counts = tally.counts
        names = _counter_names(config.points, len(config.statement_ids))
        statements = []
        for sid, row in zip(config.statement_ids, names, strict=True):
            per_point = [counts.get(name, 0) for name in row]
            answers = sum(per_point)
            total = sum(point * n for point, n in enumerate(per_point, start=1))
            statements.append(
                {
                    "statementId": sid,
                    "counts": per_point,
                    "answers": answers,
                    "mean": mean(total, answers),
                }
            )
        return {"totalVotes": tally.total, "statements": statements}

    def config_to_json(self, config: ScaleConfig) -> Any:
        stored: dict[str, Any] = {"points": config.points}
        if config.labels is not None:
            stored["labels"] = list(config.labels)
        if config.statements:
            stored["statements"] = list(config.statements)
        return stored

    def config_from_json(self, type_name: str, stored: Any) -> ScaleConfig:
        labels = stored.get("labels")
        return ScaleConfig(
            stored["points"],
            None if labels is None else (labels[0], labels[1]),
            tuple(stored.get("statements", ())),
        )


def mean(total: int, answers: int) -> float | None:
    """`total / answers` with one decimal, halves rounded up (4.25 is 4.3, as a person
    rounds); None with no answers. Integer arithmetic, so exact: no float's 4.2499…"""
    if answers <= 0:
        return None
    return half_up(total, answers, 1)


def _field(config: ScaleConfig) -> str:
    return "values" if config.statements else "value"


def _on_scale(value: object, points: int) -> TypeGuard[int]:
    return whole(value) and 1 <= value <= points


def _labels(raw: Any, problems: list[dict[str, str]]) -> tuple[str, str] | None:
    if raw is None:  # left out, or the view's null: no labels
        return None
    if not isinstance(raw, dict):
        problems.append(issue("labels", "must be an object {low, high}"))
        return None
    low = text_field(raw.get("low"), "labels.low", LABEL_MAX, problems)
    high = text_field(raw.get("high"), "labels.high", LABEL_MAX, problems)
    if low is None or high is None:
        return None
    return low, high


def _statements(raw: Any, problems: list[dict[str, str]]) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problems.append(issue("statements", "must be a list of {text} objects"))
        return ()
    if len(raw) > STATEMENTS_MAX:
        problems.append(issue("statements", f"must have at most {STATEMENTS_MAX} entries"))
    texts: list[str] = []
    for i, item in enumerate(raw[: STATEMENTS_MAX + 1]):
        field = f"statements[{i}].text"
        raw_text = item.get("text") if isinstance(item, dict) else None
        statement = text_field(raw_text, field, STATEMENT_TEXT_MAX, problems)
        if statement is None:
            continue
        if statement in texts:
            problems.append(issue(field, "duplicates another statement"))
        texts.append(statement)
    return tuple(texts)


@lru_cache(maxsize=STATEMENTS_MAX)
def _statement_ids(count: int) -> tuple[str, ...]:
    return tuple(str(i) for i in range(1, count + 1))


@lru_cache(maxsize=(POINTS_MAX + 1) * (STATEMENTS_MAX + 1))
def _counter_names(points: int, statements: int) -> tuple[tuple[str, ...], ...]:
    """Per statement, its counters for points 1…points: made once per shape, not per
    answer and per read."""
    return tuple(
        tuple(f"{sid}:{point}" for point in range(1, points + 1))
        for sid in _statement_ids(statements)
    )
