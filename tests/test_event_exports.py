"""An event's exports over every backend: the JSON and CSV of a small event with two
rounds, exactly, and a question's round as PNG and SVG, to whom its visibility allows."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from tests.conftest import host, voter
from tests.events_http import (
    DRINKS,
    LUNCH,
    NOBODY,
    answer,
    as_host,
    create_event,
    event_url,
    open_question,
)

CAKE = {"type": "single", "prompt": "=Cake?", "choices": [{"text": "Yes"}, {"text": "No"}]}


async def two_rounds(client: httpx.AsyncClient) -> dict[str, Any]:
    """Lunch? answered twice in round 1 and once in round 2, then closed; Drinks? open
    with one answer; =Cake? a draft. Returns what the replies said, to check against."""
    created = await create_event(client, questions=[LUNCH, DRINKS, CAKE])
    said: dict[str, Any] = {"created": created, "answered": []}

    async def answered(qid: str, choices: list[str], n: int) -> None:
        response = await answer(client, created, qid, choices, voter(n))
        assert response.status_code == 201, response.text
        said["answered"].append(response.json()["answeredAt"])

    said["opened1"] = (await open_question(client, created, "q1"))["openedAt"]
    await answered("q1", ["1"], 1)
    await answered("q1", ["2"], 2)
    said["opened2"] = (await as_host(client, "POST", created, "questions", "q1", "reset"))[
        "openedAt"
    ]
    await answered("q1", ["2"], 1)
    said["closed"] = (await as_host(client, "POST", created, "questions", "q1", "close"))[
        "closedAt"
    ]
    said["opened3"] = (await open_question(client, created, "q2"))["openedAt"]
    await answered("q2", ["1", "2"], 1)
    return said


def results(total: int, *counts: tuple[int, float]) -> dict[str, Any]:
    return {
        "totalVotes": total,
        "choices": [
            {"choiceId": str(i), "voteCount": n, "percentage": p}
            for i, (n, p) in enumerate(counts, start=1)
        ],
    }


def choices(*texts: str) -> list[dict[str, str]]:
    return [{"choiceId": str(i), "text": t} for i, t in enumerate(texts, start=1)]


def answers(*given: tuple[str, list[str]]) -> list[dict[str, Any]]:
    ordered = sorted(given, key=lambda a: (a[0], repr(a[1])))
    return [{"answeredAt": at, "answer": choice} for at, choice in ordered]


async def test_the_json_export_holds_every_question_round_and_answer(
    client: httpx.AsyncClient,
) -> None:
    said = await two_rounds(client)
    created, (a1, a2, a3, a4) = said["created"], said["answered"]
    response = await client.get(event_url(created, "export"), headers={**host(created), **NOBODY})
    assert response.status_code == 200
    exported = response.json()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", exported.pop("exportedAt"))
    assert exported == {
        "eventId": created["eventId"],
        "title": "Friday workshop",
        "status": "live",
        "pace": "presenter",
        "createdAt": created["createdAt"],
        "expiresAt": created["expiresAt"],
        "questions": [
            {
                "questionId": "q1",
                "position": 1,
                "type": "single",
                "prompt": "Lunch?",
                "choices": choices("Ramen", "Curry", "Sushi"),
                "status": "closed",
                "resultsVisibility": "after_vote",
                "closedAt": said["closed"],
                "rounds": [
                    {
                        "round": 1,
                        "openedAt": said["opened1"],
                        "results": results(2, (1, 50.0), (1, 50.0), (0, 0.0)),
                        "answers": answers((a1, ["1"]), (a2, ["2"])),
                    },
                    {
                        "round": 2,
                        "openedAt": said["opened2"],
                        "results": results(1, (0, 0.0), (1, 100.0), (0, 0.0)),
                        "answers": answers((a3, ["2"])),
                    },
                ],
            },
            {
                "questionId": "q2",
                "position": 2,
                "type": "multiple",
                "prompt": "Drinks?",
                "choices": choices("Tea", "Beer"),
                "status": "open",
                "resultsVisibility": "after_vote",
                "rounds": [
                    {
                        "round": 1,
                        "openedAt": said["opened3"],
                        "results": results(1, (1, 100.0), (1, 100.0)),
                        "answers": answers((a4, ["1", "2"])),
                    }
                ],
            },
            {
                "questionId": "q3",
                "position": 3,
                "type": "single",
                "prompt": "=Cake?",
                "choices": choices("Yes", "No"),
                "status": "draft",
                "resultsVisibility": "after_vote",
                "rounds": [],
            },
        ],
    }

    ended = await as_host(client, "POST", created, "end")
    after = await as_host(client, "GET", created, "export")
    assert after["status"] == "ended" and after["endedAt"] == ended["endedAt"]
    assert after["questions"][1]["status"] == "closed"


@pytest.mark.parametrize(
    ("lang", "header"),
    [
        (
            "en",
            "Question ID,Position,Question,Type,Status,Round,Opened at,Answers,Choice ID,"
            "Choice,Votes,Percentage",
        ),
        ("ja", "質問ID,順番,質問,種類,状態,回,開始日時,回答数,選択肢ID,選択肢,票数,割合(%)"),
    ],
)
async def test_the_csv_export_has_a_row_per_question_round_and_choice(
    client: httpx.AsyncClient, lang: str, header: str
) -> None:
    said = await two_rounds(client)
    created, o1, o2, o3 = said["created"], said["opened1"], said["opened2"], said["opened3"]
    response = await client.get(
        event_url(created, "export") + f"?format=csv&lang={lang}",
        headers={**host(created), **NOBODY},
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    name = f"tohyo-event-{created['eventId']}.csv"
    assert response.headers["content-disposition"] == f'attachment; filename="{name}"'
    rows = [
        header,
        f"q1,1,Lunch?,single,closed,1,{o1},2,1,Ramen,1,50.0",
        f"q1,1,Lunch?,single,closed,1,{o1},2,2,Curry,1,50.0",
        f"q1,1,Lunch?,single,closed,1,{o1},2,3,Sushi,0,0.0",
        f"q1,1,Lunch?,single,closed,2,{o2},1,1,Ramen,0,0.0",
        f"q1,1,Lunch?,single,closed,2,{o2},1,2,Curry,1,100.0",
        f"q1,1,Lunch?,single,closed,2,{o2},1,3,Sushi,0,0.0",
        f"q2,2,Drinks?,multiple,open,1,{o3},1,1,Tea,1,100.0",
        f"q2,2,Drinks?,multiple,open,1,{o3},1,2,Beer,1,100.0",
        "q3,3,'=Cake?,single,draft,,,,1,Yes,,",  # a formula neutralised, a draft unasked
        "q3,3,'=Cake?,single,draft,,,,2,No,,",
    ]
    assert response.content == "\ufeff".encode() + ("\r\n".join(rows) + "\r\n").encode()
    # Without ?lang=, the browser's language decides, as for polls.
    japanese = await client.get(
        event_url(created, "export") + "?format=csv",
        headers={**host(created), **NOBODY, "accept-language": "ja,en;q=0.5"},
    )
    assert japanese.text.lstrip("\ufeff").startswith("質問ID,")


async def test_exports_refuse_participants_and_bad_parameters(client: httpx.AsyncClient) -> None:
    said = await two_rounds(client)
    created = said["created"]
    for headers in (voter(1), NOBODY):
        refused = await client.get(event_url(created, "export"), headers=headers)
        assert refused.status_code == 401 and refused.json()["code"] == "unauthorized"
    for query, name in (("format=xml", "format"), ("lang=fr", "lang")):
        bad = await as_host(client, "GET", created, f"export?{query}", status=400)
        assert bad["code"] == "invalid_parameter" and name in bad["details"]


async def picture(
    client: httpx.AsyncClient, created: dict[str, Any], qid: str, query: str, headers: Any
) -> httpx.Response:
    url = event_url(created, "questions", qid, "export") + "?" + query
    return await client.get(url, headers=headers)


async def test_a_round_is_drawn_as_png_and_svg(client: httpx.AsyncClient) -> None:
    said = await two_rounds(client)
    created = said["created"]
    hosting = {**host(created), **NOBODY}
    png = await picture(client, created, "q1", "", hosting)
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert png.content.startswith(b"\x89PNG\r\n\x1a\n")
    name = f"tohyo-{created['eventId']}-q1-round2.bar.png"  # the current round by default
    assert png.headers["content-disposition"] == f'attachment; filename="{name}"'
    first = await picture(client, created, "q1", "format=svg&round=1&lang=ja", hosting)
    assert first.status_code == 200 and first.headers["content-type"] == "image/svg+xml"
    assert first.text.startswith("<svg") and "Lunch?" in first.text
    assert "1 (50%)" in first.text and "2票" in first.text and "投票終了" in first.text
    second = await picture(client, created, "q1", "format=svg&round=2&chart=pie", hosting)
    assert "1 (100%)" in second.text and "1 ballot" in second.text
    drinks = await picture(client, created, "q2", "format=svg", hosting)
    assert "Voting open" in drinks.text
    draft = await picture(client, created, "q3", "format=svg", hosting)
    assert draft.status_code == 200 and "0 ballots" in draft.text
    for query, status in (
        ("round=3", 404),
        ("round=0", 400),
        ("round=x", 400),
        ("round=1000000", 400),
        ("format=gif", 400),
        ("chart=line", 400),
        ("width=10", 400),
        ("lang=fr", 400),
    ):
        response = await picture(client, created, "q1", query, hosting)
        assert response.status_code == status, query


async def test_a_participant_sees_a_picture_only_when_they_may_see_its_results(
    client: httpx.AsyncClient,
) -> None:
    said = await two_rounds(client)  # q1: voters 1 and 2 in round 1, voter 1 in round 2
    created = said["created"]
    for n, query, status in (
        (1, "round=1", 200),
        (1, "round=2", 200),
        (2, "round=1", 200),
        (2, "round=2", 403),  # after_vote: voter 2 has not answered round 2
        (3, "round=1", 403),
        (3, "", 403),
    ):
        response = await picture(client, created, "q1", query, voter(n))
        assert response.status_code == status, (n, query, response.text)
        if status == 403:
            assert response.json()["code"] == "results_hidden"
    assert (await picture(client, created, "q3", "", voter(1))).status_code == 404  # a draft
    await as_host(client, "PATCH", created, "questions", "q1", json={"resultsVisibility": "always"})
    assert (await picture(client, created, "q1", "", voter(3))).status_code == 200
