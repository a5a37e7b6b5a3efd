"""Event topics in the feed on their own: who is sent what, when an answer widens an open
stream, and what a topic keeps. (The stream over HTTP: test_event_stream.py.)"""

from __future__ import annotations

import asyncio
import functools
import itertools
import json
import time
from collections import Counter
from collections.abc import Callable, Collection
from typing import Any

import pytest

from tests.event_builders import new_event, participant, spec
from tohyo.domain import event_transitions as transitions
from tohyo.domain import event_views, questions
from tohyo.domain.event import Event, RoundKey
from tohyo.domain.questions import NO_FILTERS, AnswerContext
from tohyo.feed import EventFeed, EventTopic, EventViewer
from tohyo.feed.event_frames import EventFrames

NOW = 1_700_000_000_000


def opened(count: int = 1, visibility: str = "after_vote") -> Event:
    event = new_event(
        *(spec(f"Q{i}", resultsVisibility=visibility) for i in range(1, count + 1)), now=NOW
    )
    for i in range(1, count + 1):
        event = transitions.open_question(event, f"q{i}", NOW)
    return event


def on_screen(count: int = 1, visibility: str = "after_vote") -> Event:
    """`opened`, q1 presented: what a phone shows (a question no phone shows sends none)."""
    return transitions.present(opened(count, visibility), "q1")


def answered(event: Event, question_id: str = "q1", choice: str = "1") -> Event:
    question = event.question(question_id)
    assert question is not None
    kind = questions.kind(question.type)
    answer = kind.parse_answer(question.config, {"choiceIds": [choice]}, NO_FILTERS)
    context = AnswerContext(0, "")
    return transitions.record_answer(
        event, question, kind.increments(question.config, answer, context)
    )


class Recorder:
    def __init__(self) -> None:
        self.frames: list[bytes] = []

    async def write(self, frame: bytes, final: bool) -> None:
        self.frames.append(frame)

    def views(self) -> list[dict[str, Any]]:
        return [json.loads(f.split(b"data: ", 1)[1]) for f in self.frames if b"data: " in f]


def attach(
    feed: EventFeed,
    event: Event,
    recorder: Recorder,
    *,
    host: bool = False,
    who: bytes | None = None,
) -> tuple[EventTopic, EventViewer]:
    """As the stream handler does: watch, offer the read, attach with what the snapshot
    showed (as an update)."""
    topic = feed.watch_event(event.event_id)
    feed.offer_event(topic, event)
    assert topic.latest is not None
    viewer = EventViewer(
        recorder.write,
        host=host,
        participant=who,
        answered=frozenset(),
        sent_version=topic.latest.version,
        sent_frame=topic.frame("update", host=host, answered=()),
    )
    feed.attach_event(topic, viewer)
    return topic, viewer


