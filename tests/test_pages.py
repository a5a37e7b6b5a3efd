"""The minimal pages: escaping, host vs voter views, 404s, no inline script."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from tests.conftest import create_session, new_client, voter
from tohyo import palette
from tohyo.web import i18n
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
        assert 'data-page="host"' in host_page and 'id="close-voting"' in host_page
        assert 'class="qr-code"' in host_page and created["voteUrl"] in host_page
        assert 'id="results"' in host_page

        voter_page = (await phone.get(url)).text
        assert 'data-page="voter"' in voter_page and 'id="close-voting"' not in voter_page
        assert form_shown(voter_page) and 'type="radio"' in voter_page
        assert results_hidden(voter_page)

        await phone.post(f"/api/vote/{created['sessionId']}", json={"choiceIds": ["1"]})
        after = (await phone.get(url)).text
        assert not form_shown(after) and not results_hidden(after)
        assert "You have already voted." in after


def form_shown(page: str) -> bool:
    return re.search(r'<form id="vote-form"[^>]*>', page) is not None and not re.search(
        r'<form id="vote-form"[^>]*hidden', page
    )


def results_hidden(page: str) -> bool:
    return re.search(r'<section id="results-section"[^>]*hidden', page) is not None


async def test_a_host_link_opened_elsewhere_makes_that_browser_the_host(app: TohyoApp) -> None:
    async with new_client(app) as laptop, new_client(app) as projector:
        created = await create_session(laptop)
        sid = created["sessionId"]
        token = created["hostUrl"].partition("#host=")[2]
        assert token == created["hostToken"]
        refused = await projector.post(
            f"/api/vote/{sid}/host", headers={"authorization": "Bearer x" * 3}
        )
        assert refused.status_code == 403
        claimed = await projector.post(
            f"/api/vote/{sid}/host", headers={"authorization": f"Bearer {token}"}
        )
        assert claimed.status_code == 200 and claimed.json() == {"sessionId": sid, "isHost": True}
        assert "HttpOnly" in claimed.headers["set-cookie"]
        assert 'data-page="host"' in (await projector.get(f"/vote/{sid}")).text


async def test_language_from_the_browser_the_switch_and_the_cookie(app: TohyoApp) -> None:
    async with new_client(app) as browser:
        ja = await browser.get("/", headers={"accept-language": "ja-JP,ja;q=0.9,en;q=0.8"})
        # Japanese carries a zero-width space between phrases (i18n.strings): left out here.
        assert '<html lang="ja">' in ja.text and "投票を作成" in ja.text.replace("\u200b", "")
        en = await browser.get("/", headers={"accept-language": "fr-FR, en;q=0.5"})
        assert '<html lang="en">' in en.text and "Create a vote" in en.text
        switched = await browser.get("/?lang=ja", headers={"accept-language": "en"})
        assert '<html lang="ja">' in switched.text
        assert "tohyo_lang=ja" in switched.headers["set-cookie"]
        remembered = await browser.get("/", headers={"accept-language": "en"})
        assert '<html lang="ja">' in remembered.text  # the cookie wins over the header


def test_every_string_exists_in_every_language() -> None:
    for key, texts in i18n.catalog().items():
        assert set(texts) == set(i18n.LANGUAGES), key
        for lang in i18n.LANGUAGES:
            assert texts[lang].strip(), (key, lang)
            # The same placeholders in every language.
            assert set(re.findall(r"\{(\w+)\}", texts[lang])) == set(
                re.findall(r"\{(\w+)\}", texts["en"])
            ), (key, lang)


# t("key") or t("key", ...): a literal key (keys built at run time are listed below).
KEY_USE = r"""\bt\(\s*["']([a-z_]+)["']\s*[,)]"""
BUILT_KEYS = {"status_active", "status_closed", "ballots_one", "ballots_other"}


def test_every_string_key_used_by_the_pages_exists() -> None:
    used: set[str] = set()
    for template in (HERE / "templates").glob("*.html"):
        used |= set(re.findall(KEY_USE, template.read_text()))
    for script in (HERE / "static").glob("*.js"):
        used |= set(re.findall(KEY_USE, script.read_text()))
    assert len(used) > 30, "few strings found: the pattern is wrong"
    assert used | BUILT_KEYS <= set(i18n.catalog()), (used | BUILT_KEYS) - set(i18n.catalog())


def test_every_choice_color_has_chart_contrast_on_white() -> None:
    def luminance(hex_color: str) -> float:
        channels = [int(hex_color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    assert len(set(palette.COLORS)) == 10
    for color in palette.COLORS:
        assert 1.05 / (luminance(color) + 0.05) >= 3.0, color


async def test_unknown_and_odd_sessions_get_a_404_page(client: httpx.AsyncClient) -> None:
    for path in ("/vote/00000000-0000-4000-8000-000000000000", "/vote/abc", "/nowhere"):
        response = await client.get(path)
        assert response.status_code == 404
        assert 'href="/"' in response.text


async def test_static_assets_and_schema_are_served(client: httpx.AsyncClient) -> None:
    for asset in ("app.js", "create.js", "host.js", "voter.js", "chart.js", "tohyo.css"):
        assert (await client.get(f"/static/{asset}")).status_code == 200, asset
    css = await client.get("/palette.css")
    assert css.headers["content-type"].startswith("text/css") and "--c10" in css.text
    schema = (await client.get("/openapi.json")).json()
    assert schema["openapi"].startswith("3.")


def test_templates_have_no_inline_script_or_handlers() -> None:
    for template in Path(HERE / "templates").glob("*.html"):
        text = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), template
        assert not re.search(r"\son[a-z]+=", text), template
