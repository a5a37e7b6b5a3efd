"""Schemathesis over the app's own OpenAPI schema, against a real server, with every one
of its checks: no 5xx, every status, content type, header and body as the schema says,
schema-valid requests accepted and schema-invalid ones refused, 405 for methods the
schema does not list, and the stateful checks along the schema's links (create →
sessionId → read, vote, close, settings, host, export, stream; create event → eventId,
code, questionIds → every operation on them; open → answer; an event → its Q&A, an asked
entry → its upvotes and moderation).

Two runs. `schemathesis run` (its command line: the coverage, fuzzing and stateful
phases its pytest plugin lacks) over every operation, with tests/fuzz_hooks.py giving
the host's token to the host's calls. Then Hypothesis in-process per operation, on real
sessions and events with and without the host's credentials, so generated bodies reach
every handler — an event's questions of every type where the type decides (answers,
moderation, pictures, a draft's PATCH), and an event's Q&A on, with entries of each
status, asked by strangers and by a participant with a nickname. Either lets through only
the 400s no schema can state, and a 413 for a body past the byte limit (see fuzz_hooks).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.core.failures import Failure, FailureGroup

from tests import fuzz_hooks
from tests.conftest import QUESTION, ServerProcess

pytestmark = pytest.mark.slow

ROOT = Path(__file__).parent.parent
EXAMPLES = 30  # per operation, generation mode and kind of session, in-process
RUN_SECONDS = 70  # the command-line run's budget: fuzzing and stateful repeat until spent


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


def test_schemathesis_run_with_every_check_finds_nothing(
    fuzzed_server: ServerProcess, tmp_path: Path
) -> None:
    command = [
        *(sys.executable, "-m", "schemathesis.cli", "run", fuzzed_server.url + "/openapi.json"),
        *("--checks", "all", "--phases", "examples,coverage,fuzzing,stateful"),
        *("--max-examples", "10", "--max-time", str(RUN_SECONDS), "--workers", "1"),
        *("--request-timeout", "10", "--generation-database", "none", "--no-color"),
        *("--report-dir", str(tmp_path / "report")),
    ]
    # The hooks module is imported from the repository; the run keeps its cache (a list
    # of crashes to try first) in its working directory: a fresh one, so runs stay apart.
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "tests.fuzz_hooks", "PYTHONPATH": path}
    run = subprocess.run(
        command,
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=RUN_SECONDS + 240,  # generous: the budget is spent, then shrinking and reports
        check=False,
    )
    report = run.stdout + run.stderr
    assert run.returncode == 0, report[-12_000:]
    assert "❌" not in report, report[-12_000:]  # no failure in any phase
    for phase in ("Coverage", "Fuzzing", "Stateful"):
        assert f"✅ {phase}" in report, report[-12_000:]
    assert "Traceback" not in fuzzed_server.log(), fuzzed_server.log()[-3000:]


def test_every_operation_answers_as_documented(fuzzed_server: ServerProcess) -> None:
    schema = schemathesis.openapi.from_url(fuzzed_server.url + "/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    names = {f"{op.method.upper()} {op.path}" for op in operations}
    assert len(names) >= 8, names  # every documented operation, streams included

    for operation in operations:
        # Made-up session ids (404s, and malformed ones), then a real session, with and
        # without the host's credentials, so generated bodies and queries reach the
        # handlers; valid data and broken. A real session's stream never ends:
        # test_stream.py covers those. An event's question is tried open, and as a draft
        # where a draft is handled apart (edit, delete, open, reset).
        # Where the question's type decides (an answer, moderation, the pictures; a
        # draft's PATCH, merged onto its spec), every other type is tried too.
        targets: list[str | None] = [None]
        if not operation.path.endswith("/stream"):
            if "{entryId}" in operation.path:
                targets += QA_ENTRIES
            elif "{questionId}" in operation.path:
                targets.append(OPEN_QUESTION)
                if operation.method.upper() in ("PATCH", "DELETE") or operation.path.endswith(
                    ("/open", "/reset")
                ):
                    targets.append(DRAFT_QUESTION)
                if operation.path.endswith(TYPED_OPERATIONS):
                    targets += TYPED_OPEN
                if operation.method.upper() == "PATCH":
                    targets += TYPED_DRAFTS
            elif any(f"{{{name}}}" in operation.path for name in ("sessionId", "eventId", "code")):
                targets.append("")
        for target in targets:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                run_operation(fuzzed_server, operation, target, mode)
    assert "Traceback" not in fuzzed_server.log(), fuzzed_server.log()[-3000:]


OPEN_QUESTION, DRAFT_QUESTION = "q1", "q2"
# A word cloud, approve-first open text, scales with and without statements, a top-2
# ranking: opened with q1; a scale and a ranking left drafts.
TYPED_OPEN = ("q3", "q4", "q5", "q6", "q7")
TYPED_DRAFTS = ("q8", "q9")
TYPED_OPERATIONS = ("/responses", "/moderation", "/export")
SCALE = {"type": "scale", "prompt": "Agree?", "points": 5, "statements": [{"text": "It"}]}
RANKING = {"type": "ranking", "prompt": "Order?", "choices": [{"text": "E"}, {"text": "F"}]}
EVENT = {
    "title": "Workshop",
    "questions": [
        {"type": "single", "prompt": "Lunch?", "choices": [{"text": "A"}, {"text": "B"}]},
        {"type": "multiple", "prompt": "Drinks?", "choices": [{"text": "C"}, {"text": "D"}]},
        {"type": "wordcloud", "prompt": "A word?"},
        {"type": "text", "prompt": "Ideas?", "moderation": "approve"},
        SCALE,
        {"type": "scale", "prompt": "Mood?", "points": 3},
        {**RANKING, "choices": [{"text": "E"}, {"text": "F"}, {"text": "G"}], "rankTop": 2},
        SCALE,
        RANKING,
    ],
}


# An event's Q&A (on in every event): a1 shown and pinned, a2 held by the event's banned
# word, a3 hidden, a4 answered; an entry's operations are tried on the first three.
QA_ENTRIES = ("a1", "a2", "a3")
QA_ASKED = (
    ("Where are the slides?", "pin"),
    ("Is there a spoiler?", None),
    ("Who wrote this?", "hide"),
    ("Is lunch included?", "answered"),
)
# A participant with a nickname (so `nickname: true` is taken), asking and upvoting as
# one phone does: a second upvote is already_voted, a 21st question too many.
QA_VOTER = "voter" + "7" * 20
QA_NICKNAME = "Aki"


def real_target(server: ServerProcess, path: str, pinned_id: str) -> tuple[dict[str, str], str]:
    """A fresh session or event for one run: the path parameters to pin, the host token.
    An event has q1 and the typed TYPED_OPEN open, q2 and TYPED_DRAFTS drafts, Q&A on,
    for the Q&A's paths with the QA_ASKED entries, and `pinned_id` is the question or
    entry pinned."""
    if "{sessionId}" in path:
        created = httpx.post(server.url + "/api/vote", json=QUESTION).json()
        return {"sessionId": created["sessionId"]}, created["hostToken"]
    created = httpx.post(server.url + "/api/events", json=EVENT).json()
    event_id, token = created["eventId"], created["hostToken"]
    for qid in (OPEN_QUESTION, *TYPED_OPEN):
        opened = httpx.post(
            f"{server.url}/api/events/{event_id}/questions/{qid}/open",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert opened.status_code == 200, opened.text
    prepare_qa(server, event_id, token, entries="/qa" in path)
    if "{code}" in path:
        return {"code": created["code"]}, token
    pinned = {"eventId": event_id}
    if "{questionId}" in path:
        pinned["questionId"] = pinned_id
    if "{entryId}" in path:
        pinned["entryId"] = pinned_id
    return pinned, token


def prepare_qa(server: ServerProcess, event_id: str, token: str, entries: bool) -> None:
    """Q&A on (so its handlers are reached, not refused as off) and, with `entries`, the
    QA_ASKED entries, moderated as listed, and QA_VOTER's nickname."""
    url = f"{server.url}/api/events/{event_id}"
    host = {"Authorization": f"Bearer {token}"}
    change = {"qa": "open", **({"bannedWords": ["spoiler"]} if entries else {})}
    assert httpx.patch(url, json=change, headers=host).status_code == 200
    if not entries:
        return
    voter = {"cookie": f"tohyo_voter={QA_VOTER}"}
    named = httpx.put(url + "/me", json={"nickname": QA_NICKNAME}, headers=voter)
    assert named.status_code == 200, named.text
    for n, (text, action) in enumerate(QA_ASKED, start=1):
        asked = httpx.post(url + "/qa", json={"text": text}, headers=voter)
        assert asked.status_code == 201 and asked.json()["entryId"] == f"a{n}", asked.text
        if action is not None:
            done = httpx.post(f"{url}/qa/a{n}/{action}", headers=host)
            assert done.status_code == 200, done.text


