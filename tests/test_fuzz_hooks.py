"""The fuzz run's one allowance for a resource just made and not found (tests/fuzz_hooks.py):
an answer to a question just added, which is a draft no participant finds. Nothing
else that looks like it is let through."""

from __future__ import annotations

import json
from typing import Any

from tests import fuzz_hooks

EVENT = "/api/events/41b007cf-ea9b-4c56-8782-91d05629c999"


class Sent:
    def __init__(self, method: str, path: str) -> None:
        self.method = method
        self.url = "http://127.0.0.1:8000" + path
        self.body = b"{}"


class Reply:
    def __init__(self, status: int, body: Any, method: str, path: str) -> None:
        self.status_code = status
        self._body = body
        self.request = Sent(method, path)

    def json(self) -> Any:
        return json.loads(json.dumps(self._body))


class EnsureResourceAvailability:  # named as schemathesis's ST302 failure
    pass


class Other:
    pass


DRAFT = {"error": "No such question in this event", "code": "not_found"}


def test_an_answer_to_a_question_just_added_is_let_through() -> None:
    reply = Reply(404, DRAFT, "POST", f"{EVENT}/questions/q1/responses")
    assert not fuzz_hooks.kept(EnsureResourceAvailability(), reply)


def test_other_404s_of_resources_just_made_are_kept() -> None:
    cases = [
        Reply(404, DRAFT, "POST", f"{EVENT}/questions/q1/open"),  # the host's own: a bug
        Reply(
            404,
            {"error": "No such event", "code": "not_found"},
            "POST",
            f"{EVENT}/questions/q1/responses",
        ),
        Reply(409, DRAFT, "POST", f"{EVENT}/questions/q1/responses"),
        Reply(404, DRAFT, "GET", f"{EVENT}/questions/q1/responses"),
    ]
    for reply in cases:
        assert fuzz_hooks.kept(EnsureResourceAvailability(), reply), reply.request.url
    assert fuzz_hooks.kept(Other(), Reply(404, DRAFT, "POST", f"{EVENT}/questions/q1/responses"))
