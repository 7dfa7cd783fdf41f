"""The profile view, now or as it was (time travel from the events)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import Query, Response

from adapters.entrypoints.http.blocking import Router
from adapters.entrypoints.http.deps import (
    Histories,
    Reader,
    ReadModel,
    Reads,
    Service,
    request_info,
)
from adapters.entrypoints.http.problems import COMMON, ApiError, responses
from adapters.entrypoints.http.routes.common import ProfileId
from adapters.entrypoints.http.schemas import ETAG_HEADER, ProfileHolding, ProfileView
from application.history import History
from domain.errors import ProfileWasErased

router = Router(prefix="/v1", responses=responses(*COMMON), tags=["profiles"])

READ_YOUR_WRITES_SECONDS = 2.0
MIN_VERSION_HEADER = {
    "X-Min-Version-Reached": {
        "description": "With `min_version` only: `true` if the profile answered is at that "
        "version or later, `false` if it is still older after the wait (it may never get "
        "there: ask again, or check the version you expect).",
        "schema": {"type": "string", "enum": ["true", "false"]},
    }
}


def _current_state(
    profile_id: UUID, min_version: int | None, reads: ReadModel, history: History
) -> dict[str, Any]:
    """The view; the events' own state when the view lacks the profile or lags behind."""
    if min_version is not None:
        reads.wait_for_version(profile_id, min_version, timeout=READ_YOUR_WRITES_SECONDS)
    view = reads.profiles.get(profile_id)
    if view is not None and view.get("erased"):
        raise ProfileWasErased(profile_id)
    if view is None or (min_version is not None and int(view["version"]) < min_version):
        return history.profile_at(profile_id)
    return view


@router.get(
    "/profiles/{profile_id}",
    summary="The profile, now or as it was",
    response_model=ProfileView,
    responses={**responses(404, 410), 200: {"headers": {**ETAG_HEADER, **MIN_VERSION_HEADER}}},
)
def get_profile(
    profile_id: ProfileId,
    _caller: Reader,
    reads: Reads,
    history: Histories,
    response: Response,
    min_version: Annotated[
        int | None,
        Query(
            ge=1,
            le=10**12,
            description="Wait briefly (2 s at most) for this version; the answer's "
            "`X-Min-Version-Reached` header says whether it got there.",
        ),
    ] = None,
    as_of: Annotated[
        datetime | None, Query(description="ISO 8601: the profile as it was at that moment.")
    ] = None,
    version: Annotated[
        int | None, Query(ge=1, le=10**12, description="The profile as it was at that version.")
    ] = None,
) -> dict[str, Any]:
    if sum(value is not None for value in (min_version, as_of, version)) > 1:
        raise ApiError(
            400, "validation_error", "Give at most one of min_version, as_of and version.", "query"
        )
    if as_of is not None or version is not None:
        moment = as_of.replace(tzinfo=as_of.tzinfo or UTC) if as_of is not None else None
        state = history.profile_at(profile_id, version=version, as_of=moment)
    else:
        state = _current_state(profile_id, min_version, reads, history)
    response.headers["ETag"] = f'"{state["version"]}"'
    if min_version is not None:
        reached = int(state["version"]) >= min_version
        response.headers["X-Min-Version-Reached"] = "true" if reached else "false"
    request_info().note(profile_id=str(profile_id), version=int(state["version"]))
    return state


@router.get(
    "/profiles",
    summary="The profile holding an e-mail address",
    description="Scope `profiles:read`. The address is normalised as registration does (the "
    "domain lower-cased, the local part's case ignored): 404 when no profile holds it, 422 "
    "invalid_email when it is not an address.",
    responses=responses(404, 422),
)
def find_profile_by_email(
    email: Annotated[str, Query(min_length=3, max_length=320, examples=["marie@example.com"])],
    _caller: Reader,
    service: Service,
) -> ProfileHolding:
    return ProfileHolding(profile_id=str(service.profile_holding(email)))
