"""The OpenAPI document's question schemas, type by type: each type has a spec, a view and
an export schema of its own; the spec and answer schemas say what the parsers take (a body
valid by the schema is accepted, an invalid one refused, on both sides of each limit);
and what the server sends — host and participant views, with hidden and pending entries
and a ranking's runoff, the whole export and one question's — is valid by its type's
schema and by no other type's. (tests/test_fuzz.py holds the server to the whole
document at random; these are the edges, every time.)"""

from __future__ import annotations

from typing import Any

import httpx
import jsonschema_rs
import pytest

from tests.conftest import voter
from tests.events_http import NOBODY, as_host, create_event, event_url, open_question
from tohyo.domain import questions
from tohyo.domain.event_specs import parse_event_changes, parse_question
from tohyo.domain.questions import NO_FILTERS, TYPE_NAMES
from tohyo.errors import InvalidBallot, ValidationFailed
from tohyo.web import openapi
from tohyo.web.openapi_questions import QUESTION_EXPORT, SPEC_EXAMPLES, title

COMPONENTS = openapi.document()["components"]


def validator(schema: dict[str, Any]) -> Any:
    return jsonschema_rs.validator_for({**schema, "components": COMPONENTS})


def component(name: str) -> Any:
    return validator({"$ref": f"#/components/schemas/{name}"})


def test_every_type_has_its_spec_view_and_export_schema() -> None:
    schemas = COMPONENTS["schemas"]
    for suffix, union in (
        ("QuestionSpec", "QuestionSpec"),
        ("Question", "EventQuestion"),
        ("QuestionExport", "QuestionExport"),
    ):
        mapping = schemas[union]["discriminator"]["mapping"]
        assert set(mapping) == set(TYPE_NAMES), union
        for name in TYPE_NAMES:
            branch = schemas[f"{title(name)}{suffix}"]
            assert mapping[name] == f"#/components/schemas/{title(name)}{suffix}"
            assert branch["properties"]["type"]["enum"] == [name]
        assert len(schemas[union]["oneOf"]) == len(TYPE_NAMES)


def choices(n: int) -> list[dict[str, str]]:
    return [{"text": f"Item {i}"} for i in range(1, n + 1)]


def spec(type_name: str, **fields: Any) -> dict[str, Any]:
    return {"type": type_name, "prompt": "Prompt?", **fields}


# (spec, whether it is one): the schema and parse_question must agree on each.
SPECS: list[tuple[dict[str, Any], bool]] = [
    *((spec(name, **example), True) for name, example in SPEC_EXAMPLES.items()),
    (spec("single"), False),
    (spec("multiple", choices=choices(11)), False),
    (spec("single", choices=choices(2), maxEntries=99, points="x"), True),  # not its fields
    (spec("single", choices=choices(2), allowChange="yes"), False),
    (spec("single", choices=choices(2), allowChange=True), True),
    (spec("poll", choices=choices(2)), False),
    (spec("wordcloud"), True),
    (spec("wordcloud", maxEntries=10), True),
    (spec("wordcloud", maxEntries=11), False),
    (spec("wordcloud", maxEntries=0), False),
    (spec("wordcloud", maxEntries=None), False),
    (spec("text"), True),
    (spec("text", moderation="none"), True),
    (spec("text", moderation="later"), False),
    (spec("scale"), False),
    (spec("scale", points=3), True),
    (spec("scale", points=11), True),
    (spec("scale", points=2), False),
    (spec("scale", points=12), False),
    (spec("scale", points="5"), False),
    (spec("scale", points=5, labels=None, statements=None), True),
    (spec("scale", points=5, labels={"low": "No"}), False),
    (spec("scale", points=5, labels={"low": "No", "high": "x" * 40}), True),
    (spec("scale", points=5, labels={"low": "No", "high": "x" * 41}), False),
    (spec("scale", points=5, statements=[]), True),
    (spec("scale", points=5, statements=choices(10)), True),
    (spec("scale", points=5, statements=choices(11)), False),
    (spec("scale", points=5, statements=[{"text": "x" * 100}]), True),
    (spec("scale", points=5, statements=[{"text": "x" * 101}]), False),
    (spec("scale", points=5, statements=[{"text": "A"}, {"text": "A"}]), False),
    (spec("ranking"), False),
    (spec("ranking", choices=choices(1)), False),
    (spec("ranking", choices=choices(10)), True),
    (spec("ranking", choices=choices(3), rankTop=3), True),
    (spec("ranking", choices=choices(3), rankTop=1), True),
    (spec("ranking", choices=choices(3), rankTop=4), False),
    (spec("ranking", choices=choices(10), rankTop=10), True),
    (spec("ranking", choices=choices(2), rankTop=0), False),
]


