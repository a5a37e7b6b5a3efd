"""What hosts send about events, checked: every refusal names its field's path, null is
no value, a PATCH merges onto a draft and touches only the settings of an opened
question; and the join codes: how they are read back and how they are drawn.
"""

from __future__ import annotations

import secrets
from typing import Any

import pytest

from tests.event_builders import new_event, spec, spec_body
from tohyo.domain import event_transitions as t
from tohyo.domain.event import QUESTIONS_MAX, Question
from tohyo.domain.event_specs import (
    parse_event,
    parse_event_patch,
    parse_opening,
    parse_order,
    parse_present,
    parse_question,
    parse_question_patch,
)
from tohyo.domain.validation import Deadline
from tohyo.errors import InvalidState, ValidationFailed
from tohyo.storage import events as codes
from tohyo.storage.events import code_candidates, normalize_code

NOW = 1_700_000_000_000


def refusal(parse: Any, payload: Any) -> list[str]:
    """The fields a refusal names, in order."""
    with pytest.raises(ValidationFailed) as caught:
        parse(payload)
    fields = [d["field"] for d in caught.value.details]
    assert caught.value.message.startswith(fields[0])  # the first problem, by name
    return fields


# --- create -------------------------------------------------------------------------


def test_an_event_needs_only_a_title() -> None:
    draft = parse_event({"title": "  Workshop \n", "unknown": 1})
    assert (draft.title, draft.pace, draft.questions) == ("Workshop", "presenter", ())


def test_an_event_with_questions_and_a_pace() -> None:
    body = {
        "title": "Retro",
        "pace": "audience",
        "questions": [
            spec_body("One?"),
            spec_body("Two?", "multiple", 4, resultsVisibility="always", durationSeconds=60),
        ],
    }
    draft = parse_event(body)
    assert draft.pace == "audience"
    one, two = draft.questions
    assert (one.type, one.prompt, len(one.config.choices), one.visibility) == (
        "single",
        "One?",
        3,
        "after_vote",
    )
    assert (two.type, two.config.multiple, two.visibility, two.deadline) == (
        "multiple",
        True,
        "always",
        Deadline(seconds=60),
    )
    assert [c.choice_id for c in two.config.choices] == ["1", "2", "3", "4"]


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, ["title"]),
        ({"title": None}, ["title"]),
        ({"title": ""}, ["title"]),
        ({"title": "x" * 201}, ["title"]),
        ({"title": "a\nb"}, ["title"]),
        ({"title": "T", "pace": None}, ["pace"]),
        ({"title": "T", "pace": "fast"}, ["pace"]),
        ({"title": "T", "questions": None}, ["questions"]),
        ({"title": "T", "questions": {}}, ["questions"]),
        ({"title": "T", "questions": [spec_body()] * (QUESTIONS_MAX + 1)}, ["questions"]),
        ({"title": "T", "questions": [spec_body(), 5]}, ["questions[1]"]),
        ({"title": None, "pace": 1, "questions": None}, ["title", "pace", "questions"]),
    ],
)
def test_create_refusals_name_their_field(body: Any, fields: list[str]) -> None:
    assert refusal(parse_event, body) == fields


def test_a_question_spec_refusal_names_its_path_in_the_event() -> None:
    bad = spec_body()
    bad["choices"][0]["text"] = " "
    body = {"title": "T", "questions": [spec_body(), bad]}
    assert refusal(parse_event, body) == ["questions[1].choices[0].text"]


def test_every_problem_of_every_question_is_listed() -> None:
    body = {
        "title": "T",
        "questions": [
            {"type": "single", "prompt": None, "choices": None},
            spec_body(),
            {**spec_body(), "resultsVisibility": None, "closesAt": None},
        ],
    }
    assert refusal(parse_event, body) == [
        "questions[0].prompt",
        "questions[0].choices",
        "questions[2].resultsVisibility",
        "questions[2].closesAt",
    ]


