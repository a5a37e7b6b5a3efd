"""Storage backends, chosen by URL: `open_store("sqlite:///./tohyo.db")`.

Backends are imported lazily so an optional driver is needed only when its scheme is used.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit

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
    # Our own options leave the query; redis-py reads the rest, and the plain scheme
    # ("+cluster" only chooses the client).
    address, _, query = rest.partition("?")
    options = parse_qsl(query, keep_blank_values=True)
    ours = {k: v for k, v in options if k in REDIS_OPTIONS}
    theirs = urlencode([(k, v) for k, v in options if k not in REDIS_OPTIONS])
    try:
        resync = float(ours.get("resync_interval", 2.0))
    except ValueError:
        raise ConfigurationError("resync_interval must be a number of seconds") from None
    plain = scheme.removesuffix("+cluster") + "://" + address + ("?" + theirs if theirs else "")
    return RedisStore(plain, cluster=cluster, resync_interval=resync)


# Options of tohyo's own in a redis URL: seconds between checks that every watched
# session's viewers have the stored version (0 turns the check off).
REDIS_OPTIONS = {"resync_interval"}


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
