"""The event API over every backend, in-process: an event's whole life through HTTP, who
sees what, host credentials, and the join code. Bad input, unknown ids and the order of
checks are in test_events_api_errors.py; exports in test_event_exports.py."""

from __future__ import annotations

import re
from typing import Any

import httpx

from tests.budgets import inside_one_window
from tests.conftest import host, new_client, voter
from tests.events_http import (
    DRINKS,
    EVENT,
    LUNCH,
    NOBODY,
    answer,
    as_host,
    create_event,
    event_url,
    open_question,
    question,
)
from tohyo.config import Settings
from tohyo.web.app import TohyoApp

UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


async def test_create_returns_the_links_the_code_and_the_host_cookie(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/api/events", json=EVENT)
    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) == {
        *("eventId", "code", "joinUrl", "hostUrl", "hostToken"),
        *("createdAt", "expiresAt", "questionIds"),
    }
    assert UUID4.match(body["eventId"])
    assert re.fullmatch(r"[1-9][0-9]{5}", body["code"])
    assert body["joinUrl"] == f"http://testserver/e/{body['eventId']}"
    assert body["hostUrl"] == f"{body['joinUrl']}/host#host={body['hostToken']}"
    assert body["questionIds"] == ["q1", "q2"]
    assert ISO.match(body["createdAt"]) and ISO.match(body["expiresAt"])
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"tohyo_host_{body['eventId']}={body['hostToken']};")
    retention = Settings().event_retention
    assert f"Max-Age={retention};" in cookie and "HttpOnly" in cookie

    bare = await client.post("/api/events", json={"title": "Later"})
    assert bare.status_code == 201 and bare.json()["questionIds"] == []
    assert bare.json()["code"] != body["code"]


async def test_an_event_from_drafts_to_its_end(client: httpx.AsyncClient) -> None:
    """The lifecycle of EVENTS.md through HTTP, as a host and two phones live it."""
    created = await create_event(client)
    phone1, phone2 = voter(1), voter(2)

    # Build: add, edit, reorder and delete drafts.
    added = await as_host(
        client, "POST", created, "questions", json={**LUNCH, "prompt": "Dessert?"}, status=201
    )
    assert added["questionId"] == "q3" and added["status"] == "draft" and added["position"] == 3
    edited = await as_host(
        client, "PATCH", created, "questions", "q3", json={"prompt": "Cake?", "type": "multiple"}
    )
    assert edited["prompt"] == "Cake?" and edited["type"] == "multiple"
    assert [c["text"] for c in edited["choices"]] == ["Ramen", "Curry", "Sushi"]
    ordered = await as_host(
        client, "POST", created, "order", json={"questionIds": ["q3", "q1", "q2"]}
    )
    assert [q["questionId"] for q in ordered["questions"]] == ["q3", "q1", "q2"]
    gone = await as_host(client, "DELETE", created, "questions", "q3")
    assert gone == {"eventId": created["eventId"], "questionId": "q3", "deleted": True}
    view = await as_host(client, "GET", created)
    assert [(q["questionId"], q["position"]) for q in view["questions"]] == [("q1", 1), ("q2", 2)]

    # Open, answer once, close.
    opened = await open_question(client, created, "q1")
    assert opened["status"] == "open" and opened["round"] == 1 and ISO.match(opened["openedAt"])
    first = await answer(client, created, "q1", ["2"], phone1)
    assert first.status_code == 201, first.text
    assert set(first.json()) == {"message", "answeredAt", "questionId", "round"}
    assert first.json()["questionId"] == "q1" and first.json()["round"] == 1
    again = await answer(client, created, "q1", ["1"], phone1)
    assert again.status_code == 409 and again.json()["code"] == "already_voted"
    closed = await as_host(client, "POST", created, "questions", "q1", "close")
    assert closed["status"] == "closed" and ISO.match(closed["closedAt"])
    late = await answer(client, created, "q1", ["1"], phone2)
    assert late.status_code == 403 and late.json()["code"] == "closed"

    # Reopen: the same round, its answers kept.
    reopened = await open_question(client, created, "q1")
    assert reopened["round"] == 1 and reopened["openedAt"] == opened["openedAt"]
    assert (await answer(client, created, "q1", ["1"], phone1)).status_code == 409
    assert (await answer(client, created, "q1", ["1"], phone2)).status_code == 201
    assert reopened["results"]["totalVotes"] == 1  # as it was when reopened
    assert (await as_host(client, "GET", created))["questions"][0]["results"]["totalVotes"] == 2

    # Reset: a new round, answerable again, the live tally from zero.
    reset = await as_host(client, "POST", created, "questions", "q1", "reset")
    assert reset["round"] == 2 and reset["status"] == "open"
    assert reset["results"]["totalVotes"] == 0
    second = await answer(client, created, "q1", ["3"], phone1)
    assert second.status_code == 201 and second.json()["round"] == 2

    # Present, switch the pace live.
    shown = await as_host(client, "POST", created, "present", json={"questionId": "q1"})
    assert shown["presenting"] == "q1"
    lobby = await as_host(client, "POST", created, "present", json={"questionId": None})
    assert lobby["presenting"] is None
    paced = await as_host(client, "PATCH", created, json={"pace": "audience", "title": "Fri"})
    assert paced["pace"] == "audience" and paced["title"] == "Fri"
    await open_question(client, created, "q2")

    # End: everything closes at once, the code is released, changes are refused.
    ended = await as_host(client, "POST", created, "end")
    assert ended["status"] == "ended" and ISO.match(ended["endedAt"]) and "code" not in ended
    assert {q["status"] for q in ended["questions"]} == {"closed"}
    assert (await as_host(client, "POST", created, "end")) == ended  # idempotent
    assert (await client.get(f"/api/join/{created['code']}")).status_code == 404
    refused = await answer(client, created, "q2", ["1"], phone2)
    assert refused.status_code == 403 and refused.json()["code"] == "closed"
    for method, rest, body in (
        ("POST", ("questions", "q1", "open"), None),
        ("POST", ("questions",), LUNCH),
        ("PATCH", (), {"title": "After"}),
        ("POST", ("present",), {"questionId": "q1"}),
    ):
        problem = await as_host(client, method, created, *rest, json=body, status=409)
        assert problem["code"] == "event_ended", (method, rest)


