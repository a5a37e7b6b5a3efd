"""Static files and pages as a phone should get them (tohyo/web/assets.py, compression.py):
hashed URLs cached for good, the plain names revalidated, brotli or gzip by the request's
Accept-Encoding, imports renamed with their hashes, and every page's module graph linked
from its HTML."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import brotli
import httpx
import pytest

from tests.conftest import create_session, voter
from tohyo.web import assets, i18n
from tohyo.web.pages import HERE, PAGE_MODULES, PAGE_STRINGS, STRINGS, made_assets, strings_module

IDENTITY = {"accept-encoding": "identity"}


def linked(page: str) -> list[str]:
    """The /static URLs a page's HTML links (stylesheets, icon, scripts, preloads)."""
    return re.findall(r'(?:href|src|data-module|data-strings-url)="(/static/[^"]+)"', page)


async def test_every_file_a_page_links_is_hashed_and_cached_for_good(
    client: httpx.AsyncClient,
) -> None:
    page = (await client.get("/")).text
    urls = linked(page)
    assert any(url.endswith(".css") for url in urls) and any(url.endswith(".js") for url in urls)
    for url in urls:
        assert re.fullmatch(r"/static/[\w-]+\.[0-9a-f]{10}\.\w+", url), url
        response = await client.get(url)
        assert response.status_code == 200, url
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert response.headers["vary"] == "accept-encoding"
        assert response.headers["x-content-type-options"] == "nosniff"  # the baseline, too


