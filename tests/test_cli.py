"""The command line: settings from flags and TOHYO_* variables, clear one-line errors."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest
from click.testing import CliRunner

from tohyo.cli import main
from tohyo.config import Settings
from tohyo.errors import ConfigurationError


def test_settings_from_env_and_overrides() -> None:
    env = {
        "TOHYO_PORT": "9001",
        "TOHYO_SESSION_TTL": "60",
        "TOHYO_ACCESS_LOG": "yes",
        "TOHYO_STORAGE": "memory://",
        "TOHYO_PUBLIC_URL": "https://vote.example/",
    }
    settings = Settings.from_env(env, port=9002)
    assert (settings.port, settings.session_ttl, settings.access_log) == (9002, 60, True)
    assert settings.storage == "memory://" and settings.public_url == "https://vote.example"


@pytest.mark.parametrize(
    "env",
    [
        {"TOHYO_PORT": "eighty"},
        {"TOHYO_SESSION_TTL": "0"},
        {"TOHYO_ACCESS_LOG": "maybe"},
        {"TOHYO_MAX_BODY": "10"},
    ],
)
def test_bad_settings_are_configuration_errors(env: dict[str, str]) -> None:
    with pytest.raises(ConfigurationError):
        Settings.from_env(env)


def test_secret_key_is_hidden_from_repr() -> None:
    assert "hunter2" not in repr(Settings(secret_key="hunter2"))


def test_unknown_storage_url_is_one_line() -> None:
    result = CliRunner().invoke(main, ["serve", "--storage", "mongodb://x"])
    assert result.exit_code == 2
    message = [line for line in result.output.splitlines() if line.startswith("Error")]
    assert len(message) == 1
    assert "memory://" in message[0] and "sqlite:///" in message[0]


def test_help_names_every_env_var() -> None:
    result = CliRunner().invoke(main, ["serve", "--help"])
    for var in ("TOHYO_HOST", "TOHYO_PORT", "TOHYO_STORAGE", "TOHYO_SESSION_TTL"):
        assert var in result.output


def test_module_entry_point() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tohyo", "--version"], capture_output=True, text=True, check=True
    )
    assert "0.1.0" in done.stdout


def test_workers_need_redis() -> None:
    for storage in ("sqlite:///./tohyo.db", "memory://"):
        result = CliRunner().invoke(main, ["serve", "--workers", "2", "--storage", storage])
        assert result.exit_code == 2
        assert "--workers 2 needs Redis storage" in result.output


def test_unreachable_redis_is_one_line_and_exit_1() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once the socket is closed
    result = CliRunner().invoke(main, ["serve", "--storage", f"redis://127.0.0.1:{port}/0"])
    assert result.exit_code == 1
    assert f"cannot reach redis://127.0.0.1:{port}/0" in result.output


@pytest.mark.parametrize("url", ["redis://", "redis:///0", "redis+cluster://127.0.0.1:7000/3"])
def test_bad_redis_urls_are_usage_errors(url: str) -> None:
    result = CliRunner().invoke(main, ["serve", "--storage", url])
    assert result.exit_code == 2, result.output


def test_passwords_never_reach_the_output() -> None:
    from tohyo.storage import redacted

    assert redacted("rediss://tohyo:s3cret@db:6380/0") == "rediss://tohyo:***@db:6380/0"
    assert redacted("redis://db:6379/0") == "redis://db:6379/0"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"redis://user:s3cret@127.0.0.1:{port}/0"
    result = CliRunner().invoke(main, ["serve", "--storage", url])
    assert result.exit_code == 1 and "s3cret" not in result.output
    assert "user:***@" in result.output


def test_missing_redis_driver_names_the_extra() -> None:
    code = (
        "import sys; sys.modules['redis'] = None\n"
        "from tohyo.storage import open_store\n"
        "from tohyo.errors import ConfigurationError\n"
        "try:\n"
        "    open_store('redis://127.0.0.1:6379/0')\n"
        "except ConfigurationError as e:\n"
        "    print(e.message)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "pip install 'tohyo[redis]'" in done.stdout
