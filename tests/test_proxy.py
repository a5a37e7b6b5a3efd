"""tohyo behind a real nginx and a real Caddy, run from the files in deploy/ that
docs/deployment.md shows: votes reach a stream one by one over HTTP/2, the client's own
address and scheme are believed through `--trusted-proxies`, a quiet stream outlives the
proxy's read timeout, and what a viewer sees while the only upstream restarts."""

from __future__ import annotations

import contextlib
import re
import signal
import ssl
from collections.abc import AsyncIterator, Iterator
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests import browser as pages
from tests.browser import goto
from tests.conftest import QUESTION, ServerProcess, host, voter
from tests.proxies import CADDYFILE, NGINX_CONF, Caddy, Certificate, CurlStream, Nginx, Proxy
from tohyo.config import Settings

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
HEARTBEAT = 1.0  # seconds, so a quiet period of several heartbeats is short
NGINX_STREAM_TIMEOUT = 5  # seconds: above the heartbeat, far below nginx's default 60 s

browser = pages.browser  # Debian's Chromium, once for the module


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    return Certificate.make(tmp_path_factory.mktemp("tls"))


def tohyo_behind_a_proxy(
    server_factory: Any, heartbeat: float = HEARTBEAT, streams_per_address: int = 1
) -> ServerProcess:
    """tohyo trusting the proxy on loopback, by default with at most one open stream per
    client address, so which address it believes shows in which stream it refuses."""
    server: ServerProcess = server_factory(
        args=("--trusted-proxies", "127.0.0.1"),
        TOHYO_HEARTBEAT=str(heartbeat),
        TOHYO_MAX_STREAMS_PER_ADDRESS=str(streams_per_address),
    )
    return server.start()


@pytest.fixture
def upstream(server_factory: Any) -> ServerProcess:
    return tohyo_behind_a_proxy(server_factory)


def start_proxy(kind: str, directory: Path, certificate: Certificate, port: int) -> Proxy:
    directory.mkdir()
    if kind == "nginx":
        timeout = f"{NGINX_STREAM_TIMEOUT}s"
        return Nginx(directory, certificate, port, stream_read_timeout=timeout).start()
    return Caddy(directory, certificate, port).start()


@pytest.fixture(params=["nginx", "caddy"])
def proxy(
    request: pytest.FixtureRequest,
    upstream: ServerProcess,
    certificate: Certificate,
    tmp_path: Path,
) -> Iterator[Proxy]:
    running = start_proxy(request.param, tmp_path / request.param, certificate, upstream.port)
    yield running
    running.stop()


@pytest.fixture
async def http(proxy: Proxy, certificate: Certificate) -> AsyncIterator[httpx.AsyncClient]:
    """HTTP/1.1 through the proxy, trusting only the test's certificate, keeping no
    cookies (each request says who it is)."""
    trust = ssl.create_default_context(cafile=str(certificate.cert))
    async with httpx.AsyncClient(base_url=proxy.url, verify=trust, timeout=20) as client:
        client.cookies.jar.set_policy(DefaultCookiePolicy(allowed_domains=[]))
        yield client


async def create(http: httpx.AsyncClient, proxy: Proxy) -> dict[str, Any]:
    # A browser's Origin: accepted only if the proxy passes the Host with its port.
    response = await http.post("/api/vote", json=QUESTION, headers={"origin": proxy.url})
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


@contextlib.asynccontextmanager
async def open_stream(
    proxy: Proxy,
    certificate: Certificate,
    created: dict[str, Any],
    source: str = "127.0.0.1",
    forwarded_for: str | None = None,
) -> AsyncIterator[CurlStream]:
    """The host's stream through the proxy, from `source`, optionally with an
    X-Forwarded-For header of the client's own."""
    url = f"{proxy.url}/api/vote/{created['sessionId']}/stream"
    headers = host(created)
    if forwarded_for is not None:
        headers["X-Forwarded-For"] = forwarded_for
    stream = await CurlStream.open(url, certificate, headers=headers, source=source)
    try:
        yield stream
    finally:
        await stream.close()


async def snapshot(stream: CurlStream) -> dict[str, Any]:
    assert stream.status == 200, await stream.body()
    first = await stream.next_event()
    assert first.event == "snapshot"
    return first.data


