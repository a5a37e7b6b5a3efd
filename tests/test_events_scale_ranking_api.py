"""Rating scales and rankings through the event API, over every backend: created with the
event, opened, answered by several phones, read back with their results (the runoff once
the ranking is closed); bad specs are 400 validation_error naming each field, bad
answers 400 invalid_ballot in the documented shape, and count nothing."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import voter
from tests.events_http import as_host, create_event, event_url, open_question, question

AGREE = {
    "type": "scale",
    "prompt": "How far do you agree?",
    "points": 5,
    "labels": {"low": "Not at all", "high": "Completely"},
    "statements": [{"text": "The talk was clear"}, {"text": "I learnt <something> & more"}],
    "resultsVisibility": "always",
}
MOOD = {"type": "scale", "prompt": "Your mood, 1-3?", "points": 3}
CITY = {
    "type": "ranking",
    "prompt": "Which city should be the capital?",
    "choices": [{"text": t} for t in ("Memphis", "Nashville", "Chattanooga", "Knoxville")],
}
TOP2 = {
    "type": "ranking",
    "prompt": "Your two favourite drinks?",
    "choices": [{"text": t} for t in ("Tea", "Coffee", "Water", "Juice")],
    "rankTop": 2,
}
EVENT = {"title": "Scales and rankings", "questions": [AGREE, MOOD, CITY, TOP2]}


async def respond(
    client: httpx.AsyncClient, created: dict[str, Any], qid: str, body: Any, n: int
) -> httpx.Response:
    url = event_url(created, "questions", qid, "responses")
    return await client.post(url, json=body, headers=voter(n))


async def test_scales_and_rankings_from_creation_to_results(client: httpx.AsyncClient) -> None:
    created = await create_event(client, **EVENT)
    assert created["questionIds"] == ["q1", "q2", "q3", "q4"]
    view = await as_host(client, "GET", created)
    agree, mood = question(view, "q1"), question(view, "q2")
    assert (agree["type"], agree["points"]) == ("scale", 5)
    assert agree["labels"] == {"low": "Not at all", "high": "Completely"}
    assert agree["statements"] == [
        {"statementId": "1", "text": "The talk was clear"},
        {"statementId": "2", "text": "I learnt <something> & more"},
    ]
    assert (mood["labels"], mood["statements"]) == (None, [])
    assert question(view, "q3")["rankTop"] == 4 and question(view, "q4")["rankTop"] == 2
    assert [c["choiceId"] for c in question(view, "q4")["choices"]] == ["1", "2", "3", "4"]

    for qid in ("q1", "q2", "q3", "q4"):
        await open_question(client, created, qid)
    answers: dict[str, list[Any]] = {
        "q1": [{"values": [5, 1]}, {"values": [4, 2]}, {"values": [4, 2]}, {"values": [4, 1]}],
        "q2": [{"value": 3}, {"value": 1}, {"value": 3}, {"value": 2}],
        "q3": [
            {"ranking": ["1", "2", "3", "4"]},
            {"ranking": ["1", "2", "3", "4"]},
            {"ranking": ["2", "3", "4", "1"]},
            {"ranking": ["3", "4", "2", "1"]},
            {"ranking": ["4", "3", "2", "1"]},
        ],
        "q4": [{"ranking": ["2", "1"]}, {"ranking": ["3", "2"]}, {"ranking": ["2", "4"]}],
    }
    for qid, bodies in answers.items():
        for n, body in enumerate(bodies, start=1):
            response = await respond(client, created, qid, {**body, "round": 1}, n)
            assert response.status_code == 201, response.text
            assert response.json()["questionId"] == qid

    # A phone that answered sees the results its question shows after a vote.
    mine = await client.get(event_url(created), headers=voter(1))
    assert question(mine.json(), "q2")["answered"] is True
    assert question(mine.json(), "q2")["results"] == {
        "totalVotes": 4,
        "statements": [{"statementId": "1", "counts": [1, 1, 2], "answers": 4, "mean": 2.3}],
    }
    view = await as_host(client, "GET", created)
    assert question(view, "q1")["results"] == {
        "totalVotes": 4,
        "statements": [
            {"statementId": "1", "counts": [0, 0, 0, 3, 1], "answers": 4, "mean": 4.3},
            {"statementId": "2", "counts": [2, 2, 0, 0, 0], "answers": 4, "mean": 1.5},
        ],
    }
    city = question(view, "q3")["results"]
    assert "runoff" not in city  # only once closed
    assert city["totalVotes"] == 5
    assert [
        (i["choiceId"], i["points"], i["meanScore"], i["firstPlaces"]) for i in city["items"]
    ] == [("2", 14, 2.8, 1), ("3", 14, 2.8, 1), ("1", 11, 2.2, 2), ("4", 11, 2.2, 1)]
    top2 = question(view, "q4")["results"]
    assert [(i["choiceId"], i["points"]) for i in top2["items"]] == [
        ("2", 11),
        ("3", 4),
        ("1", 3),
        ("4", 3),
    ]

    closed = await as_host(client, "POST", created, "questions", "q3", "close")
    runoff = closed["results"]["runoff"]
    # 1: 2, 2: 1, 3: 1, 4: 1 — three tie for fewest on first places; 4 has the fewest
    # points (11 to 14, 14), so it goes and its ballot passes to 3; then 2 (1 vote) goes,
    # to 3 again: 3 holds 3 of the 5.
    assert runoff == {
        "winner": "3",
        "rounds": [
            {"counts": {"1": 2, "2": 1, "3": 1, "4": 1}, "eliminated": ["4"], "exhausted": 0},
            {"counts": {"1": 2, "2": 1, "3": 2}, "eliminated": ["2"], "exhausted": 0},
            {"counts": {"1": 2, "3": 3}, "eliminated": [], "exhausted": 0},
        ],
    }
    view = await as_host(client, "GET", created)
    assert question(view, "q3")["results"]["runoff"] == runoff
    closed = await as_host(client, "POST", created, "questions", "q4", "close")
    # 2 holds 2 of 3 first places at once; the ballot 3,2 stays 3's.
    assert closed["results"]["runoff"] == {
        "winner": "2",
        "rounds": [{"counts": {"1": 0, "2": 2, "3": 1, "4": 0}, "eliminated": [], "exhausted": 0}],
    }


async def test_bad_answers_are_invalid_ballots_and_count_nothing(
    client: httpx.AsyncClient,
) -> None:
    created = await create_event(client, **EVENT)
    for qid in ("q1", "q2", "q3", "q4"):
        await open_question(client, created, qid)
    refusals: list[tuple[str, Any, str, Any]] = [
        ("q1", {"values": [5]}, "values must be a list of 2 ratings, one per statement", None),
        (
            "q1",
            {"values": [5, 6]},
            "The rating of statement 2 must be a whole number from 1 to 5",
            {"statementId": "2"},
        ),
        (
            "q1",
            {"values": [True, 2]},
            "The rating of statement 1 must be a whole number from 1 to 5",
            {"statementId": "1"},
        ),
        ("q1", {"value": 3}, "This scale rates 2 statements: send values", None),
        ("q2", {"value": 3.0}, "value must be a whole number from 1 to 3", None),
        ("q2", {"value": "2"}, "value must be a whole number from 1 to 3", None),
        ("q2", {"choiceIds": ["1"]}, "value must be a whole number from 1 to 3", None),
        ("q2", [2], "The body must be a JSON object with value", None),
        ("q3", {"ranking": ["1", "2", "3"]}, "Rank all 4 choices", None),
        (
            "q3",
            {"ranking": ["1", "2", "3", "3"]},
            "A choice appears more than once in the ranking",
            None,
        ),
        ("q3", {"ranking": ["1", "2", "3", "05"]}, "Unknown choice id '05'", {"choiceId": "05"}),
        ("q4", {"ranking": ["1", "2", "3"]}, "Rank exactly 2 of the 4 choices", None),
        (
            "q4",
            {"ranking": [1, 2]},
            "ranking must be a list of choice id strings, best first",
            None,
        ),
    ]
    for qid, body, message, details in refusals:
        response = await respond(client, created, qid, body, 1)
        assert response.status_code == 400, (body, response.text)
        expected = {"error": message, "code": "invalid_ballot"}
        if details is not None:
            expected["details"] = details
        assert response.json() == expected
    view = await as_host(client, "GET", created)
    assert [q["results"]["totalVotes"] for q in view["questions"]] == [0, 0, 0, 0]
    # The refused phone may still answer.
    assert (await respond(client, created, "q4", {"ranking": ["4", "1"]}, 1)).status_code == 201


async def test_bad_specs_are_400_naming_each_field(client: httpx.AsyncClient) -> None:
    bad = {
        "title": "Bad",
        "questions": [
            {**AGREE, "points": 12, "labels": {"low": "x" * 41, "high": "ok"}},
            {**CITY, "choices": [{"text": ""}, *CITY["choices"][1:]], "rankTop": 5},
            {**MOOD, "statements": [{"text": "a"}] * 11},
        ],
    }
    response = await client.post("/api/events", json=bad)
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["error"] == "questions[0].points must be a whole number from 3 to 11"
    assert [d["field"] for d in body["details"]] == [
        "questions[0].points",
        "questions[0].labels.low",
        "questions[1].choices[0].text",
        "questions[1].rankTop",
        "questions[2].statements",
        *(f"questions[2].statements[{i}].text" for i in range(1, 11)),  # duplicates
    ]


async def test_a_draft_scale_and_ranking_are_added_and_edited(client: httpx.AsyncClient) -> None:
    """(A PATCH names a field of web.event_questions_api.PATCH_FIELDS, the prompt here:
    the types' own fields are not among them yet.)"""
    created = await create_event(client, title="Later", questions=[])
    added = await as_host(client, "POST", created, "questions", json=AGREE, status=201)
    assert added["status"] == "draft" and added["labels"]["high"] == "Completely"
    edited = await as_host(
        client,
        "PATCH",
        created,
        "questions",
        added["questionId"],
        json={"labels": None, "prompt": "Agree?"},
    )
    assert edited["labels"] is None and len(edited["statements"]) == 2
    ranked = await as_host(client, "POST", created, "questions", json=TOP2, status=201)
    edited = await as_host(
        client,
        "PATCH",
        created,
        "questions",
        ranked["questionId"],
        json={"rankTop": 3, "prompt": "Your three favourites?"},
    )
    assert (edited["rankTop"], edited["prompt"]) == (3, "Your three favourites?")
    refused = await as_host(
        client,
        "PATCH",
        created,
        "questions",
        ranked["questionId"],
        json={"rankTop": 0, "prompt": "Zero?"},
        status=400,
    )
    assert refused["details"] == [
        {"field": "rankTop", "message": "must be a whole number from 1 to 4"}
    ]
