"""HTML pages: `/` (create a session) and `/vote/{id}` (host view or voting view).

Server-rendered with Jinja2 (autoescaped: user text is always shown as text) and a small
script file; no inline script, so the Content-Security-Policy forbids it outright.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request as StarletteRequest
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from tohyo import domain
from tohyo.errors import NotFound
from tohyo.web import openapi
from tohyo.web.api import Context, session_view, viewer
from tohyo.web.http import Request

HERE = Path(__file__).parent
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
PAGE_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "cache-control": "no-store",
}


def create_pages(ctx: Context) -> Starlette:
    templates = Jinja2Templates(directory=str(HERE / "templates"))

    def render(request: StarletteRequest, name: str, status: int = 200, **values: Any) -> Response:
        return templates.TemplateResponse(
            request, name, values, status_code=status, headers=PAGE_HEADERS
        )

    async def index(request: StarletteRequest) -> Response:
        return render(request, "index.html", limits=domain)

    async def vote(request: StarletteRequest) -> Response:
        session_id = request.path_params["session_id"]
        if not domain.is_session_id(session_id):
            return render(request, "not_found.html", 404)
        try:
            session, voted, host = await viewer(
                ctx, Request(request.scope, request.receive), session_id
            )
        except NotFound:
            return render(request, "not_found.html", 404)
        view = session_view(session, voted=voted, host=host)
        return render(request, "vote.html", view=view, host=host)

    async def schema(request: StarletteRequest) -> Response:
        return JSONResponse(openapi.document(), headers={"x-content-type-options": "nosniff"})

    async def not_found(request: StarletteRequest, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 404
        return render(request, "not_found.html", status)

    return Starlette(
        routes=[
            Route("/", index),
            Route("/vote/{session_id}", vote),
            Route("/openapi.json", schema),
            Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
        ],
        exception_handlers={404: not_found, 405: not_found},
    )
