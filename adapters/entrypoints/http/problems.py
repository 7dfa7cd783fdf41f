"""Refusals as application/problem+json: domain errors, bad input, auth, and the unexpected."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from http import HTTPStatus
from typing import Any

from eventsourcing.persistence import InterfaceError, OperationalError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from adapters.entrypoints.http.bodies import not_json, unparsable_body
from adapters.entrypoints.http.context import current_request
from adapters.entrypoints.http.schemas import FieldProblem, Problem
from adapters.logging import get_logger
from application.errors import EventsUnreadable, StoreUnavailable
from domain.errors import (
    DomainError,
    FieldError,
    IdempotencyKeyReused,
    ProfileNotFound,
    ProfileWasErased,
    RuleViolation,
    VersionConflict,
    VersionNotFound,
)

PROBLEM_JSON = "application/problem+json"
RETRY_AFTER_SECONDS = 1
logger = get_logger("profile_service.http")
_HTTP_CODES = {
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    408: "request_timeout",
    413: "payload_too_large",
    415: "unsupported_media_type",
}


class ApiError(Exception):
    """A refusal decided by the HTTP layer itself (authentication, scopes, headers, size)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        field: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.errors = (FieldError(field, code, message),) if field is not None else ()
        self.headers = dict(headers or {})


def unauthorized(message: str = "A valid bearer token is required.") -> ApiError:
    return ApiError(401, "unauthorized", message, headers={"WWW-Authenticate": "Bearer"})


def problem_response(
    status: int,
    code: str,
    detail: str,
    errors: Iterable[FieldError] = (),
    headers: Mapping[str, str] | None = None,
    feedback: Sequence[str] | None = None,
) -> JSONResponse:
    info = current_request()
    body = Problem(
        type=f"urn:profile-service:problem:{code}",
        title=HTTPStatus(status).phrase,
        status=status,
        detail=detail,
        code=code,
        errors=[FieldProblem(field=e.field, code=e.code, message=e.message) for e in errors],
        correlation_id=info.correlation_id if info else "",
        feedback=list(feedback) if feedback else None,
    )
    return JSONResponse(
        body.model_dump(exclude_none=True),
        status_code=status,
        media_type=PROBLEM_JSON,
        headers=dict(headers or {}),
    )


def store_unavailable() -> JSONResponse:
    """503 store_unavailable, after the store's own bounded wait (at most 5 s)."""
    error = StoreUnavailable()
    return problem_response(
        503, error.code, error.message, headers={"Retry-After": str(RETRY_AFTER_SECONDS)}
    )


def status_of(error: DomainError) -> int:
    if isinstance(error, ProfileNotFound | VersionNotFound):
        return 404
    if isinstance(error, ProfileWasErased):
        return 410
    if isinstance(error, VersionConflict):
        return 412 if error.expected is not None else 409
    if isinstance(error, IdempotencyKeyReused):
        return 422
    if error.code == "validation_error":
        return 400
    return 422


def domain_problem(error: DomainError) -> JSONResponse:
    feedback = error.feedback if isinstance(error, RuleViolation) else None
    return problem_response(
        status_of(error), error.code, error.message, error.errors, feedback=feedback
    )


def _field(loc: Sequence[int | str]) -> str:
    """`body.address.country` → `address.country`; `header.if-match` → `if-match`."""
    parts = [str(part) for part in loc[1:] if not (loc[0] == "body" and isinstance(part, int))]
    if loc and loc[0] == "body" and len(loc) == 2 and isinstance(loc[1], int):
        return "body"  # the position of a JSON syntax error
    return ".".join(parts) or str(loc[0] if loc else "body")


def validation_problem(error: RequestValidationError) -> JSONResponse:
    errors = [
        FieldError(_field(e.get("loc", ())), "validation_error", str(e.get("msg", "invalid")))
        for e in error.errors()
    ]
    detail = "; ".join(f"{e.field}: {e.message}" for e in errors) or "invalid request"
    return problem_response(400, "validation_error", detail, errors)