async def test_a_plain_name_still_works_and_is_revalidated_by_its_etag(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/static/tohyo.css")
    assert response.status_code == 200 and response.headers["cache-control"] == "no-cache"
    assert response.headers["content-type"] == "text/css; charset=utf-8"
    etag = response.headers["etag"]
    for asked in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        again = await client.get("/static/tohyo.css", headers={"if-none-match": asked})
        assert again.status_code == 304 and again.content == b"", asked
    other = await client.get("/static/tohyo.css", headers={"if-none-match": '"other"'})
    assert other.status_code == 200
    assert (await client.get("/static/nothing-here.js")).status_code == 404


@pytest.mark.parametrize(
    ("accepted", "encoding"),
    [
        ("gzip, deflate, br", "br"),
        ("br;q=1.0, gzip;q=0.8", "br"),
        ("gzip", "gzip"),
        ("br;q=0, gzip", "gzip"),
        ("br;q=0, *", "gzip"),  # a named refusal holds against *
        ("br;q=0.1, gzip", "gzip"),  # the higher weight wins
        ("gzip;q=0.5, br;q=0.5", "br"),  # a tie: the smaller
        ("*", "br"),
        ("*;q=0", None),
        ("br;q=abc", None),  # a malformed weight: as if not asked
        ("identity", None),
        ("", None),
    ],
)
async def test_the_encoding_follows_accept_encoding(
    client: httpx.AsyncClient, accepted: str, encoding: str | None
) -> None:
    plain = (await client.get("/static/chart.js", headers=IDENTITY)).content
    for path in ("/static/chart.js", "/"):
        response = await client.get(path, headers={"accept-encoding": accepted})
        assert response.headers.get("content-encoding") == encoding, path
        assert "accept-encoding" in response.headers["vary"], path
    decoded = await client.get("/static/chart.js", headers={"accept-encoding": accepted})
    assert decoded.content == plain  # httpx decodes what it was sent


async def test_compressed_bodies_decode_to_the_same_bytes(client: httpx.AsyncClient) -> None:
    """Read the raw bytes on the wire (httpx would decode them) and decode them by hand."""
    created = await create_session(client)
    client.cookies.clear()
    for path in ("/static/i18n.js", "/static/favicon.svg", f"/vote/{created['sessionId']}"):
        plain = (await client.get(path, headers={**IDENTITY, **voter(1)})).content
        for encoding, decode in (("br", brotli.decompress), ("gzip", gzip.decompress)):
            async with client.stream(
                "GET", path, headers={"accept-encoding": encoding, **voter(1)}
            ) as response:
                wire = b"".join([chunk async for chunk in response.aiter_raw()])
            assert response.headers["content-encoding"] == encoding, path
            assert int(response.headers["content-length"]) == len(wire) < len(plain), path
            # a page is made per request (its cookie, its view): equal up to nothing else
            assert decode(wire) == plain, (path, encoding)


async def test_the_schema_is_compressed_and_a_head_request_is_not(
    client: httpx.AsyncClient,
) -> None:
    schema = await client.get("/openapi.json", headers={"accept-encoding": "br"})
    assert schema.headers["content-encoding"] == "br" and schema.json()["openapi"]
    head = await client.head("/static/app.js", headers={"accept-encoding": "br"})
    assert head.status_code == 200 and head.content == b""
    # A page's HEAD tells what its GET would send: the same encoding, length and Vary.
    for accepted in ("br", "identity"):
        got = await client.get("/", headers={"accept-encoding": accepted})
        head = await client.head("/", headers={"accept-encoding": accepted})
        assert head.status_code == 200 and head.content == b""
        for name in ("content-encoding", "vary"):
            assert head.headers.get(name) == got.headers.get(name), (accepted, name)
        assert abs(int(head.headers["content-length"]) - int(got.headers["content-length"])) < 8


async def test_json_answers_are_never_stored_by_a_cache(client: httpx.AsyncClient) -> None:
    created = await create_session(client)
    for response in (
        await client.get(f"/api/vote/{created['sessionId']}"),
        await client.get("/api/vote/nope"),
    ):
        assert response.headers["cache-control"] == "no-store"


async def test_imports_name_the_hashed_modules_they_import(client: httpx.AsyncClient) -> None:
    files = assets.load(HERE / "static", made_assets())
    voter_js = (await client.get(files.url("voter.js"))).text
    for imported in ("./api.js", "./chart.js", "./i18n.js", "./ready.js"):
        assert imported not in voter_js
    for name in ("api.js", "chart.js", "i18n.js", "ready.js"):
        assert "./" + files.url(name).removeprefix("/static/") in voter_js


def test_a_change_to_a_module_renames_it_and_every_module_importing_it(tmp_path: Path) -> None:
    (tmp_path / "a.js").write_text('import { b } from "./b.js";\nb();\n')
    (tmp_path / "b.js").write_text("export function b() {}\n")
    (tmp_path / "c.js").write_text("export const c = 1;\n")
    before = assets.Assets(tmp_path)
    (tmp_path / "b.js").write_text("export function b() { return 2; }\n")
    after = assets.Assets(tmp_path)
    assert before.url("b.js") != after.url("b.js")
    assert before.url("a.js") != after.url("a.js")
    assert before.url("c.js") == after.url("c.js")
    assert after.scripts("a.js") == [after.url("a.js"), after.url("b.js")]


def test_modules_importing_each_other_in_a_circle_are_refused(tmp_path: Path) -> None:
    (tmp_path / "a.js").write_text('import "./b.js";\n')
    (tmp_path / "b.js").write_text('import "./a.js";\n')
    with pytest.raises(ValueError, match="circle"):
        assets.Assets(tmp_path)


def test_the_static_modules_import_no_circle_and_every_page_module_exists() -> None:
    files = assets.load(HERE / "static", made_assets())
    for module in PAGE_MODULES.values():
        assert files.scripts(module)[0] == files.url(module)


async def test_a_page_preloads_its_module_and_all_it_imports_and_inlines_no_strings(
    client: httpx.AsyncClient,
) -> None:
    files = assets.load(HERE / "static", made_assets())
    page = (await client.get("/?lang=ja")).text
    preloaded = re.findall(r'<link rel="modulepreload" href="([^"]+)"', page)
    assert set(files.scripts("create.js")) | set(files.scripts("app.js")) <= set(preloaded)
    assert files.url(strings_module("start", "ja")) in preloaded
    assert 'data-module="' + files.url("create.js") + '"' in page
    assert "data-strings=" not in page


async def test_a_strings_module_holds_its_groups_strings_in_the_language(
    client: httpx.AsyncClient,
) -> None:
    files = assets.load(HERE / "static", made_assets())
    for lang in i18n.LANGUAGES:
        every = (await client.get(files.url(strings_module("all", lang)))).text
        poll = (await client.get(files.url(strings_module("poll", lang)))).text
        assert every.startswith("export default JSON.parse(") and poll.startswith(every[:25])
        assert i18n.strings(lang)["vote_button"] in poll  # the catalog's
        assert i18n.strings(lang)["ev_lobby_title"] in every
        assert i18n.strings(lang)["ev_lobby_title"] not in poll  # an event's only
        assert len(poll) < len(every) / 2


# t("key"…), counted("stem"…): the keys a module names as literals. A key made at run
# time is one of a few families, each whole in the catalog (error_<code>, status_<status>).
LITERAL_KEY = re.compile(r"""\b(t|counted)\(\s*["'](\w+)["']""")


def test_every_page_gets_every_string_its_modules_name() -> None:
    files = assets.load(HERE / "static", made_assets())
    for page, module in PAGE_MODULES.items():
        groups = STRINGS[PAGE_STRINGS.get(page, "all")]
        keys = (
            set().union(*(i18n.groups()[g] for g in groups)) if groups else set(i18n.strings("en"))
        )
        for url in files.scripts(module):
            name = url.removeprefix("/static/").split(".")[0] + ".js"
            source = (HERE / "static" / name).read_text()
            for kind, key in LITERAL_KEY.findall(source):
                wanted = {key} if kind == "t" else {f"{key}_one", f"{key}_other"}
                assert wanted <= keys, (page, name, key)
    catalog = i18n.groups()["catalog"]
    assert {"error_other", "status_active", "status_closed", "open_until"} <= catalog
    assert {"ev_kind_event", "ev_kind_poll"} <= i18n.groups()["events_participant"]  # mine.js
