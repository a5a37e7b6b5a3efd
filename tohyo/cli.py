"""`tohyo serve` and friends. Every option also reads a `TOHYO_*` environment variable."""

from __future__ import annotations

import importlib.util
import logging
import socket
import sys
from typing import Any

import click
import uvicorn

from tohyo.config import Settings, env_name
from tohyo.errors import ConfigurationError, StorageError
from tohyo.storage import open_store
from tohyo.web.app import TohyoApp, create_app


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
        "storage", "memory:// or sqlite:///path/to/tohyo.db; default sqlite:///./tohyo.db."
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
    app = create_app(settings, store)
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        loop="uvloop" if importlib.util.find_spec("uvloop") else "asyncio",
        http="httptools",
        lifespan="on",
        access_log=settings.access_log,
        log_level=settings.log_level,
        timeout_graceful_shutdown=10,
        proxy_headers=settings.trusted_proxies is not None,
        forwarded_allow_ips=settings.trusted_proxies,
        server_header=False,
    )
    server = Server(config, app)
    click.echo(f"tohyo: storage {settings.storage}", err=True)
    server.run()
    if not server.started:
        sys.exit(3)


class Server(uvicorn.Server):
    """uvicorn's server, told to end open streams before it waits for connections."""

    def __init__(self, config: uvicorn.Config, app: TohyoApp) -> None:
        super().__init__(config)
        self.tohyo = app

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        self.tohyo.begin_shutdown()
        await super().shutdown(sockets)


if __name__ == "__main__":  # python -m tohyo.cli
    logging.basicConfig()
    main()
