"""What a phone's frame carries (`phone_view`): only the questions the phone shows — the
presented one in presenter pace, the open ones (and the presented one) in audience pace,
every one once the event has ended — and the audiences that share one render (`audience`):
keyed by the answers to those questions alone, so presenter pace has two at most. (The
whole event's view, `GET /api/events/{id}`'s: test_event_views.py.)
"""

from __future__ import annotations

import random
from typing import Any

import orjson

from tests.event_builders import new_event, spec
from tohyo.domain import event_transitions as t
from tohyo.domain.event import Event, RoundKey
from tohyo.domain.event_views import audience, event_view, on_phones, phone_view
from tohyo.domain.model import Visibility

NOW = 1_700_000_000_000


def hall(count: int, visibility: Visibility = "always", pace: str = "presenter") -> Event:
    """`count` open questions of four choices, each answered once, q1 presented."""
    e = new_event(
        *(
            spec(f"What do you think about topic number {i}?", n=4, resultsVisibility=visibility)
            for i in range(1, count + 1)
        ),
        now=NOW,
        code="123456",
    )
    e = t.configure_event(e, None, pace)
    for i in range(1, count + 1):
        e = t.open_question(e, f"q{i}", NOW)
        e = t.record_answer(e, t.answerable(e, f"q{i}"), ("1",))
    return t.present(e, "q1")


def size(view: dict[str, Any]) -> int:
    return len(orjson.dumps(view))


def ids(view: dict[str, Any]) -> list[str]:
    return [q["questionId"] for q in view["questions"]]


def subsets(e: Event, n: int, seed: int = 7) -> list[set[RoundKey]]:
    """`n` answered sets, each a random subset of the event's current rounds and of rounds
    before them."""
    rng = random.Random(seed)
    keys = [(q.question_id, r) for q in e.questions for r in range(1, q.round + 1)]
    return [set(rng.sample(keys, rng.randint(0, len(keys)))) for _ in range(n)]


def test_in_presenter_pace_a_phone_carries_the_presented_question_alone() -> None:
    e = t.present(hall(5), "q3")
    view = phone_view(e)
    (q3,) = view["questions"]
    whole = {q["questionId"]: q for q in event_view(e, host=False)["questions"]}
    assert q3 == whole["q3"]  # as the whole event shows it: prompt, choices, results
    assert q3["position"] == 3 and "What do you think about topic number 3?" in repr(view)
    assert "topic number 2" not in repr(view) and "topic number 4" not in repr(view)
    assert (view["presenting"], view["status"], view["pace"]) == ("q3", "live", "presenter")
    assert "version" not in view and "revision" not in view
    lobby = phone_view(t.present(e, None))
    assert lobby["questions"] == [] and lobby["presenting"] is None


def test_a_thirty_question_phone_frame_is_the_size_of_a_one_question_frame() -> None:
    one, thirty = hall(1), hall(30)
    assert size(phone_view(thirty)) == size(phone_view(one))
    answered = {("q1", 1)}
    assert size(phone_view(thirty, answered)) == size(phone_view(one, answered))
    # The whole event grows with it: what every phone used to be sent.
    assert size(event_view(thirty, host=False)) > 20 * size(phone_view(thirty))
    # The host's frames stay whole: every question, drafts and results.
    assert len(event_view(thirty, host=True)["questions"]) == 30


def test_in_presenter_pace_there_are_two_audiences_whatever_else_was_answered() -> None:
    e = hall(30, visibility="after_vote")
    e = t.reset_question(e, "q7", NOW + 1)  # a second round somewhere
    e = t.present(e, "q7")
    answered_sets = subsets(e, 300)
    keys = {audience(e, host=False, answered=a) for a in answered_sets}
    frames = {orjson.dumps(phone_view(e, a)) for a in answered_sets}
    assert len(keys) == len(frames) == 2
    assert audience(e, host=False, answered={("q7", 1)}) == audience(e, host=False, answered=())
    assert audience(e, host=False, answered={("q7", 2)}) != audience(e, host=False, answered=())
    others: tuple[Visibility, ...] = ("always", "after_close", "host")
    for other in others:  # the answered flag alone splits them still
        e2 = t.present(hall(30, visibility=other), "q2")
        assert len({audience(e2, host=False, answered=a) for a in subsets(e2, 100)}) == 2