async def test_participants_never_see_drafts(client: httpx.AsyncClient) -> None:
    created = await create_event(client)
    await open_question(client, created, "q2")
    seen = (await client.get(event_url(created), headers=voter(1))).json()
    assert seen["isHost"] is False and seen["joinUrl"].endswith(created["eventId"])
    assert [(q["questionId"], q["position"]) for q in seen["questions"]] == [("q2", 1)]
    assert "Lunch?" not in str(seen)
    for status, response in (
        (404, await answer(client, created, "q1", ["1"], voter(1))),
        (404, await client.get(event_url(created, "questions", "q1", "export"), headers=voter(1))),
        (401, await client.get(event_url(created, "export"), headers=voter(1))),
        (401, await client.get(event_url(created, "export") + "?format=csv", headers=NOBODY)),
    ):
        assert response.status_code == status, response.text
    hosted = await as_host(client, "GET", created)
    assert [q["status"] for q in hosted["questions"]] == ["draft", "open"]


async def results_seen(client: httpx.AsyncClient, created: dict[str, Any], n: int) -> bool:
    view = (await client.get(event_url(created), headers=voter(n))).json()
    return "results" in question(view, "q1")


async def test_results_as_each_visibility_allows(client: httpx.AsyncClient) -> None:
    # (visibility, seen before answering, after answering, after the close)
    for visibility, before, after, closed in (
        ("always", True, True, True),
        ("after_vote", False, True, True),
        ("after_close", False, False, True),
        ("host", False, False, False),
    ):
        created = await create_event(client, questions=[{**LUNCH, "resultsVisibility": visibility}])
        await open_question(client, created, "q1")
        assert await results_seen(client, created, 1) is before, visibility
        assert (await answer(client, created, "q1", ["1"], voter(1))).status_code == 201
        assert await results_seen(client, created, 1) is after, visibility
        assert await results_seen(client, created, 2) is before, visibility  # not answered
        await as_host(client, "POST", created, "questions", "q1", "close")
        assert await results_seen(client, created, 1) is closed, visibility
        view = (await client.get(event_url(created), headers=voter(1))).json()
        assert question(view, "q1")["answered"] is True
        assert "version" not in view and "revision" not in view  # the host's alone
        hosted = await as_host(client, "GET", created)
        assert question(hosted, "q1")["results"]["choices"][0]["voteCount"] == 1

    # An opened question's visibility can change while open; its prompt cannot.
    patched = await as_host(
        client, "PATCH", created, "questions", "q1", json={"resultsVisibility": "always"}
    )
    assert patched["resultsVisibility"] == "always"
    assert await results_seen(client, created, 2) is True
    refused = await as_host(
        client, "PATCH", created, "questions", "q1", json={"prompt": "Other?"}, status=409
    )
    assert refused["code"] == "invalid_state"


