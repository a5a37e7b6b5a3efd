"""What one round of a question puts in the CSV: its rows' cells after the question's and
the round's (`Item`), read off the question's config view and its results as the JSON
export has them, type by type.

Every type fills the same columns, each meaning one thing. After the question's and the
round's (Question ID … Answers):

- Choice ID, Choice: what the row counts — a choice; a word cloud's entry key and its most
  common spelling; a card's key and its text; a scale's statement (id and text: the lone
  statement is "1", no text); a ranking's choice.
- Votes, Percentage: how many answers counted it, and their share of the answers — those
  who chose the choice, sent the entry, gave the statement this point (of its answers),
  ranked the item first; in a runoff round, the item's ballots (of those still counting);
  empty for a card.
- Point: a scale's point, 1…; Mean: a scale statement's mean, a ranking item's mean score;
  Points: a ranking item's Borda points.
- Runoff round, Runoff: a closed ranking round's instant runoff, a row per item still in
  each round and one of the ballots exhausted by then, marked `eliminated`, `winner` or
  `exhausted`.
- Answered at: a card's time. Hidden (word cloud, text) and Approved (text whose cards wait
  for approval): `true` or `false`.

A round with nothing to list (no entry yet) has one row, its item cells empty; a draft has
a row per choice or statement (or one row) with its counts empty. Entries the event's
filters catch are in no row (they never counted; the JSON lists every answer, flagged).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import astuple, dataclass
from typing import Any

from tohyo.domain import percentage

Cell = str | int | float
YES, NO = "true", "false"


@dataclass(frozen=True, slots=True)
class Item:
    """A row's cells after the round's: the first four are the choice questions' columns
    (an event of choice questions only has just those), the rest typed questions' own."""

    item_id: str = ""
    text: str = ""
    votes: Cell = ""
    percentage: Cell = ""
    point: Cell = ""
    mean: Cell = ""
    points: Cell = ""
    runoff_round: Cell = ""
    runoff: str = ""
    answered_at: str = ""
    hidden: str = ""
    approved: str = ""

    def cells(self, extended: bool) -> list[Cell]:
        every: tuple[Cell, ...] = astuple(self)
        return list(every if extended else every[:4])


BLANK = Item()
CHOICE_COLUMNS = 4  # Item's fields that choice questions fill
ITEM_COLUMNS = len(astuple(BLANK))

View = Mapping[str, Any]
Rows = Callable[[View, Mapping[str, Any] | None], list[Item]]


def _flag(value: bool) -> str:
    return YES if value else NO


def _number(value: Any) -> Cell:
    return "" if value is None else value


def _choice(view: View, shown: Mapping[str, Any] | None) -> list[Item]:
    choices = view.get("choices") or []
    if shown is None:
        return [Item(c["choiceId"], c["text"]) for c in choices] or [BLANK]
    texts = {c["choiceId"]: c["text"] for c in choices}
    return [
        Item(row["choiceId"], texts.get(row["choiceId"], ""), row["voteCount"], row["percentage"])
        for row in shown.get("choices") or ()
    ] or [BLANK]


def _wordcloud(view: View, shown: Mapping[str, Any] | None) -> list[Item]:
    if shown is None:
        return [BLANK]
    total = int(shown.get("totalVotes") or 0)
    return [
        Item(
            e["key"],
            e["text"],
            e["count"],
            percentage(e["count"], total),
            hidden=_flag(bool(e.get("hidden"))),
        )
        for e in shown.get("entries") or ()
    ] or [BLANK]


def _text(view: View, shown: Mapping[str, Any] | None) -> list[Item]:
    if shown is None:
        return [BLANK]
    approval = view.get("moderation") == "approve"
    return [
        Item(
            card["key"],
            card["text"],
            answered_at=card.get("at", ""),
            hidden=_flag(bool(card.get("hidden"))),
            approved=_flag(not card.get("pending")) if approval else "",
        )
        for card in shown.get("cards") or ()
    ] or [BLANK]


def _scale(view: View, shown: Mapping[str, Any] | None) -> list[Item]:
    statements = view.get("statements") or [{"statementId": "1", "text": ""}]
    texts = {s["statementId"]: s["text"] for s in statements}
    if shown is None:
        return [Item(s["statementId"], s["text"]) for s in statements]
    rows: list[Item] = []
    for statement in shown.get("statements") or ():
        sid, counts = statement["statementId"], statement.get("counts") or []
        answers = int(statement.get("answers") or 0)
        mean = _number(statement.get("mean"))
        rows.extend(
            Item(sid, texts.get(sid, ""), n, percentage(n, answers), point=v, mean=mean)
            for v, n in enumerate(counts, start=1)
        )
    return rows or [BLANK]


def _ranking(view: View, shown: Mapping[str, Any] | None) -> list[Item]:
    choices = view.get("choices") or []
    if shown is None:
        return [Item(c["choiceId"], c["text"]) for c in choices] or [BLANK]
    texts = {c["choiceId"]: c["text"] for c in choices}
    order = {c["choiceId"]: i for i, c in enumerate(choices)}
    total = int(shown.get("totalVotes") or 0)
    rows = [
        Item(
            i["choiceId"],
            texts.get(i["choiceId"], ""),
            i.get("firstPlaces", ""),
            percentage(int(i.get("firstPlaces") or 0), total),
            mean=_number(i.get("meanScore")),
            points=_number(i.get("points")),
        )
        for i in shown.get("items") or ()
    ]
    runoff = shown.get("runoff")
    if runoff:
        rounds = runoff.get("rounds") or []
        for n, step in enumerate(rounds, start=1):
            counts: Mapping[str, int] = step.get("counts") or {}
            eliminated = set(step.get("eliminated") or ())
            counting = sum(counts.values())
            for cid in sorted(counts, key=lambda c: order.get(c, len(order))):
                outcome = ""
                if cid in eliminated:
                    outcome = "eliminated"
                elif n == len(rounds) and cid == runoff.get("winner"):
                    outcome = "winner"
                votes = counts[cid]
                rows.append(
                    Item(
                        cid,
                        texts.get(cid, ""),
                        votes,
                        percentage(votes, counting),
                        runoff_round=n,
                        runoff=outcome,
                    )
                )
            rows.append(Item(votes=step.get("exhausted", 0), runoff_round=n, runoff="exhausted"))
    return rows or [BLANK]


ROWS: dict[str, Rows] = {
    "single": _choice,
    "multiple": _choice,
    "wordcloud": _wordcloud,
    "text": _text,
    "scale": _scale,
    "ranking": _ranking,
}
TEXT_FIELDS = ("item_id", "text")  # the cells that hold what people typed (neutralised)


def items(type_name: str, view: View, shown: Mapping[str, Any] | None) -> list[Item]:
    """A round's rows (`shown` its results), or a draft's (`shown` None). A type this
    module does not know lists what looks like choices, else one row."""
    return ROWS.get(type_name, _choice)(view, shown)


def extended(type_names: set[str]) -> bool:
    """Whether a CSV of questions of these types has the typed questions' columns."""
    return not type_names <= {"single", "multiple"}
