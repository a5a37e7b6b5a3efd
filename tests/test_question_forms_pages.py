"""The question forms' pages rendered in-process: the create page and the console's
dialog offer every registered type with its fields and the API's limits, and the console's
list says each question's kind from the first rendering, in English and Japanese, hostile
text escaped. (Chromium drives the forms in test_browser_question_forms.py.)"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from asgi_lifespan import LifespanManager

from tests.conftest import new_client
from tohyo.config import Settings
from tohyo.domain import questions
from tohyo.domain.questions import scale, wordcloud
from tohyo.web.app import TohyoApp, create_app

TYPES = ("single", "multiple", "wordcloud", "text", "scale", "ranking", "quiz")
XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture
async def app() -> AsyncIterator[TohyoApp]:
    application = create_app(Settings(storage="memory://", stream_interval=0.01))
    async with LifespanManager(application):
        yield application


def offered(page: str) -> list[str]:
    picker = re.search(r'<fieldset class="qf-types">(.*?)</fieldset>', page, re.S)
    assert picker, "no type picker"
    return re.findall(r'<input type="radio" value="([a-z]+)"', picker.group(1))


def kinds(page: str) -> list[str]:
    return re.findall(r'<span data-field="kind">([^<]*)</span>', page)


async def test_both_forms_offer_every_registered_type_with_the_api_s_limits(
    app: TohyoApp,
) -> None:
    async with new_client(app) as laptop:
        create = (await laptop.get("/events/new")).text
        created = (await laptop.post("/api/events", json={"title": "Empty"})).json()
        console = (await laptop.get(f"/e/{created['eventId']}/host")).text
    registered = [name for name in TYPES if name in questions.TYPE_NAMES]
    assert {"single", "multiple", "wordcloud", "scale", "ranking"} <= set(registered)
    for page in (create, console):
        assert offered(page) == registered
        qf = re.search(r'<div class="qf"[^>]*>', page)
        assert qf
        for name, value in (
            ("label-max", scale.LABEL_MAX),
            ("statement-max", scale.STATEMENT_TEXT_MAX),
            ("statements-max", scale.STATEMENTS_MAX),
            ("entries-max", wordcloud.MAX_ENTRIES_LIMIT),
            ("points-min", scale.POINTS_MIN),
            ("points-max", scale.POINTS_MAX),
        ):
            assert f'data-{name}="{value}"' in qf.group(0), name
        points = re.search(r'<select data-field="points">(.*?)</select>', page, re.S)
        assert points
        values = re.findall(r'<option value="(\d+)"', points.group(1))
        assert values == [str(n) for n in range(scale.POINTS_MIN, scale.POINTS_MAX + 1)]
        assert '<option value="5" selected>' in points.group(1)
        entries = re.search(r'<select data-field="maxEntries">(.*?)</select>', page, re.S)
        assert entries
        assert f'<option value="{wordcloud.MAX_ENTRIES_DEFAULT}" selected>' in entries.group(1)


async def test_the_console_lists_each_question_s_kind_from_the_first_rendering(
    app: TohyoApp,
) -> None:
    specs: list[dict[str, Any]] = [
        {"type": "single", "prompt": XSS, "choices": [{"text": "A"}, {"text": "B"}]},
        {"type": "wordcloud", "prompt": "Word?", "maxEntries": 2, "allowChange": True},
        {"type": "scale", "prompt": "Rate", "points": 7, "statements": [{"text": "X"}]},
        {"type": "ranking", "prompt": "Order", "choices": [{"text": c} for c in "ABC"],
         "rankTop": 2},
    ]  # fmt: skip
    async with new_client(app) as laptop:
        created = await laptop.post("/api/events", json={"title": "K", "questions": specs})
        event_id = created.json()["eventId"]
        en = (await laptop.get(f"/e/{event_id}/host?lang=en")).text
        ja = (await laptop.get(f"/e/{event_id}/host?lang=ja")).text
    assert kinds(en)[:4] == [
        "Single choice · 2 choices",
        "Word cloud · up to 2 entries each · answers can change",
        "Rating scale · 1–7 · 1 statement",
        "Ranking · 3 items · top 2",
    ]
    assert [kind.replace("\u200b", "") for kind in kinds(ja)[:4]] == [  # phrases' marks aside
        "単一選択 · 選択肢 2個",
        "ワードクラウド · 1人 最大2件 · 回答の変更可",
        "段階評価 · 1〜7 · 評価項目 1個",
        "ランキング · 項目 3個 · 上位2つ",
    ]
    assert XSS not in en and "&lt;img src=x onerror=alert(1)&gt;" in en