async def test_host_by_cookie_or_bearer_and_never_by_a_wrong_token(app: TohyoApp) -> None:
    async with new_client(app) as browser, new_client(app) as other:
        created = await create_event(browser)  # the jar now holds the host cookie
        url = event_url(created, "questions", "q1", "open")
        assert (await browser.get(event_url(created))).json()["isHost"] is True
        assert (await browser.post(url)).status_code == 200  # by cookie
        assert (await other.get(event_url(created))).json()["isHost"] is False

        close = event_url(created, "questions", "q1", "close")
        missing = await other.post(close)
        assert missing.status_code == 401 and missing.json()["code"] == "unauthorized"
        wrong = await other.post(close, headers={"authorization": "Bearer " + "x" * 43})
        assert wrong.status_code == 403 and wrong.json()["code"] == "forbidden"
        cookie = {"cookie": f"tohyo_host_{created['eventId']}={'y' * 43}"}
        assert (await other.post(close, headers=cookie)).status_code == 403
        assert (await other.post(close, headers=host(created))).status_code == 200  # Bearer

        # Trading the Bearer token for the cookie makes the other browser the host.
        claimed = await other.post(event_url(created, "host"), headers=host(created))
        assert claimed.status_code == 200
        assert claimed.json() == {"eventId": created["eventId"], "isHost": True}
        assert claimed.headers["set-cookie"].startswith(f"tohyo_host_{created['eventId']}=")
        assert (await other.get(event_url(created))).json()["isHost"] is True
        nobody = await browser.post(event_url(created, "host"), headers=NOBODY)
        assert nobody.status_code == 401


async def test_an_answer_sets_the_voter_cookie_and_every_answer_renews_it(app: TohyoApp) -> None:
    async with new_client(app) as hosting, new_client(app) as phone:
        created = await create_event(hosting)
        await open_question(hosting, created, "q1")
        await open_question(hosting, created, "q2")
        first = await answer(phone, created, "q1", ["1"], {})
        assert first.status_code == 201
        minted = first.headers["set-cookie"]
        assert minted.startswith("tohyo_voter=")
        # The same browser (its cookie now in the jar) is the same participant.
        assert (await answer(phone, created, "q1", ["2"], {})).status_code == 409
        second = await answer(phone, created, "q2", ["1", "2"], {})
        # The same cookie again, its lifetime renewed (test_event_voter_cookie.py).
        assert second.status_code == 201 and second.headers["set-cookie"] == minted
        seen = (await phone.get(event_url(created))).json()
        assert [q["answered"] for q in seen["questions"]] == [True, True]


