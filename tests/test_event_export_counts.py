"""An event export agrees with itself: each round's results are counted from the answers
it lists (through the question's type), so answers that land between the read of the
event and the read of its answers are listed and counted alike (on Redis, up to 41 were
listed and not counted). Once answers stop, the recount is the live tally: every backend.
"""

from __future__ import annotations

import asyncio
import csv
import io
from collections import Counter
from typing import Any

import httpx

from tests.conftest import host, voter
from tests.event_builders import NOW, new_event, spec
from tests.events_http import DRINKS, LUNCH, NOBODY, answer, as_host, create_event, event_url
from tohyo import event_export
from tohyo.domain import event_transitions as t
from tohyo.domain import questions
from tohyo.domain.event import Response
from tohyo.domain.event_views import results_context
from tohyo.web.app import TohyoApp


def test_results_are_counted_from_the_listed_answers_not_read_off_the_event() -> None:
    """The event was read after one answer, its answers after three more had landed."""
    e = t.open_question(new_event(spec("Lunch?"), now=NOW), "q1", NOW)
    e = t.record_answer(e, e.questions[0], ("1",))
    listed = [
        Response("q1", 1, bytes([n]), [choice], NOW + n)
        for n, choice in enumerate(["1", "2", "2", "3"])
    ]
    (round_,) = event_export.to_json(e, listed, NOW)["questions"][0]["rounds"]
    assert len(round_["answers"]) == round_["results"]["totalVotes"] == 4
    votes = [c["voteCount"] for c in round_["results"]["choices"]]
    assert votes == [1, 2, 1]
    rows = list(csv.reader(io.StringIO(event_export.to_csv(e, listed, "en").decode("utf-8-sig"))))
    assert [(row[7], row[10]) for row in rows[1:]] == [("4", "1"), ("4", "2"), ("4", "1")]


def consistent(exported: dict[str, Any]) -> int:
    """Check that every round of a JSON export counts exactly the answers it lists; the
    number of answers listed."""
    listed = 0
    for question in exported["questions"]:
        for round_ in question["rounds"]:
            answers = round_["answers"]
            shown = round_["results"]
            assert shown["totalVotes"] == len(answers), (question["questionId"], round_)
            counted = Counter(c for a in answers for c in a["answer"])
            assert {c["choiceId"]: c["voteCount"] for c in shown["choices"]} == {
                c["choiceId"]: counted[c["choiceId"]] for c in shown["choices"]
            }
            listed += len(answers)
    return listed


async def exported(client: httpx.AsyncClient, created: dict[str, Any], fmt: str) -> Any:
    response = await client.get(
        event_url(created, "export") + f"?format={fmt}", headers={**host(created), **NOBODY}
    )
    assert response.status_code == 200, response.text
    return response.json() if fmt == "json" else response.text.lstrip("\ufeff")


async def test_exports_taken_while_answers_pour_in_agree_with_themselves(
    client: httpx.AsyncClient,
) -> None:
    created = await create_event(client, questions=[LUNCH, DRINKS])
    for qid in ("q1", "q2"):
        await as_host(client, "POST", created, "questions", qid, "open")

    async def one(n: int) -> None:
        qid, choices = ("q1", [str(n % 3 + 1)]) if n % 2 else ("q2", ["1", "2"])
        response = await answer(client, created, qid, choices, voter(n))
        assert response.status_code == 201, response.text

    seen: list[int] = []
    for wave in range(30):  # each export taken while 20 answers are on their way
        taken, *_ = await asyncio.gather(
            exported(client, created, "json"), *(one(wave * 20 + n) for n in range(20))
        )
        seen.append(consistent(taken))
    assert consistent(await exported(client, created, "json")) == 600
    assert seen == sorted(seen)  # none lists fewer answers than the one before


async def test_once_quiet_the_recount_is_the_live_tally_on_every_round(
    app: TohyoApp, client: httpx.AsyncClient
) -> None:
    created = await create_event(client, questions=[LUNCH, DRINKS])
    await as_host(client, "POST", created, "questions", "q1", "open")
    await as_host(client, "POST", created, "questions", "q2", "open")
    for n in range(12):
        await answer(client, created, "q1", [str(n % 3 + 1)], voter(n))
        await answer(client, created, "q2", ["1", "2"][: n % 2 + 1], voter(n))
    await as_host(client, "POST", created, "questions", "q1", "reset")
    for n in range(5):
        await answer(client, created, "q1", [str(n % 2 + 1)], voter(n))

    event, _ = await app.objects.events.get(created["eventId"], None)
    live: dict[tuple[str, int], dict[str, Any]] = {}
    for q in event.questions:
        kind = questions.kind(q.type)
        for round_ in range(1, q.round + 1):
            live[(q.question_id, round_)] = kind.results(
                q.config,
                event.tally(q, round_),
                results_context(
                    event, q, host=True, full=True, closed=q.status == "closed" or round_ < q.round
                ),
            )
    body = await exported(client, created, "json")
    recounted = {
        (q["questionId"], r["round"]): r["results"] for q in body["questions"] for r in q["rounds"]
    }
    assert recounted == live and len(live) == 3
    rows = list(csv.reader(io.StringIO(await exported(client, created, "csv"))))[1:]
    in_csv = {(row[0], int(row[5]), row[8]): (int(row[7]), int(row[10])) for row in rows}
    assert in_csv == {
        (qid, round_, c["choiceId"]): (shown["totalVotes"], c["voteCount"])
        for (qid, round_), shown in live.items()
        for c in shown["choices"]
    }
