"""The export's rows and answer listings of every question type, from the shapes the types
agree on (their config views, results and counters), as literal fixtures: each type's CSV
rows, hostile text neutralised, drafts and empty rounds; and what the JSON adds to a
listed answer (a word cloud's entries, a card's key and flags, a scale's values, a
ranking's order), never a participant's tag."""

from __future__ import annotations

from typing import Any

from tests.event_builders import NOW, participant
from tohyo.domain.event import Event, Question, Response
from tohyo.domain.questions import SEPARATOR
from tohyo.event_export import HEADERS, TYPED_HEADERS
from tohyo.event_export.answers import listed
from tohyo.event_export.as_csv import neutralised
from tohyo.event_export.csv_rows import ITEM_COLUMNS, Item, extended, items

HOSTILE = '=cmd|"/c calc"!A1'


def cells(type_name: str, view: dict[str, Any], shown: dict[str, Any] | None) -> list[list[Any]]:
    return [neutralised(item).cells(True) for item in items(type_name, view, shown)]


def row(**fields: Any) -> list[Any]:
    return Item(**fields).cells(True)


def test_every_language_names_every_column() -> None:
    for lang in HEADERS:
        assert len(HEADERS[lang]) + len(TYPED_HEADERS[lang]) == 8 + ITEM_COLUMNS
        assert len(set(HEADERS[lang] + TYPED_HEADERS[lang])) == 8 + ITEM_COLUMNS
    assert not extended({"single", "multiple"})
    assert extended({"single", "wordcloud"}) and extended({"ranking"})


def test_word_cloud_rows_list_every_entry_its_count_and_whether_it_is_hidden() -> None:
    shown = {
        "totalVotes": 4,
        "entryCount": 5,
        "distinct": 2,
        "entries": [
            {"key": "=cmd", "text": "=CMD", "count": 3},
            {"key": "東京タワー", "text": "東京タワー", "count": 2},
            {"key": "<script>", "text": "<script>", "count": 1, "hidden": True},
        ],
        "cloud": [],
    }
    assert cells("wordcloud", {"maxEntries": 3}, shown) == [
        row(item_id="'=cmd", text="'=CMD", votes=3, percentage=75.0, hidden="false"),
        row(item_id="東京タワー", text="東京タワー", votes=2, percentage=50.0, hidden="false"),
        row(item_id="<script>", text="<script>", votes=1, percentage=25.0, hidden="true"),
    ]
    empty = {"totalVotes": 0, "entryCount": 0, "distinct": 0, "entries": [], "cloud": []}
    assert cells("wordcloud", {"maxEntries": 3}, empty) == [row()]
    assert cells("wordcloud", {"maxEntries": 3}, None) == [row()]  # a draft


def test_text_rows_are_the_cards_with_their_time_and_flags() -> None:
    cards: list[dict[str, Any]] = [
        {"key": "1700000000002.bbbb", "text": HOSTILE, "at": "2023-11-14T22:13:20.002Z"},
        {
            "key": "1700000000001.aaaa",
            "text": "line one\nline two 🎉",
            "at": "2023-11-14T22:13:20.001Z",
            "hidden": True,
        },
    ]
    shown = {"totalVotes": 2, "shown": 1, "cards": cards}
    assert cells("text", {"moderation": "none"}, shown) == [
        row(
            item_id="1700000000002.bbbb",
            text="'" + HOSTILE,
            answered_at="2023-11-14T22:13:20.002Z",
            hidden="false",
        ),
        row(
            item_id="1700000000001.aaaa",
            text="line one\nline two 🎉",
            answered_at="2023-11-14T22:13:20.001Z",
            hidden="true",
        ),
    ]
    waiting = {**cards[0], "pending": True}
    approved = cells("text", {"moderation": "approve"}, {**shown, "cards": [waiting, cards[1]]})
    assert [r[-1] for r in approved] == ["false", "true"]


def test_scale_rows_count_every_point_of_every_statement_with_its_mean() -> None:
    view = {
        "points": 3,
        "labels": {"low": "No", "high": "Yes"},
        "statements": [{"statementId": "1", "text": "-Fun"}, {"statementId": "2", "text": "会場"}],
    }
    shown = {
        "totalVotes": 2,
        "statements": [
            {"statementId": "1", "counts": [0, 1, 1], "answers": 2, "mean": 2.5},
            {"statementId": "2", "counts": [0, 0, 0], "answers": 0, "mean": None},
        ],
    }
    assert cells("scale", view, shown) == [
        row(item_id="1", text="'-Fun", votes=0, percentage=0.0, point=1, mean=2.5),
        row(item_id="1", text="'-Fun", votes=1, percentage=50.0, point=2, mean=2.5),
        row(item_id="1", text="'-Fun", votes=1, percentage=50.0, point=3, mean=2.5),
        row(item_id="2", text="会場", votes=0, percentage=0.0, point=1),
        row(item_id="2", text="会場", votes=0, percentage=0.0, point=2),
        row(item_id="2", text="会場", votes=0, percentage=0.0, point=3),
    ]
    lone: dict[str, Any] = {"points": 5, "labels": None, "statements": []}
    assert cells("scale", lone, None) == [row(item_id="1")]
    assert len(cells("scale", view, None)) == 2  # a draft: one row per statement


