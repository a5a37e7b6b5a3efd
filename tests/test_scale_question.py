"""Rating scales (`scale`): the spec's every problem named by field, the view as a spec
again (a draft's PATCH), strict answers, the counters an answer makes, the distribution
and the mean (one decimal, halves up), a changed answer, and the stored config."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tohyo.domain import event_transitions as t
from tohyo.domain.event_specs import parse_question, parse_question_patch
from tohyo.domain.questions import NO_FILTERS, PUBLIC, AnswerContext, Tally, kind
from tohyo.domain.questions.scale import ScaleConfig, mean
from tohyo.errors import InvalidBallot, ValidationFailed

SCALE = kind("scale")
AT = AnswerContext(1_700_000_000_000, "0123456789")
AGREE = {
    "type": "scale",
    "prompt": "How far do you agree?",
    "points": 5,
    "labels": {"low": "Not at all", "high": "Completely"},
    "statements": [{"text": "The talk was clear"}, {"text": "I learnt something"}],
}


def config(**spec: Any) -> ScaleConfig:
    problems: list[dict[str, str]] = []
    parsed = SCALE.parse_config("scale", spec, problems)
    assert problems == [] and parsed is not None
    return parsed  # type: ignore[no-any-return]


def problems_of(**spec: Any) -> list[str]:
    problems: list[dict[str, str]] = []
    assert SCALE.parse_config("scale", spec, problems) is None
    return [p["field"] for p in problems]


# --- the spec ---------------------------------------------------------------------------


def test_a_bare_scale_and_a_full_one() -> None:
    bare = config(points=7)
    assert bare == ScaleConfig(7, None, ())
    assert SCALE.config_view(bare) == {"points": 7, "labels": None, "statements": []}
    full = parse_question(AGREE).config
    assert full == ScaleConfig(
        5, ("Not at all", "Completely"), ("The talk was clear", "I learnt something")
    )
    assert SCALE.config_view(full) == {
        "points": 5,
        "labels": {"low": "Not at all", "high": "Completely"},
        "statements": [
            {"statementId": "1", "text": "The talk was clear"},
            {"statementId": "2", "text": "I learnt something"},
        ],
    }


@pytest.mark.parametrize("points", [3, 11])
def test_points_from_3_to_11(points: int) -> None:
    assert config(points=points).points == points


@pytest.mark.parametrize("points", [2, 12, 0, -5, True, 5.0, "5", None, [5], 10**30])
def test_points_must_be_a_whole_number_from_3_to_11(points: Any) -> None:
    assert problems_of(points=points) == ["points"]
    assert problems_of() == ["points"]


def test_every_problem_of_a_spec_is_named_by_its_field() -> None:
    fields = problems_of(
        points=2,
        labels={"low": "", "high": 5},
        statements=[{"text": " "}, {"text": "Fine"}, {"text": " Fine "}, "Loud", {}],
    )
    assert fields == [
        "points",
        "labels.low",
        "labels.high",
        "statements[0].text",
        "statements[2].text",
        "statements[3].text",
        "statements[4].text",
    ]
    with pytest.raises(ValidationFailed) as caught:
        parse_question({**AGREE, "points": 1, "statements": [{"text": "a\nb"}]})
    assert [d["field"] for d in caught.value.details] == ["points", "statements[0].text"]
    assert caught.value.message == "points must be a whole number from 3 to 11"
    assert "line break" in caught.value.details[1]["message"]


def test_labels_are_both_ends_of_at_most_40_characters() -> None:
    assert config(points=5, labels={"low": " 全然 ", "high": "とても"}).labels == ("全然", "とても")
    assert config(points=5, labels={"low": "x" * 40, "high": "y"}).labels == ("x" * 40, "y")
    assert problems_of(points=5, labels={"low": "x" * 41, "high": "y"}) == ["labels.low"]
    assert problems_of(points=5, labels={"low": "x"}) == ["labels.high"]
    assert problems_of(points=5, labels=["low", "high"]) == ["labels"]
    assert problems_of(points=5, labels="Not at all") == ["labels"]


def test_statements_are_1_to_10_distinct_texts_of_at_most_100_characters() -> None:
    ten = [{"text": f"Statement {i}"} for i in range(10)]
    assert len(config(points=5, statements=ten).statements) == 10
    assert problems_of(points=5, statements=[*ten, {"text": "one more"}]) == ["statements"]
    assert problems_of(points=5, statements=[{"text": "s" * 101}]) == ["statements[0].text"]
    assert config(points=5, statements=[{"text": "s" * 100}]).statements == ("s" * 100,)
    assert problems_of(points=5, statements={"text": "a"}) == ["statements"]
    # A thousand statements are one problem, not a thousand.
    many = [{"text": ""}] * 1000
    assert problems_of(points=5, statements=many) == ["statements"] + [
        f"statements[{i}].text" for i in range(11)
    ]


def test_the_view_is_a_spec_of_the_same_scale_so_a_drafts_patch_keeps_it() -> None:
    """`labels: null` and `statements: []` are what the view shows for none, so a spec
    takes them, meaning none; a PATCH can drop the labels with `labels: null`."""
    for spec in (AGREE, {"type": "scale", "prompt": "Rate it", "points": 3}):
        draft = t.new_question("q1", parse_question(spec))
        assert config(**SCALE.config_view(draft.config)) == draft.config
        merged, _, _ = parse_question_patch(draft, {"prompt": "Again?"})
        assert merged is not None and merged.config == draft.config
    draft = t.new_question("q1", parse_question(AGREE))
    merged, _, _ = parse_question_patch(draft, {"labels": None, "points": 7})
    assert merged is not None
    assert merged.config == ScaleConfig(7, None, draft.config.statements)


# --- answers ----------------------------------------------------------------------------


def refused(config_: ScaleConfig, body: Any) -> InvalidBallot:
    with pytest.raises(InvalidBallot) as caught:
        SCALE.parse_answer(config_, body, NO_FILTERS)
    return caught.value


def test_a_scale_without_statements_takes_one_value() -> None:
    five = config(points=5)
    assert SCALE.parse_answer(five, {"value": 1}, NO_FILTERS) == [1]
    assert SCALE.parse_answer(five, {"value": 5, "round": 1}, NO_FILTERS) == [5]
    for bad in (0, 6, -1, True, False, 3.0, 2.5, "3", None, [3], {"v": 3}, 10**40):
        assert refused(five, {"value": bad}).message == "value must be a whole number from 1 to 5"
    assert refused(five, {}).message == "value must be a whole number from 1 to 5"
    assert "send value" in refused(five, {"values": [3]}).message
    for body in (3, [3], "3", None):
        assert refused(five, body).message == "The body must be a JSON object with value"


def test_a_scale_with_statements_takes_one_value_per_statement() -> None:
    agree = parse_question(AGREE).config
    assert SCALE.parse_answer(agree, {"values": [1, 5]}, NO_FILTERS) == [1, 5]
    for values in ([3], [3, 3, 3], [], "33", None, {"1": 3}):
        assert refused(agree, {"values": values}).message == (
            "values must be a list of 2 ratings, one per statement"
        )
    assert "send values" in refused(agree, {"value": 3}).message
    for bad in (0, 6, True, 4.0, "4", None):
        error = refused(agree, {"values": [3, bad]})
        assert error.message == "The rating of statement 2 must be a whole number from 1 to 5"
        assert error.details == {"statementId": "2"}


def test_an_answer_counts_each_statements_point() -> None:
    assert SCALE.increments(config(points=5), [4], AT) == ("1:4",)
    agree = parse_question(AGREE).config
    assert SCALE.increments(agree, [1, 5], AT) == ("1:1", "2:5")


# --- results ----------------------------------------------------------------------------


def tally(config_: ScaleConfig, *answers: list[int]) -> Tally:
    counted = Tally()
    for answer in answers:
        counted = counted.add(SCALE.increments(config_, answer, AT))
    return counted


def test_the_distribution_and_mean_of_each_statement() -> None:
    agree = parse_question(AGREE).config
    counted = tally(agree, [5, 1], [4, 2], [4, 2], [4, 1])
    assert SCALE.results(agree, counted, PUBLIC) == {
        "totalVotes": 4,
        "statements": [
            {"statementId": "1", "counts": [0, 0, 0, 3, 1], "answers": 4, "mean": 4.3},
            {"statementId": "2", "counts": [2, 2, 0, 0, 0], "answers": 4, "mean": 1.5},
        ],
    }


def test_no_answers_no_mean() -> None:
    seven = config(points=7)
    assert SCALE.results(seven, Tally(), PUBLIC) == {
        "totalVotes": 0,
        "statements": [{"statementId": "1", "counts": [0] * 7, "answers": 0, "mean": None}],
    }


def test_the_mean_has_one_decimal_with_halves_rounded_up() -> None:
    assert mean(17, 4) == 4.3  # 4.25
    assert mean(87, 20) == 4.4  # 4.35: round(4.35, 1) is 4.3, a float just below
    assert mean(10, 3) == 3.3 and mean(5, 3) == 1.7 and mean(9, 3) == 3.0
    assert mean(11 * 10_000, 10_000) == 11.0
    assert mean(0, 0) is None


def test_a_changed_answer_moves_its_counts() -> None:
    agree = parse_question(AGREE).config
    counted = tally(agree, [5, 1], [3, 3])
    changed = counted.replace(
        SCALE.increments(agree, [3, 3], AT), SCALE.increments(agree, [2, 3], AT)
    )
    statements = SCALE.results(agree, changed, PUBLIC)["statements"]
    assert [s["counts"] for s in statements] == [[0, 1, 0, 0, 1], [1, 0, 1, 0, 0]]
    assert [s["mean"] for s in statements] == [3.5, 2.0]


# --- stored -----------------------------------------------------------------------------


def test_the_stored_config_is_compact_and_reads_back() -> None:
    bare = config(points=4)
    assert SCALE.config_to_json(bare) == {"points": 4}
    agree = parse_question(AGREE).config
    stored = SCALE.config_to_json(agree)
    assert stored == {
        "points": 5,
        "labels": ["Not at all", "Completely"],
        "statements": ["The talk was clear", "I learnt something"],
    }
    for c in (bare, agree):
        again = json.loads(json.dumps(SCALE.config_to_json(c)))
        assert SCALE.config_from_json("scale", again) == c
