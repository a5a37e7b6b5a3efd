"""Results as pictures: PNG and SVG charts from the API, correct and legible, Japanese too.

The Japanese test is the font check CI relies on: a chart of a Japanese poll renders
without a single missing glyph, with Noto Sans CJK (Debian's fonts-noto-cjk, which
.ci/run installs).
"""

from __future__ import annotations

import asyncio
import io
import logging
import threading
import uuid
import xml.etree.ElementTree as ET
from typing import Any

import httpx
import pytest
from PIL import Image

from tests.components import unavailable
from tests.conftest import create_session, host, voter
from tohyo import charts, domain
from tohyo.domain import Session, State
from tohyo.web.app import TohyoApp

JAPANESE = {
    "question": "お昼はどこに行きますか？",
    "voteType": "single",
    "choices": [{"text": "ラーメン"}, {"text": "カレーライス"}, {"text": "寿司・天ぷら"}],
}
SVG = "{http://www.w3.org/2000/svg}"


async def export(client: httpx.AsyncClient, created: dict[str, Any], query: str) -> httpx.Response:
    return await client.get(
        f"/api/vote/{created['sessionId']}/export?{query}", headers=host(created)
    )


async def with_votes(
    client: httpx.AsyncClient, body: dict[str, Any] | None = None
) -> dict[str, Any]:
    created = await create_session(client, **(body or {}))
    for n, choice in enumerate(["1", "1", "2", "3", "1"]):
        response = await client.post(
            f"/api/vote/{created['sessionId']}", json={"choiceIds": [choice]}, headers=voter(n)
        )
        assert response.status_code == 201
    return created


@pytest.mark.parametrize("chart", ["bar", "pie"])
async def test_png_is_a_png_of_the_asked_size(client: httpx.AsyncClient, chart: str) -> None:
    created = await with_votes(client)
    for query, size in (
        (f"format=image&chart={chart}", (1280, 720)),
        (f"format=png&chart={chart}&width=800&height=600", (800, 600)),
    ):
        response = await export(client, created, query)
        assert response.status_code == 200
        assert response.headers["content-type"] == "image/png"
        assert response.content.startswith(b"\x89PNG\r\n\x1a\n")
        assert f'.{chart}.png"' in response.headers["content-disposition"]
        image = Image.open(io.BytesIO(response.content))
        image.verify()
        assert image.size == size


async def test_svg_parses_and_carries_every_label(client: httpx.AsyncClient) -> None:
    created = await with_votes(client)
    for chart in ("bar", "pie"):
        response = await export(client, created, f"format=svg&chart={chart}&lang=en")
        assert response.status_code == 200
        assert response.headers["content-type"] == "image/svg+xml"
        root = ET.fromstring(response.content)
        assert root.tag == f"{SVG}svg" and root.get("width") == "1280"
        texts = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
        assert "Lunch?" in texts  # the question is the title
        for label in ("Ramen", "Curry", "Sushi", "3 (60%)", "1 (20%)", "5 ballots"):
            assert label in texts, (chart, label)
        assert "Voting open" in texts and "Results as of" in texts
        shapes = root.findall(f"{SVG}path") + root.findall(f"{SVG}rect")
        fills = {s.get("fill") for s in shapes}
        assert {"#0072B2", "#D55E00", "#009E73"} <= fills  # the host view's palette


async def test_user_text_in_an_svg_is_text(client: httpx.AsyncClient) -> None:
    hostile = "<script>alert(1)</script>"
    created = await create_session(
        client, question=hostile, choices=[{"text": "a&b"}, {"text": "x"}]
    )
    response = await export(client, created, "format=svg")
    assert b"<script>" not in response.content
    root = ET.fromstring(response.content)  # still well-formed XML
    assert hostile in " ".join(t.text or "" for t in root.iter(f"{SVG}text"))