def run_operation(
    server: ServerProcess, operation: Any, target: str | None, mode: GenerationMode
) -> None:
    pinned: dict[str, str] = {}
    token = ""
    real = target is not None
    qa = real and "/qa" in operation.path
    if target is not None:
        # One fresh session or event per run, pinned so schemathesis knows the id is not
        # generated data (a negative case then breaks the body or the query, not the id).
        pinned, token = real_target(server, operation.path, target)
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=pinned or None)

    @given(case=strategy, as_host=st.booleans(), as_voter=st.booleans())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def answers_as_documented(case: schemathesis.Case, as_host: bool, as_voter: bool) -> None:
        if real and as_host:
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}
        if qa and as_voter:
            case.cookies = {**(case.cookies or {}), "tohyo_voter": QA_VOTER}
        response = case.call(timeout=10)
        validate(case, response)

    try:
        answers_as_documented()
    except Unsatisfiable:
        # An operation with nothing to break (no parameters, no body) has no negative case.
        if mode is not GenerationMode.NEGATIVE:
            raise


def validate(case: schemathesis.Case, response: Any) -> None:
    """Every check; of the failures, only the refusals no schema can state are dropped."""
    try:
        case.validate_response(response)
    except FailureGroup as group:
        kept = [failure for failure in group.exceptions if fuzz_hooks.kept(failure, response)]
        if kept:
            raise FailureGroup(kept, str(group)) from None
    except Failure as failure:
        if fuzz_hooks.kept(failure, response):
            raise
