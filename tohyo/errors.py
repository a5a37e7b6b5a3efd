"""Every error tohyo raises on purpose, one class per machine code.

    TohyoError
    ├── ConfigurationError       bad settings or storage URL (CLI prints one line, exits 2)
    ├── StorageError             503 storage_unavailable: nothing was acknowledged
    │   └── StoreLocked          another process owns the SQLite file
    └── RequestError             a client's request was refused (4xx)
        ├── InvalidJSON          400 invalid_json
        ├── ValidationFailed     400 validation_error  (details: [{field, message}])
        ├── InvalidBallot        400 invalid_ballot
        ├── InvalidParameter     400 invalid_parameter
        ├── Unauthorized         401 unauthorized
        ├── Forbidden            403 forbidden
        ├── CrossOrigin          403 cross_origin
        ├── VotingClosed         403 closed
        ├── ResultsHidden        403 results_hidden
        ├── NotFound             404 not_found
        ├── MethodNotAllowed     405 method_not_allowed
        ├── RequestTimeout       408 request_timeout     (headers too slow; then closed)
        ├── AlreadyVoted         409 already_voted
        ├── NicknameTaken        409 nickname_taken
        ├── InvalidState         409 invalid_state
        ├── EventEnded           409 event_ended
        ├── RoundChanged         409 round_changed       (details: {round})
        ├── PayloadTooLarge      413 payload_too_large
        ├── UnsupportedMediaType 415 unsupported_media_type
        ├── RateLimited          429 rate_limited        (Retry-After)
        │   └── TooManyStreams   429 too_many_streams    (Retry-After)
        └── HeadersTooLarge      431 headers_too_large   (then closed)
    ServerBusy (StorageError's sibling) 503 server_busy   (Retry-After)

HTTP status and code live on the class so one function (`error_body`) renders every
error the same way, and a test can check that every code is documented.
"""

from __future__ import annotations

from typing import Any, ClassVar


class TohyoError(Exception):
    status: ClassVar[int] = 500
    code: ClassVar[str] = "internal"
    default_message: ClassVar[str] = "Internal server error"

    def __init__(self, message: str | None = None, details: Any = None) -> None:
        self.message = message or self.default_message
        self.details = details
        # HTTP headers the error's response must carry (a voter cookie on an unknown outcome).
        self.headers: list[tuple[bytes, bytes]] = []
        super().__init__(self.message)


class ConfigurationError(TohyoError):
    code = "configuration"
    default_message = "Invalid configuration"


class StorageError(TohyoError):
    status = 503
    code = "storage_unavailable"
    default_message = "Storage is unavailable; try again"


class StoreLocked(StorageError):
    code = "store_locked"
    default_message = "Another tohyo process owns this database"


class RequestError(TohyoError):
    status = 400
    code = "bad_request"
    default_message = "Bad request"


class InvalidJSON(RequestError):
    code = "invalid_json"
    default_message = "The request body is not valid JSON"


class ValidationFailed(RequestError):
    code = "validation_error"
    default_message = "The request is not valid"


class InvalidBallot(RequestError):
    code = "invalid_ballot"
    default_message = "The ballot is not valid"


class InvalidParameter(RequestError):
    code = "invalid_parameter"
    default_message = "A query parameter is not valid"


class Unauthorized(RequestError):
    status = 401
    code = "unauthorized"
    default_message = "Host credentials are required"


class Forbidden(RequestError):
    status = 403
    code = "forbidden"
    default_message = "These credentials do not belong to this session's host"


class CrossOrigin(RequestError):
    status = 403
    code = "cross_origin"
    default_message = "A page on another site may not change voting sessions"


class VotingClosed(RequestError):
    status = 403
    code = "closed"
    default_message = "Voting is closed"


class ResultsHidden(RequestError):
    status = 403
    code = "results_hidden"
    default_message = "The host has not made the results visible to you (yet)"


class NotFound(RequestError):
    status = 404
    code = "not_found"
    default_message = "No such voting session (it may have expired)"


class MethodNotAllowed(RequestError):
    status = 405
    code = "method_not_allowed"
    default_message = "Method not allowed"


class AlreadyVoted(RequestError):
    status = 409
    code = "already_voted"
    default_message = "You have already voted in this session"


class NicknameTaken(RequestError):
    """Another participant of the event holds the nickname (after normalisation: "Aki"
    and "ＡＫＩ" are one name). Nothing is changed: the participant keeps the one they had."""

    status = 409
    code = "nickname_taken"
    default_message = "That nickname is taken in this event"


class InvalidState(RequestError):
    """A host's change the question's or event's state does not allow (editing a question
    that has been opened, presenting a draft, …)."""

    status = 409
    code = "invalid_state"
    default_message = "That change is not possible in the current state"


class EventEnded(RequestError):
    status = 409
    code = "event_ended"
    default_message = "The event has ended"


class RoundChanged(RequestError):
    """A request that names the round it was made for (an answer, a reset) when the
    question is in another one by then: a reset came first. Nothing is recorded; `details`
    says the question's round now."""

    status = 409
    code = "round_changed"
    default_message = "The question has moved on to another round"

    def __init__(self, current: int) -> None:
        super().__init__(None, {"round": current})
        self.current = current


class RequestTimeout(RequestError):
    status = 408
    code = "request_timeout"
    default_message = "The request headers did not arrive in time"


class HeadersTooLarge(RequestError):
    status = 431
    code = "headers_too_large"
    default_message = "The request line and headers are too large"


class PayloadTooLarge(RequestError):
    status = 413
    code = "payload_too_large"
    default_message = "The request body is too large"


class UnsupportedMediaType(RequestError):
    status = 415
    code = "unsupported_media_type"
    default_message = "The request body must be JSON (Content-Type: application/json)"


class RateLimited(RequestError):
    status = 429
    code = "rate_limited"
    default_message = "Too many requests from this address; try again shortly"

    def __init__(self, retry_after: int = 1, message: str | None = None) -> None:
        super().__init__(message, {"retryAfter": retry_after})
        self.retry_after = retry_after


class TooManyStreams(RateLimited):
    code = "too_many_streams"
    default_message = "Too many live streams are open from this address"


class ServerBusy(TohyoError):
    status = 503
    code = "server_busy"
    default_message = "The server has as many live streams as it can take; try again shortly"

    def __init__(self, retry_after: int = 5) -> None:
        super().__init__(None, {"retryAfter": retry_after})
        self.retry_after = retry_after


def http_errors() -> list[type[TohyoError]]:
    """Every error class a client can receive, for docs and schema checks."""
    found: list[type[TohyoError]] = []
    pending: list[type[TohyoError]] = [TohyoError]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls is not ConfigurationError and cls is not RequestError:
            found.append(cls)
    return sorted(found, key=lambda c: (c.status, c.code))


def error_body(error: TohyoError) -> dict[str, Any]:
    """The one JSON shape of every error: {error, code, details?}."""
    body: dict[str, Any] = {"error": error.message, "code": error.code}
    if error.details is not None:
        body["details"] = error.details
    return body
