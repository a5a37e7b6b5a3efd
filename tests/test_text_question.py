"""The open-text question type: its config, what an answer may be (500 characters, line
breaks, controls, hostile text, the filters), the counter a card makes, and the results
(newest first, caps, approve first, hidden, filtered)."""

from __future__ import annotations

from typing import Any

import pytest

from tohyo.domain.questions import (
    NO_FILTERS,
    SEPARATOR,
    AnswerContext,
    Filters,
    ResultsContext,
    Tally,
    kind,
)
from tohyo.domain.questions.text import TextConfig
from tohyo.errors import InvalidBallot

TEXT = kind("text")
OPEN = TextConfig()
APPROVE = TextConfig("approve")


def config(spec: dict[str, Any]) -> tuple[Any, list[dict[str, str]]]:
    problems: list[dict[str, str]] = []
    made = TEXT.parse_config("text", {"type": "text", "prompt": "?", **spec}, problems)
    return made, problems


def parse(body: Any, filters: Filters = NO_FILTERS) -> Any:
    return TEXT.parse_answer(OPEN, body, filters)


def refused(body: Any, filters: Filters = NO_FILTERS) -> InvalidBallot:
    with pytest.raises(InvalidBallot) as raised:
        parse(body, filters)
    return raised.value


def cards(*texts: str, start: int = 1_700_000_000_000) -> Tally:
    """One card per text, a second apart, each with its own tag (t0, t1, …)."""
    counted = Tally()
    for i, text in enumerate(texts):
        answer = TEXT.parse_answer(OPEN, {"text": text}, NO_FILTERS)
        counted = counted.add(
            TEXT.increments(OPEN, answer, AnswerContext(start + 1000 * i, f"{i:010x}"))
        )
    return counted


def key(i: int, start: int = 1_700_000_000_000) -> str:
    return f"{start + 1000 * i}.{i:010x}"


def results(counted: Tally, cfg: TextConfig = OPEN, **context: Any) -> dict[str, Any]:
    return TEXT.results(cfg, counted, ResultsContext(**context))


def texts(view: dict[str, Any]) -> list[str]:
    return [c["text"] for c in view["cards"]]


# --- config ------------------------------------------------------------------------------


def test_the_config_is_none_by_default_or_approve() -> None:
    assert config({}) == (TextConfig("none"), [])
    assert config({"moderation": "approve"}) == (APPROVE, [])
    assert TEXT.config_view(APPROVE) == {"moderation": "approve"}
    assert TEXT.config_from_json("text", TEXT.config_to_json(APPROVE)) == APPROVE
    for wrong in ("Approve", "", None, True, ["approve"]):
        _, problems = config({"moderation": wrong})
        assert [p["field"] for p in problems] == ["moderation"], wrong


# --- answers -----------------------------------------------------------------------------


def test_an_answer_is_trimmed_and_up_to_500_characters() -> None:
    assert parse({"text": "  Great talk!  "}) == "Great talk!"
    assert parse({"text": "あ" * 500}) == "あ" * 500
    assert parse({"text": " " + "x" * 500 + "\n"}) == "x" * 500  # trimmed first
    for too_long in ("x" * 501, "😀" * 501):
        error = refused({"text": too_long})
        assert error.details == [{"field": "text", "message": "must be 1-500 characters"}]
    for blank in ("", "   ", "\n\n", "\r\n\t "):
        assert refused({"text": blank}).details[0]["field"] == "text"


def test_line_breaks_are_kept_as_one_kind_and_blank_runs_shortened() -> None:
    assert parse({"text": "one\ntwo"}) == "one\ntwo"
    assert parse({"text": "one\r\ntwo\rthree"}) == "one\ntwo\nthree"
    assert parse({"text": "a\n\n\n\n\nb"}) == "a\n\nb"
    assert parse({"text": "a\r\n\r\n\r\nb"}) == "a\n\nb"
    # A line break counts as the one character it is.
    assert parse({"text": "x" * 250 + "\r\n" + "y" * 249}) == "x" * 250 + "\n" + "y" * 249


@pytest.mark.parametrize(
    "control",
    ["\t", "\x00", "\x0b", "\x0c", "\x1f", "\x7f", "\x85", "\u2028", "\u2029", "\ud800", "\uffff"],
)
def test_other_controls_are_refused_naming_where(control: str) -> None:
    error = refused({"text": "ok" + control + "ok"})
    (detail,) = error.details
    assert detail["field"] == "text"
    assert f"U+{ord(control):04X}, character 3" in detail["message"]


@pytest.mark.parametrize(
    "hostile",
    ['<script>alert("x")</script>', "=cmd|' /C calc'!A0", "a & b \"q\" 'r'", "@SUM(1+1)", "＜b＞"],
)
def test_hostile_text_is_kept_as_sent(hostile: str) -> None:
    assert parse({"text": hostile}) == hostile
    view = results(cards(hostile))
    assert texts(view) == [hostile]


@pytest.mark.parametrize(
    "body", [None, [], "text", {"text": 5}, {"text": None}, {"entries": ["a"]}]
)
def test_a_body_without_a_text_string_is_refused(body: Any) -> None:
    assert refused(body).details == [{"field": "text", "message": "must be a string"}]


