"""Storage backends, chosen by URL: `open_store("sqlite:///./tohyo.db")`.

Backends are imported lazily so an optional driver is needed only when its scheme is used.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

from tohyo.errors import ConfigurationError
from tohyo.storage.base import Store

VALID_FORMS = "memory:// or sqlite:///path/to/tohyo.db[?synchronous=full|normal]"


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


BACKENDS: dict[str, Callable[[str], Store]] = {"memory": _memory, "sqlite": _sqlite}


def open_store(url: str) -> Store:
    """Build the backend named by `url`; raise ConfigurationError listing the valid forms."""
    scheme = urlsplit(url).scheme if "://" in url else ""
    factory = BACKENDS.get(scheme)
    if factory is None:
        raise ConfigurationError(f"unknown storage URL {url!r}; use {VALID_FORMS}")
    return factory(url)
