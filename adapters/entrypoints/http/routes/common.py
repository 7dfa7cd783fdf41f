"""What the routes share: path parameters, the command answer, documented refusals."""

from __future__ import annotations

from json import dumps as _dumps
from typing import Annotated, Any
from uuid import UUID

from fastapi import Path, Query, Response

from adapters.entrypoints.http.deps import request_info
from adapters.entrypoints.http.problems import BODY, COMMON, responses
from adapters.entrypoints.http.schemas import ETAG_HEADER
from application.ports import CommandResult

REFUSALS = responses(*COMMON, 404, 409, 410, 412, 422)
ProfileId = Annotated[UUID, Path(description="The profile's id.")]
Limit = Annotated[int, Query(ge=1, le=1000, description="At most this many entries.")]


def answered(status: int = 200, *, body: bool = True) -> dict[int | str, dict[str, Any]]:
    """The documented responses of a command answering `status` (with a body, or none)."""
    refusals = {**REFUSALS, **responses(*BODY)} if body else REFUSALS
    return {**refusals, status: {"headers": ETAG_HEADER}}


def answer(
    result: CommandResult, response: Response, status: int = 200, contact_id: str | None = None
) -> Response:
    """The command's answer, built here: the same JSON as CommandAnswer (the operation's
    documented `response_model`) without FastAPI validating and serialising it again; with the
    headers the endpoint set on `response` (Location) and the ETag."""
    request_info().note(profile_id=result.profile_id, version=result.version)
    body: dict[str, object] = {
        "profile_id": result.profile_id, "version": result.version, "events": list(result.events)
    }
    if contact_id is not None:  # ContactAddedAnswer
        body["contact_id"] = contact_id
    built = Response(_dumps(body, ensure_ascii=False, separators=(",", ":")).encode(),
                     status, media_type="application/json")
    built.raw_headers.extend(response.headers.raw)
    built.raw_headers.append((b"etag", f'"{result.version}"'.encode()))
    return built
