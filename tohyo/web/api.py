"""The JSON API of DESIGN.md, with the original app's paths and field names.

Routes are matched by splitting the path, not by a regex table: `/api/vote/{id}[/action]`.
Handlers parse and authenticate, then call the session objects; they hold no state.
"""

from __future__ import annotations

import hmac
import logging
import secrets
import uuid
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Any, Literal

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from tohyo import charts, domain, export, metrics
from tohyo.config import Settings
from tohyo.errors import (
    InvalidParameter,
    MethodNotAllowed,
    NotFound,
    ResultsHidden,
    StorageError,
    TohyoError,
    Unauthorized,
)
from tohyo.objects import SessionObjects
from tohyo.web import events_api, i18n, security
from tohyo.web.http import (
    BASE_HEADERS,
    Headers,
    Receive,
    Request,
    Scope,
    Send,
    cookie,
    send_bytes,
    send_error,
    send_json,
)
from tohyo.web.images import ChartExports
from tohyo.web.ratelimits import Budgets, StreamCounter
from tohyo.web.session_views import session_view, viewer, viewing

log = logging.getLogger("tohyo.api")


@dataclass
class Context:
    """What every handler needs: settings, the session objects, the token-hashing key,
    the per-address budgets and the count of open streams."""

    settings: Settings
    objects: SessionObjects
    server_key: bytes = b""
    budgets: Budgets = field(init=False)
    streams: StreamCounter = field(init=False)
    charts: ChartExports = field(init=False)
    shutting_down: bool = False

    def __post_init__(self) -> None:
        self.budgets = Budgets(self.settings)
        self.streams = StreamCounter(self.settings)
        self.charts = ChartExports()


async def handle(ctx: Context, scope: Scope, receive: Receive, send: Send) -> None:
    """Entry point for every path under /api/, and /healthz, /readyz and /metrics."""
    request = Request(scope, receive)
    handler: Any = None
    try:
        # Every API request counts, a wrong one too; health checks come from the
        # infrastructure and do not.
        if ctx.budgets.enabled and scope["path"] not in UNCOUNTED:
            await ctx.budgets.spend("request", request.address)
        handler, session_id = route(scope["path"], scope["method"])
        if scope["method"] in ("POST", "PUT"):  # PUT: a participant's nickname, by cookie
            security.require_same_origin(request, ctx.settings.public_url)
        await handler(ctx, request, session_id, send)
    except TohyoError as error:
        headers: Headers = []
        if isinstance(error, MethodNotAllowed) and error.details:
            headers.append((b"allow", ", ".join(error.details["allowed"]).encode()))
        if handler is cast:
            metrics.VOTES.labels(error.code).inc()
        retry_after = getattr(error, "retry_after", None)
        if retry_after is not None:
            headers.append((b"retry-after", str(retry_after).encode()))
        headers.extend(error.headers)
        await send_error(send, error, headers)
    except Exception:
        log.exception("unhandled error on %s %s", scope["method"], scope["path"])
        await send_error(send, TohyoError())


# Probes and scrapes come from the infrastructure, not from clients.
UNCOUNTED = {"/healthz", "/readyz", "/metrics"}


def route(path: str, method: str) -> tuple[Any, str]:
    if path == "/healthz":
        return _pick({"GET": healthz}, method), ""
    if path == "/readyz":
        return _pick({"GET": readyz}, method), ""
    if path == "/metrics":
        return _pick({"GET": metrics_page}, method), ""
    parts = path.split("/")
    # ["", "api", "vote", id?, action?]
    if len(parts) < 3 or parts[1] != "api" or parts[2] != "vote" or len(parts) > 5:
        # Events come after the vote's test, so the vote's path costs nothing more.
        if len(parts) > 2 and parts[1] == "api" and parts[2] in events_api.ROOTS:
            return events_api.route(parts, method)
        raise NotFound("No such endpoint")
    if len(parts) == 3 or (len(parts) == 4 and parts[3] == ""):
        return _pick({"POST": create}, method), ""
    session_id = parts[3]
    action = parts[4] if len(parts) == 5 else ""
    table = ROUTES.get(action)
    if table is None:
        raise NotFound("No such endpoint")
    handler = _pick(table, method)
    if not domain.is_session_id(session_id):
        raise NotFound()
    return handler, session_id


def _pick(table: dict[str, Any], method: str) -> Any:
    handler = table.get(method)
    if handler is None:
        raise MethodNotAllowed(details={"allowed": sorted(table)})
    return handler


# --- handlers -------------------------------------------------------------------------


async def healthz(ctx: Context, request: Request, _: str, send: Send) -> None:
    """Liveness: the process answers. Cheap on purpose (load balancers poll it)."""
    await send_json(send, 200, {"status": "ok"})


