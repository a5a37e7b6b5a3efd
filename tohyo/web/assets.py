"""Static files as a phone on a hall's network should get them.

Every file under static/ (and the few made at start: the palette, the UI strings of each
language) is read once, when the pages app is built, and served from memory:

- **under a content-hashed URL** (`/static/app.3f2a9c1b7d.js`) with
  `Cache-Control: public, max-age=31536000, immutable`, so a second visit fetches none of
  them and a new release can never be half cached. The plain name (`/static/app.js`)
  keeps working, revalidated by its ETag, for anything that links it directly;
- **compressed once** with brotli and gzip, each kept only where it is smaller, and sent
  by the request's Accept-Encoding (`Vary: Accept-Encoding`);
- **with their imports rewritten**: a module's `"./x.js"` names `x.<hash>.js`, so the hash
  of a module covers the modules it imports, and a change anywhere renames its importers.

`scripts(module)` lists a page module with every module it imports, directly or not, so
the page can `modulepreload` them all: the browser fetches the whole graph from the HTML,
one round trip deep, instead of discovering it one import after another.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import mimetypes
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import brotli

IMMUTABLE = b"public, max-age=31536000, immutable"
REVALIDATE = b"no-cache"
# Compressing a file already compressed (PNG, WOFF2) or tiny wins nothing.
COMPRESSIBLE = {"text/css", "text/javascript", "image/svg+xml", "application/json"}
SMALLEST = 256
# A module's relative import: `import … from "./x.js"`, `import "./x.js"`, `export … from`.
STATIC_IMPORT = re.compile(r"""(?:\bfrom|\bimport)\s*["']\./([\w.-]+\.js)["']""")
# Any string naming a sibling module ("./x.js"): imports, and the names app.js imports by.
MODULE_NAME = re.compile(r"""(["'])\./([\w.-]+\.js)\1""")
URL_PREFIX = "/static/"


@dataclass(slots=True)
class Asset:
    """One file as sent: its bytes, its headers' values, and the encodings worth sending,
    made when it is first asked for (brotli at its best takes ~0.3 s for the whole
    directory: a server that never serves a file, as most tests' servers, never pays it)."""

    body: bytes
    media_type: bytes
    etag: bytes
    compressible: bool
    _encoded: dict[str, bytes] | None = None

    def encodings(self) -> Mapping[str, bytes]:
        """ "br" / "gzip" -> the body so encoded, where that is smaller."""
        if self._encoded is None:
            self._encoded = compressed(self.body) if self.compressible else {}
        return self._encoded


def load(directory: Path, made: Mapping[str, bytes]) -> Assets:
    """The static files of a directory, built once per process for the same files (and
    compressed once: tests build many apps over the same tree)."""
    listing = tuple(
        sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in directory.iterdir())
    )
    return _load(directory, listing, tuple(sorted(made.items())))


@functools.lru_cache(maxsize=4)
def _load(
    directory: Path, listing: tuple[tuple[str, int, int], ...], made: tuple[tuple[str, bytes], ...]
) -> Assets:
    return Assets(directory, dict(made))


