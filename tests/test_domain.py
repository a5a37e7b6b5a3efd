"""The pure model: validation, transitions, tallies, percentages — literal fixtures, no I/O."""

from __future__ import annotations

import pytest

from tohyo import domain
from tohyo.domain import Choice, Definition, Session, State
from tohyo.errors import InvalidBallot, ValidationFailed, VotingClosed

SINGLE = Definition("s", "Q", "single", (Choice("1", "A"), Choice("2", "B")), 0, 1000, b"k")
MULTI = Definition(
    "m", "Q", "multiple", (Choice("1", "A"), Choice("2", "B"), Choice("3", "C")), 0, 1000, b"k"
)


def draft(**changes: object) -> dict[str, object]:
    return {"question": "Q?", "voteType": "single", "choices": [{"text": "A"}, {"text": "B"}]} | (
        changes
    )


def test_parse_draft_trims_and_keeps_order() -> None:
    d = domain.parse_draft(draft(question="  Lunch? ", choices=[{"text": " b "}, {"text": "a"}]))
    assert d == domain.Draft("Lunch?", "single", ("b", "a"))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"question": ""}, "question"),
        ({"question": "   "}, "question"),
        ({"question": "x" * 256}, "question"),
        ({"question": 5}, "question"),
        ({"voteType": "ranked"}, "voteType"),
        ({"voteType": None}, "voteType"),
        ({"choices": [{"text": "A"}]}, "choices"),
        ({"choices": [{"text": str(i)} for i in range(11)]}, "choices"),
        ({"choices": "A,B"}, "choices"),
        ({"choices": [{"text": "A"}, {"text": " "}]}, "choices[1].text"),
        ({"choices": [{"text": "A"}, {"text": "x" * 101}]}, "choices[1].text"),
        ({"choices": [{"text": "A"}, {"text": " A "}]}, "choices[1].text"),
        ({"choices": [{"text": "A"}, "B"]}, "choices[1].text"),
        ({"choices": [{"text": "A"}, {"label": "B"}]}, "choices[1].text"),
    ],
)
def test_parse_draft_rejects(changes: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        domain.parse_draft(draft(**changes))
    assert field in [d["field"] for d in caught.value.details]


def test_parse_draft_limits_are_inclusive() -> None:
    d = domain.parse_draft(
        draft(question="q" * 255, choices=[{"text": f"{i}" * 100} for i in range(10)])
    )
    assert len(d.question) == 255 and len(d.choices) == 10


def test_parse_draft_needs_an_object() -> None:
    with pytest.raises(ValidationFailed):
        domain.parse_draft([1, 2])


def test_make_definition_numbers_choices_from_one() -> None:
    d = domain.make_definition(domain.Draft("Q", "single", ("A", "B")), "id", b"h", 5, 10)
    assert [c.choice_id for c in d.choices] == ["1", "2"]
    assert (d.created_at, d.expires_at) == (5, 15)


@pytest.mark.parametrize(
    ("definition", "ids", "indexes"),
    [(SINGLE, ("2",), (1,)), (MULTI, ("3", "1"), (2, 0)), (MULTI, ("1", "2", "3"), (0, 1, 2))],
)
def test_ballot_indexes(
    definition: Definition, ids: tuple[str, ...], indexes: tuple[int, ...]
) -> None:
    assert domain.ballot_indexes(definition, ids) == indexes


@pytest.mark.parametrize(
    ("definition", "ids"),
    [
        (SINGLE, ()),
        (SINGLE, ("1", "2")),
        (SINGLE, ("3",)),
        (SINGLE, ("0",)),
        (SINGLE, ("01",)),
        (SINGLE, ("+1",)),
        (SINGLE, (" 1",)),
        (SINGLE, ("１",)),  # a full-width digit is not "1"
        (MULTI, ("1", "1")),
        (MULTI, ("1", "4")),
    ],
)
def test_ballot_indexes_rejects(definition: Definition, ids: tuple[str, ...]) -> None:
    with pytest.raises(InvalidBallot):
        domain.ballot_indexes(definition, ids)


@pytest.mark.parametrize(
    "payload",
    [
        None,
        [],
        {"choiceIds": "1"},
        {"choiceIds": [1]},
        {"choice": ["1"]},
        {"choiceIds": ["1"] * 11},
    ],
)
def test_parse_ballot_rejects_shapes(payload: object) -> None:
    with pytest.raises(InvalidBallot):
        domain.parse_ballot(payload)


def test_add_ballot_counts_and_versions() -> None:
    state = State.initial(3)
    state = domain.add_ballot(state, (0, 2))
    state = domain.add_ballot(state, (2,))
    assert state == State("active", (1, 0, 2), 2, 3)


def test_close_is_idempotent_and_final() -> None:
    closed = domain.close(State.initial(2), now=7)
    assert (closed.status, closed.closed_at, closed.version) == ("closed", 7, 2)
    assert domain.close(closed, now=9) is closed
    with pytest.raises(VotingClosed):
        domain.add_ballot(closed, (0,))


def test_tally_recounts_ballots() -> None:
    assert domain.tally(MULTI, [("1",), ("1", "3"), ("2",)]) == ((2, 1, 1), 3)


@pytest.mark.parametrize(
    ("count", "total", "expected"),
    [
        (0, 0, 0.0),
        (1, 3, 33.3),
        (2, 3, 66.7),
        (1, 8, 12.5),
        (1, 1, 100.0),
        (1, 16, 6.3),
        (1, 7, 14.3),
    ],
)
def test_percentage_one_decimal_half_up(count: int, total: int, expected: float) -> None:
    assert domain.percentage(count, total) == expected


def test_multiple_choice_percentages_may_pass_100() -> None:
    state = domain.add_ballot(domain.add_ballot(State.initial(3), (0, 1)), (0,))
    view = domain.snapshot(Session(MULTI, state), with_counts=True)
    assert [c["percentage"] for c in view["choices"]] == [100.0, 50.0, 0.0]


def test_snapshot_hides_counts_from_the_audience() -> None:
    view = domain.snapshot(Session(SINGLE, State.initial(2)), with_counts=False)
    assert "totalVotes" not in view
    assert all(set(c) == {"choiceId", "text"} for c in view["choices"])


def test_iso_matches_javascript() -> None:
    assert domain.iso(0) == "1970-01-01T00:00:00.000Z"
    assert domain.iso(1_764_361_455_123) == "2025-11-28T20:24:15.123Z"


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("5194a7fe-c96f-409a-950a-2d62337f3c0b", True),
        ("5194A7FE-C96F-409A-950A-2D62337F3C0B", False),
        ("5194a7fe-c96f-109a-950a-2d62337f3c0b", False),
        ("../../etc/passwd", False),
        ("", False),
    ],
)
def test_is_session_id(value: str, ok: bool) -> None:
    assert domain.is_session_id(value) is ok