async def readyz(ctx: Context, request: Request, _: str, send: Send) -> None:
    """Readiness: storage answers, and the process is not shutting down."""
    if ctx.shutting_down:
        await send_json(send, 503, {"status": "shutting_down"})
    elif await ctx.objects.store.ready():
        await send_json(send, 200, {"status": "ready", "storage": "ok"})
    else:
        await send_json(send, 503, {"status": "unavailable", "storage": "unavailable"})


async def metrics_page(ctx: Context, request: Request, _: str, send: Send) -> None:
    # Aggregates, yet on a server with one host-only poll the vote counter is its tally:
    # a token keeps them for the scraper when the server is public.
    expected = ctx.settings.metrics_token
    if expected and not hmac.compare_digest(
        (request.header(b"authorization") or "").encode(), f"Bearer {expected}".encode()
    ):
        raise Unauthorized("Metrics need the metrics token (Authorization: Bearer)")
    metrics.OPEN_STREAMS.set(ctx.streams.total)
    headers = [(b"content-type", CONTENT_TYPE_LATEST.encode()), *BASE_HEADERS]
    await send_bytes(send, 200, generate_latest(), headers)


async def create(ctx: Context, request: Request, _: str, send: Send) -> None:
    await ctx.budgets.spend("create", request.address)
    draft = domain.parse_draft(await request.json(ctx.settings.max_body))
    session_id = str(uuid.uuid4())
    host_token = secrets.token_urlsafe(32)
    ttl = ctx.settings.session_ttl
    definition = domain.make_definition(
        draft,
        session_id,
        security.host_key(ctx.server_key, session_id, host_token),
        ctx.objects.clock(),
        ttl * 1000,
    )
    session = await ctx.objects.create(definition, domain.initial_state(draft, definition))
    metrics.SESSIONS_CREATED.inc()
    vote_url = f"{request.base_url(ctx.settings.public_url)}/vote/{session_id}"
    body = {
        "sessionId": session_id,
        "voteUrl": vote_url,
        # The token rides in the fragment: browsers never send it to a server or a log.
        "hostUrl": f"{vote_url}#host={host_token}",
        "hostToken": host_token,
        "createdAt": domain.iso(definition.created_at),
        "expiresAt": domain.iso(definition.expires_at),
        "resultsVisibility": session.state.visibility,
    }
    if session.state.closes_at is not None:
        body["closesAt"] = domain.iso(session.state.closes_at)
    host_cookie = cookie(
        security.host_cookie_name(session_id), host_token, max_age=ttl, secure=request.secure
    )
    await send_json(send, 201, body, [host_cookie])


async def read(ctx: Context, request: Request, session_id: str, send: Send) -> None:
    session, ballot, host = await viewing(ctx, request, session_id)
    await send_json(send, 200, session_view(session, voted=ballot, host=host))


async def cast(ctx: Context, request: Request, session_id: str, send: Send) -> None:
    if ctx.budgets.enabled:  # a coroutine less per vote when budgets are off
        await ctx.budgets.spend("vote", request.address, session_id)
    choice_ids = domain.parse_ballot(await request.json(ctx.settings.max_body))
    token = request.cookies.get(security.VOTER_COOKIE)
    fresh = not security.well_formed(token)
    if fresh:
        token = security.new_token()
    assert token is not None
    key = security.voter_key(ctx.server_key, session_id, token)
    voter_cookie = cookie(
        security.VOTER_COOKIE,
        token,
        # One cookie serves every session and event: longer than any of them can live.
        max_age=security.voter_cookie_lifetime(
            ctx.settings.session_ttl, ctx.settings.event_retention
        ),
        secure=request.secure,
    )
    now = ctx.objects.clock()  # one reading: votedAt is the time stored with the ballot
    try:
        await ctx.objects.cast(session_id, key, choice_ids, now)
    except StorageError as error:
        if fresh:
            # The outcome is unknown: the ballot may be stored under this new token. The
            # retry must carry it, or it would count again under another one.
            error.headers.append(voter_cookie)
        raise
    metrics.VOTES_ACCEPTED.inc()
    body = {
        "message": "Your vote has been recorded",
        "votedAt": domain.iso(now),
        "choiceIds": list(choice_ids),
    }
    await send_json(send, 201, body, [voter_cookie])


async def close(ctx: Context, request: Request, session_id: str, send: Send) -> None:
    session, _ = await ctx.objects.get(session_id, None)
    security.require_host(request, ctx.server_key, session_id, session.definition.host_key)
    was_open = session.state.status == "active"
    session = await ctx.objects.close_voting(session_id)
    if was_open:
        metrics.SESSIONS_CLOSED.inc()
    closed_at = session.state.closed_at
    assert closed_at is not None
    body = {"sessionId": session_id, "status": "closed", "closedAt": domain.iso(closed_at)}
    await send_json(send, 200, body)