def test_in_audience_pace_only_the_open_questions_and_the_presented_one_are_keyed() -> None:
    e = hall(6, visibility="after_vote", pace="audience")
    for closed in ("q2", "q4", "q5"):
        e = t.close_question(e, closed, NOW + 2)
    e = t.present(e, "q5")  # closed, but on every screen
    assert ids(phone_view(e)) == ["q1", "q3", "q5", "q6"]
    assert [p for p, _ in on_phones(e)] == [1, 3, 5, 6]
    nobody = audience(e, host=False, answered=())
    # Answers to closed questions no phone shows split nobody.
    assert audience(e, host=False, answered={("q2", 1), ("q4", 1)}) == nobody
    assert phone_view(e, {("q2", 1), ("q4", 1)}) == phone_view(e)
    assert audience(e, host=False, answered={("q3", 1)}) != nobody  # open
    assert audience(e, host=False, answered={("q5", 1)}) != nobody  # presented, after_vote
    assert len({audience(e, host=False, answered=a) for a in subsets(e, 300)}) <= 2**4
    # A closed question shown whatever one answered ("always" results): its answer does
    # not split the hall, and its view has no "answered" flag to differ by.
    public = t.present(t.close_question(hall(3, pace="audience"), "q3", NOW + 2), "q3")
    assert audience(public, host=False, answered={("q3", 1)}) == audience(
        public, host=False, answered=()
    )
    shown = {q["questionId"]: q for q in phone_view(public, {("q3", 1)})["questions"]}
    assert "answered" not in shown["q3"] and "results" in shown["q3"]
    assert shown["q1"]["answered"] is False


def test_once_ended_a_phone_carries_every_question_with_its_results_as_allowed() -> None:
    e = new_event(
        spec("Draft?"),
        spec("Public?", resultsVisibility="always"),
        spec("Mine?", resultsVisibility="after_vote"),
        spec("Later?", resultsVisibility="after_close"),
        spec("Secret?", resultsVisibility="host"),
        now=NOW,
        code="123456",
    )
    for question_id in ("q2", "q3", "q4", "q5"):
        e = t.open_question(e, question_id, NOW)
    e = t.present(e, "q2")
    e = t.end_event(e, NOW + 10, 86_400_000)
    for answered in ((), {("q3", 1)}):
        view = phone_view(e, answered)
        assert ids(view) == ["q2", "q3", "q4", "q5"]  # no draft, ever
        assert "Draft?" not in repr(view) and "code" not in view
        with_results = {q["questionId"] for q in view["questions"] if "results" in q}
        assert with_results == ({"q2", "q3", "q4"} if answered else {"q2", "q4"})
        # Only the after_vote question's view turns on the answer now: the others are
        # closed, their forms gone, their results shown or not whoever looks.
        assert [q["questionId"] for q in view["questions"] if "answered" in q] == ["q3"]
    keys = {audience(e, host=False, answered=a) for a in subsets(e, 200)}
    assert len(keys) == 2


def test_a_phone_never_sees_a_draft_or_a_hidden_result_in_any_shape() -> None:
    e = hall(3, visibility="host")
    e = t.add_question(e, spec("SECRET draft?"))
    for pace in ("presenter", "audience"):
        paced = t.configure_event(e, None, pace)
        for answered in ((), {("q1", 1), ("q2", 1)}):
            view = phone_view(paced, answered)
            assert "SECRET" not in repr(view)
            assert all("results" not in q for q in view["questions"])
    ended = phone_view(t.end_event(e, NOW + 10, 86_400_000), {("q1", 1)})
    assert "SECRET" not in repr(ended) and ids(ended) == ["q1", "q2", "q3"]
    assert all("results" not in q for q in ended["questions"])
