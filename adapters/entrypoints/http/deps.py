"""FastAPI dependencies: the app's parts, scopes, the actor and the command context."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any, Protocol, cast
from uuid import UUID

from fastapi import Depends, Header, Request

from adapters import logging as log
from adapters.bootstrap import Container
from adapters.entrypoints.http.context import RequestInfo, current_request
from adapters.entrypoints.http.problems import ApiError, unauthorized
from adapters.security.tokens import Token
from application.context import CommandContext
from application.history import History
from application.service import ProfileService
from domain.sections.newsletters import Decision

ACTOR_PATTERN = r"^(customer|support|service|system):[A-Za-z0-9._@+\-]{1,100}$"
KEY_PATTERN = r"^[\x21-\x7e]{1,200}$"
IF_MATCH_PATTERN = r'^(W/)?"?[0-9]{1,18}"?$'
_IF_MATCH = re.compile(IF_MATCH_PATTERN)

class ProfileViews(Protocol):
    """The profile view projection."""

    def get(self, profile_id: UUID) -> dict[str, Any] | None: ...


class AuditLog(Protocol):
    """The audit trail projection."""

    def entries(
        self,
        *,
        profile_id: UUID | None = None,
        after: int | None = None,
        limit: int = 100,
        section: str | None = None,
    ) -> list[dict[str, Any]]: ...


class Audience(Protocol):
    """The newsletter audience projection."""

    def subscribers(
        self, category: str, after: str | None = None, limit: int = 100
    ) -> list[str]: ...


class ReadModel(Protocol):
    """What the HTTP API reads from the read side (adapters/readside.py ReadSide)."""

    @property
    def profiles(self) -> ProfileViews: ...

    @property
    def audit(self) -> AuditLog: ...

    @property
    def audience(self) -> Audience: ...

    def may_send(self, profile_id: UUID, kind: str) -> Decision: ...

    def wait_for_version(self, profile_id: UUID, version: int, timeout: float = 2.0) -> bool: ...

    def status(self) -> list[dict[str, Any]]: ...


@dataclass(frozen=True)
class Caller:
    token: Token
    actor: str


def request_info() -> RequestInfo:
    info = current_request()
    if info is None:  # only when the middleware is missing
        raise RuntimeError("RequestMiddleware is not installed")
    return info


# The dependencies are `async def`: FastAPI runs a plain `def` dependency in a worker thread,
# a thread hop per request for a lookup.
async def get_container(request: Request) -> Container:
    return cast(Container, request.app.state.container)


async def get_service(request: Request) -> ProfileService:
    return cast(Container, request.app.state.container).service


async def get_read_model(request: Request) -> ReadModel:
    return cast(ReadModel, request.app.state.read_side)


async def get_history(request: Request) -> History:
    return cast(History, request.app.state.history)


def _uuid_or_none(value: object) -> str | None:
    """The path's profile id for the log line, only if it is one (never arbitrary text)."""
    try:
        return str(UUID(str(value))) if value is not None else None
    except ValueError:
        return None


def requires(scope: str) -> Callable[..., Awaitable[Caller]]:
    """The caller, if its token (authenticated by the middleware on every /v1 request) has
    `scope`. The bearer scheme is documented by openapi.py, not by a `Security(HTTPBearer)`
    dependency here: FastAPI would solve it on every request for nothing."""

    async def caller(
        request: Request,
        x_actor: Annotated[
            str | None,
            Header(
                alias="X-Actor",
                pattern=ACTOR_PATTERN,
                description="On whose behalf (`customer:…`, `support:…`, `service:…`, "
                "`system:…`); defaults to `service:<token name>`.",
            ),
        ] = None,
        x_correlation_id: Annotated[
            str | None,
            Header(
                alias="X-Correlation-ID",
                description="Echoed on the response and recorded in events, audit and logs; "
                "generated when absent or not 1 to 128 of `A-Za-z0-9._:-`.",
            ),
        ] = None,
    ) -> Caller:
        info = request_info()
        if info.token is None:
            raise unauthorized()
        if scope not in info.token.scopes:
            raise ApiError(403, "forbidden", f"This operation needs the scope {scope}.")
        actor = x_actor or info.token.actor
        if not info.token.may_act_as(actor):
            kinds = ", ".join(sorted(info.token.actor_kinds))
            raise ApiError(
                403,
                "actor_not_allowed",
                f"This token may act only on behalf of: {kinds}.",
                "X-Actor",
            )
        info.actor = actor
        log.bind(actor=info.actor)
        info.note(profile_id=_uuid_or_none(request.path_params.get("profile_id")))
        return Caller(info.token, info.actor)

    caller.__name__ = f"requires_{scope.replace(':', '_')}"
    return caller


def expected_version(if_match: str | None) -> int | None:
    if if_match is None:
        return None
    if not _IF_MATCH.match(if_match):
        raise ApiError(400, "validation_error", 'If-Match is "<version>".', "If-Match")
    return int(if_match.removeprefix("W/").strip('"'))


IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        pattern=IF_MATCH_PATTERN,
        description='`"<version>"`: apply only if the profile is still at that version.',
    ),
]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        pattern=KEY_PATTERN,
        description="The same key with the same command answers the first response again; "
        "with another command: 422 idempotency_key_reused.",
    ),
]


def _context(caller: Caller, if_match: str | None, idempotency_key: str | None) -> CommandContext:
    return CommandContext(
        actor=caller.actor,
        caller=caller.token.name,
        correlation_id=request_info().correlation_id,
        expected_version=expected_version(if_match),
        idempotency_key=idempotency_key,
    )


READ = requires("profiles:read")
AUDIT = requires("audit:read")
WRITE = requires("profiles:write")
PAY = requires("payment:write")
ERASE = requires("privacy:erase")


async def write_context(
    caller: Annotated[Caller, Depends(WRITE)],
    if_match: IfMatch = None,
    idempotency_key: IdempotencyKey = None,
) -> CommandContext:
    return _context(caller, if_match, idempotency_key)


async def payment_context(
    caller: Annotated[Caller, Depends(PAY)],
    if_match: IfMatch = None,
    idempotency_key: IdempotencyKey = None,
) -> CommandContext:
    return _context(caller, if_match, idempotency_key)


async def erase_context(
    caller: Annotated[Caller, Depends(ERASE)],
    if_match: IfMatch = None,
    idempotency_key: IdempotencyKey = None,
) -> CommandContext:
    return _context(caller, if_match, idempotency_key)


Service = Annotated[ProfileService, Depends(get_service)]
Reads = Annotated[ReadModel, Depends(get_read_model)]
Histories = Annotated[History, Depends(get_history)]
Reader = Annotated[Caller, Depends(READ)]
Auditor = Annotated[Caller, Depends(AUDIT)]
Write = Annotated[CommandContext, Depends(write_context)]
Payment = Annotated[CommandContext, Depends(payment_context)]
Eraser = Annotated[CommandContext, Depends(erase_context)]