@pytest.mark.parametrize(("body", "valid"), SPECS)
def test_a_spec_is_valid_by_the_schema_exactly_when_the_server_takes_it(
    body: dict[str, Any], valid: bool
) -> None:
    assert component("QuestionSpec").is_valid(body) is valid, body
    try:
        parse_question(body)
    except ValidationFailed:
        assert not valid, body
    else:
        assert valid, body
    # A spec is one of its type's: the other types' schemas refuse it.
    for name in TYPE_NAMES:
        if name != body["type"]:
            assert not component(f"{title(name)}QuestionSpec").is_valid(body)


# A question of every type and shape an answer's limits turn on.
CONFIGS = {
    "single": spec("single", choices=choices(3)),
    "multiple": spec("multiple", choices=choices(10)),
    "wordcloud": spec("wordcloud", maxEntries=10),
    "text": spec("text"),
    "scale": spec("scale", points=11),
    "statements": spec("scale", points=11, statements=choices(2)),
    "ranking": spec("ranking", choices=choices(2)),
}
ANSWERS: list[tuple[dict[str, Any], tuple[str, ...]]] = [
    # (body, the questions of CONFIGS that take it: none, and the schema refuses it)
    ({"choiceIds": ["1"]}, ("single", "multiple")),
    ({"choiceIds": [str(i) for i in range(1, 11)]}, ("multiple",)),
    ({"choiceIds": []}, ()),
    ({"choiceIds": ["1", "1"]}, ()),
    ({"choiceIds": ["11"]}, ()),
    ({"entries": ["Kyoto"]}, ("wordcloud",)),
    ({"entries": ["a" + " " * 60 + "b"]}, ("wordcloud",)),  # inner white space: one space
    ({"entries": [" " + "x" * 40 + "\u3000"]}, ("wordcloud",)),  # trimmed: 40
    ({"entries": ["x" * 41]}, ()),
    ({"entries": ["a\tb"]}, ()),
    ({"entries": ["   "]}, ()),
    ({"entries": ["\u00ad\u200b \u200d"]}, ()),  # draws nothing: blank
    ({"entries": ["ca\u00adt", "👨\u200d👩"]}, ("wordcloud",)),
    ({"entries": []}, ()),
    ({"entries": ["x"] * 11}, ()),
    ({"text": "One line"}, ("text",)),
    ({"text": "Two\nlines\r\nand a third"}, ("text",)),
    ({"text": "x" * 250 + "\r\n" + "x" * 249}, ("text",)),  # 501 as sent, 500 as a card
    ({"text": "\n" + "x" * 500 + "\n"}, ("text",)),
    ({"text": "x" * 501}, ()),
    ({"text": "a\tb"}, ()),
    ({"text": "a\u2028b"}, ()),
    ({"text": " \n "}, ()),
    ({"text": "\u200b\n\ufeff"}, ()),
    ({"value": 1}, ("scale",)),
    ({"value": 11}, ("scale",)),
    ({"value": 0}, ()),
    ({"value": 12}, ()),
    ({"value": "3"}, ()),
    ({"values": [11, 1]}, ("statements",)),
    ({"values": [0, 1]}, ()),
    ({"values": []}, ()),
    ({"ranking": ["2", "1"]}, ("ranking",)),
    ({"ranking": ["1", "1"]}, ()),
    ({"ranking": []}, ()),
    ({}, ()),
    ({"round": 1}, ()),
]


@pytest.mark.parametrize(("body", "takers"), ANSWERS)
def test_an_answer_is_valid_by_the_schema_exactly_when_a_question_may_take_it(
    body: dict[str, Any], takers: tuple[str, ...]
) -> None:
    assert component("AnswerRequest").is_valid(body) is bool(takers), body
    for name, question_spec in CONFIGS.items():
        parsed = parse_question(question_spec)
        kind = questions.kind(parsed.type)
        try:
            kind.parse_answer(parsed.config, body, NO_FILTERS)
        except InvalidBallot:
            assert name not in takers, (name, body)
        else:
            assert name in takers, (name, body)


