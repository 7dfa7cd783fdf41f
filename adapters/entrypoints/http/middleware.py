"""One ASGI middleware per request: correlation id, bearer token, body cap and time limit, log
line, 500s."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from eventsourcing.persistence import InterfaceError, OperationalError
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from adapters import logging as log
from adapters.entrypoints.http import blocking
from adapters.entrypoints.http.context import RequestInfo, correlation_id_from, enter, leave
from adapters.entrypoints.http.problems import (
    ApiError,
    problem_response,
    store_unavailable,
    unauthorized,
)
from adapters.security.tokens import Token, TokenStore

PROTECTED_PREFIX = "/v1"
LOGGER = "profile_service.http"
logger = log.get_logger(LOGGER)


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The request body exceeds {limit} bytes.")


class BodyTooSlow(HTTPException):
    def __init__(self, seconds: float) -> None:
        super().__init__(
            408,
            f"The request body did not arrive within {seconds:g} s.",
            headers={"Connection": "close"},
        )


class RequestMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        tokens: TokenStore,
        max_body_bytes: int,
        body_timeout: float,
        routes: Sequence[BaseRoute] = (),
    ) -> None:
        self.app = app
        self.routes = routes
        self.tokens = tokens
        self.max_body_bytes = max_body_bytes
        self.body_timeout = body_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        info = RequestInfo(
            correlation_id=correlation_id_from(headers.get("x-correlation-id")),
            method=scope["method"],
            path=scope["path"],
        )
        marker = enter(info)
        log.clear()
        log.bind(correlation_id=info.correlation_id)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                info.status = message["status"]
                info.response_started = True
                MutableHeaders(scope=message)["X-Correlation-ID"] = info.correlation_id
            await send(message)

        try:
            await self._answer(scope, receive, send_with_id, headers, info)
        except Exception:
            logger.exception(
                "unexpected_error",
                method=info.method,
                route=_route(scope, self.routes),
                actor=info.actor,
                profile_id=info.profile_id,
            )
            if not info.response_started:
                response = problem_response(
                    500, "internal_error", "Unexpected error; quote the correlation id."
                )
                await response(scope, receive, send_with_id)
        finally:
            info.route = _route(scope, self.routes)
            _log_request(info)
            log.clear()
            leave(marker)

    async def _answer(
        self, scope: Scope, receive: Receive, send: Send, headers: Headers, info: RequestInfo
    ) -> None:
        try:
            if scope["path"] == PROTECTED_PREFIX or scope["path"].startswith(
                PROTECTED_PREFIX + "/"
            ):
                info.token = await self._authenticate(headers.get("authorization"))
                info.actor = info.token.actor
                log.bind(actor=info.actor, caller=info.token.name)
            self._check_declared_size(headers)
        except ApiError as error:
            response = problem_response(
                error.status, error.code, error.message, error.errors, headers=error.headers
            )
            await response(scope, receive, send)
            return
        except (OperationalError, InterfaceError):  # the tokens' table, busy or unreachable
            await store_unavailable()(scope, receive, send)
            return
        await self.app(scope, self._limited(receive), send)

    async def _authenticate(self, authorization: str | None) -> Token:
        scheme, _, credentials = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not credentials.strip():
            raise unauthorized()
        credentials = credentials.strip()
        token = self.tokens.recently_verified(credentials) or await blocking.run(
            self.tokens.authenticate, credentials
        )
        if token is None:
            raise unauthorized("The bearer token is unknown.")
        return token

    def _check_declared_size(self, headers: Headers) -> None:
        declared = headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
            raise ApiError(
                413, "payload_too_large", f"The request body exceeds {self.max_body_bytes} bytes."
            )

    def _limited(self, receive: Receive) -> Receive:
        """The body, at most max_body_bytes of it, all within body_timeout of its first read."""
        received = 0
        limit, seconds = self.max_body_bytes, self.body_timeout
        deadline: float | None = None
        complete = False

        async def limited_receive() -> Message:
            nonlocal received, deadline, complete
            if complete:  # after the body: waiting for a disconnection is not bounded
                return await receive()
            if deadline is None:
                deadline = asyncio.get_running_loop().time() + seconds
            try:
                # asyncio's own timeout: half the CPU of anyio.fail_after's cancel scope
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                raise BodyTooSlow(seconds) from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
                complete = not message.get("more_body", False)
            else:
                complete = True
            return message

        return limited_receive


def _route(scope: Scope, routes: Sequence[BaseRoute]) -> str | None:
    """The path template that answered, or would have answered, the request."""
    path = getattr(scope.get("route"), "path", None)
    if isinstance(path, str):
        return path
    probe = dict(scope)
    for route in routes:
        if route.matches(probe)[0] is Match.FULL:
            path = getattr(route, "path", None)
            return path if isinstance(path, str) else None
    return None


def _log_request(info: RequestInfo) -> None:
    log.info_line(
        LOGGER,
        "request",
        method=info.method,
        route=info.route or "<unmatched>",
        status=info.status,
        duration_ms=info.duration_ms,
        actor=info.actor,
        caller=info.token.name if info.token is not None else None,
        correlation_id=info.correlation_id,
        profile_id=info.profile_id,
        version=info.version,
    )