# A question and a choice are one line of printable text (tohyo/domain/text.py says why).
REFUSED_TEXT = {
    "line feed": "a\nb",
    "carriage return": "a\rb",
    "tab": "a\tb",
    "NUL": "a\x00b",
    "escape": "a\x1bb",
    "DEL": "a\x7fb",
    "NEL": "a\x85b",
    "C1 control": "a\x9fb",
    "line separator": "a\u2028b",
    "paragraph separator": "a\u2029b",
    "lone surrogate": "a\ud800b",
    "U+FFFE": "a\ufffeb",
    "U+FFFF": "a\uffffb",
    "U+FDD0": "a\ufdd0b",
    "U+1FFFF": "a\U0001ffffb",
    "U+10FFFF": "a\U0010ffffb",
}


@pytest.mark.parametrize("name", list(REFUSED_TEXT))
def test_text_with_controls_or_noncharacters_is_refused(name: str) -> None:
    text = REFUSED_TEXT[name]
    for changes, field in (
        ({"question": text}, "question"),
        ({"choices": [{"text": "A"}, {"text": text}]}, "choices[1].text"),
    ):
        with pytest.raises(ValidationFailed) as caught:
            domain.parse_draft(draft(**changes))
        (problem,) = [d for d in caught.value.details if d["field"] == field]
        assert "U+" in problem["message"] and "character 2" in problem["message"]
        assert field in str(caught.value)


