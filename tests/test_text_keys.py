"""domain.text_keys: the key typed entries are grouped by, and what the filters catch."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tohyo.domain.questions import Filters
from tohyo.domain.text_keys import catcher, caught, entry_key


@pytest.mark.parametrize(
    ("spellings", "key"),
    [
        (["Kyoto", "kyoto", "KYOTO", " kyoto ", "ＫＹＯＴＯ", "Ｋｙｏｔｏ"], "kyoto"),
        (["ｷｮｳﾄ", "キョウト"], "キョウト"),  # half-width katakana, voiced marks composed
        (["ｶﾞｯｺｳ", "ガッコウ"], "ガッコウ"),
        (["café", "cafe\u0301", "CAFÉ", "CAFE\u0301"], "café"),  # NFC and NFD of é
        (["new   york", "New\u3000York", "new\u00a0york", "NEW\u2003 YORK"], "new york"),
        (["Straße", "STRASSE", "strasse"], "strasse"),
        (["１２３", "123"], "123"),
        (["東京タワー", " 東京タワー "], "東京タワー"),
        (["🍣", "🍣 "], "🍣"),
    ],
)
def test_spellings_of_one_word_share_a_key(spellings: list[str], key: str) -> None:
    assert {entry_key(s) for s in spellings} == {key}


def test_a_japanese_phrase_stays_one_key() -> None:
    assert entry_key("東京タワー") != entry_key("東京")
    assert entry_key("東京 タワー") == "東京 タワー"  # the space is kept, only collapsed
    assert entry_key("東京タワー") == "東京タワー"


def test_emoji_sequences_and_differing_words_keep_their_keys() -> None:
    family = "👨\u200d👩\u200d👧"
    assert entry_key(family) == family  # the joiners stay: one emoji, not three
    assert entry_key("👍🏽") != entry_key("👍")  # a skin tone is part of the emoji
    assert entry_key("resume") != entry_key("résumé")  # accents matter, case does not


@given(st.text(max_size=60))
def test_a_key_is_its_own_key(text: str) -> None:
    key = entry_key(text)
    assert entry_key(key) == key
    assert key == key.strip() and "  " not in key
    assert unicodedata.is_normalized("NFKC", key)


def test_banned_words_match_whole_words_or_anywhere_in_unspaced_scripts() -> None:
    filters = Filters(banned=("ass", "ばか"))
    assert caught("ass", filters) and caught("You ASS", filters) and caught("ＡＳＳ", filters)
    assert not caught("class", filters) and not caught("assess", filters)
    assert caught("おまえはばかだ", filters)  # Japanese has no spaces between words
    assert not caught("Kyoto", filters)
    assert not caught("ass", Filters())


def test_catcher_says_what_caught_says_of_keys() -> None:
    assert catcher(Filters()) is None  # nothing to test: callers skip the test
    test = catcher(Filters(banned=("spam",)))
    assert test is not None
    for text in ("spam", "Spam and eggs", "spammer", "eggs"):
        assert test(entry_key(text)) == caught(text, Filters(banned=("spam",)))


INVISIBLE = [
    "\u200b",  # zero-width space
    "\u200c",  # zero-width non-joiner
    "\u200d",  # zero-width joiner
    "\u2060",  # word joiner
    "\u00ad",  # soft hyphen
    "\ufeff",  # byte-order mark
    "\u034f",  # combining grapheme joiner
    "\u180e",  # Mongolian vowel separator
    "\u2061",  # function application
    "\u202e",  # right-to-left override
    "\ufe0f",  # variation selector 16
    "\U000e0041",  # tag letter A
]


@pytest.mark.parametrize("char", INVISIBLE)
def test_a_character_that_draws_nothing_is_not_part_of_a_key(char: str) -> None:
    """Else "ca\u200bt" would be a second "cat": counted again in the same answer, and
    past banned words and the host's Hide."""
    assert entry_key(f"ca{char}t") == "cat"
    assert entry_key(char) == entry_key(f" {char} {char} ") == ""


def test_banned_words_and_the_profanity_filter_see_through_invisible_characters() -> None:
    filters = Filters(("kyoto",), profanity=True)
    assert caught("kyo\u200bto", filters)
    assert caught("kyo\u00adto", filters)
    assert caught("f\u200buck", filters)
