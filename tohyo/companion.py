"""The terminal companion: create, watch, close and export sessions on a running server.

A plain HTTP client of the JSON API and the stream (the standard library's urllib, so
nothing more to install), with rich for the live bars. `tohyo create` remembers the host
link of each session it creates (in $XDG_STATE_HOME/tohyo/hosts.json, readable by you
alone), so `tohyo watch <id>` and `tohyo close <id>` need no token afterwards.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import segno
from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

from tohyo import palette

DEFAULT_SERVER = "http://127.0.0.1:8000"
SESSION_ID_LENGTH = 36


class CompanionError(Exception):
    """Something to tell the user in one line."""


@dataclass
class Target:
    """A session on a server, with the host's token when we know it."""

    server: str
    session_id: str
    token: str | None


# --- where sessions are -------------------------------------------------------------------


def hosts_file() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "tohyo" / "hosts.json"


def remember(created: dict[str, Any]) -> None:
    """Keep the host link; host links are secrets, so the file is never readable by
    others, not even for a moment (written under a private name, then moved in)."""
    path = hosts_file()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    known = _known()
    known[created["sessionId"]] = created["hostUrl"]
    temporary = path.with_suffix(".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump(known, out, indent=1)
    os.replace(temporary, path)


def _known() -> dict[str, str]:
    try:
        loaded: dict[str, str] = json.loads(hosts_file().read_text())
    except (OSError, ValueError):
        return {}
    return loaded


def resolve(reference: str, server: str | None, token: str | None) -> Target:
    """A session id, a voting URL or a host link (`…/vote/<id>#host=<token>`)."""
    if "://" in reference:
        parts = urlsplit(reference)
        session_id = parts.path.rstrip("/").rsplit("/", 1)[-1]
        base = f"{parts.scheme}://{parts.netloc}"
        if parts.fragment.startswith("host="):
            token = token or parts.fragment[len("host=") :]
        return Target(server or base, session_id, token)
    if len(reference) != SESSION_ID_LENGTH:
        raise CompanionError(f"{reference!r} is neither a session id nor a link")
    link = _known().get(reference)
    if link is not None and token is None:
        known = resolve(link, None, None)
        # A saved token goes only to the server it came from.
        if server is None or _origin(server) == _origin(known.server):
            return known
    return Target(server or DEFAULT_SERVER, reference, token)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """The API never redirects; following one would carry the host token elsewhere."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects)


# --- the API --------------------------------------------------------------------------------


def request(
    method: str, url: str, body: Any = None, token: str | None = None, timeout: float = 10
) -> tuple[int, bytes, dict[str, str]]:
    headers = {"Accept": "application/json"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    call = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with _opener.open(call, timeout=timeout) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        with error:  # it holds the connection
            return error.code, error.read(), dict(error.headers)
    except (urllib.error.URLError, OSError) as error:
        server = f"{urlsplit(url).scheme}://{urlsplit(url).netloc}"
        raise CompanionError(
            f"no tohyo server answers at {server} ({getattr(error, 'reason', error)}). "
            "Start one with `tohyo serve`, or name another with --server"
        ) from None


def error_message(raw: bytes, fallback: str) -> str:
    """The `error` of an API error body, or `fallback` for anything else."""
    try:
        data = json.loads(raw)
    except ValueError:
        return fallback
    message = data.get("error") if isinstance(data, dict) else None
    return message if isinstance(message, str) else fallback


def api(method: str, url: str, body: Any = None, token: str | None = None) -> Any:
    status, raw, _ = request(method, url, body, token)
    if status >= 400:
        raise CompanionError(f"{error_message(raw, f'HTTP {status}')} ({status})")
    try:
        return json.loads(raw) if raw else {}
    except ValueError:
        raise CompanionError(f"{url} did not answer JSON; is it a tohyo server?") from None


def create(
    server: str, question: str, choices: list[str], multiple: bool, **options: Any
) -> dict[str, Any]:
    body = {
        "question": question,
        "voteType": "multiple" if multiple else "single",
        "choices": [{"text": c} for c in choices],
        **{k: v for k, v in options.items() if v is not None},
    }
    created: dict[str, Any] = api("POST", f"{server.rstrip('/')}/api/vote", body)
    remember(created)
    return created


def qr_text(url: str) -> str:
    """The voting URL as a QR code of half-block characters (two rows per line)."""
    matrix = [list(row) for row in segno.make(url, error="m").matrix_iter(border=2)]
    lines = []
    for top, bottom in zip(matrix[::2], [*matrix[1::2], [0] * len(matrix[0])], strict=False):
        line = ""
        for up, down in zip(top, bottom, strict=True):
            line += {(1, 1): "█", (1, 0): "▀", (0, 1): "▄", (0, 0): " "}[(int(up), int(down))]
        lines.append(line)
    return "\n".join(lines)


# --- watching ---------------------------------------------------------------------------------


def events(target: Target) -> Iterator[tuple[str, dict[str, Any]]]:
    """(event, data) from the session's stream until the server ends it."""
    url = f"{target.server.rstrip('/')}/api/vote/{target.session_id}/stream"
    headers = {"Accept": "text/event-stream"}
    if target.token:
        headers["Authorization"] = f"Bearer {target.token}"
    call = urllib.request.Request(url, headers=headers)
    try:
        response = urllib.request.urlopen(call, timeout=60)
    except urllib.error.HTTPError as error:
        with error:
            message = error_message(error.read(), "cannot watch")
        raise CompanionError(f"{message} ({error.code})") from None
    except (urllib.error.URLError, OSError) as error:
        raise CompanionError(f"cannot reach {target.server}: {error}") from None
    with response:
        kind, data = "", ""
        for raw in response:
            line = raw.decode().rstrip("\r\n")
            if line.startswith("event:"):
                kind = line[6:].strip()
            elif line.startswith("data:"):
                data = line[5:].strip()
            elif not line and kind:
                yield kind, json.loads(data or "{}")
                kind, data = "", ""


def picture(state: dict[str, Any]) -> Group:
    """The session as rich renderables: question, bars, totals."""
    title = Text(state.get("question", ""), style="bold")
    status = "open" if state.get("status") == "active" else "closed"
    table = Table.grid(padding=(0, 1))
    table.add_column(ratio=2)
    table.add_column(ratio=5)
    table.add_column(justify="right")
    choices = state.get("choices", [])
    if "totalVotes" not in state:
        lines = [Text(c["text"]) for c in choices]
        note = Text("Counts are hidden from this viewer (use the host link).", style="dim")
        return Group(title, *lines, note)
    most = max([c["voteCount"] for c in choices] + [1])
    for i, choice in enumerate(choices):
        width = round(40 * choice["voteCount"] / most)
        bar = Text("█" * width + "·" * (40 - width), style=palette.COLORS[i % len(palette.COLORS)])
        table.add_row(choice["text"], bar, f"{choice['voteCount']} ({choice['percentage']:g}%)")
    footer = Text(f"{state['totalVotes']} ballots · voting {status}", style="dim")
    return Group(title, table, footer)


def watch(target: Target, console: Console) -> dict[str, Any]:
    """Live bars until voting closes or the session ends; returns the last state."""
    last: dict[str, Any] = {}
    with Live(Text("connecting…"), console=console, auto_refresh=False) as live:
        for kind, data in events(target):
            if kind == "expired":
                break
            last = data
            live.update(picture(data), refresh=True)
            if kind == "closed" or data.get("status") == "closed":
                break
    return last
