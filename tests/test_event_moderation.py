"""Moderation's transitions (hide, restore, approve; the event's filters) and the bodies
that ask for them: what each does, what it refuses, the same object when nothing changes,
the bounds; results under them; a phone's frame pieces rendered again when the filters
change."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import orjson
import pytest

from tests.event_builders import NOW, assert_changed, new_event, participant
from tohyo.domain import event_moderation as m
from tohyo.domain import event_transitions as t
from tohyo.domain.event import Event
from tohyo.domain.event_specs import EventPatch, parse_event_changes, parse_question
from tohyo.domain.event_views import phone_view
from tohyo.domain.questions import AnswerContext, answer_tag, kind
from tohyo.errors import EventEnded, InvalidState, NotFound, ValidationFailed
from tohyo.feed.event_frames import EventFrames

SEEN = {"resultsVisibility": "always"}  # so a participant's view has results to check
CLOUD = {"type": "wordcloud", "prompt": "One word?", **SEEN}
CARDS = {"type": "text", "prompt": "Questions?", **SEEN}
APPROVED_CARDS = {**CARDS, "moderation": "approve"}
CHOICE = {"type": "single", "prompt": "Lunch?", "choices": [{"text": "A"}, {"text": "B"}]}


def live(*bodies: dict[str, Any]) -> Event:
    """An event holding these questions, every one opened but the last when it is
    named "draft" (see `with_draft`)."""
    e = new_event(*(parse_question(b) for b in bodies), now=NOW)
    for q in e.questions:
        e = t.open_question(e, q.question_id, NOW)
    return e


def with_draft(*bodies: dict[str, Any]) -> Event:
    return new_event(*(parse_question(b) for b in bodies), now=NOW)


def answer(e: Event, question_id: str, body: dict[str, Any], who: int, at: int = NOW) -> Event:
    question = e.question(question_id)
    assert question is not None
    k = kind(question.type)
    parsed = k.parse_answer(question.config, body, e.filters())
    made = k.increments(
        question.config, parsed, AnswerContext(at, answer_tag(participant(who), question_id))
    )
    return t.record_answer(e, question, made)


def results(e: Event, question_id: str = "q1", host: bool = False) -> dict[str, Any]:
    from tohyo.domain.event_views import question_view

    question = e.question(question_id)
    assert question is not None
    view = question_view(e, question, host=host, answered=(), position=1)
    return dict(view["results"])


def card_keys(e: Event, host: bool = True) -> list[str]:
    return [c["key"] for c in results(e, host=host)["cards"]]


# --- hide, restore, approve ------------------------------------------------------------------


def test_hide_and_restore_a_word_cloud_key() -> None:
    e = answer(answer(live(CLOUD), "q1", {"entries": ["Kyoto", "Osaka"]}, 1), "q1",
               {"entries": ["kyoto"]}, 2)  # fmt: skip
    hidden = m.moderate(e, "q1", "kyoto", "hide")
    assert_changed(e, hidden)
    assert hidden.question("q1").hidden == frozenset({"kyoto"})  # type: ignore[union-attr]
    assert [w["key"] for w in results(hidden)["cloud"]] == ["osaka"]
    assert results(hidden)["entryCount"] == 1
    restored = m.moderate(hidden, "q1", "kyoto", "restore")
    assert_changed(hidden, restored)
    assert restored.question("q1").hidden == frozenset()  # type: ignore[union-attr]
    assert results(restored) == results(e)


def test_a_word_cloud_key_is_taken_as_the_cloud_keys_it() -> None:
    e = live(CLOUD)
    after = m.moderate(e, "q1", "  ＫＹＯＴＯ  ", "hide")
    assert after.question("q1").hidden == frozenset({"kyoto"})  # type: ignore[union-attr]
    # Hidden before anyone sent it: the first Kyoto never shows.
    sent = answer(after, "q1", {"entries": ["Kyoto"]}, 1)
    assert results(sent)["cloud"] == [] and results(sent)["totalVotes"] == 1


def test_a_change_that_changes_nothing_is_the_same_object() -> None:
    e = live(CLOUD, APPROVED_CARDS)
    assert m.moderate(e, "q1", "kyoto", "restore") is e  # never hidden
    hidden = m.moderate(e, "q1", "kyoto", "hide")
    assert m.moderate(hidden, "q1", "Kyoto", "hide") is hidden  # the same key
    card = "1700000000000.0123456789"
    approved = m.moderate(e, "q2", card, "approve")
    assert m.moderate(approved, "q2", card, "approve") is approved
    assert m.set_filters(e, None, None) is e
    assert m.set_filters(e, (), False) is e
    banned = m.set_filters(e, ("spoiler",), True)
    assert_changed(e, banned)
    assert m.set_filters(banned, ("spoiler",), True) is banned
    assert m.apply_event_patch(banned, EventPatch(banned=("spoiler",), profanity=True)) is banned


def test_cards_are_hidden_restored_and_approved() -> None:
    e = live(APPROVED_CARDS)
    for who in range(3):
        e = answer(e, "q1", {"text": f"card {who}"}, who, at=NOW + who)
    first, second, third = reversed(card_keys(e))  # newest first
    assert results(e)["cards"] == []  # nothing approved yet
    e = m.moderate(e, "q1", first, "approve")
    e = m.moderate(e, "q1", second, "approve")
    assert [c["text"] for c in results(e)["cards"]] == ["card 1", "card 0"]
    e = m.moderate(e, "q1", second, "hide")
    assert [c["text"] for c in results(e)["cards"]] == ["card 0"]
    # Restore undoes hide only: an approved card shows again, a pending one stays pending.
    e = m.moderate(m.moderate(e, "q1", third, "hide"), "q1", third, "restore")
    e = m.moderate(e, "q1", second, "restore")
    assert [c["text"] for c in results(e)["cards"]] == ["card 1", "card 0"]
    host = {c["text"]: c.get("pending", False) for c in results(e, host=True)["cards"]}
    assert host == {"card 2": True, "card 1": False, "card 0": False}
    # Approving a hidden card shows it: the host chose to.
    e = m.moderate(m.moderate(e, "q1", third, "hide"), "q1", third, "approve")
    assert [c["text"] for c in results(e)["cards"]] == ["card 2", "card 1", "card 0"]
    assert results(e, host=True)["pending"] == 0


def test_approve_is_only_for_cards_approved_first() -> None:
    e = live(CLOUD, CARDS)
    for question_id, key in (("q1", "kyoto"), ("q2", "1700000000000.0123456789")):
        with pytest.raises(InvalidState):
            m.moderate(e, question_id, key, "approve")


def test_moderation_refuses_other_types_drafts_and_unknown_questions() -> None:
    with pytest.raises(InvalidState, match="word cloud and open text"):
        m.moderate(live(CHOICE), "q1", "1", "hide")
    with pytest.raises(InvalidState, match="draft"):
        m.moderate(with_draft(CLOUD), "q1", "kyoto", "hide")
    with pytest.raises(NotFound):
        m.moderate(live(CLOUD), "q9", "kyoto", "hide")


def test_a_key_must_be_of_the_questions_form() -> None:
    e = live(CLOUD, CARDS)
    for question_id, key in (("q1", "   "), ("q2", "kyoto"), ("q2", "12.ZZ"), ("q2", "1.a b")):
        with pytest.raises(InvalidState, match="not a key of this question") as raised:
            m.moderate(e, question_id, key, "hide")
        assert raised.value.details == {"key": key}


def test_moderation_and_filters_apply_after_the_event_ended() -> None:
    e = answer(live(CLOUD), "q1", {"entries": ["Kyoto"]}, 1)
    ended = t.end_event(e, NOW + 1, 86_400_000)
    hidden = m.moderate(ended, "q1", "kyoto", "hide")
    assert_changed(ended, hidden)
    filtered = m.apply_event_patch(ended, EventPatch(banned=("kyoto",)))
    assert_changed(ended, filtered)
    assert results(filtered)["entries"] == []
    with pytest.raises(EventEnded):  # the title and pace still need a live event
        m.apply_event_patch(ended, EventPatch(title="Renamed", banned=("kyoto",)))


def test_one_patch_is_one_change_whatever_it_names() -> None:
    e = live(CLOUD)
    after = m.apply_event_patch(e, EventPatch("Renamed", "audience", ("spoiler",), True))
    assert_changed(e, after)
    assert (after.title, after.pace, after.banned, after.profanity_filter) == (
        "Renamed",
        "audience",
        ("spoiler",),
        True,
    )


def test_the_moderated_keys_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    e = live(CLOUD, CLOUD)
    monkeypatch.setattr(m, "KEYS_MAX", 3)
    for word in ("a", "b", "c"):
        e = m.moderate(e, "q1", word, "hide")
    with pytest.raises(InvalidState, match="at most 3 hidden"):
        m.moderate(e, "q1", "d", "hide")
    assert m.moderate(e, "q1", "a", "restore").question("q1").hidden == {"b", "c"}  # type: ignore[union-attr]
    monkeypatch.setattr(m, "MODERATION_BYTES_MAX", 4)
    with pytest.raises(InvalidState, match="KiB of moderated keys"):
        m.moderate(e, "q2", "dd", "hide")  # 3 + 2 bytes over both questions


def test_the_limits_are_those_said() -> None:
    assert (m.KEYS_MAX, m.MODERATION_BYTES_MAX) == (10_000, 1024 * 1024)
    # A key as long as a word cloud's longest key: 40 characters that NFKC spells out long.
    longest = "\ufdfa" * 40
    e = m.moderate(live(CLOUD), "q1", longest, "hide")
    (hidden,) = e.question("q1").hidden  # type: ignore[union-attr]
    assert len(hidden) <= m.KEY_MAX


# --- the bodies -------------------------------------------------------------------------------


def fields(call: Any, payload: Any) -> list[str]:
    with pytest.raises(ValidationFailed) as raised:
        call(payload)
    return [d["field"] for d in raised.value.details]


def test_a_moderation_body_is_a_key_and_an_action() -> None:
    assert m.parse_moderation({"key": "kyoto", "action": "hide", "extra": 1}) == (
        m.ModerationRequest("kyoto", "hide")
    )
    assert m.parse_moderation({"key": "\f 1.ab \n", "action": "approve"}).key == "1.ab"
    assert fields(m.parse_moderation, []) == [""]
    assert fields(m.parse_moderation, {}) == ["key", "action"]
    assert fields(m.parse_moderation, {"key": "", "action": "delete"}) == ["key", "action"]
    assert fields(m.parse_moderation, {"key": "x" * 721, "action": "hide"}) == ["key"]
    assert fields(m.parse_moderation, {"key": "a\nb", "action": "hide"}) == ["key"]
    assert fields(m.parse_moderation, {"key": 5, "action": None}) == ["key", "action"]


def test_banned_words_are_normalised_deduplicated_and_bounded() -> None:
    patch = parse_event_changes(
        {"bannedWords": [" Spoiler ", "ＳＰＯＩＬＥＲ", "ネタバレ", "big  word"]}
    )
    assert patch == EventPatch(banned=("spoiler", "ネタバレ", "big word"))
    assert parse_event_changes({"bannedWords": []}).banned == ()
    assert parse_event_changes({"profanityFilter": False}).profanity is False
    assert fields(parse_event_changes, {"bannedWords": "spoiler"}) == ["bannedWords"]
    assert fields(parse_event_changes, {"bannedWords": ["w"] * 201}) == ["bannedWords"]
    assert fields(parse_event_changes, {"bannedWords": ["ok", "", "x" * 41, 3, "a\tb"]}) == [
        "bannedWords[1]",
        "bannedWords[2]",
        "bannedWords[3]",
        "bannedWords[4]",
    ]
    assert fields(parse_event_changes, {"profanityFilter": "yes"}) == ["profanityFilter"]
    assert fields(parse_event_changes, {"title": "", "profanityFilter": 1}) == [
        "title",
        "profanityFilter",
    ]
    assert fields(parse_event_changes, {"colour": "red"}) == [""]
    assert parse_event_changes({"bannedWords": ["w"] * 200}).banned == ("w",)


# --- filters on results ----------------------------------------------------------------------


def test_words_banned_after_they_were_counted_leave_results() -> None:
    e = live(CLOUD, CARDS)
    e = answer(e, "q1", {"entries": ["Kyoto", "spoiler alert"]}, 1)
    e = answer(e, "q1", {"entries": ["ネタバレ注意", "Osaka"]}, 2)
    e = answer(e, "q2", {"text": "A big SPOILER"}, 1)
    e = answer(e, "q2", {"text": "spoilers? fine"}, 2)
    banned = m.set_filters(e, ("spoiler", "ネタバレ"), None)
    cloud = results(banned, host=True)
    assert {w["key"] for w in cloud["entries"]} == {"kyoto", "osaka"}
    assert (cloud["entryCount"], cloud["distinct"], cloud["totalVotes"]) == (2, 2, 2)
    assert [c["text"] for c in results(banned, "q2")["cards"]] == ["spoilers? fine"]
    # Unbanned, they come back: nothing was lost.
    assert results(m.set_filters(banned, (), None), host=True) == results(e, host=True)
    # And a new answer with one is refused.
    with pytest.raises(Exception, match="not allowed"):
        answer(banned, "q2", {"text": "another spoiler"}, 3)


# --- the frame cache -------------------------------------------------------------------------


def frame_of(frames: EventFrames) -> dict[str, Any]:
    raw = frames.frame("update", host=False, answered=())
    data = raw.split(b"data: ", 1)[1].strip()
    return dict(orjson.loads(data))


def test_a_phones_frame_is_rendered_again_when_the_filters_change() -> None:
    e = t.present(answer(live(CLOUD), "q1", {"entries": ["Kyoto", "Osaka"]}, 1), "q1")
    first = EventFrames(e)
    frame_of(first)
    for patch in (EventPatch(banned=("kyoto",)), EventPatch(profanity=True)):
        after = m.apply_event_patch(e, patch)
        then = EventFrames(after, first)
        assert frame_of(then) == {**phone_view(after), "isHost": False}
    banned = m.apply_event_patch(e, EventPatch(banned=("kyoto",)))
    shown = frame_of(EventFrames(banned, first))["questions"][0]["results"]["cloud"]
    assert [w["key"] for w in shown] == ["osaka"]
    # The filters unchanged, a change elsewhere still reuses the pieces (the same bytes).
    renamed = EventFrames(replace(banned, title="Other"), EventFrames(banned, first))
    assert frame_of(renamed)["questions"] == frame_of(EventFrames(banned))["questions"]