@pytest.mark.parametrize(
    "text",
    [
        "👩\u200d💻 or 🧑🏽\u200d🍳?",  # emoji joined by ZWJ, with a skin tone
        "\u05e9\u05dc\u05d5\u05dd \u200fעברית",  # Hebrew with a right-to-left mark
        "private \ue000 use",
        "unassigned \U000e0fff today",
        "お昼はどこ？",
        "\u00a0non-breaking\u3000spaces",
    ],
)
def test_printable_text_of_any_script_is_accepted(text: str) -> None:
    assert domain.parse_draft(draft(question=text)).question == text.strip()


def test_a_pasted_trailing_line_break_is_trimmed_not_refused() -> None:
    d = domain.parse_draft(draft(question="Lunch?\r\n", choices=[{"text": "\tA\n"}, {"text": "B"}]))
    assert (d.question, d.choices) == ("Lunch?", ("A", "B"))


def test_displayable_text_has_only_xml_characters() -> None:
    from tohyo.domain.text import displayable

    assert displayable("a\nb\x00c\ufffe\ud800d") == "a b c  d"
    assert displayable("👩\u200d💻 ok") == "👩\u200d💻 ok"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"closesAt": None}, "closesAt"),
        ({"durationSeconds": None}, "durationSeconds"),
        ({"resultsVisibility": None}, "resultsVisibility"),
        ({"closesAt": "2030-01-01T00:00:00Z", "durationSeconds": 60}, "closesAt"),
    ],
)
def test_optional_fields_are_left_out_not_null(changes: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        domain.parse_draft(draft(**changes))
    assert field in [d["field"] for d in caught.value.details]
    if set(changes) <= set(domain.SETTINGS_FIELDS):
        with pytest.raises(ValidationFailed):
            domain.parse_settings(changes)


@pytest.mark.parametrize("payload", [{}, {"colour": "red"}, [], None])
def test_settings_must_ask_for_something(payload: object) -> None:
    with pytest.raises(ValidationFailed):
        domain.parse_settings(payload)


def test_settings_ignore_unknown_fields_beside_known_ones() -> None:
    change = domain.parse_settings({"resultsVisibility": "always", "colour": "red"})
    assert change == domain.SettingsChange("always", None)
    assert domain.parse_settings({"durationSeconds": 60}).deadline == domain.Deadline(seconds=60)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-28T18:30:00Z", "2026-11-28T18:30:00.000Z"),
        ("2026-11-28t18:30:00.5z", "2026-11-28T18:30:00.500Z"),  # RFC 3339 allows t and z
        ("2026-11-28T18:30:00.123456+09:00", "2026-11-28T09:30:00.123Z"),
        ("2016-12-31T23:59:60Z", "2017-01-01T00:00:00.000Z"),  # a leap second
    ],
)
def test_deadlines_are_rfc_3339_times(value: str, expected: str) -> None:
    assert domain.iso(domain.parse_time(value, "closesAt")) == expected


@pytest.mark.parametrize(
    "value",
    [
        "2026-11-28 18:30:00Z",
        "2026-11-28T18:30:00",
        "2026-11-28T18:30Z",
        "2026-02-30T00:00:00Z",
        "2026-11-28T18:30:00+24:00",
        "２026-11-28T18:30:00Z",  # a full-width digit
        None,
        1764361455,
    ],
)
def test_other_times_are_refused(value: object) -> None:
    with pytest.raises(ValidationFailed):
        domain.parse_time(value, "closesAt")


def test_a_whole_number_of_seconds_may_be_written_60_0() -> None:
    assert domain.parse_deadline({"durationSeconds": 60.0}) == domain.Deadline(seconds=60)
    with pytest.raises(ValidationFailed):
        domain.parse_deadline({"durationSeconds": 60.5})