async def test_votes_reach_the_stream_one_by_one_over_http2(
    proxy: Proxy, http: httpx.AsyncClient, certificate: Certificate
) -> None:
    created = await create(http, proxy)
    async with open_stream(proxy, certificate, created) as stream:
        assert stream.http_version == "2"
        assert stream.headers["content-type"].startswith("text/event-stream")
        assert (await snapshot(stream))["totalVotes"] == 0
        url = f"/api/vote/{created['sessionId']}"
        for n in range(1, 6):
            vote = {"choiceIds": [str(1 + n % 3)]}
            response = await http.post(url, json=vote, headers=voter(n))
            assert response.status_code == 201, response.text
            # Before the next vote is sent: a buffering proxy would hold it back.
            update = await stream.next_event()
            assert (update.event, update.data["totalVotes"]) == ("update", n)


async def test_the_forwarded_scheme_makes_https_links_and_hsts(
    proxy: Proxy, http: httpx.AsyncClient
) -> None:
    response = await http.post("/api/vote", json=QUESTION)
    assert response.status_code == 201, response.text
    assert response.json()["voteUrl"].startswith(f"{proxy.url}/vote/")
    assert response.headers["strict-transport-security"] == "max-age=31536000"
    assert "; Secure" in response.headers["set-cookie"]


async def test_a_body_too_large_gets_tohyos_json_error_not_the_proxys(
    http: httpx.AsyncClient,
) -> None:
    too_large = {**QUESTION, "question": "x" * 20_000}  # above TOHYO_MAX_BODY, 16 KB
    response = await http.post("/api/vote", json=too_large)
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"


async def test_the_client_address_is_the_one_the_proxy_saw(
    proxy: Proxy, http: httpx.AsyncClient, certificate: Certificate
) -> None:
    created = await create(http, proxy)
    async with (
        open_stream(proxy, certificate, created, source="127.0.0.2") as first,
        # Another client behind the same proxy: keyed by the proxy's own address, it
        # would be refused (one stream per address here).
        open_stream(proxy, certificate, created, source="127.0.0.3") as second,
        # The first client again, claiming another address: the proxy replaces it.
        open_stream(
            proxy, certificate, created, source="127.0.0.2", forwarded_for="127.0.0.9"
        ) as spoofed,
    ):
        await snapshot(first)
        await snapshot(second)
        assert spoofed.status == 429
        assert '"code":"too_many_streams"' in (await spoofed.body()).replace(" ", "")


async def test_a_quiet_stream_outlives_the_proxy_read_timeout(
    proxy: Proxy, http: httpx.AsyncClient, certificate: Certificate
) -> None:
    created = await create(http, proxy)
    async with open_stream(proxy, certificate, created) as stream:
        await snapshot(stream)
        quiet = await stream.quiet(2.5 * NGINX_STREAM_TIMEOUT)
        assert quiet, "no heartbeat arrived"
        assert all(frame.is_comment for frame in quiet)
        response = await http.post(
            f"/api/vote/{created['sessionId']}", json={"choiceIds": ["1"]}, headers=voter(1)
        )
        assert response.status_code == 201, response.text
        assert (await stream.next_event()).data["totalVotes"] == 1


async def test_nginx_ends_a_stream_quieter_than_its_read_timeout(
    server_factory: Any, certificate: Certificate, tmp_path: Path
) -> None:
    """The other side of the test above: its timeout is real. Without a heartbeat inside
    it, nginx ends the stream (so the deploy file's timeout must stay above 15 s)."""
    silent = tohyo_behind_a_proxy(server_factory, heartbeat=3600)
    proxy = start_proxy("nginx", tmp_path / "nginx", certificate, silent.port)
    try:
        trust = ssl.create_default_context(cafile=str(certificate.cert))
        async with httpx.AsyncClient(base_url=proxy.url, verify=trust, timeout=20) as http:
            created = await create(http, proxy)
        async with open_stream(proxy, certificate, created) as stream:
            await snapshot(stream)
            assert await stream.next(timeout=6 * NGINX_STREAM_TIMEOUT) is None
        assert "upstream timed out" in proxy.log()
    finally:
        proxy.stop()