def choices(*texts: Any) -> list[Any]:
    return [{"text": x} for x in texts]


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"type": "wordcloud2"}, ["type"]),
        ({"type": None}, ["type"]),
        ({"prompt": None}, ["prompt"]),
        ({"prompt": ""}, ["prompt"]),
        ({"prompt": "x" * 256}, ["prompt"]),
        ({"choices": None}, ["choices"]),
        ({"choices": choices("only")}, ["choices"]),
        ({"choices": choices(*(str(i) for i in range(11)))}, ["choices"]),
        ({"choices": [{"text": "a"}, "b"]}, ["choices[1].text"]),
        ({"choices": choices("a", None)}, ["choices[1].text"]),
        ({"choices": choices("a", "x" * 101)}, ["choices[1].text"]),
        ({"choices": choices("a", "b", "a")}, ["choices[2].text"]),
        ({"resultsVisibility": None}, ["resultsVisibility"]),
        ({"resultsVisibility": "everyone"}, ["resultsVisibility"]),
        ({"closesAt": None}, ["closesAt"]),
        ({"closesAt": "tomorrow"}, ["closesAt"]),
        ({"durationSeconds": None}, ["durationSeconds"]),
        ({"durationSeconds": 0}, ["durationSeconds"]),
        ({"durationSeconds": True}, ["durationSeconds"]),
        ({"durationSeconds": 1.5}, ["durationSeconds"]),
        ({"durationSeconds": 60, "closesAt": "2030-01-01T00:00:00Z"}, ["closesAt"]),
    ],
)
def test_question_spec_refusals_name_their_field(
    changes: dict[str, Any], fields: list[str]
) -> None:
    assert refusal(parse_question, {**spec_body(), **changes}) == fields
    event = {"title": "T", "questions": [spec_body(), {**spec_body(), **changes}]}
    assert refusal(parse_event, event) == [f"questions[1].{f}" for f in fields]


def test_a_spec_that_is_not_an_object_is_refused() -> None:
    payload: Any
    for payload in (None, [], "single", 3):
        with pytest.raises(ValidationFailed):
            parse_question(payload)


def test_a_deadline_is_kept_for_the_opening() -> None:
    at = parse_question(spec_body(closesAt="2030-01-01T00:00:00Z")).deadline
    assert at == Deadline(at=1_893_456_000_000)
    assert parse_question(spec_body(durationSeconds=60.0)).deadline == Deadline(seconds=60)
    assert parse_question(spec_body()).deadline is None


# --- PATCH --------------------------------------------------------------------------


def question(status: str = "draft") -> Question:
    e = new_event(spec("Lunch?", resultsVisibility="always"), now=NOW)
    if status != "draft":
        e = t.open_question(e, "q1", NOW)
    if status == "closed":
        e = t.close_question(e, "q1", NOW + 1)
    q = e.question("q1")
    assert q is not None and q.status == status
    return q


def test_a_drafts_patch_merges_onto_what_it_has() -> None:
    draft = question()
    merged, visibility, deadline = parse_question_patch(draft, {"prompt": "Dinner?"})
    assert merged is not None and (visibility, deadline) == (None, None)
    assert (merged.prompt, merged.type, merged.visibility) == ("Dinner?", "single", "always")
    assert merged.config == draft.config
    merged, _, _ = parse_question_patch(draft, {"type": "multiple", "choices": choices("a", "b")})
    assert merged is not None and (merged.prompt, merged.config.multiple) == ("Lunch?", True)
    assert [c.text for c in merged.config.choices] == ["a", "b"]
    same, _, _ = parse_question_patch(draft, {})
    assert same is not None and (same.prompt, same.config) == (draft.prompt, draft.config)


def test_a_drafts_patch_keeps_its_planned_deadline_unless_it_gives_one() -> None:
    for planned, deadline in (
        ({"durationSeconds": 60}, Deadline(seconds=60)),
        ({"closesAt": "2030-01-01T00:00:00Z"}, Deadline(at=1_893_456_000_000)),
    ):
        draft = t.new_question("q1", parse_question(spec_body(**planned)))
        merged, _, _ = parse_question_patch(draft, {"prompt": "Dinner?"})
        assert merged is not None and merged.deadline == deadline
        for given, replaced in (
            ({"durationSeconds": 90}, Deadline(seconds=90)),
            ({"closesAt": "2031-01-01T00:00:00Z"}, Deadline(at=1_924_992_000_000)),
        ):  # the body's deadline replaces the planned one, whichever field each uses
            merged, _, _ = parse_question_patch(draft, given)
            assert merged is not None and merged.deadline == replaced


def test_a_drafts_patch_is_checked_as_a_whole_spec() -> None:
    assert refusal(lambda b: parse_question_patch(question(), b), {"choices": choices("a")}) == [
        "choices"
    ]
    assert refusal(lambda b: parse_question_patch(question(), b), {"prompt": None}) == ["prompt"]


