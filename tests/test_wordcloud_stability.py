"""Word cloud words stay where they are between updates: the layout is laid out from the
previous one (a word keeps its centre), classes change only well past a boundary, and
results remember each question's last cloud and spelling."""

from __future__ import annotations

import random
from typing import Any

from tests.test_wordcloud_layout import check_boxes
from tohyo.domain.questions import ResultsContext, Tally, kind
from tohyo.domain.questions import wordcloud_layout as cloud
from tohyo.domain.questions.wordcloud import WordCloudConfig
from tohyo.domain.questions.wordcloud_layout import Placed, Word, layout, size_class

CLOUD = kind("wordcloud")
VOCABULARY = [f"{word}{i}" for i, word in enumerate(["Growth", "東京タワー", "ramen", "AI"] * 20)]


def replay(seed: int, updates: int = 50) -> list[tuple[dict[str, int], tuple[Placed, ...]]]:
    """Entries arriving one at a time, drawn from a Zipf law over the vocabulary: the
    counts and the layout after each, every layout made from the one before."""
    rng = random.Random(seed)
    weights = [1 / (rank + 1) ** 1.1 for rank in range(len(VOCABULARY))]
    counts: dict[str, int] = {}
    classes: dict[str, int] = {}
    placed: tuple[Placed, ...] = ()
    steps = []
    for _ in range(updates):
        text = rng.choices(VOCABULARY, weights)[0]
        counts[text] = counts.get(text, 0) + 1
        biggest = max(counts.values())
        top = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        classes = {t: size_class(c, biggest, classes.get(t.casefold())) for t, c in top}
        words = [Word(t.casefold(), t, classes[t]) for t, _ in top]
        classes = {t.casefold(): c for t, c in classes.items()}
        placed = layout(words, placed)
        steps.append((dict(counts), placed))
    return steps


def moved(before: Placed, after: Placed) -> bool:
    """Its centre moved by more than a grid cell (a box that changes size is put on the
    grid cell nearest its centre: half a cell either way)."""
    (bx, by), (ax, ay) = before.centre, after.centre
    return abs(ax - bx) > cloud.CELL or abs(ay - by) > cloud.CELL


def test_words_stay_where_they_are_as_entries_arrive() -> None:
    pairs = moves = 0
    for seed in range(3):
        steps = replay(seed)
        previous: dict[str, Placed] = {}
        for counts, placed in steps:
            check_boxes(placed)
            assert len(placed) == len(counts)  # 50 entries: every word fits
            for now in placed:
                old = previous.get(now.key)
                if old is None:
                    continue
                pairs += 1
                grew = now.width > old.width or now.height > old.height
                if not grew:
                    assert not moved(old, now), (seed, old, now)  # kept or shrank: stays
                moves += moved(old, now)
            previous = {p.key: p for p in placed}
    # Before the layout was incremental, 24% of these pairs moved.
    assert moves <= 0.02 * pairs, (moves, pairs)


def test_the_same_sequence_gives_the_same_layouts() -> None:
    first = replay(7)
    cloud._layout.cache_clear()
    assert replay(7) == first


def test_a_fresh_process_lays_out_the_same_words_validly() -> None:
    counts, _ = replay(5)[-1]
    biggest = max(counts.values())
    words = [Word(t.casefold(), t, size_class(c, biggest)) for t, c in counts.items()]
    fresh = layout(words)
    check_boxes(fresh)
    assert {p.key for p in fresh} == {w.key for w in words}


def test_laying_out_again_from_the_layout_itself_changes_nothing() -> None:
    """The host's view and then every phone's: the second is laid out from the first."""
    for seed in range(3):
        for _, placed in replay(seed, updates=30)[::5]:
            words = [Word(p.key, p.key, 0) for p in placed]  # the text is the key here
            again = layout(words, placed)
            assert layout(words, again) == again