async def test_a_japanese_poll_renders_with_no_missing_glyph(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    path = charts.font_path("regular")
    if path is None or "CJK" not in path:
        unavailable("no CJK font: apt-get install fonts-noto-cjk (see README)")
    created = await with_votes(client, JAPANESE)
    caplog.set_level(logging.WARNING, logger="tohyo.charts")
    for query in ("format=image&lang=ja", "format=image&chart=pie&lang=ja", "format=svg&lang=ja"):
        response = await export(client, created, query)
        assert response.status_code == 200
    assert [r for r in caplog.records if "glyph" in r.getMessage()] == []
    image = Image.open(io.BytesIO((await export(client, created, "format=png&lang=ja")).content))
    assert image.size == (1280, 720)
    svg = (await export(client, created, "format=svg&lang=ja")).content.decode()
    assert "お昼はどこに行きますか？" in svg and "5票" in svg and "投票受付中" in svg


def test_a_missing_glyph_is_reported(caplog: pytest.LogCaptureFixture) -> None:
    # Proof that the check can fail: a character no font here has.
    assert charts.missing_glyphs("\U000e01ef\U0001fbf0x") != set()
    session = Session(
        domain.make_definition(
            domain.Draft("Q \U0001fbf0", "single", ("a", "b")), "s", b"", 0, 10**13
        ),
        State.initial(2),
    )
    caplog.set_level(logging.WARNING, logger="tohyo.charts")
    charts.render(session, fmt="png", now=0)
    assert any("glyph" in r.getMessage() for r in caplog.records)


async def test_exports_follow_the_other_exports_access_rule(client: httpx.AsyncClient) -> None:
    created = await with_votes(client)
    url = f"/api/vote/{created['sessionId']}/export?format=image"
    hidden = await client.get(url, headers=voter(99))  # has not voted
    assert hidden.status_code == 403 and hidden.json()["code"] == "results_hidden"
    assert (await client.get(url, headers=voter(0))).status_code == 200  # voted
    assert (await client.get(url, headers=host(created))).status_code == 200


async def test_unknown_chart_or_format_is_a_400(client: httpx.AsyncClient) -> None:
    created = await with_votes(client)
    for query, field in (("format=image&chart=radar", "chart"), ("format=jpeg", "format")):
        response = await export(client, created, query)
        assert response.status_code == 400
        body = response.json()
        assert body["code"] == "invalid_parameter" and field in body["details"]


async def test_unchanged_sessions_come_from_the_cache(
    app: TohyoApp, client: httpx.AsyncClient
) -> None:
    created = await with_votes(client)
    exports = app.context.charts
    before = exports.rendered
    first = await export(client, created, "format=image")
    together = await asyncio.gather(*(export(client, created, "format=image") for _ in range(5)))
    assert exports.rendered == before + 1  # drawn once, however often it is asked for
    assert all(r.content == first.content for r in together)
    await client.post(
        f"/api/vote/{created['sessionId']}", json={"choiceIds": ["2"]}, headers=voter(50)
    )
    changed = await export(client, created, "format=image")
    assert exports.rendered == before + 2 and changed.content != first.content


async def test_rendering_runs_off_the_event_loop(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    created = await with_votes(client)
    drawn_on: list[str] = []
    render = charts.render

    def recording(*args: Any, **kwargs: Any) -> bytes:
        drawn_on.append(threading.current_thread().name)
        return render(*args, **kwargs)

    monkeypatch.setattr(charts, "render", recording)
    loop_thread = threading.current_thread().name
    response = await export(client, created, "format=png&width=3840&height=2160")
    assert response.status_code == 200
    # Drawn on the chart pool, never on the thread that runs the event loop. (How long a
    # picture takes is measured in bench/charts.py, not asserted here.)
    assert drawn_on and all(name.startswith("tohyo-chart") for name in drawn_on)
    assert loop_thread not in drawn_on


# Text that sessions stored before the text rule may hold (the API now refuses it): every
# kind of character the rule refuses, one kind per choice, all of them in the question.
AWKWARD = {
    "line feed": "a\nb",
    "carriage return": "a\r\nb",
    "tab": "a\tb",
    "NUL": "a\x00b",
    "escape": "a\x1b[31mb",
    "DEL": "a\x7fb",
    "NEL (C1)": "a\x85b",
    "C1 control": "a\x9fb",
    "vertical tab and form feed": "a\x0b\x0cb",
    "file separator": "a\x1cb",
    "line separator": "a\u2028b",
    "paragraph separator": "a\u2029b",
    "U+FFFE": "a\ufffeb",
    "U+FFFF": "a\uffffb",
    "U+FDD0": "a\ufdd0b",
    "U+10FFFF": "a\U0010ffffb",
    "only a control": "\x00",
}


def stored_before_the_rule(texts: list[str]) -> domain.Draft:
    """A draft built directly, as the old API accepted it: no text rule applied."""
    return domain.Draft("Old: " + "".join(AWKWARD.values()), "multiple", tuple(texts), "always")


@pytest.mark.parametrize(
    "texts", [list(AWKWARD.values())[:9], list(AWKWARD.values())[9:]], ids=["first", "rest"]
)
async def test_every_export_of_old_awkward_text_succeeds(
    app: TohyoApp, client: httpx.AsyncClient, texts: list[str]
) -> None:
    objects = app.context.objects
    draft = stored_before_the_rule(texts)
    definition = domain.make_definition(draft, str(uuid.uuid4()), b"", objects.clock(), 3_600_000)
    session = await objects.create(definition, domain.initial_state(draft, definition))
    url = f"/api/vote/{session.session_id}"
    vote = await client.post(url, json={"choiceIds": ["1", "2"]}, headers=voter(1))
    assert vote.status_code == 201, vote.text
    for lang in ("en", "ja"):
        for query in ("format=json", "format=csv"):
            response = await client.get(f"{url}/export?{query}&lang={lang}")
            assert response.status_code == 200, (query, response.text)
        assert (await client.get(f"{url}/export?format=json")).json()["question"] == draft.question
        for chart in ("bar", "pie"):
            png = await client.get(f"{url}/export?format=png&chart={chart}&lang={lang}")
            assert png.status_code == 200, (chart, lang, png.text)
            Image.open(io.BytesIO(png.content)).verify()
            svg = await client.get(f"{url}/export?format=svg&chart={chart}&lang={lang}")
            assert svg.status_code == 200, (chart, lang, svg.text)
            root = ET.fromstring(svg.content)  # well-formed XML 1.0, or this raises
            shown = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
            assert "a b" in shown  # a refused character is drawn as a space


@pytest.mark.parametrize("name", list(AWKWARD))
def test_charts_of_each_awkward_character_render(name: str) -> None:
    text = AWKWARD[name]
    draft = domain.Draft(f"Q{text}?", "single", (text, "plain"))
    session = Session(domain.make_definition(draft, "s", b"", 0, 10**13), State.initial(2))
    for kind in charts.CHARTS:
        assert charts.render(session, fmt="png", kind=kind, now=0).startswith(b"\x89PNG")
        ET.fromstring(charts.render(session, fmt="svg", kind=kind, now=0))