def test_a_banned_word_anywhere_in_the_whole_text_refuses_it() -> None:
    banned = Filters(("spoiler", "ネタバレ"))
    for caught in (
        "No SPOILER please",
        "line one\nspoiler",
        "今日はネタバレ注意",
        "ｓｐｏｉｌｅｒ",
    ):
        error = refused({"text": caught}, banned)
        assert error.details == [{"field": "text", "message": "is not allowed in this event"}]
    # Whole words only, for a script written with spaces.
    assert parse({"text": "spoilers and spoilt"}, banned) == "spoilers and spoilt"


def test_the_profanity_filter_catches_whole_words_only() -> None:
    profanity = Filters(profanity=True)
    for clean in ("class", "assess", "Scunthorpe", "cocktail", "Essex", "grape", "a classic pass"):
        assert parse({"text": clean}, profanity) == clean
    for rude in ("you ass", "What the FUCK", "sh1t\nhappens", "ｆｕｃｋ"):
        assert refused({"text": rude}, profanity).details[0]["field"] == "text"
    assert parse({"text": "you ass"}) == "you ass"  # off: nothing is caught


# --- counters ----------------------------------------------------------------------------


def test_a_card_counts_once_under_its_time_and_tag() -> None:
    made = TEXT.increments(OPEN, "Hi\nthere", AnswerContext(1_700_000_000_123, "abcdef0123"))
    assert made == ("1700000000123.abcdef0123" + SEPARATOR + "Hi\nthere",)


# --- results -----------------------------------------------------------------------------


def test_cards_are_newest_first_with_their_time() -> None:
    view = results(cards("first", "second", "third"))
    assert view["totalVotes"] == 3 and view["shown"] == 3
    assert "pending" not in view  # the host's only
    assert texts(view) == ["third", "second", "first"]
    assert view["cards"][0] == {"key": key(2), "text": "third", "at": "2023-11-14T22:13:22.000Z"}


def test_cards_with_the_same_time_are_ordered_by_key() -> None:
    counted = Tally()
    for tag, text in (("aa", "a"), ("cc", "c"), ("bb", "b")):
        counted = counted.add(TEXT.increments(OPEN, text, AnswerContext(5000, tag)))
    assert texts(results(counted)) == ["c", "b", "a"]


def test_results_show_30_cards_the_host_200_an_export_all() -> None:
    counted = cards(*(f"card {i}" for i in range(250)))
    assert texts(results(counted)) == [f"card {i}" for i in range(249, 219, -1)]
    assert len(results(counted, host=True)["cards"]) == 200
    every = results(counted, full=True)["cards"]
    assert [c["text"] for c in every] == [f"card {i}" for i in range(249, -1, -1)]
    assert results(counted)["shown"] == 250  # the count is of every card, not the list


def test_hidden_cards_leave_results_but_the_hosts_flagged() -> None:
    counted = cards("keep", "hide me", "keep too")
    hidden = frozenset({key(1)})
    public = results(counted, hidden=hidden)
    assert texts(public) == ["keep too", "keep"] and public["shown"] == 2
    host = results(counted, hidden=hidden, host=True)
    assert texts(host) == ["keep too", "hide me", "keep"]
    assert host["cards"][1]["hidden"] is True and "hidden" not in host["cards"][0]
    assert host["shown"] == 2 and host["pending"] == 0


def test_approve_first_shows_only_approved_cards_and_the_host_every_one_flagged() -> None:
    counted = cards("one", "two", "three", "four")
    approved = frozenset({key(0), key(2)})
    hidden = frozenset({key(2), key(3)})  # one approved and hidden, one pending and hidden
    public = results(counted, APPROVE, approved=approved, hidden=hidden)
    assert texts(public) == ["one"] and public["shown"] == 1
    assert all("pending" not in c for c in public["cards"])
    host = results(counted, APPROVE, approved=approved, hidden=hidden, host=True)
    flags = [(c["text"], c.get("hidden", False), c.get("pending", False)) for c in host["cards"]]
    assert flags == [
        ("four", True, True),
        ("three", True, False),
        ("two", False, True),
        ("one", False, False),
    ]
    assert (host["shown"], host["pending"]) == (1, 1)  # a hidden card awaits nothing
    # Nothing approved yet: the room sees no card at all.
    assert results(counted, APPROVE)["cards"] == []


def test_cards_caught_by_words_banned_after_they_were_sent_leave_every_view() -> None:
    counted = cards("fine", "big spoiler here", "ネタバレです", "spoilers are fine")
    filters = Filters(("spoiler", "ネタバレ"))
    for context in ({}, {"host": True}, {"full": True}):
        view = results(counted, filters=filters, **context)
        assert texts(view) == ["spoilers are fine", "fine"], context
        assert view["shown"] == 2 and view["totalVotes"] == 4
    profanity = results(cards("class act", "you ass"), filters=Filters(profanity=True))
    assert texts(profanity) == ["class act"]


def test_the_profanity_list_loads_and_matches_keys_on_whole_words() -> None:
    from tohyo.domain import profanity

    profanity.require_available()  # the package is a dependency: its list loads
    assert profanity.profane("you ass") and profanity.profane("a$$") and profanity.profane("sh1t")
    for clean in ("class", "assess", "scunthorpe", "cocktail", "passage", "東京タワー", ""):
        assert not profanity.profane(clean), clean


def test_a_card_of_only_invisible_characters_is_blank() -> None:
    for blank in ("\u200b", "\u2060 \u00ad", "\ufeff", "\u3164", "\u2800"):
        assert refused({"text": blank}).details == [
            {"field": "text", "message": "must not be blank"}
        ]
