"""What a viewer may see of an event: participants never see drafts, results show as
each question's visibility allows (after_vote by the current round's answer only), and
the counters — the version counts every answer of every round, the revision every edit of
a draft — are the host's alone.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from tests.event_builders import new_event, spec
from tohyo.domain import event_transitions as t
from tohyo.domain.event import Event
from tohyo.domain.event_views import audience, can_see_results, event_view
from tohyo.domain.model import VISIBILITIES, Visibility

NOW = 1_700_000_000_000


def running(visibility: Visibility = "after_vote") -> Event:
    """q1 open (one answer), q2 a draft between, q3 closed (one answer)."""
    e = new_event(
        spec("One?", resultsVisibility=visibility),
        spec("Draft?", resultsVisibility=visibility),
        spec("Three?", resultsVisibility=visibility),
        now=NOW,
        code="123456",
    )
    for question_id in ("q1", "q3"):
        e = t.open_question(e, question_id, NOW)
        e = t.record_answer(e, t.answerable(e, question_id), ("1",))
    return t.close_question(e, "q3", NOW + 1)


def by_id(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {q["questionId"]: q for q in view["questions"]}


def test_participants_never_see_drafts_and_positions_have_no_gaps() -> None:
    view = event_view(running(), host=False)
    assert [(q["questionId"], q["position"]) for q in view["questions"]] == [("q1", 1), ("q3", 2)]
    assert "Draft?" not in repr(view)


def test_the_host_sees_every_question_and_every_result() -> None:
    for visibility in VISIBILITIES:
        view = event_view(running(visibility), host=True)
        assert [q["questionId"] for q in view["questions"]] == ["q1", "q2", "q3"]
        assert all("results" in q for q in view["questions"])
        assert all("answered" not in q for q in view["questions"])
        assert view["version"] == running(visibility).version
        assert by_id(view)["q1"]["results"]["totalVotes"] == 1


@pytest.mark.parametrize(
    ("visibility", "answered", "shown"),
    [
        ("always", (), {"q1", "q3"}),
        ("after_vote", (), set()),
        ("after_vote", (("q1", 1),), {"q1"}),
        ("after_vote", (("q1", 1), ("q3", 1)), {"q1", "q3"}),
        ("after_close", (), {"q3"}),
        ("after_close", (("q1", 1),), {"q3"}),
        ("host", (("q1", 1), ("q3", 1)), set()),
    ],
)
def test_participants_see_results_as_the_visibility_allows(
    visibility: Visibility, answered: tuple[tuple[str, int], ...], shown: set[str]
) -> None:
    e = running(visibility)
    view = event_view(e, host=False, answered=answered)
    questions = by_id(view)
    assert {qid for qid, q in questions.items() if "results" in q} == shown
    assert {qid for qid, q in questions.items() if q["answered"]} == {qid for qid, _ in answered}
    # Even with every result in view: the version would give earlier rounds' counts away.
    assert "version" not in view and "revision" not in view


def test_after_vote_counts_only_an_answer_in_the_current_round() -> None:
    e = running("after_vote")
    e = t.reset_question(e, "q1", NOW + 5)  # round 2
    answered = {("q1", 1), ("q3", 1)}
    view = event_view(e, host=False, answered=answered)
    q1 = by_id(view)["q1"]
    assert (q1["round"], q1["answered"]) == (2, False)
    assert "results" not in q1
    view = event_view(e, host=False, answered={*answered, ("q1", 2)})
    q1 = by_id(view)["q1"]
    assert q1["answered"] and q1["results"]["totalVotes"] == 0  # round 2's own tally
    # version - revision would be every answer of round 1 too, which this view hides.
    assert "version" not in view


def test_after_close_shows_once_the_event_ends() -> None:
    e = t.end_event(running("after_close"), NOW + 10, 86_400_000)
    view = event_view(e, host=False)
    assert all("results" in q for q in view["questions"]) and "version" not in view
    assert "code" not in view and view["status"] == "ended" and "endedAt" in view


def test_the_lobby_of_an_event_without_questions() -> None:
    e = new_event(now=NOW, code="123456")
    view = event_view(e, host=False)
    assert (view["questions"], view["code"], view["presenting"]) == ([], "123456", None)
    assert event_view(e, host=True)["version"] == 1


def test_editing_a_draft_changes_nothing_a_participant_sees() -> None:
    # Else every phone in the hall would be sent a frame for each keystroke the host saves.
    e = running()
    edited = t.edit_question(e, "q2", spec("Reworded?"))
    assert edited.revision == e.revision + 1
    assert event_view(edited, host=False) == event_view(e, host=False)


def test_results_are_the_tally_of_the_current_round() -> None:
    e = running("always")
    q1 = by_id(event_view(e, host=False))["q1"]
    assert q1["results"]["totalVotes"] == 1
    assert [c["voteCount"] for c in q1["results"]["choices"]] == [1, 0, 0]
    assert q1["status"] == "open" and q1["round"] == 1 and "openedAt" in q1


def test_can_see_results_by_visibility() -> None:
    e = running()
    open_q, closed_q = e.question("q1"), e.question("q3")
    assert open_q is not None and closed_q is not None
    # Per visibility: (open, answered), (open, not answered), (closed, not answered).
    expected: dict[Visibility, tuple[bool, bool, bool]] = {
        "always": (True, True, True),
        "after_vote": (True, False, False),
        "after_close": (False, False, True),
        "host": (False, False, False),
    }
    for visibility, (voted, not_voted, closed) in expected.items():
        o, c = replace(open_q, visibility=visibility), replace(closed_q, visibility=visibility)
        assert can_see_results(o, host=False, answered=True) is voted
        assert can_see_results(o, host=False, answered=False) is not_voted
        assert can_see_results(c, host=False, answered=False) is closed
        assert can_see_results(o, host=True, answered=False)
        assert can_see_results(c, host=True, answered=False)


def test_audience_groups_participants_by_their_current_rounds_answered() -> None:
    e = t.reset_question(running(), "q1", NOW + 5)  # q1 in round 2, q3 in round 1
    # On every phone: q1 (open, in audience pace) and q3 (closed, presented, after_vote).
    e = t.present(t.configure_event(e, None, "audience"), "q3")
    assert audience(e, host=True, answered=()) is True
    nobody = audience(e, host=False, answered=())
    assert audience(e, host=False, answered={("q1", 1)}) == nobody  # an earlier round
    q1 = audience(e, host=False, answered={("q1", 2)})
    assert q1 != nobody
    assert audience(e, host=False, answered={("q1", 2), ("q1", 1)}) == q1
    assert audience(e, host=False, answered={("q1", 2), ("q3", 1)}) not in (nobody, q1)
