"""HTML pages: `/` (create a vote) and `/vote/{id}` (the host view for the host, the
voting page for everyone else), in English or Japanese.

Server-rendered with Jinja2 (autoescaped: user text is always shown as text) and small
script modules under static/; no inline script, so the Content-Security-Policy forbids
it outright. The pages work from the same JSON API and stream as any other client.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

import orjson
import segno
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request as StarletteRequest
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from tohyo import domain, palette
from tohyo.errors import NotFound
from tohyo.web import assets, compression, event_pages, i18n, openapi
from tohyo.web.api import Context
from tohyo.web.http import BASE_HEADERS, Request
from tohyo.web.session_views import session_view, viewing

HERE = Path(__file__).parent
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
# The security headers come from BaselineHeaders, on every page-side response.
PAGE_HEADERS = {"cache-control": "no-store"}
ONE_YEAR = 365 * 86_400
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}
# The UI strings a page's scripts get, by the locales/*.json files they come from (the
# server's own templates use every string): a poll's pages need only the catalog's, a
# quarter of all, which keeps the voting page's first visit small; () is every string.
# tests/test_assets.py checks that each page's modules use no key outside theirs.
STRINGS: dict[str, tuple[str, ...]] = {
    "poll": ("catalog",),
    "start": ("catalog", "events_participant"),
    "all": (),
}
PAGE_STRINGS = {"host": "poll", "voter": "poll", "create": "start", "mine": "start"}
# <body data-page> -> the module under static/ that attaches the page (app.js imports it
# by <body data-module>); a page not listed has nothing to attach.
PAGE_MODULES = {
    "create": "create.js",
    "host": "host.js",
    "voter": "voter.js",
    "event-host": "event_host.js",
    "event-present": "event_present.js",
    "event-summary": "event_summary.js",
    "event-not-host": "event_not_host.js",
    "event": "phone.js",
    "event-create": "event_create.js",
    "mine": "mine.js",
}


def create_pages(ctx: Context) -> BaselineHeaders:
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    files = assets.load(HERE / "static", made_assets())
    templates.env.globals["asset"] = files.url
    templates.env.filters["columns"] = columns

    def render(
        request: StarletteRequest, name: str, page: str, status: int = 200, **values: Any
    ) -> Response:
        chosen = request.query_params.get("lang")
        lang = i18n.negotiate(
            chosen,
            request.cookies.get(i18n.LANG_COOKIE),
            request.headers.get("accept-language"),
        )
        module = PAGE_MODULES.get(page)
        context = {
            "lang": lang,
            "page": page,
            "t": i18n.translator(lang),
            "languages": i18n.NAMES,
            # The page's module and everything it imports, fetched with the page; app.js
            # (the one <script>) imports the first. The strings are a cached module too,
            # rather than ~5 KB compressed inlined into every page.
            "scripts": page_scripts(files, module),
            "strings_url": files.url(strings_module(PAGE_STRINGS.get(page, "all"), lang)),
            "limits": domain,
            **values,
        }
        response = templates.TemplateResponse(
            request, name, context, status_code=status, headers=PAGE_HEADERS
        )
        if chosen in i18n.LANGUAGES:  # the visible switch: remember the choice
            response.set_cookie(
                i18n.LANG_COOKIE, lang, max_age=ONE_YEAR, httponly=True, samesite="lax"
            )
        return response

    async def index(request: StarletteRequest) -> Response:
        return render(request, "index.html", "create")

    async def vote(request: StarletteRequest) -> Response:
        session_id = request.path_params["session_id"]
        if not domain.is_session_id(session_id):
            return render(request, "not_found.html", "not-found", 404)
        lean = Request(request.scope, request.receive)
        try:
            # The voter's own ballot: their page says what they chose (myChoiceIds).
            session, ballot, host = await viewing(ctx, lean, session_id)
        except NotFound:
            return render(request, "not_found.html", "not-found", 404)
        # The host's preview: the voting page as a participant who has not voted sees it,
        # counting for nothing (its vote stays in the page; its stream is the host's).
        # For anyone else the flag does nothing.
        preview = host and request.query_params.get("preview") == "1"
        view = session_view(session, voted=False if preview else ballot, host=host and not preview)
        vote_url = f"{lean.base_url(ctx.settings.public_url)}/vote/{session_id}"
        values: dict[str, Any] = {
            "view": view,
            "view_json": orjson.dumps(view).decode(),
            "vote_url": vote_url,
            # A QR code of http://localhost/... would send every phone to itself.
            "loopback": urlsplit(vote_url).hostname in LOOPBACK_NAMES,
        }
        if host and not preview:
            return render(request, "host.html", "host", qr=qr_svg(vote_url), **values)
        return render(request, "voter.html", "voter", preview=preview, **values)

    async def schema(request: StarletteRequest) -> Response:
        return JSONResponse(openapi.document(), headers={"x-content-type-options": "nosniff"})

    async def palette_css(request: StarletteRequest) -> Response:  # linked before hashing
        return Response(
            palette.css(),
            media_type="text/css",
            headers={"cache-control": "max-age=3600", "x-content-type-options": "nosniff"},
        )

    async def not_found(request: StarletteRequest, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 404
        return render(request, "not_found.html", "not-found", status, message_key="page_not_found")

    return BaselineHeaders(
        Starlette(
            routes=[
                Route("/", index),
                Route("/vote/{session_id}", vote),
                *event_pages.event_routes(ctx, render),
                Route("/openapi.json", schema),
                Route("/palette.css", palette_css),
            ],
            exception_handlers={404: not_found, 405: not_found},
        ),
        files,
    )


def columns(text: str) -> int:
    """A text's width in columns: an East Asian wide or full-width character counts two
    (as static/event_run.js's `columns`)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def made_assets() -> dict[str, bytes]:
    """The static files made at start: the palette, and each language's UI strings as a
    module per group of pages (`export default` the strings; JSON.parse of a literal is
    the quickest load)."""
    made = {"palette.css": palette.css().encode()}
    for lang in i18n.LANGUAGES:
        everything = i18n.strings(lang)
        for name, files in STRINGS.items():
            keys = set().union(*(i18n.groups()[file] for file in files)) if files else everything
            chosen = {key: everything[key] for key in everything if key in keys}
            literal = orjson.dumps(orjson.dumps(chosen).decode()).decode()
            made[strings_module(name, lang)] = f"export default JSON.parse({literal});\n".encode()
    return made


def strings_module(name: str, lang: str) -> str:
    return f"strings_{name}_{lang}.js"


def page_scripts(files: assets.Assets, module: str | None) -> list[str]:
    """The page module first (what app.js imports), then every module to preload."""
    if module is None:
        return []
    urls = files.scripts(module)
    return urls + [url for url in files.scripts("app.js") if url not in urls]


class BaselineHeaders:
    """Every page-side response (pages, static files, the schema, errors) carries the
    API's security headers, with the pages' own Content-Security-Policy. Static files are
    answered from memory ahead of the routes; pages and the schema are compressed when
    the browser accepts it."""

    HEADERS: ClassVar[list[tuple[bytes, bytes]]] = [
        *((name, value) for name, value in BASE_HEADERS if name != b"content-security-policy"),
        (b"content-security-policy", CSP.encode()),
    ]

    def __init__(self, app: Any, files: assets.Assets) -> None:
        self.app = compression.Compressed(app)
        self.files = files

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        async def sending(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(n, v) for n, v in self.HEADERS if n not in present]
                message = {**message, "headers": headers}
            await send(message)

        static = scope["type"] == "http" and scope["path"].startswith(assets.URL_PREFIX)
        if static and await self.files(scope, receive, sending):
            return
        await self.app(scope, receive, sending)


def qr_svg(url: str) -> str:
    """The voting URL as an inline SVG QR code (segno; error correction M, which survives
    a projector's glare and a phone held at an angle). Only modules are drawn: no text of
    the URL (whose host comes from the request) reaches the markup."""
    code = segno.make(url, error="m", micro=False)
    svg: str = code.svg_inline(scale=1, border=2, omitsize=True, svgclass="qr-code")
    return svg
