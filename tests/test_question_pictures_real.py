"""Pictures of real results: each type's own module parses a spec and answers, counts
them and reads the tally as results (public, as the exports draw them), and the picture
draws exactly that — the word cloud's words where its layout puts them, none overlapping."""

from __future__ import annotations

import io
import itertools
import logging
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from PIL import Image

from tests.components import unavailable
from tests.question_picture_samples import picture_of, wordcloud_answers
from tohyo import charts
from tohyo.charts import Text, render_question
from tohyo.charts.question_pictures import layout_question

SVG = "{http://www.w3.org/2000/svg}"


def overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def test_a_real_cloud_is_drawn_as_its_layout_places_it() -> None:
    spec = {"type": "wordcloud", "prompt": "好きな食べ物は？", "maxEntries": 4}
    picture = picture_of(spec, wordcloud_answers(120))
    cloud = picture.results["cloud"]
    assert len(cloud) > 10
    words = [t for t in layout_question(picture, "ja", 1280, 720).shapes if isinstance(t, Text)]
    fitted = [t for t in words if t.fit is not None]
    assert [t.text for t in fitted] == [w["text"] for w in cloud]
    assert picture.results["cloud"][0]["size"] > picture.results["cloud"][-1]["size"]
    # One scale: the drawn boxes are the layout's, scaled — and so overlap nowhere.
    assert fitted[0].fit is not None
    scale = fitted[0].fit / cloud[0]["width"]
    drawn = []
    for text, word in zip(fitted, cloud, strict=True):
        assert text.fit == pytest.approx(word["width"] * scale)
        drawn.append((text.x, text.y, word["width"] * scale, word["height"] * scale))
    origin = fitted[0].x - cloud[0]["x"] * scale
    for text, word in zip(fitted, cloud, strict=True):
        assert text.x == pytest.approx(origin + word["x"] * scale)
    boxes = [
        (origin + w["x"] * scale, w["y"] * scale, w["width"] * scale, w["height"] * scale)
        for w in cloud
    ]
    assert not any(overlap(a, b) for a, b in itertools.combinations(boxes, 2))
    svg = render_question(picture, fmt="svg", lang="ja", width=1280, height=720)
    root = ET.fromstring(svg)
    assert [t.text for t in root.iter(f"{SVG}text") if t.get("textLength")] == [
        w["text"] for w in cloud
    ]


REAL_JAPANESE: dict[str, tuple[dict[str, Any], list[Any], bool]] = {
    "wordcloud": (
        {"type": "wordcloud", "prompt": "好きな食べ物は？", "maxEntries": 4},
        wordcloud_answers(30),
        False,
    ),
    "scale": (
        {
            "type": "scale",
            "prompt": "満足度を教えてください",
            "points": 5,
            "labels": {"low": "まったく", "high": "とても"},
            "statements": [{"text": "発表の内容"}, {"text": "会場（音響・照明）"}],
        },
        [{"values": [1 + n % 5, 1 + (n * 3) % 5]} for n in range(23)],
        False,
    ),
    "ranking": (
        {
            "type": "ranking",
            "prompt": "優先順位をつけてください",
            "choices": [{"text": "価格"}, {"text": "品質"}, {"text": "サポート体制"}],
        },
        [{"ranking": ["2", "1", "3"]}, {"ranking": ["1", "2", "3"]}, {"ranking": ["2", "3", "1"]}],
        True,
    ),
    "text": (
        {"type": "text", "prompt": "ご意見・ご感想をどうぞ"},
        [
            {"text": "「発表」がとても分かりやすかったです。\n資料は共有されますか？"},
            {"text": "次回も参加します！"},
        ],
        False,
    ),
}


@pytest.mark.parametrize("name", list(REAL_JAPANESE))
def test_a_real_japanese_question_renders_with_no_missing_glyph(
    name: str, caplog: pytest.LogCaptureFixture
) -> None:
    path = charts.font_path("regular")
    if path is None or "CJK" not in path:
        unavailable("no CJK font: apt-get install fonts-noto-cjk (see README)")
    spec, bodies, closed = REAL_JAPANESE[name]
    picture = picture_of(spec, bodies, closed=closed)
    caplog.set_level(logging.WARNING, logger="tohyo.charts")
    png = render_question(picture, fmt="png", lang="ja", width=1280, height=720)
    assert Image.open(io.BytesIO(png)).size == (1280, 720)
    svg = render_question(picture, fmt="svg", lang="ja", width=1280, height=720)
    texts = [t.text or "" for t in ET.fromstring(svg).iter(f"{SVG}text")]
    assert texts[0] == picture.prompt and f"{len(bodies)}件の回答" in texts[1]
    assert [r for r in caplog.records if "glyph" in r.getMessage()] == []
    drawn = [
        t.text for t in layout_question(picture, "ja", 1280, 720).shapes if isinstance(t, Text)
    ]
    if name == "scale":
        assert all(f"{s['mean']:.1f}" in drawn for s in picture.results["statements"])
    elif name == "ranking":
        assert picture.results["runoff"]["winner"] == "2"
        assert any(t.startswith("即時決選投票の勝者：品質") for t in drawn)
    elif name == "text":  # newest first, the line break kept
        assert drawn[2:5] == [
            "次回も参加します！",
            "「発表」がとても分かりやすかったです。",
            "資料は共有されますか？",
        ]


def card_key(n: int) -> str:
    return f"{1000 + n}.{n:010x}"  # answer n's card, as picture_of answers


def test_a_moderated_wall_draws_only_the_cards_everyone_may_see() -> None:
    spec = {"type": "text", "prompt": "Questions for the speaker?", "moderation": "approve"}
    bodies = [{"text": f"card {n}"} for n in range(5)]
    approved = frozenset(card_key(n) for n in (0, 1, 3))
    picture = picture_of(spec, bodies, hidden=frozenset({card_key(1)}), approved=approved)
    drawn = [
        t.text for t in layout_question(picture, "en", 1280, 720).shapes if isinstance(t, Text)
    ]
    assert [t for t in drawn if t.startswith("card")] == ["card 3", "card 0"]  # newest first
    assert "2 answers" in drawn[1]  # the cards the room sees, as its screens count them
    svg = render_question(picture, fmt="svg", lang="en", width=1280, height=720)
    for never in (b"card 1", b"card 2", b"card 4"):  # hidden, and awaiting approval
        assert never not in svg