@pytest.mark.parametrize(
    ("words", "valid"),
    [
        (["spoiler", "ネタバレ", " x" * 20], True),
        (["x" * 41], False),
        ([" "], False),
        (["\u2060\u00ad"], False),  # draws nothing: blank
        (["a\tb"], False),
        (["w"] * 201, False),
    ],
)
def test_banned_words_are_valid_by_the_schema_exactly_when_the_server_takes_them(
    words: list[str], valid: bool
) -> None:
    assert component("EventPatch").is_valid({"bannedWords": words}) is valid
    try:
        parse_event_changes({"bannedWords": words})
    except ValidationFailed:
        assert not valid
    else:
        assert valid


EVERY_TYPE = {
    "title": "Every type",
    "questions": [
        spec("single", choices=choices(2), resultsVisibility="always"),
        spec("multiple", choices=choices(3), resultsVisibility="always", allowChange=True),
        spec("wordcloud", resultsVisibility="always"),
        spec("text", moderation="approve", resultsVisibility="always"),
        spec("scale", **SPEC_EXAMPLES["scale"], resultsVisibility="always"),
        spec("scale", points=3, resultsVisibility="always"),
        spec("ranking", **SPEC_EXAMPLES["ranking"], resultsVisibility="always"),
        spec("ranking", choices=choices(4)),  # stays a draft
    ],
}
ANSWERED: dict[str, list[dict[str, Any]]] = {
    "q1": [{"choiceIds": ["1"]}, {"choiceIds": ["2"]}],
    "q2": [{"choiceIds": ["1", "3"]}, {"choiceIds": ["2"]}],
    "q3": [{"entries": ["Kyoto", "<script>"]}, {"entries": ["ＫＹＯＴＯ", "Osaka"]}],
    "q4": [{"text": "First\nidea"}, {"text": "Second & <b>"}],
    "q5": [{"values": [5, 1]}, {"values": [4, 2]}],
    "q6": [{"value": 3}, {"value": 1}],
    "q7": [{"ranking": ["2", "1"]}, {"ranking": ["3", "2"]}, {"ranking": ["2", "3"]}],
}


def assert_of_its_type(view: dict[str, Any], suffix: str) -> None:
    """Valid by the schema of its own type and by no other's."""
    for name in TYPE_NAMES:
        schema = component(f"{title(name)}{suffix}")
        errors = [str(e) for e in schema.iter_errors(view)]
        if name == view["type"]:
            assert errors == [], (view["questionId"], errors)
        else:
            assert errors, (view["questionId"], name)


async def test_what_the_server_sends_is_valid_by_each_types_schema(
    client: httpx.AsyncClient,
) -> None:
    created = await create_event(client, **EVERY_TYPE)
    for qid, bodies in ANSWERED.items():
        await open_question(client, created, qid)
        for n, body in enumerate(bodies, start=1):
            url = event_url(created, "questions", qid, "responses")
            response = await client.post(url, json=body, headers={**voter(n), **NOBODY})
            assert response.status_code == 201, response.text
    await as_host(client, "PATCH", created, json={"bannedWords": ["osaka"]})
    moderate = ("questions", "q3", "moderation")
    await as_host(client, "POST", created, *moderate, json={"key": "<script>", "action": "hide"})
    view = await as_host(client, "GET", created)
    card = view["questions"][3]["results"]["cards"][0]["key"]
    moderate = ("questions", "q4", "moderation")
    await as_host(client, "POST", created, *moderate, json={"key": card, "action": "approve"})
    await as_host(client, "POST", created, "questions", "q7", "close")

    host_view = await as_host(client, "GET", created)
    by_id = {q["questionId"]: q for q in host_view["questions"]}
    assert by_id["q3"]["results"]["entries"][-1].get("hidden") is True
    assert by_id["q4"]["results"]["pending"] == 1
    assert by_id["q7"]["results"]["runoff"]["rounds"]
    participant = (await client.get(event_url(created), headers={**voter(1), **NOBODY})).json()
    assert len(participant["questions"]) == len(ANSWERED)  # no draft
    for shown in (host_view, participant):
        assert list(component("Event").iter_errors(shown)) == []
        for question in shown["questions"]:
            assert_of_its_type(question, "Question")

    export = await as_host(client, "GET", created, "export")
    assert list(component("EventExport").iter_errors(export)) == []
    assert export["bannedWords"] == ["osaka"]
    for question in export["questions"]:
        assert_of_its_type(question, "QuestionExport")
        one = await as_host(
            client, "GET", created, "questions", question["questionId"], "export?format=json"
        )
        assert list(validator(QUESTION_EXPORT).iter_errors(one)) == [], question["questionId"]
