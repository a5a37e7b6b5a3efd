"""The event API's refusals over every backend: every malformed body is a 400 naming its
fields, unknown ids are 404, wrong methods 405, and a host's request is checked body →
event → host → state, as polls' are."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.conftest import host
from tests.events_http import (
    LUNCH,
    NOBODY,
    as_host,
    create_event,
    event_url,
    open_question,
)
from tohyo.web import events_api, openapi

TWO = [{"text": "A"}, {"text": "B"}]

# (method, path below the event, body, the fields the 400 names)
MALFORMED: list[tuple[str, tuple[str, ...], Any, set[str]]] = [
    ("PATCH", (), {}, {""}),
    ("PATCH", (), [], {""}),
    ("PATCH", (), {"title": 5}, {"title"}),
    ("PATCH", (), {"title": "  "}, {"title"}),
    ("PATCH", (), {"pace": "fast"}, {"pace"}),
    ("POST", ("questions",), {}, {"type", "prompt"}),
    ("POST", ("questions",), {"type": "single", "prompt": "x", "choices": [TWO[0]]}, {"choices"}),
    (
        "POST",
        ("questions",),
        {"type": "single", "prompt": "x", "choices": [{"text": "A"}, {"text": " A "}]},
        {"choices[1].text"},
    ),
    (
        "POST",
        ("questions",),
        {"type": "single", "prompt": "a\nb", "choices": TWO, "resultsVisibility": "me"},
        {"prompt", "resultsVisibility"},
    ),
    (
        "POST",
        ("questions",),
        {"type": "single", "prompt": "x", "choices": TWO, "closesAt": "soon"},
        {"closesAt"},
    ),
    (
        "POST",
        ("questions",),
        {"type": "single", "prompt": "x", "choices": TWO, "durationSeconds": 0},
        {"durationSeconds"},
    ),
    (
        "POST",
        ("questions",),
        {"type": "single", "prompt": "x", "choices": TWO, "closesAt": "2001-01-01T00:00:00Z"},
        {"closesAt"},
    ),
    ("PATCH", ("questions", "q1"), {"closesAt": "0000-01-01T00:00:00Z"}, {"closesAt"}),
    ("POST", ("present",), {}, {"questionId"}),
    ("POST", ("present",), {"questionId": 1}, {"questionId"}),
    ("POST", ("order",), {"questionIds": "q1"}, {"questionIds"}),
    ("POST", ("order",), {"questionIds": ["q1", "q1", "q2"]}, {"questionIds"}),
    ("POST", ("questions", "q1", "open"), {"durationSeconds": "60"}, {"durationSeconds"}),
    ("POST", ("questions", "q1", "open"), {"closesAt": None}, {"closesAt"}),
    ("POST", ("questions", "q1", "open"), [], {""}),
    (
        "POST",
        ("questions", "q1", "reset"),
        {"closesAt": "2030-01-01T00:00:00Z", "durationSeconds": 60},
        {"closesAt"},
    ),
    ("PATCH", ("questions", "q1"), {}, {""}),
    ("PATCH", ("questions", "q1"), {"color": "red"}, {""}),
    ("PATCH", ("questions", "q1"), {"choices": []}, {"choices"}),
    ("PATCH", ("questions", "q1"), {"type": "essay"}, {"type"}),  # no such type
    ("PATCH", ("questions", "q2"), {"resultsVisibility": None}, {"resultsVisibility"}),
]


@pytest.mark.parametrize(("method", "rest", "body", "fields"), MALFORMED)
async def test_every_malformed_body_is_a_400_naming_its_fields(
    client: httpx.AsyncClient, method: str, rest: tuple[str, ...], body: Any, fields: set[str]
) -> None:
    created = await create_event(client)
    await open_question(client, created, "q2")
    problem = await as_host(client, method, created, *rest, json=body, status=400)
    assert problem["code"] == "validation_error", problem
    assert {d["field"] for d in problem["details"]} == fields, problem


async def test_open_takes_no_body_or_an_object_never_null(client: httpx.AsyncClient) -> None:
    created = await create_event(client)
    url = event_url(created, "questions", "q1", "open")
    headers = {**host(created), **NOBODY, "content-type": "application/json"}
    for raw in (b"null", b"[]", b'"60"'):
        refused = await client.post(url, content=raw, headers=headers)
        assert refused.status_code == 400, raw
        assert refused.json()["details"] == [{"field": "", "message": "must be an object"}]
    assert (await client.post(url, content=b"", headers=headers)).status_code == 200
    reset = event_url(created, "questions", "q1", "reset")
    assert (await client.post(reset, content=b"{}", headers=headers)).status_code == 200


async def test_a_malformed_create_names_every_field_by_its_path(
    client: httpx.AsyncClient,
) -> None:
    body = {
        "title": "",
        "pace": "slow",
        "questions": [LUNCH, {"type": "single", "prompt": "x", "choices": [{"text": 3}]}, 7],
    }
    response = await client.post("/api/events", json=body)
    assert response.status_code == 400
    problem = response.json()
    assert problem["code"] == "validation_error"
    assert {d["field"] for d in problem["details"]} == {
        *("title", "pace", "questions[1].choices", "questions[1].choices[0].text"),
        "questions[2]",
    }
    past = {"title": "x", "questions": [LUNCH, {**LUNCH, "closesAt": "1999-12-31T23:59:59Z"}]}
    refused = await client.post("/api/events", json=past)
    assert refused.status_code == 400
    assert [d["field"] for d in refused.json()["details"]] == ["questions[1].closesAt"]
    for wrong in ([], {"title": "x", "questions": {}}, {"title": "x", "questions": [{}] * 101}):
        refused = await client.post("/api/events", json=wrong)
        assert refused.status_code == 400 and refused.json()["code"] == "validation_error"
    raw = await client.post(
        "/api/events", content=b"{", headers={"content-type": "application/json"}
    )
    assert raw.status_code == 400 and raw.json()["code"] == "invalid_json"
    form = await client.post("/api/events", content=b"title=x")
    assert form.status_code == 415


async def test_a_bad_answer_is_a_400_and_uses_nothing_up(client: httpx.AsyncClient) -> None:
    created = await create_event(client)
    await open_question(client, created, "q1")
    url = event_url(created, "questions", "q1", "responses")
    phone = {"cookie": "tohyo_voter=" + "p" * 22}
    for body in (
        {},
        {"choiceIds": "1"},
        {"choiceIds": []},
        {"choiceIds": ["1", "2"]},
        {"choiceIds": ["9"]},
        {"choiceIds": [1]},
        [],
    ):
        refused = await client.post(url, json=body, headers=phone)
        assert refused.status_code == 400, body
        assert refused.json()["code"] == "invalid_ballot", body
    assert (await client.post(url, json={"choiceIds": ["1"]}, headers=phone)).status_code == 201


async def test_unknown_ids_are_404(client: httpx.AsyncClient) -> None:
    created = await create_event(client)
    unknown = str(uuid.uuid4())
    for event_id in (unknown, "not-a-uuid", created["eventId"].upper(), "x" * 5000):
        for method, rest in (
            ("GET", ()),
            ("PATCH", ()),
            ("POST", ("end",)),
            ("GET", ("export",)),
            ("POST", ("questions", "q1", "close")),
            ("POST", ("questions", "q1", "responses")),
        ):
            response = await client.request(
                method, "/".join(["/api/events", event_id, *rest]), json={"title": "t"}
            )
            assert response.status_code == 404, (event_id, method, rest)
            assert response.json()["code"] == "not_found"
    for method, rest, body in (
        ("POST", ("questions", "q9", "open"), None),
        ("POST", ("questions", "q9", "close"), None),
        ("POST", ("questions", "q9", "reset"), None),
        ("PATCH", ("questions", "q9"), {"prompt": "x"}),
        ("DELETE", ("questions", "q9"), None),
        ("GET", ("questions", "q9", "export"), None),
    ):
        problem = await as_host(client, method, created, *rest, json=body, status=404)
        assert problem["code"] == "not_found", (method, rest)
    # Named by the body, not the path: the event is there, the change does not fit it.
    presented = await as_host(
        client, "POST", created, "present", json={"questionId": "q9"}, status=409
    )
    assert presented["code"] == "invalid_state"
    answered = await client.post(
        event_url(created, "questions", "q9", "responses"), json={"choiceIds": ["1"]}
    )
    assert answered.status_code == 404
    for path in (
        "/api/events/x/y/z/w/v",
        event_url(created, "nothing"),
        event_url(created, "questions", "q1", "nothing"),
        "/api/eventsx",
    ):
        assert (await client.get(path)).status_code == 404, path


async def test_a_wrong_method_is_405_with_allow(client: httpx.AsyncClient) -> None:
    created = await create_event(client)
    for method, url, allowed in (
        ("GET", "/api/events", "POST"),
        ("DELETE", event_url(created), "GET, PATCH"),
        ("GET", event_url(created, "questions", "q1"), "DELETE, PATCH"),
        ("GET", event_url(created, "end"), "POST"),
        ("PUT", event_url(created, "questions", "q1", "responses"), "POST"),
    ):
        response = await client.request(method, url)
        assert response.status_code == 405, (method, url)
        assert response.headers["allow"] == allowed


async def test_a_host_change_is_checked_body_event_host_then_state(
    client: httpx.AsyncClient,
) -> None:
    created = await create_event(client)
    other = str(uuid.uuid4())
    url = event_url(created, "present")
    bad, good = {"questionId": 5}, {"questionId": "q1"}
    creds = {**host(created), **NOBODY}
    wrong = {"authorization": "Bearer " + "w" * 43, **NOBODY}
    for target, body, headers, status, code in (
        (f"/api/events/{other}/present", bad, creds, 400, "validation_error"),
        (f"/api/events/{other}/present", good, creds, 404, "not_found"),
        (url, good, NOBODY, 401, "unauthorized"),
        (url, good, wrong, 403, "forbidden"),
        (url, good, creds, 409, "invalid_state"),  # q1 is a draft
    ):
        response = await client.post(target, json=body, headers=headers)
        assert response.status_code == status, (target, body, response.text)
        assert response.json()["code"] == code
    # Drafts only: deleting or closing an opened question, resetting a draft.
    await open_question(client, created, "q1")
    assert (await as_host(client, "DELETE", created, "questions", "q1", status=409))[
        "code"
    ] == "invalid_state"
    assert (await as_host(client, "POST", created, "questions", "q2", "close", status=409))[
        "code"
    ] == "invalid_state"
    assert (await as_host(client, "POST", created, "questions", "q2", "reset", status=409))[
        "code"
    ] == "invalid_state"
    order = await as_host(
        client, "POST", created, "order", json={"questionIds": ["q1"]}, status=409
    )
    assert order["code"] == "invalid_state"


async def test_patch_and_delete_refuse_another_site(client: httpx.AsyncClient) -> None:
    created = await create_event(client)
    for method, rest, body in (
        ("PATCH", (), {"title": "x"}),
        ("DELETE", ("questions", "q1"), None),
        ("POST", ("end",), None),
    ):
        response = await client.request(
            method,
            event_url(created, *rest),
            json=body,
            headers={**host(created), "origin": "https://elsewhere.example"},
        )
        assert response.status_code == 403, (method, rest)
        assert response.json()["code"] == "cross_origin"


def test_every_event_route_is_in_the_openapi_document() -> None:
    paths = openapi.document()["paths"]
    tables = {
        "/api/events/{eventId}": events_api.EVENT,
        **{f"/api/events/{{eventId}}/{a}": t for a, t in events_api.EVENT_ACTIONS.items()},
        "/api/events/{eventId}/questions/{questionId}": events_api.QUESTION,
        **{
            f"/api/events/{{eventId}}/questions/{{questionId}}/{a}": t
            for a, t in events_api.QUESTION_ACTIONS.items()
        },
    }
    for path, table in tables.items():
        assert set(paths[path]) - {"parameters"} == {m.lower() for m in table}, path
    assert set(paths["/api/events"]) == {"post"}
    assert set(paths["/api/join/{code}"]) - {"parameters"} == {"get"}


def test_a_patch_may_name_every_field_of_every_type() -> None:
    """Each type's own fields (its config view's) may be PATCHed alone: a new type whose
    field PATCH_FIELDS forgot would answer 'Give a field to change' to a PATCH of it."""
    from tests.event_builders import spec_body
    from tohyo.domain import questions
    from tohyo.domain.event_specs import parse_question
    from tohyo.web.event_questions_api import PATCH_FIELDS

    examples = {
        "single": spec_body(),
        "multiple": spec_body(type_="multiple"),
        "wordcloud": {"type": "wordcloud", "prompt": "One word?"},
        "text": {"type": "text", "prompt": "Say more?"},
        "scale": {"type": "scale", "prompt": "How much?", "points": 5},
        "ranking": {
            "type": "ranking",
            "prompt": "Order?",
            "choices": [{"text": "a"}, {"text": "b"}],
        },
        "quiz": {
            "type": "quiz",
            "prompt": "Right?",
            "choices": [{"text": "a"}, {"text": "b"}],
            "correct": ["1"],
            "timeLimit": 20,
        },
    }
    assert set(examples) == set(questions.TYPE_NAMES)
    for name, body in examples.items():
        spec = parse_question(body)
        view = questions.kind(name).config_view(spec.config)
        assert set(view) <= PATCH_FIELDS, name
