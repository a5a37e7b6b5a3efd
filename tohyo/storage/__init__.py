"""Storage backends, chosen by URL: `open_store("sqlite:///./tohyo.db")`.

Backends are imported lazily so an optional driver is needed only when its scheme is used.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

from tohyo.errors import ConfigurationError
from tohyo.storage.base import Store

VALID_FORMS = (
    "memory://, sqlite:///path/to/tohyo.db[?synchronous=full|normal], "
    "redis[s]://host:port/db or redis[s]+cluster://host:port"
)


def _memory(url: str) -> Store:
    from tohyo.storage.memory import MemoryStore

    if url.rstrip("/") != "memory:":
        raise ConfigurationError(f"memory:// takes no path or options (got {url!r})")
    return MemoryStore()


def _sqlite(url: str) -> Store:
    from tohyo.storage.sqlite import SYNCHRONOUS, SQLiteStore

    # sqlite:///relative/file.db and sqlite:////absolute/file.db, as SQLAlchemy writes them.
    rest = url[len("sqlite:///") :] if url.startswith("sqlite:///") else ""
    path, _, query = rest.partition("?")
    if not path:
        raise ConfigurationError(f"sqlite URL needs a file path: {VALID_FORMS} (got {url!r})")
    options = parse_qs(query)
    unknown = set(options) - {"synchronous"}
    if unknown:
        raise ConfigurationError(f"unknown sqlite option(s) {sorted(unknown)}; {VALID_FORMS}")
    synchronous = options.get("synchronous", ["FULL"])[-1].upper()
    if synchronous not in SYNCHRONOUS:
        raise ConfigurationError(f"synchronous must be one of {', '.join(SYNCHRONOUS)}")
    return SQLiteStore(path, synchronous=synchronous)


def _redis(url: str) -> Store:
    from tohyo.storage.redis import RedisStore  # raises a one-line install hint if missing

    scheme, _, rest = url.partition("://")
    cluster = scheme.endswith("+cluster")
    if not rest or rest.startswith("/"):
        raise ConfigurationError(f"redis URL needs a host: {VALID_FORMS} (got {redacted(url)!r})")
    if cluster and urlsplit(url).path.strip("/") not in ("", "0"):
        raise ConfigurationError("a Redis Cluster has only database 0")
    # redis-py reads the plain scheme; "+cluster" only chooses the client.
    return RedisStore(scheme.removesuffix("+cluster") + "://" + rest, cluster=cluster)


BACKENDS: dict[str, Callable[[str], Store]] = {
    "memory": _memory,
    "sqlite": _sqlite,
    "redis": _redis,
    "rediss": _redis,
    "redis+cluster": _redis,
    "rediss+cluster": _redis,
}


def redacted(url: str) -> str:
    """`url` without its password, for logs and messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()


def open_store(url: str) -> Store:
    """Build the backend named by `url`; raise ConfigurationError listing the valid forms."""
    scheme = urlsplit(url).scheme if "://" in url else ""
    factory = BACKENDS.get(scheme)
    if factory is None:
        raise ConfigurationError(f"unknown storage URL {redacted(url)!r}; use {VALID_FORMS}")
    return factory(url)
