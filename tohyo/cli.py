"""`tohyo serve` and friends. Every option also reads a `TOHYO_*` environment variable."""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import os
import resource
import socket
import sys
from pathlib import Path
from typing import Any

import click
import uvicorn
from uvicorn.supervisors import Multiprocess

from tohyo import companion
from tohyo.companion import DEFAULT_SERVER, CompanionError
from tohyo.config import DescriptorFit, Settings, env_name, fit_to_descriptors
from tohyo.errors import ConfigurationError, StorageError
from tohyo.storage import open_store, redacted
from tohyo.web.app import create_app
from tohyo.web.protocol import ConnectionLimits, GuardedConfig


def _env_help(name: str, text: str) -> str:
    return f"{text} [env {env_name(name)}]"


@click.group()
@click.version_option(package_name="tohyo")
def main() -> None:
    """tohyo — real-time voting sessions."""


@main.command()
@click.option(
    "--host",
    default=None,
    help=_env_help(
        "host",
        "Address to bind; default 127.0.0.1 "
        "so nothing is exposed by accident (use 0.0.0.0 to serve a network).",
    ),
)
@click.option("--port", type=int, default=None, help=_env_help("port", "Port; default 8000."))
@click.option(
    "--storage",
    default=None,
    help=_env_help(
        "storage",
        "sqlite:///path/to/tohyo.db (default ./tohyo.db), redis://host:port/0, "
        "redis+cluster://host:port or memory://.",
    ),
)
@click.option(
    "--session-ttl",
    type=int,
    default=None,
    help=_env_help("session_ttl", "Seconds a session lives; default 86400."),
)
@click.option(
    "--public-url",
    default=None,
    help=_env_help(
        "public_url", "Base URL for voteUrl/hostUrl behind a proxy; default from the request."
    ),
)
@click.option(
    "--trusted-proxies",
    default=None,
    help=_env_help(
        "trusted_proxies",
        "Comma-separated proxy addresses whose X-Forwarded-* headers are believed; default: none.",
    ),
)
@click.option(
    "--workers",
    type=int,
    default=None,
    help=_env_help(
        "workers",
        "Server processes sharing the port; default 1. More than one needs Redis storage.",
    ),
)
def serve(**options: Any) -> None:
    """Serve tohyo over HTTP."""
    try:
        settings = Settings.from_env(**options)
        store = open_store(settings.storage)
    except ConfigurationError as error:
        raise click.UsageError(error.message) from None
    except StorageError as error:
        click.echo(f"tohyo: {error.message}", err=True)
        sys.exit(1)
    if settings.storage.startswith("redis"):
        _require_reachable(settings.storage)
    fit = fit_to_descriptors(settings, _raise_descriptor_limit())
    click.echo(f"tohyo: {_describe(fit)}", err=True)
    settings = fit.settings
    server_options: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "loop": "uvloop" if importlib.util.find_spec("uvloop") else "asyncio",
        "ws": "none",  # no WebSockets: an upgrade would hand the connection past its guard
        "lifespan": "on",
        "access_log": False,  # tohyo writes its own, without addresses (tohyo.web.access)
        "log_level": settings.log_level,
        "timeout_graceful_shutdown": 10,
        "proxy_headers": settings.trusted_proxies is not None,
        "forwarded_allow_ips": settings.trusted_proxies,
        "server_header": False,
        "timeout_keep_alive": settings.keep_alive_timeout,
        "backlog": fit.backlog,
    }
    limits = ConnectionLimits.from_settings(settings)
    workers = f", {settings.workers} workers" if settings.workers > 1 else ""
    click.echo(f"tohyo: storage {redacted(settings.storage)}{workers}", err=True)
    if settings.host in ("0.0.0.0", "::") and (address := _lan_address()):
        # What phones on the same network open (a QR code of localhost would not work).
        click.echo(f"tohyo: on this network: http://{address}:{settings.port}/", err=True)
    if settings.workers == 1:
        app = create_app(settings, store, end_streams_on_signal=True)
        server = uvicorn.Server(GuardedConfig(app, limits, **server_options))
        server.run()
        if not server.started:
            sys.exit(3)
        return
    # Each worker is a fresh process that builds its own app from these variables (the
    # fitted caps included) and receives this config, limits and all, pickled. This is
    # what uvicorn.run does for workers, with tohyo's Config.
    os.environ.update(settings.to_env())
    config = GuardedConfig(
        "tohyo.web.app:served_app",
        limits,
        factory=True,
        workers=settings.workers,
        **server_options,
    )
    Multiprocess(config, sockets=[config.bind_socket()]).run()


def _raise_descriptor_limit() -> int:
    """Raise this process's soft limit on open files to its hard limit (workers inherit
    it), and return the limit now in force. Every connection is a descriptor."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft != hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        except (ValueError, OSError):  # a sandbox may refuse; the soft limit still holds
            return soft
        return hard
    return soft


def _describe(fit: DescriptorFit) -> str:
    """The one start-up line saying what the descriptors allow."""
    s = fit.settings
    line = (
        f"{fit.descriptors} file descriptors: at most {s.max_connections} connections "
        f"({s.max_connections_per_address} per address), {s.max_streams} streams "
        f"({s.max_streams_per_address} per address), backlog {fit.backlog}"
    )
    if fit.clamped:
        lowered = ", ".join(
            f"{name} {asked} to {allowed}" for name, (asked, allowed) in fit.clamped.items()
        )
        line += f"; lowered {lowered}"
    return line


def _lan_address() -> str | None:
    """This machine's address on its default route. Connecting a UDP socket sends nothing;
    it only makes the kernel pick the outgoing interface."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("10.255.255.255", 1))
            address: str = probe.getsockname()[0]
    except OSError:
        return None
    return None if address.startswith("127.") else address