def allowed_methods(request: Request) -> list[str]:
    """Every method of every route on this path (FastAPI routes have one method each)."""
    methods: set[str] = set()
    for route in getattr(request.app.state, "routes", ()):
        if route.matches(request.scope)[0] is not Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    return sorted(methods)


def install(app: FastAPI) -> None:
    """Answer every refusal as a problem; unexpected errors are left to the middleware."""

    async def on_domain_error(_request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, DomainError)
        return domain_problem(error)

    async def on_api_error(_request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, ApiError)
        return problem_response(
            error.status, error.code, error.message, error.errors, headers=error.headers
        )

    async def on_validation_error(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, RequestValidationError)
        if not_json(request.headers.get("content-type"), error.errors()):
            return problem_response(
                415,
                "unsupported_media_type",
                "The request body must be JSON, sent as Content-Type: application/json.",
            )
        return validation_problem(error)

    async def on_http_error(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, StarletteHTTPException)
        status = error.status_code
        if status == 400:  # FastAPI's "error parsing the body": bad UTF-8, nested too deep
            message = unparsable_body(error.__cause__)
            return problem_response(
                400, "validation_error", message, [FieldError("body", "validation_error", message)]
            )
        code = _HTTP_CODES.get(status, "http_error")
        detail = error.detail if isinstance(error.detail, str) else HTTPStatus(status).phrase
        headers = dict(error.headers or {})
        if status == 405:
            headers["Allow"] = ", ".join(allowed_methods(request))
        return problem_response(status, code, detail, headers=headers)

    async def on_store_unavailable(_request: Request, error: Exception) -> JSONResponse:
        return store_unavailable()

    async def on_unreadable(_request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, EventsUnreadable)
        logger.error("events_unreadable", detail=error.message)
        return problem_response(500, error.code, error.message)

    app.add_exception_handler(StoreUnavailable, on_store_unavailable)
    app.add_exception_handler(OperationalError, on_store_unavailable)  # from the read side
    app.add_exception_handler(InterfaceError, on_store_unavailable)
    app.add_exception_handler(EventsUnreadable, on_unreadable)
    app.add_exception_handler(DomainError, on_domain_error)
    app.add_exception_handler(ApiError, on_api_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)


_RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "schema": {"type": "integer", "minimum": 1},
    }
}


def documented(status: int, description: str) -> dict[str, Any]:
    """OpenAPI documentation of one refusal (openapi.py moves the schema under PROBLEM_JSON)."""
    doc = {"description": description, "model": Problem, "content": {PROBLEM_JSON: {}}}
    return {**doc, "headers": _RETRY_AFTER} if status in (429, 503) else doc


_DESCRIPTIONS = {
    400: "Malformed request: bad JSON, wrong types, bad parameter or header (validation_error).",
    401: "No bearer token, or an unknown one.",
    403: "The token lacks the scope this operation needs (forbidden), or may not act for "
    "the X-Actor given (actor_not_allowed).",
    404: "Unknown profile (profile_not_found) or no such state (version_not_found).",
    409: "Another command changed the profile at the same time, without If-Match.",
    410: "The profile's person was forgotten (profile_erased).",
    412: "If-Match names another version than the current one (version_conflict).",
    408: "The request body did not arrive in time (request_timeout).",
    413: "The request body exceeds the size limit.",
    415: "The request body is not JSON (unsupported_media_type): send application/json.",
    422: "Refused by a rule of the domain (its code), or idempotency_key_reused.",
    429: "Too many requests to this helper for this token (rate_limited, with Retry-After).",
    500: "Unexpected error, or stored events that cannot be read (events_unreadable); the "
    "correlation id finds it in the logs.",
    503: "The store is busy or unreachable after waiting at most 5 seconds "
    "(store_unavailable, with Retry-After).",
}


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI documentation of the problems an operation can answer."""
    return {status: documented(status, _DESCRIPTIONS[status]) for status in statuses}


COMMON = (400, 401, 403, 413, 500, 503)
BODY = (408, 415)  # the refusals of a request with a body