async def test_while_the_only_upstream_restarts_the_proxy_answers_502(
    proxy: Proxy, http: httpx.AsyncClient, certificate: Certificate, upstream: ServerProcess
) -> None:
    created = await create(http, proxy)
    url = f"/api/vote/{created['sessionId']}"
    assert (await http.post(url, json={"choiceIds": ["2"]}, headers=voter(1))).status_code == 201
    async with open_stream(proxy, certificate, created) as stream:
        await snapshot(stream)
        upstream.signal(signal.SIGTERM)
        upstream.wait(20)
        # tohyo's last words: reconnect in a second. Then the response ends.
        frames = [frame async for frame in _until_end(stream)]
        assert frames[-1].fields == [("retry", "1000")], frames

    assert (await http.get(url)).status_code == 502
    # What an EventSource's reconnect gets: not a stream, so a spec-following client
    # stops for good (tohyo's pages ask again with back-off).
    async with open_stream(proxy, certificate, created) as refused:
        assert refused.status == 502

    upstream.start()  # the same port and SQLite file
    view = await http.get(url, headers=host(created))
    assert view.status_code == 200, view.text
    assert view.json()["totalVotes"] == 1
    async with open_stream(proxy, certificate, created) as again:
        assert (await snapshot(again))["totalVotes"] == 1


async def _until_end(stream: CurlStream) -> AsyncIterator[Any]:
    while (frame := await stream.next()) is not None:
        yield frame


def test_in_chromium_a_plain_eventsource_stops_at_a_restart_and_the_host_page_goes_on(
    browser: Any, server_factory: Any, certificate: Certificate, tmp_path: Path
) -> None:
    """What docs/deployment.md says of a restart behind nginx, in a real browser: a
    standard EventSource gives up at the 502, tohyo's host page asks again and shows
    the vote cast after the restart."""
    from playwright.sync_api import expect

    upstream = tohyo_behind_a_proxy(server_factory, streams_per_address=10)
    proxy = start_proxy("nginx", tmp_path / "nginx", certificate, upstream.port)
    trust = ssl.create_default_context(cafile=str(certificate.cert))
    context = browser.new_context(ignore_https_errors=True, base_url=proxy.url)
    try:
        with httpx.Client(base_url=proxy.url, verify=trust, timeout=20) as http:
            response = http.post("/api/vote", json=QUESTION)
            assert response.status_code == 201, response.text
            created = response.json()
            host_page = context.new_page()
            goto(host_page, created["hostUrl"])
            plain = context.new_page()
            goto(plain, created["voteUrl"])
            plain.evaluate(
                """(url) => {
                    window.plain = new EventSource(url);
                    window.updates = 0;
                    window.plain.addEventListener("update", () => (window.updates += 1));
                }""",
                f"/api/vote/{created['sessionId']}/stream",
            )
            plain.wait_for_function("() => window.plain.readyState === EventSource.OPEN")

            upstream.signal(signal.SIGTERM)
            upstream.wait(20)
            # `retry: 1000`, then a reconnect answered 502: closed for good.
            plain.wait_for_function("() => window.plain.readyState === EventSource.CLOSED")
            upstream.start()
            vote = http.post(
                f"/api/vote/{created['sessionId']}", json={"choiceIds": ["2"]}, headers=voter(1)
            )
            assert vote.status_code == 201, vote.text
            expect(host_page.locator("#total")).to_have_text("1 ballot", timeout=60_000)
            assert plain.evaluate("() => [window.plain.readyState, window.updates]") == [2, 0]
    finally:
        context.close()
        proxy.stop()


# --- the files and the docs -------------------------------------------------------------


def fenced_after(marker: str, text: str) -> str:
    """The fenced block that follows `marker` in a Markdown text."""
    found = re.search(re.escape(marker) + r"\n```[a-z]*\n(.*?)```\n", text, re.DOTALL)
    assert found, f"no fenced block after {marker}"
    return found.group(1)


def test_the_deployment_docs_show_the_tested_files_verbatim() -> None:
    docs = (ROOT / "docs" / "deployment.md").read_text()
    for path in (NGINX_CONF, CADDYFILE):
        marker = f"<!-- {path.relative_to(ROOT)}, verbatim (tests/test_proxy.py) -->"
        assert fenced_after(marker, docs) == path.read_text(), f"{path.name} drifted"


def test_the_nginx_stream_timeout_is_above_the_default_heartbeat() -> None:
    timeout = re.search(r"proxy_read_timeout (\d+)([smh]);", NGINX_CONF.read_text())
    assert timeout, "deploy/nginx.conf sets no proxy_read_timeout for streams"
    seconds = int(timeout.group(1)) * {"s": 1, "m": 60, "h": 3600}[timeout.group(2)]
    assert seconds > 2 * Settings().heartbeat
