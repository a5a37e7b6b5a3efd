"""The Japanese UI strings carry a ZERO WIDTH SPACE between their phrases (issue 15, item
5), for browsers without CSS `word-break: auto-phrase` (Safari, Firefox): exactly at
BudouX's boundaries, never inside a `{placeholder}`, next to a space, or in English."""

from __future__ import annotations

import re

from tohyo.domain.phrases import ZWSP, boundaries, marked, phrases
from tohyo.web import i18n


def test_the_thanks_title_is_marked_between_its_phrases() -> None:
    ja = i18n.strings("ja")
    assert ja["thanks_title"] == "投票\u200bありがとう\u200bございました！"
    assert ja["ans_thanks"] == "回答\u200bありがとう\u200bございました！"
    assert ja["create_title"] == "投票を\u200b作成"
    assert i18n.translator("ja")("thanks_title") == ja["thanks_title"]


def test_every_japanese_string_is_its_text_with_a_mark_at_some_phrase_boundaries() -> None:
    ja = i18n.strings("ja")
    for key, texts in i18n.catalog().items():
        text, shown = texts["ja"], ja[key]
        assert shown.replace(ZWSP, "") == text, key
        at, cuts = 0, set()
        for part in shown.split(ZWSP)[:-1]:
            at += len(part)
            cuts.add(at)
        assert cuts <= set(boundaries(text)), key


def test_english_is_never_marked() -> None:
    assert not any(ZWSP in text for text in i18n.strings("en").values())
    assert i18n.strings("en")["thanks_title"] == "Thank you for voting!"


def test_placeholders_stay_whole_and_fill_in_as_before() -> None:
    ja = i18n.strings("ja")
    for key, text in ja.items():
        assert re.findall(r"\{(\w+)\}", text) == re.findall(
            r"\{(\w+)\}", i18n.catalog()[key]["ja"]
        ), key
    t = i18n.translator("ja")
    assert t("remove_choice", n=2).replace(ZWSP, "") == "選択肢 2 を削除"
    # The user's text goes in as it is: a mark between phrases of the template, none in it.
    assert t("ans_wc_remove", text="抹茶パフェ") == "「抹茶パフェ」を\u200b削除"
    assert marked("即時決選投票の勝者：{text}（{n}回目で決定）").count("{n}") == 1


def test_no_mark_beside_a_space_or_at_either_end() -> None:
    for text in i18n.strings("ja").values():
        assert not text.startswith(ZWSP) and not text.endswith(ZWSP)
        assert f" {ZWSP}" not in text and f"{ZWSP} " not in text and ZWSP * 2 not in text


def test_a_lone_character_is_never_a_phrase() -> None:
    # BudouX alone would cut 単 | 一選択 and 全画 | 面 out of context.
    assert phrases("単一選択") == ("単一選択",)
    assert phrases("全画面") == ("全画面",)
    assert i18n.strings("ja")["qf_type_single"] == "単一選択"