async def until(condition: Callable[[], bool], timeout: float = 2.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition never held"
        await asyncio.sleep(0.005)


def new_feed() -> EventFeed:
    return EventFeed(interval=0.01, heartbeat=60, clock_ms=lambda: NOW)


async def test_a_state_a_read_brought_first_reaches_the_open_streams() -> None:
    """On a shared store a stream's read can see a change before its message arrives;
    when the message comes the state is no news. The open streams must have it all the
    same (the lead's feed kept it and sent it to nobody until the next change)."""
    feed = new_feed()
    before = opened()
    recorder = Recorder()
    attach(feed, before, recorder, host=True)
    topic, _ = attach(feed, before, Recorder(), host=True)
    presented = transitions.present(before, "q1")
    feed.offer_event(topic, presented)  # another stream's read
    feed.publish_event(presented, ())  # then the change's own message
    await until(lambda: bool(recorder.views()))
    assert [v["presenting"] for v in recorder.views()] == ["q1"]


async def test_an_answer_heard_after_its_state_still_shows_the_results_on_the_open_stream() -> None:
    """The answer's state came first (by a read) and reached the phone without results;
    the message saying whose answer it was comes after, at a version the phone has. Its
    results must appear all the same."""
    feed = new_feed()
    me = participant(1)
    before = on_screen()
    mine = Recorder()
    topic, viewer = attach(feed, before, mine, who=me)
    after = answered(before)
    feed.offer_event(topic, after)  # a read overtook the message of my answer
    await asyncio.sleep(0.05)
    assert all("results" not in v["questions"][0] for v in mine.views())
    feed.publish_event(after, [(me, "q1", 1)])
    await until(lambda: bool(mine.views()) and "results" in mine.views()[-1]["questions"][0])
    last = mine.views()[-1]["questions"][0]
    assert last["answered"] is True
    assert last["results"]["totalVotes"] == 1
    assert viewer.answered == frozenset({("q1", 1)})


async def test_answers_are_kept_only_for_the_streams_still_connecting() -> None:
    """A topic remembers whose answer it heard only for a participant whose stream is
    between its read and its attach: a hall answering for an hour keeps nothing else."""
    feed = new_feed()
    event = opened()
    topic, _ = attach(feed, event, Recorder(), host=True)
    connecting = participant(5000)
    with topic.expecting(connecting):
        for n in range(1000):
            event = answered(event)
            feed.publish_event(event, [(participant(n), "q1", 1)])
        event = answered(event)
        feed.publish_event(event, [(connecting, "q1", 1)])
        assert set(topic.pending) == {connecting}
        assert topic.answered_by(connecting, frozenset()) == {("q1", 1)}
        assert topic.answered_by(participant(1), frozenset()) == frozenset()
    assert topic.pending == {}


SUBSETS = [  # every subset of six questions' first rounds: what phones may have answered
    frozenset((f"q{i}", 1) for i in chosen)
    for size in range(7)
    for chosen in itertools.combinations(range(1, 7), size)
]


def counting_renders(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """What the feed renders from now on: phones' frames (`frames`) and the question views
    they are put together from (`questions`)."""
    renders: Counter[str] = Counter()
    real_question = event_views.phone_question_view
    real_frame = EventFrames._phone_frame

    def question(*args: Any, **kwargs: Any) -> dict[str, Any]:
        renders["questions"] += 1
        return real_question(*args, **kwargs)

    def frame(self: EventFrames, kind: str, answered: Collection[RoundKey]) -> bytes:
        renders["frames"] += 1
        return real_frame(self, kind, answered)

    monkeypatch.setattr("tohyo.feed.event_frames.phone_question_view", question)
    monkeypatch.setattr(EventFrames, "_phone_frame", frame)
    return renders


def rendered(renders: Counter[str], due: int) -> bool:
    return renders["frames"] >= due


def phones_of(
    feed: EventFeed, event: Event, subsets: list[frozenset[tuple[str, int]]]
) -> tuple[EventTopic, list[Recorder]]:
    """One phone per answered set, each attached with the frame it would have been sent."""
    topic = feed.watch_event(event.event_id)
    feed.offer_event(topic, event)
    recorders = []
    for subset in subsets:
        recorder = Recorder()
        viewer = EventViewer(
            recorder.write,
            host=False,
            participant=None,
            answered=subset,
            sent_version=event.version,
            sent_frame=topic.frame("update", host=False, answered=subset),
        )
        feed.attach_event(topic, viewer)
        recorders.append(recorder)
    return topic, recorders


async def test_each_audience_is_rendered_once_per_version(monkeypatch: pytest.MonkeyPatch) -> None:
    """In audience pace (every open question on every phone): 64 audiences (every subset
    of six questions answered), three phones each, in no order: one pass renders each
    audience's frame once (a cache cleared every 32 frames rendered them again and again),
    and a question's views again only when it changed."""
    feed = new_feed()
    event = transitions.configure_event(opened(6), None, "audience")
    assert len(SUBSETS) == 64
    subsets = [s for _, s in itertools.product(range(3), SUBSETS)]
    _, recorders = phones_of(feed, event, subsets)
    renders = counting_renders(monkeypatch)
    event = transitions.present(event, "q2")
    feed.publish_event(event, ())
    await until(lambda: all(r.frames for r in recorders))
    # Each audience's frame once; no question changed, so the views of the version before
    # (each question's two, rendered as the phones attached) serve again.
    assert (renders["frames"], renders["questions"]) == (64, 0)
    event = answered(event, "q3")  # after_vote: news to the phones that answered q3
    feed.publish_event(event, [(participant(99), "q3", 1)])
    await until(
        lambda: all(
            len(r.frames) == 1 + (("q3", 1) in s) for r, s in zip(recorders, subsets, strict=True)
        )
    )
    assert (renders["frames"], renders["questions"]) == (128, 2)  # q3's two views alone are new


async def test_in_presenter_pace_phones_are_two_audiences_whatever_else_they_answered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Six open questions, q2 presented, phones having answered every subset of them: one
    frame for those who answered q2 and one for those who did not. An answer to a question
    no phone shows makes those two again (a new version) from the same pieces and sends no
    phone anything; one to the presented question reaches every phone (its results are
    public)."""
    feed = new_feed()
    event = transitions.present(opened(6, visibility="always"), "q1")
    _, recorders = phones_of(feed, event, SUBSETS)
    renders = counting_renders(monkeypatch)
    event = transitions.present(event, "q2")
    feed.publish_event(event, ())
    await until(lambda: all(len(r.frames) == 1 for r in recorders))
    # q2's two views: no phone was shown it before.
    assert (renders["frames"], renders["questions"]) == (2, 2)
    by_answer = {
        answered_q2: {
            r.frames[0]
            for r, s in zip(recorders, SUBSETS, strict=True)
            if (("q2", 1) in s) is answered_q2
        }
        for answered_q2 in (True, False)
    }
    assert all(len(frames) == 1 for frames in by_answer.values())
    assert by_answer[True] != by_answer[False]
    for n in range(3, 7):  # an answer to each question no phone shows
        event = answered(event, f"q{n}")
        feed.publish_event(event, [(participant(n), f"q{n}", 1)])
        await until(functools.partial(rendered, renders, 2 * (n - 1)))  # each its own pass
    event = answered(event, "q2")  # the presented one: everyone sees the count move
    feed.publish_event(event, [(participant(9), "q2", 1)])
    await until(lambda: all(len(r.frames) == 2 for r in recorders))
    # Two frames a version; q2's views again only once its tally moved.
    assert (renders["frames"], renders["questions"]) == (12, 4)
    (q2,) = recorders[0].views()[-1]["questions"]
    assert (q2["questionId"], q2["results"]["totalVotes"]) == ("q2", 1)


async def test_a_count_only_change_sends_nothing_to_who_may_not_see_counts() -> None:
    feed = new_feed()
    event = on_screen(visibility="after_close")
    hidden, host = Recorder(), Recorder()
    attach(feed, event, hidden, who=participant(1))
    attach(feed, event, host, host=True)
    for n in range(2, 12):
        event = answered(event)
        feed.publish_event(event, [(participant(n), "q1", 1)])
        await asyncio.sleep(0.015)
    await until(lambda: bool(host.views()) and host.views()[-1]["version"] == event.version)
    assert hidden.frames == []
    event = transitions.close_question(event, "q1", NOW)  # now everyone may see them
    feed.publish_event(event, ())
    await until(lambda: bool(hidden.views()))
    (closed,) = hidden.views()
    assert closed["questions"][0]["results"]["totalVotes"] == 10
    # Every count in view, and still no counters: the version counts every round's.
    assert hidden.frames[0].startswith(b"event: update\n")
    assert "version" not in closed and "revision" not in closed
    await until(lambda: host.views()[-1]["version"] == event.version)
    for frame, view in zip(host.frames, host.views(), strict=True):
        assert frame.startswith(b"id: %d\n" % view["version"])  # the host's keep their ids


async def test_a_rollback_sends_everyone_the_older_state_it_went_back_to() -> None:
    """Redis lost versions the phones were shown: they are sent the state it has, older
    version and all, and the versions after it (other contents) are rendered afresh."""
    feed = new_feed()
    event = on_screen(visibility="always")
    recorder, host = Recorder(), Recorder()
    attach(feed, event, recorder, who=participant(1))
    attach(feed, event, host, host=True)
    lost = answered(event, choice="1")
    feed.publish_event(lost, [(participant(2), "q1", 1)])
    await until(lambda: len(recorder.views()) == len(host.views()) == 1)
    feed.reset_event(event)
    await until(lambda: len(recorder.views()) == len(host.views()) == 2)
    assert host.views()[-1]["version"] == event.version  # the phone has no version to see
    assert recorder.views()[-1]["questions"][0]["results"]["totalVotes"] == 0
    other = answered(event, choice="3")  # the same version number as the lost one
    assert other.version == lost.version
    feed.publish_event(other, [(participant(3), "q1", 1)])
    await until(lambda: len(recorder.views()) == len(host.views()) == 3)
    for views in (recorder.views(), host.views()):
        counts = [c["voteCount"] for c in views[-1]["questions"][0]["results"]["choices"]]
        assert counts == [0, 0, 1]
