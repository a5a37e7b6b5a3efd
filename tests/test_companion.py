"""The terminal companion end to end: `tohyo create`, `watch`, `close` and `export` as
processes, against a real server."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import voter

pytestmark = pytest.mark.slow


def tohyo(*args: str, env: dict[str, str], timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tohyo", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=timeout,
        check=False,
    )


def test_create_watch_close_and_export(server_factory: Any, tmp_path: Path) -> None:
    server = server_factory(storage="memory://").start()
    env = {"XDG_STATE_HOME": str(tmp_path / "state"), "TOHYO_SERVER": server.url}
    made = tohyo("create", "Lunch?", "Ramen", "Curry", "Sushi", env=env)
    assert made.returncode == 0, made.stderr
    lines = made.stdout.splitlines()
    vote_url = next(line.split()[1] for line in lines if line.startswith("Vote:"))
    host_url = next(line.split()[1] for line in lines if line.startswith("Host:"))
    assert "#host=" in host_url and vote_url.startswith(server.url + "/vote/")
    assert "█" in made.stdout  # the QR code
    session_id = vote_url.rsplit("/", 1)[1]
    saved = tmp_path / "state" / "tohyo" / "hosts.json"
    assert session_id in saved.read_text() and stat.S_IMODE(saved.stat().st_mode) == 0o600

    for n, choice in enumerate(["1", "2", "1"]):
        httpx.post(f"{vote_url.replace('/vote/', '/api/vote/')}", json={"choiceIds": [choice]},
                   headers=voter(n))  # fmt: skip

    # watch by id alone: the host link saved by create gives it the counts.
    watcher = subprocess.Popen(
        [sys.executable, "-m", "tohyo", "watch", session_id],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **env, "COLUMNS": "100"},
    )
    time.sleep(1.5)
    closed = tohyo("close", session_id, env=env)
    assert closed.returncode == 0 and "Closed at" in closed.stdout, closed.stderr
    out, err = watcher.communicate(timeout=20)
    assert watcher.returncode == 0, err
    assert "Lunch?" in out and "Ramen" in out and "2 (66.7%)" in out
    assert "Voting is closed." in out

    csv = tohyo("export", host_url, "--format", "csv", env=env)
    assert csv.returncode == 0 and "Ramen,2,66.7" in csv.stdout
    picture = tmp_path / "chart.png"
    png = tohyo("export", session_id, "--format", "png", "-o", str(picture), env=env)
    assert png.returncode == 0 and picture.read_bytes().startswith(b"\x89PNG")


def test_no_server_is_one_line_with_the_way_out(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {"XDG_STATE_HOME": str(tmp_path), "TOHYO_SERVER": f"http://127.0.0.1:{port}"}
    result = tohyo("create", "Q?", "a", "b", env=env)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "tohyo serve" in result.stderr


def test_closing_needs_the_host(server_factory: Any, tmp_path: Path) -> None:
    server = server_factory(storage="memory://").start()
    created = httpx.post(server.url + "/api/vote", json={
        "question": "Q?", "voteType": "single", "choices": [{"text": "a"}, {"text": "b"}],
    }).json()  # fmt: skip
    env = {"XDG_STATE_HOME": str(tmp_path), "TOHYO_SERVER": server.url}
    refused = tohyo("close", created["sessionId"], env=env)
    assert refused.returncode == 1 and "host link" in refused.stderr
    wrong = tohyo("close", created["sessionId"], "--token", "x" * 30, env=env)
    assert wrong.returncode == 1 and "(403)" in wrong.stderr


def test_a_saved_host_token_goes_only_to_its_own_server(tmp_path: Path, monkeypatch: Any) -> None:
    from tohyo import companion

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    sid = "0b0c2f5e-1234-4abc-8def-0123456789ab"
    companion.remember(
        {"sessionId": sid, "hostUrl": f"https://vote.example/vote/{sid}#host=SECRET"}
    )
    assert companion.resolve(sid, None, None).token == "SECRET"
    assert companion.resolve(sid, "https://vote.example", None).token == "SECRET"
    assert companion.resolve(sid, "http://elsewhere.example", None).token is None
    folder = tmp_path / "tohyo"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "hosts.json").stat().st_mode) == 0o600


def test_redirects_are_not_followed_with_the_token() -> None:
    import http.server
    import threading

    from tohyo import companion

    seen: list[str | None] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.headers.get("Authorization"))
            self.send_response(302)
            self.send_header("Location", f"http://127.0.0.1:{self.server.server_port}/else")
            self.send_header("Content-Length", "0")
            self.send_header("Connection", "close")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/api/vote/x/export"
        status, _, _ = companion.request("GET", url, token="SECRET")
        assert status == 302 and len(seen) == 1  # answered, not followed
    finally:
        server.shutdown()
        server.server_close()


def test_create_with_a_line_break_is_one_clear_line(server_factory: Any, tmp_path: Path) -> None:
    server = server_factory(storage="memory://").start()
    env = {"XDG_STATE_HOME": str(tmp_path), "TOHYO_SERVER": server.url}
    result = tohyo("create", "Lunch\ntoday?", "Ramen", "Curry", env=env)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert "question must be one line of text: a line break" in result.stderr
    assert "(400)" in result.stderr
