"""Real reverse proxies for tests: nginx and Caddy, each run from the configuration in
deploy/ with only its name, ports, certificate and (nginx) stream timeout replaced, as a
foreground process with every file it writes in a test's own directory. And a stream
read through curl, the one HTTP/2 client here (httpx has no h2 without the `h2` package).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from tests.components import unavailable
from tests.conftest import free_port
from tests.sse import Frame, FrameQueue

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
NGINX_CONF = DEPLOY / "nginx.conf"
CADDYFILE = DEPLOY / "Caddyfile"
# The deploy files' own upstream, as `tohyo serve --port 8000` next to the proxy.
UPSTREAM = "127.0.0.1:8000"
WAIT = 20.0  # seconds: generous, for a loaded 2-core machine


def require(program: str, package: str) -> str:
    path = shutil.which(program)
    if path is None:
        unavailable(f"the proxy tests need {program} (apt-get install {package})")
    return path


def filled(template: str, replacements: dict[str, str]) -> str:
    """`template` with each key replaced. Each must occur exactly once, so a change to a
    deploy file that would leave part of it untested fails here instead."""
    for old, new in replacements.items():
        found = template.count(old)
        assert found == 1, f"{old!r} occurs {found} times in the deploy file, not once"
        template = template.replace(old, new)
    return template


@dataclass(frozen=True)
class Certificate:
    """A self-signed certificate for 127.0.0.1, which clients are told to trust."""

    cert: Path
    key: Path

    @classmethod
    def make(cls, directory: Path) -> Certificate:
        openssl = require("openssl", "openssl")
        cert, key = directory / "cert.pem", directory / "key.pem"
        subprocess.run(
            [
                openssl, "req", "-x509", "-nodes", "-days", "2",
                "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-keyout", str(key), "-out", str(cert),
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )  # fmt: skip
        return cls(cert, key)


class Proxy:
    """One proxy process on a free loopback port, in front of tohyo on `upstream_port`."""

    name = "proxy"

    def __init__(self, directory: Path, certificate: Certificate, upstream_port: int) -> None:
        self.directory = directory
        self.certificate = certificate
        self.upstream_port = upstream_port
        self.port = free_port()
        self.url = f"https://127.0.0.1:{self.port}"
        self.log_path = directory / f"{self.name}.out"
        self.proc: subprocess.Popen[bytes] | None = None

    def command(self) -> list[str]:
        raise NotImplementedError

    def environment(self) -> dict[str, str]:
        return dict(os.environ)

    def start(self) -> Proxy:
        command = self.command()
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, env=self.environment()
            )
        self._wait_listening()
        return self

    def _wait_listening(self) -> None:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited early:\n{self.log()}")
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=1),
            ):
                return
            time.sleep(0.05)
        raise RuntimeError(f"{self.name} not listening in {WAIT}s:\n{self.log()}")

    def log(self) -> str:
        return "\n".join(
            path.read_text(errors="replace") for path in sorted(self.directory.glob("*.log"))
        ) + self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


class Nginx(Proxy):
    """deploy/nginx.conf inside a main configuration of the test's own: no daemon, and
    its pid, logs and temporary files under `directory`."""

    name = "nginx"

    def __init__(
        self,
        directory: Path,
        certificate: Certificate,
        upstream_port: int,
        stream_read_timeout: str = "1h",
    ) -> None:
        super().__init__(directory, certificate, upstream_port)
        self.stream_read_timeout = stream_read_timeout

    def command(self) -> list[str]:
        nginx = require("nginx", "nginx")
        site = filled(
            NGINX_CONF.read_text(),
            {
                f"server {UPSTREAM};": f"server 127.0.0.1:{self.upstream_port};",
                "listen 443 ssl http2;": f"listen 127.0.0.1:{self.port} ssl http2;",
                "server_name vote.example.org;": "server_name 127.0.0.1;",
                "/etc/letsencrypt/live/vote.example.org/fullchain.pem": str(self.certificate.cert),
                "/etc/letsencrypt/live/vote.example.org/privkey.pem": str(self.certificate.key),
                "proxy_read_timeout 1h;": f"proxy_read_timeout {self.stream_read_timeout};",
            },
        )
        (self.directory / "site.conf").write_text(site)
        temp = "\n".join(
            f"  {kind}_temp_path {self.directory / ('tmp-' + kind)};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        # Run as root (CI), nginx would hand its workers to `nobody`, who may not enter
        # pytest's private temporary directories.
        user = "user root;" if os.geteuid() == 0 else ""
        main = f"""daemon off;
{user}
worker_processes 1;
pid {self.directory / "nginx.pid"};
error_log {self.directory / "error.log"} info;
events {{ worker_connections 256; }}
http {{
  access_log {self.directory / "access.log"};
  # Compressing event streams too, as a main configuration may: a buffered stream
  # would then sit in gzip's buffer.
  gzip on;
  gzip_types text/event-stream application/json;
{temp}
  include {self.directory / "site.conf"};
}}
"""
        conf = self.directory / "nginx.conf"
        conf.write_text(main)
        # -e: the error log before the configuration is read (default: /var/log/nginx).
        error_log = str(self.directory / "error.log")
        return [nginx, "-p", str(self.directory), "-e", error_log, "-c", str(conf)]


class Caddy(Proxy):
    """deploy/Caddyfile with the test's certificate instead of one from Let's Encrypt,
    bound to loopback, with no admin endpoint and its state under `directory`."""

    name = "caddy"

    def command(self) -> list[str]:
        caddy = require("caddy", "caddy")
        # No certificate automation (the test brings its own), no HTTP/3 on UDP, and a
        # short shutdown grace (the default waits for every open stream), in the file's
        # own global options.
        testing = "{\n\tadmin off\n\tauto_https off\n\tgrace_period 1s\n"
        testing += "\tservers {\n\t\tprotocols h1 h2\n"
        site = filled(
            CADDYFILE.read_text(),
            {
                "{\n\tservers {\n": testing,
                "vote.example.org {": (
                    f"https://127.0.0.1:{self.port} {{\n"
                    f"\tbind 127.0.0.1\n"
                    f"\ttls {self.certificate.cert} {self.certificate.key}"
                ),
                f"reverse_proxy {UPSTREAM} {{": (
                    f"reverse_proxy 127.0.0.1:{self.upstream_port} {{"
                ),
            },
        )
        caddyfile = self.directory / "Caddyfile"
        caddyfile.write_text(site)
        return [caddy, "run", "--config", str(caddyfile), "--adapter", "caddyfile"]

    def environment(self) -> dict[str, str]:
        home = str(self.directory)
        return {**os.environ, "HOME": home, "XDG_DATA_HOME": home, "XDG_CONFIG_HOME": home}


class CurlStream(FrameQueue):
    """A response read by `curl --http2 -i`: its status line, headers, then SSE frames
    (or, for an error, the body). `close()` ends curl, which is this stream's own child."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        super().__init__()
        self.proc = proc
        self.http_version = ""
        self.status = 0
        self.headers: dict[str, str] = {}
        self._lines: list[str] = []
        self._task: asyncio.Task[None] | None = None

    @classmethod
    async def open(
        cls,
        url: str,
        certificate: Certificate,
        headers: dict[str, str] | None = None,
        source: str = "127.0.0.1",
    ) -> CurlStream:
        curl = require("curl", "curl")
        command = [curl, "--http2", "--no-buffer", "--silent", "--show-error", "--include"]
        command += ["--compressed"]  # asks for gzip, as browsers do
        command += ["--cacert", str(certificate.cert), "--interface", source]
        for name, value in (headers or {}).items():
            command += ["--header", f"{name}: {value}"]
        proc = await asyncio.create_subprocess_exec(
            *command, url, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
        )
        stream = cls(proc)
        try:
            await asyncio.wait_for(stream._read_head(), WAIT)
        except TimeoutError:
            await stream.close()
            raise AssertionError(f"no response head within {WAIT}s") from None
        except BaseException:
            await stream.close()
            raise
        stream._task = asyncio.create_task(stream._read_body())
        return stream

    async def _line(self) -> str | None:
        assert self.proc.stdout is not None
        raw = await self.proc.stdout.readline()
        return raw.decode().rstrip("\r\n") if raw else None

    async def _read_head(self) -> None:
        status_line = await self._line()
        if status_line is None:
            assert self.proc.stderr is not None
            error = (await self.proc.stderr.read()).decode()
            raise AssertionError(f"curl got no response: {error}")
        version, status, *_ = status_line.split(" ")
        self.http_version = version.removeprefix("HTTP/")
        self.status = int(status)
        while line := await self._line():
            name, _, value = line.partition(":")
            self.headers[name.lower()] = value.strip()

    async def _read_body(self) -> None:
        try:
            while (line := await self._line()) is not None:
                self._lines.append(line)
                self.feed(line)
        finally:
            self.ended()

    async def body(self) -> str:
        """The whole body, once the server has ended the response."""
        assert self._task is not None
        await asyncio.wait_for(self._task, WAIT)
        return "\n".join(self._lines)

    async def next(self, timeout: float = WAIT) -> Frame | None:
        return await super().next(timeout)

    async def next_event(self, timeout: float = WAIT) -> Frame:
        return await super().next_event(timeout)

    async def close(self) -> None:
        if self.proc.returncode is None:
            self.proc.terminate()
        await asyncio.wait_for(self.proc.wait(), WAIT)
        if self._task is not None:
            await asyncio.wait_for(self._task, WAIT)
