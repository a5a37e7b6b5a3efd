"""The word cloud question type: its config, what an answer may be, the counters an answer
makes, and the results (grouping, moderation, caps, the cloud)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tohyo.domain.questions import (
    NO_FILTERS,
    SEPARATOR,
    AnswerContext,
    Filters,
    ResultsContext,
    Tally,
    kind,
)
from tohyo.domain.questions.wordcloud import WordCloudConfig
from tohyo.errors import InvalidBallot

CLOUD = kind("wordcloud")
THREE = WordCloudConfig(3)
TEN = WordCloudConfig(10)
AT = AnswerContext(1_700_000_000_000, "0123456789")


def config(spec: dict[str, Any]) -> tuple[Any, list[dict[str, str]]]:
    problems: list[dict[str, str]] = []
    made = CLOUD.parse_config("wordcloud", {"type": "wordcloud", "prompt": "?", **spec}, problems)
    return made, problems


def parse(*entries: Any, max_entries: int = 3, filters: Filters = NO_FILTERS) -> Any:
    return CLOUD.parse_answer(WordCloudConfig(max_entries), {"entries": list(entries)}, filters)


def refusal(*entries: Any, filters: Filters = NO_FILTERS) -> InvalidBallot:
    with pytest.raises(InvalidBallot) as raised:
        parse(*entries, filters=filters)
    return raised.value


def tally(*answers: list[str], cfg: WordCloudConfig = TEN) -> Tally:
    counted = Tally()
    for entries in answers:
        answer = CLOUD.parse_answer(cfg, {"entries": entries}, Filters())
        counted = counted.add(CLOUD.increments(cfg, answer, AT))
    return counted


def results(counted: Tally, **context: Any) -> dict[str, Any]:
    return CLOUD.results(WordCloudConfig(10), counted, ResultsContext(**context))


def listed(view: dict[str, Any]) -> list[tuple[str, int]]:
    return [(e["text"], e["count"]) for e in view["entries"]]


# Config


def test_max_entries_defaults_to_three_and_takes_one_to_ten() -> None:
    assert config({}) == (WordCloudConfig(3), [])
    assert config({"maxEntries": 1}) == (WordCloudConfig(1), [])
    assert config({"maxEntries": 10}) == (WordCloudConfig(10), [])
    assert CLOUD.config_view(WordCloudConfig(7)) == {"maxEntries": 7}


@pytest.mark.parametrize("bad", [0, 11, -1, "3", 3.0, True, None, [3]])
def test_max_entries_out_of_range_or_not_a_whole_number_is_a_problem(bad: Any) -> None:
    _, problems = config({"maxEntries": bad})
    assert [p["field"] for p in problems] == ["maxEntries"]
    assert "1 to 10" in problems[0]["message"]


def test_the_config_is_stored_and_read_back() -> None:
    stored = CLOUD.config_to_json(WordCloudConfig(5))
    assert stored == {"maxEntries": 5}
    assert CLOUD.config_from_json("wordcloud", stored) == WordCloudConfig(5)


# Answers


@pytest.mark.parametrize(
    "body", [None, [], "Kyoto", {}, {"entries": "Kyoto"}, {"entries": [1]}, {"entries": [None]}]
)
def test_an_answer_is_a_list_of_strings(body: Any) -> None:
    with pytest.raises(InvalidBallot, match="entries must be a list of strings"):
        CLOUD.parse_answer(THREE, body, Filters())


def test_an_answer_has_one_to_max_entries_entries_counted_as_sent() -> None:
    with pytest.raises(InvalidBallot, match="at least one"):
        parse()
    assert parse("a", "b", "c") == ["a", "b", "c"]
    with pytest.raises(InvalidBallot, match="at most 3 entries"):
        parse("a", "b", "c", "d")
    with pytest.raises(InvalidBallot, match="at most 3 entries"):
        parse("a", "a", "a", "a")  # the list as sent: repeats are no way around the limit
    assert parse("only", max_entries=1) == ["only"]
    with pytest.raises(InvalidBallot, match="at most 1 entries"):
        parse("a", "b", max_entries=1)


def test_entries_are_trimmed_and_inner_white_space_made_one_space() -> None:
    assert parse("  Kyoto ", "new   york", "東京\u3000\u3000タワー") == [
        "Kyoto",
        "new york",
        "東京 タワー",
    ]
    assert parse("ramen\n") == ["ramen"]  # a trailing line break is trimmed, as in prompts
    assert parse("a\u00a0\u2003b") == ["a b"]


def test_an_entry_is_one_to_forty_characters() -> None:
    assert parse("x" * 40) == ["x" * 40]
    assert parse("東" * 40) == ["東" * 40]
    assert parse(" " * 10 + "y" * 40 + " " * 10) == ["y" * 40]
    error = refusal("ok", "x" * 41)
    assert error.message == "Entry 2 must be 1-40 characters"
    assert error.details == [{"field": "entries[1]", "message": "must be 1-40 characters"}]
    for blank in ("", "   ", "\u3000"):
        assert refusal(blank).details[0]["field"] == "entries[0]"


@pytest.mark.parametrize(
    "bad", ["a\tb", "a\nb", "a\r\nb", "a\x00b", "a\x1fb", "a\x7fb", "a\x85b", "a\u2028b", "\ud800"]
)
def test_controls_and_line_breaks_inside_an_entry_are_refused(bad: str) -> None:
    error = refusal("fine", bad)
    assert error.details[0]["field"] == "entries[1]"
    assert "one line of text" in error.details[0]["message"]


def test_hostile_text_is_kept_as_text() -> None:
    hostile = ['<script>alert("x")</script>', "=cmd|' /C calc'!A0", "a & b \"c\" 'd'", "+1;-1"]
    assert parse(*hostile[:3]) == hostile[:3]
    counted = tally(hostile)
    assert {e["text"] for e in results(counted)["entries"]} == set(hostile)


def test_entries_with_one_key_count_once_under_the_first_spelling() -> None:
    assert parse("Kyoto", "ＫＹＯＴＯ", "kyoto ") == ["Kyoto"]
    assert parse("café", "cafe\u0301", "CAFÉ") == ["café"]
    assert parse("ｷｮｳﾄ", "キョウト") == ["ｷｮｳﾄ"]
    assert parse("東京タワー", "東京", "タワー") == ["東京タワー", "東京", "タワー"]


def test_an_entry_the_filters_catch_refuses_the_answer_naming_it() -> None:
    banned = Filters(banned=("spam",))
    error = refusal("eggs", "SPAM", filters=banned)
    assert error.message == "Entry 2 is not allowed in this event"
    assert error.details == [{"field": "entries[1]", "message": "is not allowed in this event"}]
    assert refusal("ｓｐａｍ", filters=banned).details[0]["field"] == "entries[0]"
    assert parse("spammer", "eggs", filters=banned) == ["spammer", "eggs"]  # whole words
    jp = Filters(banned=("ばか",))
    assert refusal("おまえはばかだ", filters=jp).details[0]["field"] == "entries[0]"


# Counters


def test_a_spelling_that_is_its_own_key_is_its_counter() -> None:
    answer = parse("kyoto", "Kyoto Tower", "東京タワー")
    assert CLOUD.increments(THREE, answer, AT) == (
        "kyoto",
        "kyoto tower" + SEPARATOR + "Kyoto Tower",
        "東京タワー",
    )
    assert CLOUD.increments(THREE, parse("ＡＢＣ"), AT) == ("abc" + SEPARATOR + "ＡＢＣ",)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=45), min_size=1, max_size=3))
def test_any_accepted_answer_makes_one_clean_counter_per_key(entries: list[str]) -> None:
    try:
        answer = parse(*entries)
    except InvalidBallot:
        return
    counters = CLOUD.increments(THREE, answer, AT)
    assert len(counters) == len(answer) >= 1
    keys = [c.partition(SEPARATOR)[0] for c in counters]
    assert len(set(keys)) == len(keys)
    for counter in counters:
        assert counter.count(SEPARATOR) <= 1
        assert not any(ord(ch) < 0x20 and ch != SEPARATOR for ch in counter)


# Results


def test_spellings_group_under_the_most_common_one() -> None:
    counted = tally(["Kyoto"], ["kyoto"], ["KYOTO"], ["Kyoto"], ["ＫＹＯＴＯ"], ["Ramen"])
    view = results(counted)
    assert view["entries"][0] == {"key": "kyoto", "text": "Kyoto", "count": 5}
    assert listed(view) == [("Kyoto", 5), ("Ramen", 1)]
    assert (view["totalVotes"], view["entryCount"], view["distinct"]) == (6, 6, 2)


def test_ties_are_broken_the_same_way_every_time() -> None:
    spelled = results(tally(["kyoto"], ["Kyoto"]))
    assert listed(spelled) == [("Kyoto", 2)]  # equal spellings: the one that sorts first
    ranked = results(tally(["b"], ["a"], ["c"], ["c"]))
    assert listed(ranked) == [("c", 2), ("a", 1), ("b", 1)]  # equal counts: by text


def test_normalised_forms_group_and_phrases_stay_whole() -> None:
    counted = tally(
        ["café", "ｷｮｳﾄ", "東京タワー"],
        ["cafe\u0301", "キョウト", "東京"],
        ["CAFÉ", "🍣", "東京 タワー"],
        ["🍣 "],
    )
    counts = {e["key"]: e["count"] for e in results(counted)["entries"]}
    assert counts == {
        "café": 3,
        "キョウト": 2,
        "🍣": 2,
        "東京タワー": 1,
        "東京": 1,
        "東京 タワー": 1,
    }


def test_hidden_keys_show_to_the_host_flagged_and_to_nobody_else() -> None:
    counted = tally(["Kyoto", "ramen"], ["kyoto", "ramen"], ["sushi"])
    hidden = frozenset({"ramen"})
    public = results(counted, hidden=hidden)
    assert listed(public) == [("Kyoto", 2), ("sushi", 1)]
    assert (public["entryCount"], public["distinct"], public["totalVotes"]) == (3, 2, 3)
    assert {w["key"] for w in public["cloud"]} == {"kyoto", "sushi"}
    host = results(counted, hidden=hidden, host=True)
    assert host["entries"][1] == {"key": "ramen", "text": "ramen", "count": 2, "hidden": True}
    assert (host["entryCount"], host["distinct"]) == (3, 2)  # hidden keys do not count
    assert "ramen" not in {w["key"] for w in host["cloud"]}


def test_a_word_banned_after_it_was_counted_is_left_out_for_everyone() -> None:
    counted = tally(["spam", "eggs"], ["Spam"], ["spam and eggs"])
    banned = Filters(banned=("spam",))
    for host in (False, True):
        view = results(counted, filters=banned, host=host)
        assert listed(view) == [("eggs", 1)]
        assert (view["entryCount"], view["distinct"], view["totalVotes"]) == (1, 1, 3)
        assert [w["key"] for w in view["cloud"]] == ["eggs"]


def test_the_list_is_capped_at_50_for_everyone_200_for_the_host_and_not_in_exports() -> None:
    words = [f"w{i:03}" for i in range(250)]
    counted = tally(*[words[i : i + 10] for i in range(0, 250, 10)], ["w000"])
    public = results(counted)
    assert len(public["entries"]) == 50 and public["entries"][0]["text"] == "w000"
    assert public["distinct"] == 250 and public["entryCount"] == 251
    assert len(results(counted, host=True)["entries"]) == 200
    assert len(results(counted, full=True)["entries"]) == 250
    assert len(public["cloud"]) <= 60
    assert [w["text"] for w in public["entries"][:3]] == ["w000", "w001", "w002"]


def test_the_cloud_shows_the_top_entries_with_their_text_count_and_box() -> None:
    counted = tally(["Kyoto", "ramen"], ["kyoto"], ["KYOTO", "東京タワー"])
    cloud = results(counted)["cloud"]
    assert [(w["key"], w["text"], w["count"]) for w in cloud] == [
        ("kyoto", "KYOTO", 3),  # Kyoto, kyoto, KYOTO once each: the first in code points
        ("ramen", "ramen", 1),
        ("東京タワー", "東京タワー", 1),
    ]
    assert set(cloud[0]) == {"key", "text", "count", "size", "x", "y", "width", "height"}
    assert cloud[0]["size"] > cloud[1]["size"]
    assert results(Tally()) == {
        "totalVotes": 0,
        "entryCount": 0,
        "distinct": 0,
        "entries": [],
        "cloud": [],
    }


def test_a_changed_answer_moves_the_counts_and_a_word_nobody_sends_leaves() -> None:
    first = parse("ramen", "Sushi")
    second = parse("curry")
    counted = Tally().add(CLOUD.increments(THREE, first, AT))
    counted = counted.replace(
        CLOUD.increments(THREE, first, AT), CLOUD.increments(THREE, second, AT)
    )
    view = results(counted)
    assert listed(view) == [("curry", 1)]
    assert (view["totalVotes"], view["entryCount"]) == (1, 1)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(
            st.sampled_from(["Kyoto", "kyoto", "ＫＹＯＴＯ", "寿司", "ramen", "Ramen"]), max_size=3
        ),
        max_size=30,
    ),
    st.sets(st.sampled_from(["kyoto", "寿司", "ramen"])),
)
def test_results_agree_with_the_answers_counted(answers: list[list[str]], hidden: set[str]) -> None:
    counted = tally(*[a for a in answers if a])
    expected: dict[str, int] = {}
    for answer in answers:
        for key in {entry.casefold().replace("ｋｙｏｔｏ", "kyoto") for entry in answer}:
            expected[key] = expected.get(key, 0) + 1
    for host in (False, True):
        view = results(counted, hidden=frozenset(hidden), host=host)
        shown = {k: n for k, n in expected.items() if k not in hidden}
        assert view["entryCount"] == sum(shown.values())
        assert view["distinct"] == len(shown)
        assert view["totalVotes"] == sum(1 for a in answers if a)
        listed_counts = [e["count"] for e in view["entries"]]
        assert listed_counts == sorted(listed_counts, reverse=True)
        assert {e["key"] for e in view["entries"] if not e.get("hidden")} == set(shown)
        assert {w["key"] for w in view["cloud"]} == set(shown)


def test_invisible_characters_make_no_second_word_and_no_blank_one() -> None:
    """The reviewer's answer: nine zero-width spellings of "cat" in one answer are one
    word, counted once; an entry of only invisible characters is blank."""
    tricks = ["cat", "ca\u200bt", "ca\u200ct", "ca\u200dt", "ca\u2060t", "ca\u00adt"]
    answer = parse(*tricks, max_entries=10)
    assert answer == ["cat"]
    for blank in ("\u200b", "\u2060", "\u00ad", "\ufeff", "\u3164", "\u2800"):
        assert refusal(blank).details[0]["field"] == "entries[0]"
