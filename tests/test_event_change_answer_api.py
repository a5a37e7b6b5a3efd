"""Change of answer through HTTP, every backend: on a question created with
`allowChange`, a participant's second answer is taken like a first (201, the documented
body), the results and the export show only the new one; without it, 409 already_voted.
"""

from __future__ import annotations

import httpx

from tests.conftest import voter
from tests.events_http import DRINKS, LUNCH, answer, as_host, create_event, open_question, question


async def test_a_second_answer_replaces_the_first_where_the_question_allows_it(
    client: httpx.AsyncClient,
) -> None:
    created = await create_event(client, questions=[{**LUNCH, "allowChange": True}, DRINKS])
    for qid in ("q1", "q2"):
        await open_question(client, created, qid)
    first = await answer(client, created, "q1", ["1"], voter(1))
    await answer(client, created, "q1", ["1"], voter(2))
    changed = await answer(client, created, "q1", ["3"], voter(1))
    assert first.status_code == changed.status_code == 201, changed.text
    assert set(changed.json()) == {"message", "answeredAt", "questionId", "round"}
    assert changed.json()["round"] == 1 and changed.json()["questionId"] == "q1"

    hosted = question(await as_host(client, "GET", created), "q1")
    assert hosted["results"]["totalVotes"] == 2
    assert [c["voteCount"] for c in hosted["results"]["choices"]] == [1, 0, 1]

    exported = await as_host(client, "GET", created, "export")
    (round_,) = exported["questions"][0]["rounds"]
    assert len(round_["answers"]) == 2
    assert [c["voteCount"] for c in round_["results"]["choices"]] == [1, 0, 1]

    await answer(client, created, "q2", ["1"], voter(1))
    refused = await answer(client, created, "q2", ["2"], voter(1))
    assert refused.status_code == 409 and refused.json()["code"] == "already_voted"


async def test_a_change_after_the_close_is_refused_and_the_answer_stands(
    client: httpx.AsyncClient,
) -> None:
    created = await create_event(client, questions=[{**LUNCH, "allowChange": True}])
    await open_question(client, created, "q1")
    await answer(client, created, "q1", ["2"], voter(1))
    await as_host(client, "POST", created, "questions", "q1", "close")
    late = await answer(client, created, "q1", ["1"], voter(1))
    assert late.status_code == 403 and late.json()["code"] == "closed"
    hosted = question(await as_host(client, "GET", created), "q1")
    assert [c["voteCount"] for c in hosted["results"]["choices"]] == [0, 1, 0]
