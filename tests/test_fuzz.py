"""Schemathesis over the app's own OpenAPI schema, against a real server: every operation,
generated inputs (valid and broken), no 5xx, and every response as the schema says.

Schemathesis' Python API drives Hypothesis here (its pytest plugin does not follow the
newest pytest): one Hypothesis run per operation, all in one test.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.conftest import QUESTION, ServerProcess

pytestmark = pytest.mark.slow

EXAMPLES = 60  # per operation


@pytest.fixture(scope="module")
def fuzzed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    directory: Path = tmp_path_factory.mktemp("fuzz")
    server = ServerProcess(
        f"sqlite:///{directory / 'tohyo.db'}",
        directory / "server.log",
        TOHYO_RATE_LIMITS="false",  # one client, thousands of requests: not abuse here
    ).start()
    yield server
    server.stop()


def test_every_operation_answers_as_documented(fuzzed_server: ServerProcess) -> None:
    schema = schemathesis.openapi.from_url(fuzzed_server.url + "/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    names = {f"{op.method.upper()} {op.path}" for op in operations}
    assert len(names) >= 8, names  # every documented operation, streams included

    for operation in operations:
        # Made-up session ids (404s, and malformed ones), then real sessions, with and
        # without the host's credentials, so generated bodies and queries reach the
        # handlers. A real session's stream never ends: test_stream.py covers those.
        real_sessions = [False]
        if "{sessionId}" in operation.path and not operation.path.endswith("/stream"):
            real_sessions.append(True)
        for real in real_sessions:
            run_operation(fuzzed_server, operation, real)
    assert "Traceback" not in fuzzed_server.log(), fuzzed_server.log()[-3000:]


def run_operation(server: ServerProcess, operation: Any, real: bool) -> None:
    @given(case=operation.as_strategy(), as_host=st.booleans())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def answers_as_documented(case: schemathesis.Case, as_host: bool) -> None:
        if real:
            created = httpx.post(server.url + "/api/vote", json=QUESTION).json()
            case.path_parameters = {
                **(case.path_parameters or {}),
                "sessionId": created["sessionId"],
            }
            if as_host:
                case.headers = {
                    **(case.headers or {}),
                    "Authorization": f"Bearer {created['hostToken']}",
                }
        response = case.call(timeout=10)
        # Every check but one: a schema cannot say "no two choices equal once trimmed",
        # so a request it allows may still be refused with a clear 400.
        case.validate_response(response, excluded_checks=[positive_data_acceptance])

    answers_as_documented()
