"""An event mixing every question type, exported over every backend and read back: the
JSON exactly (hostile text as sent, a word cloud's entries and hidden flags, a scale's
counts and means, a ranking's points and runoff, a changed answer listed once as it ended
up), the CSV through the csv module (hostile text neutralised, typed columns), and one
question's export equal to its part of the whole."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from typing import Any

import httpx

from tests.conftest import host, voter
from tests.events_http import NOBODY, as_host, create_event, event_url, send
from tohyo.domain.event import Event
from tohyo.domain.event_transitions import changed
from tohyo.web.app import TohyoApp

CHOICE = {"type": "single", "prompt": "=Lunch?", "choices": [{"text": "Ramen"}, {"text": "-1"}]}
CLOUD = {"type": "wordcloud", "prompt": '"Words" & <b>', "maxEntries": 3, "allowChange": True}
SCALE = {
    "type": "scale",
    "prompt": "Rate 😀",
    "points": 5,
    "labels": {"low": "=low", "high": "高い"},
    "statements": [{"text": "=SUM(A1)"}, {"text": "会場"}],
}
RANKING = {
    "type": "ranking",
    "prompt": "Rank <script>alert(1)</script>",
    "choices": [{"text": "@Ramen"}, {"text": "カレー"}, {"text": '"Sushi"'}],
}
SPECS = [CHOICE, CLOUD, SCALE, RANKING]


def ordered(*answers: dict[str, Any]) -> list[dict[str, Any]]:
    """As the export lists a round's answers: by time, those of one millisecond by what
    they are."""
    return sorted(answers, key=lambda a: (a["answeredAt"], repr(a["answer"])))


async def run_event(app: TohyoApp, client: httpx.AsyncClient) -> dict[str, Any]:
    """Every question answered; voter 1 changes their word cloud answer; the host hides
    `<script>` and then bans "banned"; the ranking closes (its runoff is counted)."""
    created = await create_event(client, title="Mixed ✨", questions=SPECS)
    for qid in ("q1", "q2", "q3", "q4"):
        await as_host(client, "POST", created, "questions", qid, "open")
    at: dict[str, str] = {}
    at["choice"] = await send(client, created, "q1", {"choiceIds": ["2"]}, 1)
    await send(client, created, "q2", {"entries": ["=cmd", "東京タワー", "🎉"]}, 1)
    at["cloud2"] = await send(client, created, "q2", {"entries": ["=CMD", "<script>"]}, 2)
    at["cloud3"] = await send(client, created, "q2", {"entries": ["東京タワー", "banned"]}, 3)
    at["cloud1"] = await send(client, created, "q2", {"entries": ["=cmd", " 東京タワー "]}, 1)
    at["scale1"] = await send(client, created, "q3", {"values": [5, 3]}, 1)
    at["scale2"] = await send(client, created, "q3", {"values": [4, 3]}, 2)
    for n, ranking in ((1, ["1", "2", "3"]), (2, ["2", "1", "3"]), (3, ["2", "3", "1"])):
        at[f"rank{n}"] = await send(client, created, "q4", {"ranking": ranking}, n)
    await as_host(client, "POST", created, "questions", "q4", "close")

    def moderated(event: Event, now: int) -> Event:
        cloud = event.questions[1]
        hidden = replace(cloud, hidden=frozenset({"<script>"}))
        after = replace(
            event,
            questions=(event.questions[0], hidden, *event.questions[2:]),
            banned=("banned",),
        )
        return changed(event, after)

    await app.objects.events.change(created["eventId"], moderated)
    return {"created": created, "at": at}


async def test_the_json_export_of_every_type_is_exact(
    app: TohyoApp, client: httpx.AsyncClient
) -> None:
    ran = await run_event(app, client)
    created, at = ran["created"], ran["at"]
    exported = await as_host(client, "GET", created, "export")
    assert exported["title"] == "Mixed ✨" and exported["bannedWords"] == ["banned"]
    choice, cloud, scale, ranking = exported["questions"]

    assert choice["prompt"] == "=Lunch?" and choice["rounds"][0]["answers"] == [
        {"answeredAt": at["choice"], "answer": ["2"]}
    ]

    assert cloud["prompt"] == '"Words" & <b>' and cloud["maxEntries"] == 3
    assert cloud["allowChange"] is True
    (round_,) = cloud["rounds"]
    shown = round_["results"]
    assert shown["totalVotes"] == 3  # voter 1's change replaced their answer
    assert shown["entries"] == [
        {"key": "=cmd", "text": "=CMD", "count": 2},
        {"key": "東京タワー", "text": "東京タワー", "count": 2},
        {"key": "<script>", "text": "<script>", "count": 1, "hidden": True},
    ]
    assert (shown["entryCount"], shown["distinct"]) == (4, 2)  # hidden, banned: not counted
    assert {w["key"] for w in shown["cloud"]} == {"=cmd", "東京タワー"}

    def entry(key: str, text: str, hidden: bool = False, filtered: bool = False) -> Any:
        return {"key": key, "text": text, "hidden": hidden, "filtered": filtered}

    assert round_["answers"] == ordered(
        {
            "answeredAt": at["cloud2"],
            "answer": ["=CMD", "<script>"],
            "entries": [entry("=cmd", "=CMD"), entry("<script>", "<script>", hidden=True)],
        },
        {
            "answeredAt": at["cloud3"],
            "answer": ["東京タワー", "banned"],
            "entries": [
                entry("東京タワー", "東京タワー"),
                entry("banned", "banned", filtered=True),
            ],
        },
        {  # once, as it ended up: 🎉 is gone, the spelling trimmed
            "answeredAt": at["cloud1"],
            "answer": ["=cmd", "東京タワー"],
            "entries": [entry("=cmd", "=cmd"), entry("東京タワー", "東京タワー")],
        },
    )

    assert scale["points"] == 5 and scale["labels"] == {"low": "=low", "high": "高い"}
    assert scale["statements"] == [
        {"statementId": "1", "text": "=SUM(A1)"},
        {"statementId": "2", "text": "会場"},
    ]
    (round_,) = scale["rounds"]
    assert round_["results"] == {
        "totalVotes": 2,
        "statements": [
            {"statementId": "1", "counts": [0, 0, 0, 1, 1], "answers": 2, "mean": 4.5},
            {"statementId": "2", "counts": [0, 0, 2, 0, 0], "answers": 2, "mean": 3.0},
        ],
    }
    assert round_["answers"] == ordered(
        {"answeredAt": at["scale1"], "answer": [5, 3], "values": {"1": 5, "2": 3}},
        {"answeredAt": at["scale2"], "answer": [4, 3], "values": {"1": 4, "2": 3}},
    )

    assert ranking["prompt"] == "Rank <script>alert(1)</script>"
    (round_,) = ranking["rounds"]
    assert round_["results"]["items"] == [
        {"choiceId": "2", "points": 8, "meanScore": 2.67, "firstPlaces": 2},
        {"choiceId": "1", "points": 6, "meanScore": 2.0, "firstPlaces": 1},
        {"choiceId": "3", "points": 4, "meanScore": 1.33, "firstPlaces": 0},
    ]
    assert round_["results"]["runoff"]["winner"] == "2"
    assert round_["answers"] == ordered(
        *(
            {"answeredAt": at[f"rank{n}"], "answer": ranked, "ranking": ranked}
            for n, ranked in ((1, ["1", "2", "3"]), (2, ["2", "1", "3"]), (3, ["2", "3", "1"]))
        )
    )
    # Nothing of who answered: no participant key, no tag.
    assert all(
        set(a) <= {"answeredAt", "answer", "entries", "values", "ranking"}
        for q in exported["questions"]
        for r in q["rounds"]
        for a in r["answers"]
    )


def read_csv(body: bytes) -> list[dict[str, str]]:
    text = body.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


async def test_the_csv_export_of_every_type_reads_back_neutralised(
    app: TohyoApp, client: httpx.AsyncClient
) -> None:
    created = (await run_event(app, client))["created"]
    response = await client.get(
        event_url(created, "export") + "?format=csv", headers={**host(created), **NOBODY}
    )
    rows = read_csv(response.content)
    assert list(rows[0]) == [
        *("Question ID", "Position", "Question", "Type", "Status", "Round", "Opened at"),
        *("Answers", "Choice ID", "Choice", "Votes", "Percentage", "Point", "Mean", "Points"),
        *("Runoff round", "Runoff", "Answered at", "Hidden", "Approved"),
    ]
    by_question: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_question.setdefault(row["Question ID"], []).append(row)
    item = ("Choice ID", "Choice", "Votes", "Percentage")

    choice = by_question["q1"]
    assert {r["Question"] for r in choice} == {"'=Lunch?"}
    assert [tuple(r[c] for c in item) for r in choice] == [
        ("1", "Ramen", "0", "0.0"),
        ("2", "'-1", "1", "100.0"),
    ]
    assert all(r["Hidden"] == r["Point"] == "" for r in choice)

    cloud = by_question["q2"]
    assert {r["Question"] for r in cloud} == {'"Words" & <b>'}
    assert [(*(r[c] for c in item), r["Hidden"]) for r in cloud] == [
        ("'=cmd", "'=CMD", "2", "66.7", "false"),
        ("東京タワー", "東京タワー", "2", "66.7", "false"),
        ("<script>", "<script>", "1", "33.3", "true"),
    ]

    scale = by_question["q3"]
    assert [(r["Choice ID"], r["Choice"], r["Point"], r["Votes"], r["Mean"]) for r in scale] == [
        *(("1", "'=SUM(A1)", str(p), str(n), "4.5") for p, n in enumerate([0, 0, 0, 1, 1], 1)),
        *(("2", "会場", str(p), str(n), "3.0") for p, n in enumerate([0, 0, 2, 0, 0], 1)),
    ]
    assert {r["Question"] for r in scale} == {"Rate 😀"}

    ranking = by_question["q4"]
    points = [r for r in ranking if not r["Runoff round"]]
    assert [(r["Choice ID"], r["Choice"], r["Points"], r["Mean"], r["Votes"]) for r in points] == [
        ("2", "カレー", "8", "2.67", "2"),
        ("1", "'@Ramen", "6", "2.0", "1"),
        ("3", '"Sushi"', "4", "1.33", "0"),
    ]
    runoff = [(r["Runoff round"], r["Choice ID"], r["Votes"], r["Runoff"]) for r in ranking[3:]]
    assert runoff == [
        ("1", "1", "1", ""),
        ("1", "2", "2", "winner"),
        ("1", "3", "0", ""),
        ("1", "", "0", "exhausted"),
    ]

    japanese = await client.get(
        event_url(created, "export") + "?format=csv&lang=ja", headers={**host(created), **NOBODY}
    )
    header = next(csv.reader(io.StringIO(japanese.content.decode("utf-8-sig"))))
    assert header[-8:] == [
        "段階",
        "平均",
        "得点",
        "即時決選投票の回",
        "即時決選投票",
        "回答日時",
        "非表示",
        "承認済み",
    ]


async def test_each_typed_question_exports_its_part_of_the_whole(
    app: TohyoApp, client: httpx.AsyncClient
) -> None:
    created = (await run_event(app, client))["created"]
    hosting = {**host(created), **NOBODY}
    whole = await as_host(client, "GET", created, "export")
    whole_csv = read_csv(
        (await client.get(event_url(created, "export?format=csv"), headers=hosting)).content
    )
    for position, qid in enumerate(("q1", "q2", "q3", "q4")):
        url = event_url(created, "questions", qid, "export")
        one = (await client.get(url + "?format=json", headers=hosting)).json()
        assert one.pop("eventId") == created["eventId"] and one.pop("exportedAt")
        assert one == whole["questions"][position]
        rows = read_csv((await client.get(url + "?format=csv", headers=hosting)).content)
        mine = [r for r in whole_csv if r["Question ID"] == qid]
        if qid == "q1":  # a choice question alone has the choice columns only
            assert rows == [{k: v for k, v in r.items() if k in rows[0]} for r in mine]
            assert len(rows[0]) == 12
        else:
            assert rows == mine


async def test_every_typed_question_is_drawn_as_png_and_svg_without_hidden_entries(
    app: TohyoApp, client: httpx.AsyncClient
) -> None:
    created = (await run_event(app, client))["created"]
    hosting = {**host(created), **NOBODY}
    charts = app.context.charts
    for qid in ("q2", "q3", "q4"):
        url = event_url(created, "questions", qid, "export")
        png = await client.get(url, headers=hosting)
        assert png.status_code == 200, png.text
        assert png.headers["content-type"] == "image/png"
        assert png.content.startswith(b"\x89PNG\r\n\x1a\n")
        name = f"tohyo-{created['eventId']}-{qid}-round1.png"
        assert png.headers["content-disposition"] == f'attachment; filename="{name}"'
        svg = await client.get(url + "?format=svg&lang=ja&width=800&height=600", headers=hosting)
        assert svg.status_code == 200 and svg.headers["content-type"] == "image/svg+xml"
        assert svg.text.startswith("<svg") and "<script" not in svg.text
        drawn = charts.rendered
        again = await client.get(url + "?format=svg&lang=ja&width=800&height=600", headers=voter(1))
        assert again.content == svg.content and charts.rendered == drawn  # cached, shared
    cloud = await client.get(
        event_url(created, "questions", "q2", "export?format=svg"), headers=hosting
    )
    assert "東京タワー" in cloud.text and "&lt;b&gt;" in cloud.text
    assert "&lt;script&gt;" not in cloud.text and "banned" not in cloud.text  # hidden, filtered
    ranking = await client.get(
        event_url(created, "questions", "q4", "export?format=svg"), headers=hosting
    )
    assert "Rank &lt;script&gt;alert(1)&lt;/script&gt;" in ranking.text and "カレー" in ranking.text
    hidden = await client.get(event_url(created, "questions", "q4", "export"), headers=voter(9))
    assert hidden.status_code == 403 and hidden.json()["code"] == "results_hidden"
