"""The minimal pages: escaping, host vs voter views, 404s, no inline script."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from tests.conftest import create_session, new_client, voter
from tohyo.web.app import TohyoApp
from tohyo.web.pages import HERE

XSS = "<img src=x onerror=alert(1)>"


async def test_index_page(client: httpx.AsyncClient) -> None:
    response = await client.get("/")
    assert response.status_code == 200 and "<form" in response.text
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


async def test_user_text_is_escaped(client: httpx.AsyncClient) -> None:
    created = await create_session(client, question=XSS, choices=[{"text": XSS}, {"text": "b"}])
    client.cookies.clear()
    page = (await client.get(f"/vote/{created['sessionId']}", headers=voter(1))).text
    assert XSS not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


async def test_host_and_voter_views(app: TohyoApp) -> None:
    async with new_client(app) as host_browser, new_client(app) as phone:
        created = await create_session(host_browser)
        url = f"/vote/{created['sessionId']}"
        host_page = (await host_browser.get(url)).text
        assert 'data-host="true"' in host_page and "close-voting" in host_page
        assert 'id="results"' in host_page

        voter_page = (await phone.get(url)).text
        assert 'data-host="false"' in voter_page and 'id="vote-form"' in voter_page
        assert 'type="radio"' in voter_page and 'id="results"' not in voter_page

        await phone.post(f"/api/vote/{created['sessionId']}", json={"choiceIds": ["1"]})
        after = (await phone.get(url)).text
        assert 'id="vote-form"' not in after and 'id="results"' in after


async def test_unknown_and_odd_sessions_get_a_404_page(client: httpx.AsyncClient) -> None:
    for path in ("/vote/00000000-0000-4000-8000-000000000000", "/vote/abc", "/nowhere"):
        response = await client.get(path)
        assert response.status_code == 404
        assert 'href="/"' in response.text


async def test_static_assets_and_schema_are_served(client: httpx.AsyncClient) -> None:
    assert (await client.get("/static/tohyo.js")).status_code == 200
    schema = (await client.get("/openapi.json")).json()
    assert schema["openapi"].startswith("3.")


def test_templates_have_no_inline_script_or_handlers() -> None:
    for template in Path(HERE / "templates").glob("*.html"):
        text = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), template
        assert not re.search(r"\son[a-z]+=", text), template