async def update_settings(ctx: Context, request: Request, session_id: str, send: Send) -> None:
    """The host changes who sees the counts and/or the deadline; viewers see it live.

    In this order: the body (400), the session (404), the host (401, 403), then a
    deadline for a closed session (403 closed, whatever else the body asks: nothing is
    applied), then the deadline against the clock (400)."""
    change = domain.parse_settings(await request.json(ctx.settings.max_body))
    session, _ = await ctx.objects.get(session_id, None)
    security.require_host(request, ctx.server_key, session_id, session.definition.host_key)
    closes_at = None
    if change.deadline is not None:
        domain.require_open(session.state)
        closes_at = change.deadline.resolve(ctx.objects.clock(), session.definition.expires_at)
    session = await ctx.objects.configure(session_id, change.visibility, closes_at)
    await send_json(send, 200, session_view(session, voted=False, host=True))


async def claim_host(ctx: Context, request: Request, session_id: str, send: Send) -> None:
    """Trade the host token (Bearer) for the host cookie: a host link (`hostUrl`, whose
    token rides in the fragment) opened on another device becomes the host view there."""
    session, _ = await ctx.objects.get(session_id, None)
    security.require_host(request, ctx.server_key, session_id, session.definition.host_key)
    token = security.presented_host_token(request, session_id)
    assert token is not None
    left = max(1, (session.definition.expires_at - ctx.objects.clock()) // 1000)
    host_cookie = cookie(
        security.host_cookie_name(session_id), token, max_age=left, secure=request.secure
    )
    await send_json(send, 200, {"sessionId": session_id, "isHost": True}, [host_cookie])


FORMATS = ("json", "csv", "image", "png", "svg")  # image: PNG, as the original named it


async def export_results(ctx: Context, request: Request, session_id: str, send: Send) -> None:
    query = request.query()
    fmt = query.get("format", "json")
    if fmt not in FORMATS:
        raise InvalidParameter(
            f"format must be one of {', '.join(FORMATS)}", {"format": list(FORMATS)}
        )
    kind = query.get("chart", "bar")
    if kind not in charts.CHARTS:
        raise InvalidParameter("chart must be bar or pie", {"chart": list(charts.CHARTS)})
    lang = query.get("lang")
    if lang is not None and lang not in export.LANGUAGES:
        raise InvalidParameter("lang must be en or ja", {"lang": list(export.LANGUAGES)})
    width = _dimension(query, "width", charts.SIZE_DEFAULT[0], charts.WIDTH_RANGE)
    height = _dimension(query, "height", charts.SIZE_DEFAULT[1], charts.HEIGHT_RANGE)
    session, voted, host = await viewer(ctx, request, session_id)
    if not domain.can_see_counts(session.state, host=host, voted=voted):
        raise ResultsHidden()
    if fmt == "json":
        await send_json(send, 200, export.results(session, ctx.objects.clock()))
        return
    # The pages' rule: ?lang=, else the browser's Accept-Language (q-values), else English.
    lang = i18n.negotiate(lang, None, request.header(b"accept-language"))
    if fmt == "csv":
        body, media, suffix = export.to_csv(session, lang), b"text/csv; charset=utf-8", "csv"
    else:
        picture: Literal["png", "svg"] = "svg" if fmt == "svg" else "png"
        body = await ctx.charts.picture(
            session,
            fmt=picture,
            kind=kind,
            lang=lang,
            width=width,
            height=height,
            now=ctx.objects.clock(),
        )
        media = b"image/svg+xml" if picture == "svg" else b"image/png"
        suffix = f"{kind}.{picture}"
    name = f"tohyo-{session_id}.{suffix}"
    headers = [
        (b"content-type", media),
        (b"content-disposition", f'attachment; filename="{name}"'.encode()),
        *BASE_HEADERS,
    ]
    await send_bytes(send, 200, body, headers)


def _dimension(query: dict[str, str], name: str, default: int, bounds: tuple[int, int]) -> int:
    raw = query.get(name)
    if raw is None:
        return default
    low, high = bounds
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 5 and low <= int(raw) <= high):
        raise InvalidParameter(
            f"{name} must be a whole number from {low} to {high}", {name: [low, high]}
        )
    return int(raw)


def stream(ctx: Context, request: Request, session_id: str, send: Send) -> Awaitable[None]:
    # The stream's coroutine itself, not one awaiting it: a frame fewer per open stream.
    from tohyo.web.stream import serve_stream

    return serve_stream(ctx, request, session_id, send)


ROUTES: dict[str, dict[str, Any]] = {
    "": {"GET": read, "POST": cast},
    "close": {"POST": close},
    "host": {"POST": claim_host},
    "settings": {"POST": update_settings},
    "export": {"GET": export_results},
    "stream": {"GET": stream},
}