def _require_reachable(url: str) -> None:
    """Fail at once, in one line, when the storage server cannot be reached or is unfit.
    (A throwaway store: the served one must start on the server's own event loop.)"""

    async def check() -> None:
        store = open_store(url)
        try:
            await store.start()
        finally:
            await store.close()

    try:
        asyncio.run(check())
    except StorageError as error:
        cause = error.__cause__ or error
        click.echo(f"tohyo: cannot reach {redacted(url)}: {cause}", err=True)
        sys.exit(1)
    except ConfigurationError as error:  # e.g. a Redis that may evict sessions
        click.echo(f"tohyo: {error.message}", err=True)
        sys.exit(1)


# --- the terminal companion: a client of a running server --------------------------------

SERVER_OPTION = click.option(
    "--server",
    default=None,
    envvar="TOHYO_SERVER",
    help=f"The tohyo server; default {DEFAULT_SERVER} [env TOHYO_SERVER].",
)
TOKEN_OPTION = click.option(
    "--token",
    default=None,
    envvar="TOHYO_HOST_TOKEN",
    help="The host token [env TOHYO_HOST_TOKEN].",
)


def _companion_errors(run: Any) -> Any:
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            return run(*args, **kwargs)
        except CompanionError as error:
            click.echo(f"tohyo: {error}", err=True)
            sys.exit(1)

    wrapped.__name__ = run.__name__
    wrapped.__doc__ = run.__doc__
    return wrapped


@main.command("create")
@click.argument("question")
@click.argument("choices", nargs=-1, required=True)
@click.option("--multiple", is_flag=True, help="Voters may pick several choices.")
@click.option(
    "--visibility",
    type=click.Choice(["after_vote", "always", "after_close", "host"]),
    default=None,
    help="Who sees the counts besides the host (default after_vote).",
)
@click.option("--duration", type=int, default=None, help="Close voting after this many seconds.")
@SERVER_OPTION
@_companion_errors
def create_command(
    question: str,
    choices: tuple[str, ...],
    multiple: bool,
    visibility: str | None,
    duration: int | None,
    server: str | None,
) -> None:
    """Create a session: prints the voting URL, its QR code and the host link."""
    created = companion.create(
        server or DEFAULT_SERVER,
        question,
        list(choices),
        multiple,
        resultsVisibility=visibility,
        durationSeconds=duration,
    )
    click.echo(companion.qr_text(created["voteUrl"]))
    click.echo(f"Vote:  {created['voteUrl']}")
    click.echo(f"Host:  {created['hostUrl']}   (keep this one private)")
    if "closesAt" in created:
        click.echo(f"Closes at {created['closesAt']}")
    click.echo(f"Watch: tohyo watch {created['sessionId']}")


@main.command("watch")
@click.argument("session")
@SERVER_OPTION
@TOKEN_OPTION
@_companion_errors
def watch_command(session: str, server: str | None, token: str | None) -> None:
    """Live bars of a session (an id, a voting URL or the host link) until it closes."""
    from rich.console import Console

    target = companion.resolve(session, server, token)
    last = companion.watch(target, Console())
    if last.get("status") == "closed":
        click.echo("Voting is closed.")


@main.command("close")
@click.argument("session")
@SERVER_OPTION
@TOKEN_OPTION
@_companion_errors
def close_command(session: str, server: str | None, token: str | None) -> None:
    """Close voting (needs the host link or token)."""
    target = companion.resolve(session, server, token)
    if not target.token:
        raise CompanionError("closing needs the host link, or --token")
    url = f"{target.server.rstrip('/')}/api/vote/{target.session_id}/close"
    closed = companion.api("POST", url, {}, target.token)
    click.echo(f"Closed at {closed['closedAt']}")


@main.command("export")
@click.argument("session")
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "png", "svg"]), default="json")
@click.option("--chart", type=click.Choice(["bar", "pie"]), default="bar")
@click.option("--lang", type=click.Choice(["en", "ja"]), default=None)
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None)
@SERVER_OPTION
@TOKEN_OPTION
@_companion_errors
def export_command(
    session: str,
    fmt: str,
    chart: str,
    lang: str | None,
    output: str | None,
    server: str | None,
    token: str | None,
) -> None:
    """Results as JSON or CSV (to stdout), or a PNG or SVG chart (to a file)."""
    target = companion.resolve(session, server, token)
    query = f"format={fmt}&chart={chart}" + (f"&lang={lang}" if lang else "")
    url = f"{target.server.rstrip('/')}/api/vote/{target.session_id}/export?{query}"
    status, body, _ = companion.request("GET", url, token=target.token)
    if status >= 400:
        raise CompanionError(f"{companion.error_message(body, f'HTTP {status}')} ({status})")
    if output is None and fmt in ("png", "svg"):
        output = f"tohyo-{target.session_id}.{chart}.{fmt}"
    if output is None:
        click.echo(body.decode("utf-8-sig"), nl=False)
    else:
        Path(output).write_bytes(body)
        click.echo(f"Wrote {output}", err=True)


if __name__ == "__main__":  # python -m tohyo.cli
    logging.basicConfig()
    main()