class Assets:
    """The static files of the pages, by plain name and by hashed URL (see the module)."""

    def __init__(self, directory: Path, made: Mapping[str, bytes] = {}) -> None:
        sources = {path.name: path.read_bytes() for path in directory.iterdir() if path.is_file()}
        sources.update(made)
        self._imports = {
            name: STATIC_IMPORT.findall(body.decode())
            for name, body in sources.items()
            if name.endswith(".js")
        }
        self._hashed: dict[str, str] = {}  # plain name -> hashed file name
        self._by_path: dict[str, tuple[Asset, bool]] = {}  # URL path -> (asset, immutable)
        for name in sources:
            self._build(name, sources, ())

    def url(self, name: str) -> str:
        """The hashed URL of a file (KeyError for a file static/ does not have)."""
        return URL_PREFIX + self._hashed[name]

    def scripts(self, module: str) -> list[str]:
        """The hashed URLs of a module and of every module it imports statically, the
        module itself first: what its page should modulepreload."""
        seen: dict[str, None] = {}
        pending = [module]
        while pending:
            name = pending.pop()
            if name not in seen:
                seen[name] = None
                pending.extend(reversed(self._imports.get(name, [])))
        return [self.url(name) for name in seen]

    def find(self, path: str) -> tuple[Asset, bool] | None:
        """The file at a URL path, and whether that URL is immutable (hashed)."""
        return self._by_path.get(path)

    def _build(self, name: str, sources: Mapping[str, bytes], chain: tuple[str, ...]) -> str:
        if name in self._hashed:
            return self._hashed[name]
        if name in chain:
            raise ValueError(f"static modules import each other in a circle: {(*chain, name)}")
        body = sources[name]
        if name.endswith(".js"):

            def hashed(match: re.Match[str]) -> str:
                quote, imported = match.group(1), match.group(2)
                if imported not in sources:
                    return match.group(0)
                return f"{quote}./{self._build(imported, sources, (*chain, name))}{quote}"

            body = MODULE_NAME.sub(hashed, body.decode()).encode()
        digest = hashlib.sha256(body).hexdigest()[:10]
        stem, dot, extension = name.rpartition(".")
        file_name = f"{stem}.{digest}.{extension}" if dot else f"{name}.{digest}"
        asset = _asset(name, body, digest)
        self._hashed[name] = file_name
        self._by_path[URL_PREFIX + file_name] = (asset, True)
        self._by_path[URL_PREFIX + name] = (asset, False)
        return file_name

    async def __call__(self, scope: Any, receive: Any, send: Any) -> bool:
        """Send the file at the request's path; False when there is none (the caller's 404)."""
        found = self.find(scope["path"])
        if found is None or scope["method"] not in ("GET", "HEAD"):
            return False
        asset, immutable = found
        request_headers = dict(scope["headers"])
        headers = [
            (b"content-type", asset.media_type),
            (b"cache-control", IMMUTABLE if immutable else REVALIDATE),
            (b"etag", asset.etag),
            (b"vary", b"accept-encoding"),
        ]
        if matches(request_headers.get(b"if-none-match", b""), asset.etag):
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return True
        accepted = request_headers.get(b"accept-encoding", b"")
        encodings = asset.encodings() if accepted else {}
        encoding = chosen_encoding(accepted, encodings)
        body = encodings[encoding] if encoding else asset.body
        if encoding:
            headers.append((b"content-encoding", encoding.encode()))
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        if scope["method"] == "HEAD":
            body = b""
        await send({"type": "http.response.body", "body": body})
        return True


def matches(if_none_match: bytes, etag: bytes) -> bool:
    """Whether If-None-Match names this ETag (weakly, as RFC 9110 13.1.2 compares for
    it: a proxy that compressed the file may have marked it W/), or is `*`."""
    if if_none_match.strip() == b"*":
        return True
    return etag in (tag.strip().removeprefix(b"W/") for tag in if_none_match.split(b","))


def chosen_encoding(accepted: bytes, available: Mapping[str, bytes]) -> str | None:
    """The encoding to send by the request's Accept-Encoding (RFC 9110 12.5.3): the
    highest q-value among those `available`, a named one over `*`, brotli before gzip on
    a tie; `q=0` refuses one, even where `*` would take it."""
    weights: dict[str, float] = {}
    for item in accepted.decode("latin-1").lower().split(","):
        token, _, parameters = item.strip().partition(";")
        weight = 1.0
        name, _, value = parameters.strip().partition("=")
        if name.strip() == "q":
            try:
                weight = float(value)
            except ValueError:
                continue  # a malformed weight: as if the token were not there
        weights[token.strip()] = weight
    best, chosen = 0.0, None
    for encoding in ("br", "gzip"):
        weight = weights.get(encoding, weights.get("*", 0.0))
        if encoding in available and weight > best:
            best, chosen = weight, encoding
    return chosen


def compressed(body: bytes, *, fast: bool = False) -> dict[str, bytes]:
    """The body in brotli and gzip, each only where it saves something. `fast` is for a
    page made per request (brotli quality 5, gzip 6); files compressed once take the best."""
    if len(body) < SMALLEST:
        return {}
    candidates = {
        "br": brotli.compress(body, quality=5 if fast else 11),
        "gzip": gzip.compress(body, compresslevel=6 if fast else 9, mtime=0),
    }
    return {name: value for name, value in candidates.items() if len(value) < len(body)}


def _asset(name: str, body: bytes, digest: str) -> Asset:
    media_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if media_type == "application/javascript":
        media_type = "text/javascript"
    text = media_type.startswith("text/") or media_type in COMPRESSIBLE
    return Asset(
        body=body,
        media_type=(media_type + ("; charset=utf-8" if text else "")).encode(),
        etag=f'"{digest}"'.encode(),
        compressible=media_type in COMPRESSIBLE,
    )