def test_ranking_rows_give_points_and_then_each_runoff_round() -> None:
    view = {
        "choices": [
            {"choiceId": "1", "text": "Ramen"},
            {"choiceId": "2", "text": "@Curry"},
            {"choiceId": "3", "text": "寿司"},
        ],
        "rankTop": 3,
    }
    shown: dict[str, Any] = {
        "totalVotes": 3,
        "items": [
            {"choiceId": "2", "points": 7, "meanScore": 2.33, "firstPlaces": 1},
            {"choiceId": "1", "points": 6, "meanScore": 2.0, "firstPlaces": 1},
            {"choiceId": "3", "points": 5, "meanScore": 1.67, "firstPlaces": 1},
        ],
    }
    points = [
        row(item_id="2", text="'@Curry", votes=1, percentage=33.3, mean=2.33, points=7),
        row(item_id="1", text="Ramen", votes=1, percentage=33.3, mean=2.0, points=6),
        row(item_id="3", text="寿司", votes=1, percentage=33.3, mean=1.67, points=5),
    ]
    assert cells("ranking", view, shown) == points  # open: no runoff yet
    shown["runoff"] = {
        "winner": "2",
        "rounds": [
            {"counts": {"3": 1, "1": 1, "2": 1}, "eliminated": ["3"], "exhausted": 0},
            {"counts": {"1": 1, "2": 2}, "eliminated": [], "exhausted": 0},
        ],
    }
    assert cells("ranking", view, shown) == [
        *points,
        row(item_id="1", text="Ramen", votes=1, percentage=33.3, runoff_round=1),
        row(item_id="2", text="'@Curry", votes=1, percentage=33.3, runoff_round=1),
        row(
            item_id="3",
            text="寿司",
            votes=1,
            percentage=33.3,
            runoff_round=1,
            runoff="eliminated",
        ),
        row(votes=0, runoff_round=1, runoff="exhausted"),
        row(item_id="1", text="Ramen", votes=1, percentage=33.3, runoff_round=2),
        row(
            item_id="2",
            text="'@Curry",
            votes=2,
            percentage=66.7,
            runoff_round=2,
            runoff="winner",
        ),
        row(votes=0, runoff_round=2, runoff="exhausted"),
    ]
    assert [r[:2] for r in cells("ranking", view, None)] == [
        ["1", "Ramen"],
        ["2", "'@Curry"],
        ["3", "寿司"],
    ]


def question(type_name: str, **fields: Any) -> Question:
    return Question("q1", type_name, "Prompt", None, status="open", **fields)


def event_with(*banned: str) -> Event:
    return Event("e1", "", "Workshop", b"host-key", NOW, NOW + 1, banned=banned)


def answer(value: Any) -> Response:
    return Response("q1", 1, participant(7), value, NOW)


def test_a_word_cloud_answer_lists_each_entry_its_key_and_flags() -> None:
    q = question("wordcloud", hidden=frozenset({"<script>"}))
    made = ("kyoto" + SEPARATOR + "Kyoto", "<script>", "bad word")
    listing = listed(event_with("bad"), q, answer(["Kyoto", "<script>", "bad word"]), made)
    assert listing == {
        "answeredAt": "2023-11-14T22:13:20.000Z",
        "answer": ["Kyoto", "<script>", "bad word"],
        "entries": [
            {"key": "kyoto", "text": "Kyoto", "hidden": False, "filtered": False},
            {"key": "<script>", "text": "<script>", "hidden": True, "filtered": False},
            {"key": "bad word", "text": "bad word", "hidden": False, "filtered": True},
        ],
    }


def test_scale_and_ranking_answers_list_their_values_and_order() -> None:
    scale = listed(event_with(), question("scale"), answer([4, 2]), ("1:4", "2:2"))
    assert scale["values"] == {"1": 4, "2": 2}
    made = ("b:3,1,2", "3@1", "1@2", "2@3")
    ranking = listed(event_with(), question("ranking"), answer(["3", "1", "2"]), made)
    assert ranking["ranking"] == ["3", "1", "2"]
    assert set(ranking) == {"answeredAt", "answer", "ranking"}  # no tag, no participant