def test_a_word_that_shrinks_keeps_its_centre_and_one_that_grows_into_another_moves() -> None:
    words = [Word(f"w{i}", f"w{i}", 2) for i in range(12)]
    start = layout(words)
    smaller = layout([Word(w.key, w.text, 0) for w in words], start)
    for old, new in zip(start, smaller, strict=True):
        assert new.size < old.size and not moved(old, new)
    bigger = layout([Word("w0", "w0", 5), *words[1:]], start)
    check_boxes(bigger)
    assert all(not moved(o, n) for o, n in zip(start[1:], bigger[1:], strict=True))


def test_a_scale_step_down_keeps_every_centre_and_never_grows_back() -> None:
    words = [Word(f"word{i}", f"word{i}", 4) for i in range(20)]
    start = layout(words[:4])
    crowded = layout(words, start)
    assert crowded[0].scale_step > start[0].scale_step  # twenty big words: smaller
    for old, new in zip(start, crowded, strict=False):
        assert not moved(old, new)
    emptied = layout(words[:4], crowded)
    assert emptied[0].scale_step == crowded[0].scale_step  # no growing back into each other
    assert emptied == crowded[:4]


def test_a_class_changes_only_well_past_its_boundary() -> None:
    top = cloud.SIZE_CLASSES - 1
    assert size_class(50, 100) == top - 1
    assert size_class(50, 100, before=top) == top  # the boundary is at 50: √2 below it
    assert size_class(36, 100, before=top) == top
    assert size_class(35, 100, before=top) == top - 1
    assert size_class(70, 100, before=top - 1) == top - 1  # √2 above 50: 70.7
    assert size_class(71, 100, before=top - 1) == top
    assert size_class(100, 100, before=0) == top  # the biggest count is the biggest word
    assert size_class(1, 1000, before=0) == 0
    assert size_class(3, 100, before=3) == 0  # far past: the plain class


def box(word: dict[str, Any]) -> Placed:
    size, x, y, width, height = (int(word[n]) for n in ("size", "x", "y", "width", "height"))
    return Placed(str(word["key"]), size, x, y, width, height, 0)


def results(config: WordCloudConfig, counts: dict[str, int]) -> dict[str, Any]:
    return CLOUD.results(config, Tally(counts, total=sum(counts.values())), ResultsContext())


def test_results_lay_each_question_out_from_its_last_cloud() -> None:
    config = WordCloudConfig(3)
    counts: dict[str, int] = {}
    rng = random.Random(11)
    last: dict[str, dict[str, Any]] = {}
    for i in range(40):
        key = f"w{min(int(rng.paretovariate(1.2)), 30)}"
        counts[key] = counts.get(key, 0) + 1
        view = results(config, counts)
        cloud_now = {w["key"]: w for w in view["cloud"]}
        assert results(config, counts) == view  # the next viewer sees the same cloud
        stayed = sum(
            1 for k, w in cloud_now.items() if k in last and not moved(box(last[k]), box(w))
        )
        assert stayed >= sum(1 for k in cloud_now if k in last) - 2, i
        last = cloud_now
    other = results(WordCloudConfig(3), counts)  # another question: its own, fresh cloud
    assert {w["key"] for w in other["cloud"]} == set(counts)


def test_a_tied_spelling_does_not_flip_the_one_shown() -> None:
    config = WordCloudConfig(3)
    sep = "\x1f"
    counts = {f"growth{sep}Growth": 1}
    assert results(config, counts)["entries"][0]["text"] == "Growth"
    counts[f"growth{sep}GROWTH"] = 1  # tied, and first in code points: Growth stays
    assert results(config, counts)["entries"][0]["text"] == "Growth"
    counts["growth"] = 1
    assert results(config, counts)["entries"][0]["text"] == "Growth"
    counts[f"growth{sep}GROWTH"] = 2  # strictly more common: shown
    assert results(config, counts)["entries"][0]["text"] == "GROWTH"
    # Without a memory (a fresh question), ties go to the first in code points.
    fresh = results(WordCloudConfig(3), {f"growth{sep}Growth": 1, f"growth{sep}GROWTH": 1})
    assert fresh["entries"][0]["text"] == "GROWTH"
