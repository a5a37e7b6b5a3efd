"""Rankings (`ranking`): each participant orders 2-10 items, all of them or their top
`rankTop`, best first.

Items are `"1"…"n"` in order, as choices are. An answer adds two kinds of counters: one
per place, `"{choiceId}@{place}"`, from which the live results come (Borda points: with n
items, first place scores n, the last n-th place 1, an item a ballot leaves unranked 0) —
at most 10 × 10 counters to read, however many answered; and the ballot itself,
`"b:" + ",".join(ids)`, each distinct ranking once with its count, from which the
instant runoff is counted when the question closes (`domain.runoff`, whose module says
how ties go: by these Borda points, then the question's order).

`rankTop` is a whole number (JSON integer, as a scale's points). A stored ranking's view
is a spec that makes it again (a draft's PATCH is merged onto it), so a PATCH that gives
fewer choices than the stored `rankTop` must give `rankTop` too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tohyo.domain.model import CHOICES_MAX, CHOICES_MIN, Choice
from tohyo.domain.numbers import half_up, whole
from tohyo.domain.questions.base import AnswerContext, Filters, Increments, ResultsContext, Tally
from tohyo.domain.runoff import Runoff, instant_runoff
from tohyo.domain.validation import choice_texts, issue
from tohyo.errors import InvalidBallot

BALLOT = "b:"  # the prefix of a ballot's counter


@dataclass(frozen=True, slots=True)
class RankingConfig:
    choices: tuple[Choice, ...]
    rank_top: int  # how many items a ballot ranks: 1…len(choices)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(c.choice_id for c in self.choices)


_INDEX = {n: {str(i + 1): i for i in range(n)} for n in range(CHOICES_MAX + 1)}
# Per number of items, each item's place counters, "1@1", "1@2"…: made once, not per read.
_PLACES = {
    n: tuple(tuple(f"{i}@{p}" for p in range(1, n + 1)) for i in range(1, n + 1))
    for n in range(CHOICES_MAX + 1)
}


class RankingType:
    names: tuple[str, ...] = ("ranking",)
    sealed: tuple[str, ...] = ()

    def parse_config(
        self, type_name: str, spec: Mapping[str, Any], problems: list[dict[str, str]]
    ) -> RankingConfig | None:
        before = len(problems)
        raw_choices = spec.get("choices")
        texts = choice_texts(raw_choices, problems)
        rank_top = spec.get("rankTop", len(texts))
        if "rankTop" in spec:
            # Against the number of choices where that number is allowed, else against
            # 1-10 only: a wrong number of choices is one problem, not two.
            given = len(raw_choices) if isinstance(raw_choices, list) else 0
            most = given if CHOICES_MIN <= given <= CHOICES_MAX else CHOICES_MAX
            if not whole(rank_top) or not 1 <= rank_top <= most:
                problems.append(issue("rankTop", f"must be a whole number from 1 to {most}"))
        if len(problems) > before:
            return None
        return _config(texts, rank_top)

    def config_view(self, config: RankingConfig) -> dict[str, Any]:
        return {
            "choices": [{"choiceId": c.choice_id, "text": c.text} for c in config.choices],
            "rankTop": config.rank_top,
        }

    def parse_answer(self, config: RankingConfig, body: Any, filters: Filters) -> list[str]:
        """`{ranking: [choiceId…]}`: exactly `rankTop` distinct items, best first."""
        ids = body.get("ranking") if isinstance(body, dict) else None
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids[:CHOICES_MAX]):
            raise InvalidBallot("ranking must be a list of choice id strings, best first")
        n, top = len(config.choices), config.rank_top
        if len(ids) != top:
            wanted = f"all {n} choices" if top == n else f"exactly {top} of the {n} choices"
            raise InvalidBallot(f"Rank {wanted}")
        known = _INDEX[n]
        for cid in ids:
            if cid not in known:  # looked up, never parsed: "01" and " 1" name nothing
                raise InvalidBallot(f"Unknown choice id {cid[:20]!r}", {"choiceId": cid[:20]})
        if len(set(ids)) != len(ids):
            raise InvalidBallot("A choice appears more than once in the ranking")
        return list(ids)

    def increments(
        self, config: RankingConfig, answer: list[str], context: AnswerContext
    ) -> Increments:
        n = len(config.choices)
        places, index = _PLACES[n], _INDEX[n]
        return (
            BALLOT + ",".join(answer),
            *(places[index[cid]][place] for place, cid in enumerate(answer)),
        )

    def results(
        self, config: RankingConfig, tally: Tally, context: ResultsContext
    ) -> dict[str, Any]:
        counts = tally.counts
        n = len(config.choices)
        points: dict[str, int] = {}
        first: dict[str, int] = {}
        for cid, places in zip(config.ids, _PLACES[n], strict=True):
            row = [counts.get(name, 0) for name in places]
            points[cid] = sum(k * (n - p) for p, k in enumerate(row))
            first[cid] = row[0]
        order = sorted(config.ids, key=lambda cid: -points[cid])  # stable: question order
        results: dict[str, Any] = {
            "totalVotes": tally.total,
            "items": [
                {
                    "choiceId": cid,
                    "points": points[cid],
                    "meanScore": mean_score(points[cid], tally.total),
                    "firstPlaces": first[cid],
                }
                for cid in order
            ],
        }
        if context.closed:
            results["runoff"] = runoff_view(instant_runoff(config.ids, ballots(counts), points))
        return results

    def config_to_json(self, config: RankingConfig) -> Any:
        return {"choices": [c.text for c in config.choices], "rankTop": config.rank_top}

    def config_from_json(self, type_name: str, stored: Any) -> RankingConfig:
        return _config(stored["choices"], stored["rankTop"])


def mean_score(points: int, answers: int) -> float:
    """Points per answer with two decimals, halves rounded up (integer arithmetic, so
    exact); 0 with no answers."""
    if answers <= 0:
        return 0.0
    return half_up(points, answers, 2)


def ballots(counts: Mapping[str, int]) -> list[tuple[list[str], int]]:
    """The tally's ballots: each distinct ranking (best first) and how many gave it. A
    name the question does not have (no answer makes one) is left to the runoff, which
    passes over it."""
    return [
        (name[len(BALLOT) :].split(","), count)
        for name, count in counts.items()
        if name.startswith(BALLOT)
    ]


def runoff_view(runoff: Runoff) -> dict[str, Any]:
    return {
        "winner": runoff.winner,
        "rounds": [
            {
                "counts": dict(r.counts),
                "eliminated": list(r.eliminated),
                "exhausted": r.exhausted,
            }
            for r in runoff.rounds
        ],
    }


def _config(texts: list[str], rank_top: int) -> RankingConfig:
    choices = tuple(Choice(str(i), t) for i, t in enumerate(texts, start=1))
    return RankingConfig(choices, rank_top)