async def test_a_question_spec_plans_its_deadline(client: httpx.AsyncClient) -> None:
    created = await create_event(client, questions=[{**LUNCH, "durationSeconds": 90}, DRINKS])
    opened = await open_question(client, created, "q1")
    assert _seconds_between(opened["openedAt"], opened["closesAt"]) == 90
    # A body's deadline wins over the planned one; an open question only moves it.
    given = await as_host(
        client, "POST", created, "questions", "q2", "open", json={"durationSeconds": 30}
    )
    assert _seconds_between(given["openedAt"], given["closesAt"]) == 30
    same = await open_question(client, created, "q2")
    assert same["closesAt"] == given["closesAt"]
    moved = await as_host(
        client, "PATCH", created, "questions", "q2", json={"durationSeconds": 600}
    )
    assert _seconds_between(given["openedAt"], moved["closesAt"]) >= 600
    # A reset applies the question's own duration again.
    reset = await as_host(client, "POST", created, "questions", "q1", "reset")
    assert _seconds_between(reset["openedAt"], reset["closesAt"]) == 90
    # A deadline for a closed question is 403 closed, one too soon is 400.
    await as_host(client, "POST", created, "questions", "q2", "close")
    late = await as_host(
        client, "PATCH", created, "questions", "q2", json={"durationSeconds": 60}, status=403
    )
    assert late["code"] == "closed"
    soon = await as_host(
        client, "POST", created, "questions", "q2", "open", json={"durationSeconds": 1}, status=400
    )
    assert soon["code"] == "validation_error"


def _seconds_between(start: str, end: str) -> float:
    from datetime import datetime

    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()


async def test_a_draft_keeps_its_planned_deadline_through_an_edit(
    client: httpx.AsyncClient,
) -> None:
    created = await create_event(client, questions=[{**LUNCH, "durationSeconds": 45}])
    await as_host(client, "PATCH", created, "questions", "q1", json={"prompt": "Supper?"})
    opened = await open_question(client, created, "q1")
    assert opened["prompt"] == "Supper?"
    assert _seconds_between(opened["openedAt"], opened["closesAt"]) == 45


async def test_the_join_code_forgives_spaces_dashes_and_full_width_digits(
    client: httpx.AsyncClient,
) -> None:
    created = await create_event(client)
    code = created["code"]
    wide = "".join(chr(ord(d) - ord("0") + ord("０")) for d in code)
    found = {"eventId": created["eventId"], "joinUrl": created["joinUrl"]}
    for form in (code, f"{code[:3]} {code[3:]}", f"{code[:3]}-{code[3:]}", wide, f" {code} "):
        response = await client.get(f"/api/join/{form}")
        assert response.status_code == 200, form
        assert response.json() == found, form
    for wrong in ("abc", "12345", code + "x", "1" * 13, "9" * 200, "%00", "١٢٣٤٥٦"):
        response = await client.get(f"/api/join/{wrong}")
        assert response.status_code == 404, wrong
        assert response.json()["code"] == "not_found", wrong
    assert (await client.get("/api/join/")).status_code == 404
    assert (await client.post(f"/api/join/{code}")).status_code == 405


async def test_join_lookups_are_rate_limited(storage: str) -> None:
    from asgi_lifespan import LifespanManager

    from tohyo.web.app import create_app

    application = create_app(Settings(storage=storage, limit_join="3/minute"))
    async with LifespanManager(application), new_client(application) as client:
        created = await create_event(client)
        inside_one_window()
        for _ in range(3):
            assert (await client.get(f"/api/join/{created['code']}")).status_code == 200
        refused = await client.get(f"/api/join/{created['code']}")
        assert refused.status_code == 429 and refused.json()["code"] == "rate_limited"
        assert int(refused.headers["retry-after"]) >= 1
        # Reading the event is not a lookup: it is not refused.
        assert (await client.get(event_url(created))).status_code == 200


async def test_the_stream_is_served_by_the_event_stream(
    client: httpx.AsyncClient, monkeypatch: Any
) -> None:
    from tohyo.web import event_stream

    served: list[str] = []

    async def serve(ctx: Any, request: Any, event_id: str, send: Any) -> None:
        served.append(event_id)
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    monkeypatch.setattr(event_stream, "serve_event_stream", serve)
    created = await create_event(client)
    assert (await client.get(event_url(created, "stream"))).status_code == 204
    assert served == [created["eventId"]]
