"""One settings object for the whole server, from CLI flags or `TOHYO_*` environment variables.

Nothing is read at import time: `Settings.from_env()` reads the environment when asked,
so tests can build any number of differently configured apps.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from tohyo.errors import ConfigurationError


@dataclass(frozen=True)
class Settings:
    # Loopback by default: exposing a server is a decision, not an accident.
    host: str = "127.0.0.1"
    port: int = 8000
    storage: str = "sqlite:///./tohyo.db"
    session_ttl: int = 86_400  # seconds a session lives before it and its ballots are deleted
    # Seconds an event and its results are kept after it ends (and the longest one lives
    # unended). 30 days: the host has the results the next day and for the month's report,
    # and what is kept is small (one row per event, one per answer).
    event_retention: int = 30 * 86_400
    public_url: str | None = None  # base of voteUrl/hostUrl; default: from the request
    # Proxies whose X-Forwarded-For/-Proto are believed ("127.0.0.1,10.0.0.5" or "*").
    # None believes nobody, which also keeps the header rewrite off the hot path.
    trusted_proxies: str | None = None
    max_body: int = 16_384  # bytes; larger request bodies get 413
    heartbeat: float = 15.0  # longest a stream goes without a byte (a comment if quiet)
    stream_interval: float = 0.05  # seconds; at most one stream event per session per interval
    sweep_interval: float = 30.0  # seconds between deletions of expired sessions
    access_log: bool = False  # off by default: a vote's request line says who voted when
    access_log_addresses: bool = False  # with access_log: also log client addresses
    metrics_token: str | None = field(default=None, repr=False)  # if set, /metrics needs it
    log_level: str = "info"
    workers: int = 1  # server processes on one port; more than one needs Redis storage
    secret_key: str | None = field(default=None, repr=False)  # hashes tokens; default: stored
    # Per-address limits (docs/security.md has the reasoning). The defaults let a hall of
    # 1,000 people behind one NAT address open the page and vote within a minute.
    rate_limits: bool = True  # false lifts every per-address limit (load tests)
    limit_create: str = "60/minute"  # sessions created per address
    limit_vote: str = "3000/minute"  # ballots per address per session
    limit_stream: str = "3000/minute"  # streams opened per address
    # Join-code lookups per address: a hall behind one NAT joins within a minute, while
    # walking the code space to find events (the code is a convenience, not a secret,
    # but events are not for listing) takes an address years.
    limit_join: str = "1200/minute"
    limit_requests: str = "20000/minute"  # API requests per address, all endpoints
    max_streams_per_address: int = 2000  # open streams per address, per process
    max_streams: int = 20000  # open streams per process; beyond: 503 server_busy
    # Connections, below HTTP (tohyo.web.protocol; docs/security.md "Connections"). At start,
    # `tohyo serve` lowers these and the two stream caps to fit its file descriptors.
    max_header_bytes: int = 65_536  # request line + headers; beyond: 431, then closed
    header_timeout: float = 10.0  # seconds for a request's headers to arrive; then closed
    keep_alive_timeout: int = 5  # seconds an idle connection is kept between requests
    max_connections_per_address: int = 4000  # open connections per address, per process
    max_connections: int = 25000  # open connections per process; beyond: closed at once

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults, then `TOHYO_<NAME>` variables, then explicit overrides."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = environ.get(env_name(f.name))
            if raw is not None:
                values[f.name] = _convert(f.name, f.type, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values).validated()

    def to_env(self) -> dict[str, str]:
        """These settings as `TOHYO_*` variables (how worker processes receive them)."""
        env = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool):
                value = "true" if value else "false"
            if value is not None:
                env[env_name(f.name)] = str(value)
        return env

    def validated(self) -> Settings:
        if self.session_ttl <= 0:
            raise ConfigurationError("session_ttl must be a positive number of seconds")
        for name in ("heartbeat", "stream_interval", "sweep_interval"):
            if getattr(self, name) <= 0:
                raise ConfigurationError(f"{name} must be positive")
        for name in ("limit_create", "limit_vote", "limit_stream", "limit_join", "limit_requests"):
            _rate(name, getattr(self, name))
        if self.max_streams < 1 or self.max_streams_per_address < 1:
            raise ConfigurationError("max_streams and max_streams_per_address must be positive")
        if self.max_connections < 1 or self.max_connections_per_address < 1:
            raise ConfigurationError(
                "max_connections and max_connections_per_address must be positive"
            )
        if self.max_header_bytes < 1024:
            raise ConfigurationError("max_header_bytes must be at least 1024 bytes")
        if self.header_timeout <= 0 or self.keep_alive_timeout < 1:
            raise ConfigurationError(
                "header_timeout must be positive and keep_alive_timeout at least 1 second"
            )
        if self.max_body < 256:
            raise ConfigurationError("max_body must be at least 256 bytes")
        if self.workers < 1:
            raise ConfigurationError("workers must be at least 1")
        if self.workers > 1 and not self.storage.startswith("redis"):
            raise ConfigurationError(
                f"--workers {self.workers} needs Redis storage (--storage redis://host:port/0): "
                "with SQLite one process owns the database file, and memory:// lives in one "
                "process"
            )
        if not 0 <= self.port <= 65535:
            raise ConfigurationError("port must be 0-65535")
        if self.public_url is not None:
            return replace(self, public_url=self.public_url.rstrip("/"))
        return self


@dataclass(frozen=True)
class DescriptorFit:
    """The settings one process can keep with `descriptors` file descriptors."""

    settings: Settings
    descriptors: int
    backlog: int  # connections the kernel queues before tohyo accepts them
    clamped: dict[str, tuple[int, int]]  # settings set above what fits: (asked, allowed)


def fit_to_descriptors(settings: Settings, descriptors: int) -> DescriptorFit:
    """Lower the connection and stream caps so that each refusal (429, 503, a closed
    connection) happens before the process runs out of descriptors, where the kernel
    would refuse everyone alike.

    Every client connection costs a descriptor. Kept back from them: the database and
    its journal, Redis pools (64 commands in flight, pub/sub), logs and pipes, and the
    connections accepted in one burst before the over-cap ones are closed (at most the
    listen backlog, which is sized to fit). Streams stop a tenth short of the connection
    cap, so votes and page loads still get through when streams are at their cap; one
    address gets at most half of all connections, and its streams stop short of its
    connection cap, so it hears 429 before its connections are cut.
    """
    reserve = max(192, descriptors // 8)
    backlog = min(2048, reserve // 2)
    connections = max(1, descriptors - reserve)
    allowed: dict[str, int] = {
        "max_connections": connections,
        "max_connections_per_address": max(1, connections // 2),
    }
    fitted = _clamp(settings, allowed)
    total = fitted.max_connections
    per_address = fitted.max_connections_per_address
    allowed["max_streams"] = max(1, total - max(16, total // 10))
    allowed["max_streams_per_address"] = max(1, per_address - max(8, per_address // 10))
    fitted = _clamp(fitted, allowed)
    if fitted.max_streams_per_address > fitted.max_streams:
        allowed["max_streams_per_address"] = fitted.max_streams
        fitted = _clamp(fitted, allowed)
    defaults = Settings()
    clamped = {  # a default lowered is a choice; a value someone set, lowered, is news
        name: (getattr(settings, name), getattr(fitted, name))
        for name in allowed
        if getattr(settings, name) not in (getattr(fitted, name), getattr(defaults, name))
    }
    return DescriptorFit(fitted, descriptors, backlog, clamped)


def _clamp(settings: Settings, allowed: Mapping[str, int]) -> Settings:
    lowered: dict[str, Any] = {
        name: limit for name, limit in allowed.items() if getattr(settings, name) > limit
    }
    return replace(settings, **lowered) if lowered else settings


def env_name(field_name: str) -> str:
    return "TOHYO_" + field_name.upper()


def _convert(name: str, kind: Any, raw: str) -> Any:
    kind = str(kind)
    try:
        if kind.startswith("int"):
            return int(raw)
        if kind.startswith("float"):
            return float(raw)
        if kind.startswith("bool"):
            lowered = raw.strip().lower()
            if lowered not in {"1", "0", "true", "false", "yes", "no", "on", "off"}:
                raise ValueError(raw)
            return lowered in {"1", "true", "yes", "on"}
    except ValueError:
        raise ConfigurationError(f"{env_name(name)}={raw!r} is not a valid {kind}") from None
    return raw


def _rate(name: str, value: str) -> None:
    from limits import parse

    try:
        parse(value)
    except ValueError:
        raise ConfigurationError(
            f"{env_name(name)}={value!r} is not a rate such as 3000/minute or 50/second"
        ) from None
