"""Voter and host identity: random tokens in HttpOnly cookies, keyed hashes in storage.

The server never stores a raw token. A voter's key is HMAC(server key, session id, token),
so the same browser cannot be linked across sessions from the database, and a host token
is compared by its keyed hash in constant time.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
import secrets
from urllib.parse import urlsplit

from tohyo.errors import CrossOrigin, Forbidden, Unauthorized
from tohyo.web.http import Request

VOTER_COOKIE = "tohyo_voter"
HOST_COOKIE_PREFIX = "tohyo_host_"
# Tokens we mint are 22 url-safe characters (128 bits); accept any token of that alphabet
# and a sane length, so a client may bring its own (load generators invent voters).
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,128}")


def voter_cookie_lifetime(session_ttl: int, event_retention: int) -> int:
    """Seconds the voter cookie lasts, wherever it is set. One cookie serves every poll and
    event, so it outlives the longest either can live, by a day: a participant back after
    a few days is still the participant who answered (and answers no round twice), and no
    setter shortens what another set."""
    return max(session_ttl, event_retention) + 86_400


def new_token() -> str:
    return secrets.token_urlsafe(16)


def well_formed(token: str | None) -> bool:
    return token is not None and _TOKEN.fullmatch(token) is not None


def voter_key(server_key: bytes, session_id: str, token: str) -> bytes:
    # Keyed BLAKE2b is a MAC by design (no HMAC construction needed) and costs ~1 µs,
    # a third of HMAC-SHA256, on the hottest path there is; copying a hasher that has
    # taken the key already saves its first block (the key's) on every vote.
    hasher = _voter_hasher(server_key).copy()
    hasher.update(f"{session_id}\x00{token}".encode())
    return hasher.digest()


@functools.lru_cache(maxsize=4)  # one server key per process (tests make a few)
def _voter_hasher(server_key: bytes) -> hashlib.blake2b:
    return hashlib.blake2b(key=server_key, digest_size=16, person=b"tohyo-voter")


def host_key(server_key: bytes, session_id: str, token: str) -> bytes:
    message = f"{session_id}\x00{token}".encode()
    return hashlib.blake2b(message, key=server_key, digest_size=32, person=b"tohyo-host").digest()


def host_cookie_name(session_id: str) -> str:
    return HOST_COOKIE_PREFIX + session_id


def presented_host_token(request: Request, session_id: str) -> str | None:
    """The host token from `Authorization: Bearer` or the session's host cookie."""
    auth = request.header(b"authorization")
    if auth is not None:
        scheme, _, token = auth.partition(" ")
        if scheme.lower() == "bearer":
            return token.strip()
    return request.cookies.get(host_cookie_name(session_id))


def is_host(request: Request, server_key: bytes, session_id: str, stored: bytes) -> bool:
    token = presented_host_token(request, session_id)
    if not well_formed(token):
        return False
    assert token is not None
    return hmac.compare_digest(host_key(server_key, session_id, token), stored)


def require_host(request: Request, server_key: bytes, session_id: str, stored: bytes) -> None:
    """401 without host credentials, 403 with wrong ones."""
    token = presented_host_token(request, session_id)
    if not token:
        raise Unauthorized()
    if not is_host(request, server_key, session_id, stored):
        raise Forbidden()


# Sec-Fetch-Site values a browser sends for requests this site's own pages make, or that
# the user made by hand (typing a URL, a bookmark).
_OWN_FETCHES = {"same-origin", "none"}


def require_same_origin(request: Request, public_url: str | None) -> None:
    """Refuse a state-changing request that a browser made for a page on another site.

    Browsers say where a request comes from: `Sec-Fetch-Site` (all current ones) and
    `Origin` (on every POST). Either one naming another site refuses it, 403
    `cross_origin`. Clients that send neither — curl, scripts with the Bearer host
    token, load generators — are not browsers acting for someone else, and pass.
    """
    site = request.header(b"sec-fetch-site")
    if site is not None and site.lower() not in _OWN_FETCHES:
        raise CrossOrigin()
    origin = request.header(b"origin")
    if origin is None:
        return
    netloc = urlsplit(origin).netloc.lower() if origin != "null" else ""
    allowed = {(request.header(b"host") or "").lower()}
    if public_url:
        allowed.add(urlsplit(public_url).netloc.lower())
    if netloc not in allowed:
        raise CrossOrigin()
