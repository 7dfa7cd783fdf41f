"""What the routes share: path parameters, the command answer, documented refusals."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import Path, Query, Response

from adapters.entrypoints.http.deps import request_info
from adapters.entrypoints.http.problems import BODY, COMMON, responses
from adapters.entrypoints.http.schemas import ETAG_HEADER, CommandAnswer
from application.ports import CommandResult

REFUSALS = responses(*COMMON, 404, 409, 410, 412, 422)
ProfileId = Annotated[UUID, Path(description="The profile's id.")]
Limit = Annotated[int, Query(ge=1, le=1000, description="At most this many entries.")]


def answered(status: int = 200, *, body: bool = True) -> dict[int | str, dict[str, Any]]:
    """The documented responses of a command answering `status` (with a body, or none)."""
    refusals = {**REFUSALS, **responses(*BODY)} if body else REFUSALS
    return {**refusals, status: {"headers": ETAG_HEADER}}


def answer(result: CommandResult, response: Response) -> CommandAnswer:
    response.headers["ETag"] = f'"{result.version}"'
    request_info().note(profile_id=result.profile_id, version=result.version)
    return CommandAnswer(
        profile_id=result.profile_id, version=result.version, events=list(result.events)
    )