@pytest.mark.parametrize("status", ["open", "closed"])
def test_an_opened_question_takes_only_visibility_and_a_deadline(status: str) -> None:
    q = question(status)
    assert parse_question_patch(q, {"resultsVisibility": "host"}) == (None, "host", None)
    assert parse_question_patch(q, {"durationSeconds": 30}) == (None, None, Deadline(seconds=30))
    both = parse_question_patch(q, {"resultsVisibility": "after_close", "durationSeconds": 30})
    assert both == (None, "after_close", Deadline(seconds=30))
    for body in ({"prompt": "New?"}, {"choices": choices("a", "b")}, {"type": "multiple"}):
        with pytest.raises(InvalidState) as caught:
            parse_question_patch(q, {**body, "resultsVisibility": "always"})
        assert caught.value.details == {"fields": sorted(body)}
    with pytest.raises(ValidationFailed):
        parse_question_patch(q, {})  # nothing to change
    with pytest.raises(ValidationFailed):
        parse_question_patch(q, {"unknown": 1})
    assert refusal(lambda b: parse_question_patch(q, b), {"resultsVisibility": None}) == [
        "resultsVisibility"
    ]
    assert refusal(lambda b: parse_question_patch(q, b), {"closesAt": None}) == ["closesAt"]


# --- the other bodies ---------------------------------------------------------------


def test_event_patch() -> None:
    assert parse_event_patch({"title": " New "}) == ("New", None)
    assert parse_event_patch({"pace": "audience"}) == (None, "audience")
    assert parse_event_patch({"title": "T", "pace": "presenter"}) == ("T", "presenter")
    assert refusal(parse_event_patch, {}) == [""]
    assert refusal(parse_event_patch, {"title": None}) == ["title"]
    assert refusal(parse_event_patch, {"pace": None}) == ["pace"]
    assert refusal(parse_event_patch, []) == [""]


def test_present_body() -> None:
    assert parse_present({"questionId": "q1"}) == "q1"
    assert parse_present({"questionId": None}) is None
    for bad in ({}, {"questionId": 1}, {"questionId": ""}, {"questionId": "q" * 65}, None):
        with pytest.raises(ValidationFailed):
            parse_present(bad)


def test_order_body() -> None:
    assert parse_order({"questionIds": ["q2", "q1"]}) == ("q2", "q1")
    assert parse_order({"questionIds": []}) == ()
    for bad in (
        {},
        {"questionIds": None},
        {"questionIds": "q1"},
        {"questionIds": ["q1", "q1"]},
        {"questionIds": ["q1", 2]},
        {"questionIds": [""]},
        {"questionIds": [f"q{i}" for i in range(QUESTIONS_MAX + 1)]},
    ):
        with pytest.raises(ValidationFailed):
            parse_order(bad)


def test_opening_body() -> None:
    assert parse_opening(None) is None
    assert parse_opening({}) is None
    assert parse_opening({"durationSeconds": 30}) == Deadline(seconds=30)
    assert refusal(parse_opening, {"closesAt": None}) == ["closesAt"]
    assert refusal(parse_opening, ["durationSeconds"]) == [""]


# --- join codes ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("123456", "123456"),
        ("123 456", "123456"),
        ("123-456", "123456"),
        (" 12 34 56 ", "123456"),
        ("１２３４５６", "123456"),  # full-width, as a Japanese IME types it
        ("１２３　４５６", "123456"),  # with an ideographic space
        ("１２３－４５６", "123456"),  # and a full-width hyphen
        ("123ー456", "123456"),  # the long-vowel mark a kana keyboard types for "-"
        ("123\u2010456", "123456"),  # a hyphen, as phones substitute it
        ("123\u2212456", "123456"),  # a minus sign
        ("123\u00a0456", "123456"),
        ("123456789012", "123456789012"),
        ("12345", None),
        ("1234567890123", None),
        ("", None),
        ("abcdef", None),
        ("12345a", None),
        ("123.456", None),
        ("١٢٣٤٥٦", None),  # Arabic-Indic digits are digits, but not a code's
        ("1" * 65, None),
    ],
)
def test_normalize_code(raw: str, code: str | None) -> None:
    assert normalize_code(raw) == code


def test_code_candidates_start_at_six_digits_and_lengthen() -> None:
    drawn = list(code_candidates())
    lengths = [len(c) for c in drawn]
    assert lengths[: codes.CODE_TRIES_PER_LENGTH] == [6] * codes.CODE_TRIES_PER_LENGTH
    assert lengths == sorted(lengths) and lengths[-1] == codes.CODE_DIGITS_MAX
    assert set(lengths) == set(range(6, codes.CODE_DIGITS_MAX + 1))
    assert all(c.isdigit() and c.isascii() and c[0] != "0" for c in drawn)
    assert all(normalize_code(c) == c for c in drawn)


@pytest.mark.parametrize(("draw", "first"), [("low", "100000"), ("high", "999999")])
def test_code_candidates_span_the_space_without_a_leading_zero(
    monkeypatch: pytest.MonkeyPatch, draw: str, first: str
) -> None:
    monkeypatch.setattr(secrets, "randbelow", lambda n: 0 if draw == "low" else n - 1)
    drawn = list(code_candidates())
    assert drawn[0] == first
    assert drawn[-1] == ("1" + "0" * 11 if draw == "low" else "9" * 12)
