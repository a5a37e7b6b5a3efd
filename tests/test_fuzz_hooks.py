"""The fuzz run's allowances (tests/fuzz_hooks.py), each with what looks like it and is
kept: the one resource just made and not found (an answer to a question just added, which
is a draft no participant finds), and the Q&A's one 400 of a valid body (a nickname shown
for a participant who has none)."""

from __future__ import annotations

import json
from typing import Any

from tests import fuzz_hooks
from tohyo import qa_objects

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


NO_NICKNAME = {  # as the server words it
    "error": qa_objects.NO_NICKNAME,
    "code": "validation_error",
    "details": [{"field": "nickname", "message": qa_objects.NO_NICKNAME}],
}


def test_a_question_to_the_host_without_a_nickname_to_show_is_let_through() -> None:
    sent = {"text": "Where are the slides?", "nickname": True}
    assert fuzz_hooks.is_stateful_refusal(400, NO_NICKNAME, "POST", f"{EVENT}/qa", sent)


def test_other_refusals_of_questions_to_the_host_are_kept() -> None:
    blank = {
        "error": "text must have a visible character",
        "code": "validation_error",
        "details": [{"field": "text", "message": "must have a visible character"}],
    }
    cases = [
        (400, blank, "POST", f"{EVENT}/qa"),  # the schema says so: a bug if valid
        (400, NO_NICKNAME, "PUT", f"{EVENT}/me"),  # not a question to the host
        (400, NO_NICKNAME, "POST", f"{EVENT}/qa/a1/upvote"),
        (409, NO_NICKNAME, "POST", f"{EVENT}/qa"),
    ]
    for status, body, method, path in cases:
        assert not fuzz_hooks.is_stateful_refusal(status, body, method, path, {}), (body, path)
