"""domain.questions.wordcloud_layout: no overlaps, inside the box, deterministic, stable
between updates, and every word kept whole."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from tohyo.domain.questions import wordcloud_layout as cloud
from tohyo.domain.questions.wordcloud_layout import Placed, Word, layout, size_class, text_em

LATIN = ["innovation", "teamwork", "Kyoto", "coffee", "ramen", "AI", "OPEN SOURCE", "fun"]
JAPANESE = [
    "東京タワー",
    "おもてなし",
    "改善",
    "チームワーク",
    "未来",
    "ｷｮｳﾄ",
    "カイゼン活動",
    "🍣",
]


def zipf_words(n: int, seed: int = 0) -> list[Word]:
    """n distinct words with counts falling off as in a real room (a few big, a long tail)."""
    rng = random.Random(seed)
    counts = [int(500 / (i + 1) ** 1.1) + 1 for i in range(n)]
    texts = [f"{rng.choice(LATIN + JAPANESE)}{i}" for i in range(n)]
    return [
        Word(t.casefold(), t, size_class(c, counts[0])) for t, c in zip(texts, counts, strict=True)
    ]


def check_boxes(placed: tuple[Placed, ...]) -> None:
    for p in placed:
        assert p.x >= 0 and p.x + p.width <= cloud.BOX_WIDTH
        assert p.y >= 0 and p.y + p.height <= cloud.BOX_HEIGHT
        assert p.width > 0 and p.height > 0 and p.size >= cloud.MIN_SIZE
    for i, a in enumerate(placed):
        for b in placed[i + 1 :]:
            apart = (
                a.x + a.width <= b.x
                or b.x + b.width <= a.x
                or a.y + a.height <= b.y
                or b.y + b.height <= a.y
            )
            assert apart, (a, b)


def test_size_classes_halve_below_the_biggest_count() -> None:
    top = cloud.SIZE_CLASSES - 1
    assert [size_class(c, 100) for c in (100, 51, 50, 26, 25, 13, 12, 7, 6, 4, 3, 1)] == [
        *(top, top, top - 1, top - 1, top - 2, top - 2),
        *(top - 3, top - 3, top - 4, top - 4, 0, 0),
    ]
    assert size_class(1, 1) == top and size_class(0, 0) == top
    # Most answers move no word across a boundary: 100 → 101 changes no class below.
    assert [size_class(c, 100) for c in range(1, 101)][:-1] == [
        size_class(c, 101) for c in range(1, 101)
    ][:-1]


def test_text_width_estimates() -> None:
    assert text_em("東京") == 2.0  # wide characters: one em each
    assert text_em("ｷｮｳﾄ") == 2.0  # half-width katakana: half an em
    assert text_em("cafe\u0301") == text_em("café")  # a combining accent takes no room
    assert text_em("Ab1") > text_em("abc")  # capitals and digits are wider
    assert text_em("👨\u200d👩\u200d👧") == 3.0  # joiners take no room


def test_the_biggest_word_is_big_and_the_smallest_legible() -> None:
    placed = layout(zipf_words(40))
    sizes = [p.size for p in placed]
    assert 88 <= max(sizes) <= 120
    assert min(sizes) >= cloud.MIN_SIZE
    assert placed[0].size == max(sizes)  # in the order given: the most common first


def test_sixty_words_fit_without_overlap_inside_the_box() -> None:
    words = zipf_words(60)
    placed = layout(words)
    check_boxes(placed)
    assert len(placed) == 60
    assert [p.key for p in placed] == [w.key for w in words]


def test_a_word_is_one_box_whatever_its_script() -> None:
    words = [
        Word("東京タワーの夜景", "東京タワーの夜景", 5),
        Word("👨\u200d👩\u200d👧", "👨\u200d👩\u200d👧", 4),
        Word("open source", "Open Source", 3),
    ]
    placed = layout(words)
    assert [p.key for p in placed] == [w.key for w in words]  # one box per word, whole
    wide = placed[0]
    assert wide.width >= 8 * wide.size  # eight wide characters, not cut
    check_boxes(placed)


def test_sixty_long_japanese_words_do_not_crash_and_what_is_shown_fits() -> None:
    phrase = "東京タワーの夜景がとてもきれいでした本当にありがとうございました皆さん最高です"
    words = [Word(f"{i}{phrase}", f"{i}{phrase}"[:40], size_class(60 - i, 60)) for i in range(60)]
    placed = layout(words)
    check_boxes(placed)
    assert 10 <= len(placed) < 60  # as many as fit; the rest stay in the results' list
    for p in placed:
        assert p.width <= cloud.BOX_WIDTH


def test_forty_wide_capitals_fit_across_the_box() -> None:
    placed = layout([Word("w" * 40, "W" * 40, 5)])
    assert len(placed) == 1
    check_boxes(placed)


def test_the_same_words_give_the_same_layout_in_any_order() -> None:
    words = zipf_words(50, seed=3)
    first = layout(words)
    cloud._layout.cache_clear()
    again = layout(list(reversed(words)))
    assert {p.key: p for p in first} == {p.key: p for p in again}
    hits = cloud._layout.cache_info().hits
    assert layout(words) == first
    assert cloud._layout.cache_info().hits == hits + 1  # equal words reuse the layout


def test_a_count_that_changes_no_class_moves_nothing() -> None:
    counts = {f"w{i}": 200 // (i + 1) for i in range(30)}

    def words() -> list[Word]:
        biggest = max(counts.values())
        return [Word(k, k.upper(), size_class(c, biggest)) for k, c in counts.items()]

    before = layout(words())
    counts["w10"] += 1  # 18 → 19: still in the class of 13-25 below 200
    after = layout(words())
    assert before == after


def test_a_new_small_word_moves_at_most_the_words_it_lands_on() -> None:
    total_moved = 0
    for seed in range(20):
        words = zipf_words(30, seed=seed)
        before = {p.key: p for p in layout(words)}
        after = {p.key: p for p in layout([*words, Word(f"new{seed}", "newcomer", 0)])}
        assert f"new{seed}" in after
        moved = [k for k in before if after.get(k) != before[k]]
        assert len(moved) <= 5, (seed, moved)
        total_moved += len(moved)
    assert total_moved <= 20  # most of the time nothing moves at all


def test_words_beyond_sixty_are_left_out_and_duplicates_count_once() -> None:
    words = zipf_words(70)
    placed = layout([words[0], *words])
    assert len(placed) <= cloud.CLOUD_MAX
    assert len({p.key for p in placed}) == len(placed)
    assert words[-1].key not in {p.key for p in placed}


def test_an_empty_cloud() -> None:
    assert layout([]) == ()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.text(min_size=1, max_size=40), st.integers(0, cloud.SIZE_CLASSES - 1)),
        max_size=cloud.CLOUD_MAX,
        unique_by=lambda word: word[0],
    )
)
def test_any_words_lay_out_inside_the_box_without_overlap(words: list[tuple[str, int]]) -> None:
    given_words = [Word(text, text, size) for text, size in words]
    placed = layout(given_words)
    check_boxes(placed)
    keys = [w.key for w in given_words]
    assert [p.key for p in placed] == [k for k in keys if k in {p.key for p in placed}]
    if given_words:
        assert placed  # the first word always fits, alone in the box if need be
