"""The queries of api.md: the profile view, time travel, the audit trail, who may be sent what."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path, Query, Request, Response

from adapters.http.deps import Auditor, Reader, ReadModel, Reads, Service, request_info
from adapters.http.problems import COMMON, ApiError, responses
from adapters.http.schemas import (
    ETAG_HEADER,
    AudiencePage,
    AuditPage,
    ProfileView,
    SendDecision,
)
from application.history import History
from application.service import ProfileService
from domain.errors import ProfileNotFound, RuleViolation
from domain.events import SECTIONS

router = APIRouter(prefix="/v1", tags=["queries"], responses=responses(*COMMON))

Section = StrEnum("Section", [(name, name) for name in SECTIONS])  # type: ignore[misc]
ProfileId = Annotated[UUID, Path(description="The profile's id.")]
Limit = Annotated[int, Query(ge=1, le=1000, description="At most this many entries.")]
READ_YOUR_WRITES_SECONDS = 2.0


def _history(request: Request) -> History:
    history = getattr(request.app.state, "history", None)
    if not isinstance(history, History):
        history = request.app.state.history = History(request.app.state.container.service)
    return history


def _current_state(
    profile_id: UUID, min_version: int | None, reads: ReadModel, request: Request
) -> dict[str, Any]:
    """The view; the events' own state when the view lacks the profile or lags behind."""
    if min_version is not None:
        reads.wait_for_version(profile_id, min_version, timeout=READ_YOUR_WRITES_SECONDS)
    view = reads.profiles.get(profile_id)
    if view is None or (min_version is not None and int(view["version"]) < min_version):
        return _history(request).profile_at(profile_id)
    return view


@router.get(
    "/profiles/{profile_id}",
    summary="The profile, now or as it was",
    response_model=ProfileView,
    responses={**responses(404), 200: {"headers": ETAG_HEADER}},
)
def get_profile(
    profile_id: ProfileId,
    _caller: Reader,
    reads: Reads,
    request: Request,
    response: Response,
    min_version: Annotated[
        int | None, Query(ge=1, le=10**12, description="Wait briefly for this version.")
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
        state = _history(request).profile_at(profile_id, version=version, as_of=moment)
    else:
        state = _current_state(profile_id, min_version, reads, request)
    response.headers["ETag"] = f'"{state["version"]}"'
    request_info().note(profile_id=str(profile_id), version=int(state["version"]))
    return state


def _ensure_profile(profile_id: UUID, reads: ReadModel, service: ProfileService) -> None:
    if reads.profiles.get(profile_id) is None:
        service.get_profile(profile_id)  # raises ProfileNotFound


def _audit_page(entries: list[dict[str, Any]], limit: int) -> AuditPage:
    last = entries[-1]["position"] if len(entries) == limit else None
    return AuditPage.model_validate({"entries": entries, "next_after": last})


@router.get(
    "/profiles/{profile_id}/audit",
    summary="A profile's audit trail, oldest first",
    description="Scope `audit:read`.",
    tags=["audit"],
    responses=responses(404),
)
def profile_audit(
    profile_id: ProfileId,
    _caller: Auditor,
    reads: Reads,
    service: Service,
    limit: Limit = 100,
    after: Annotated[int | None, Query(ge=0, le=2**62, description="A position.")] = None,
    section: Section | None = None,
) -> AuditPage:
    _ensure_profile(profile_id, reads, service)
    entries = reads.audit.entries(
        profile_id=profile_id,
        after=after,
        limit=limit,
        section=section.value if section is not None else None,
    )
    return _audit_page(entries, limit)


@router.get(
    "/audit",
    summary="Every profile's audit entries in recorded order",
    description="Scope `audit:read`.",
    tags=["audit"],
)
def all_audit(
    _caller: Auditor,
    reads: Reads,
    limit: Limit = 100,
    after: Annotated[int | None, Query(ge=0, le=2**62, description="A position.")] = None,
) -> AuditPage:
    return _audit_page(reads.audit.entries(after=after, limit=limit), limit)


@router.get(
    "/profiles/{profile_id}/communications/{kind}",
    summary="May this kind of message be sent to the profile now?",
    responses=responses(404, 422),
)
def may_send(
    profile_id: ProfileId,
    kind: Annotated[
        str,
        Path(
            max_length=100,
            description="`newsletter:<category>`, `invoice`, "
            "`payment_receipt`, `whois_verification`, `service_notice`, "
            "`domain_suggestion`.",
            examples=["newsletter:news"],
        ),
    ],
    _caller: Reader,
    reads: Reads,
    service: Service,
) -> SendDecision:
    try:
        decision = reads.may_send(profile_id, kind)
    except ProfileNotFound:
        decision = service.may_send(profile_id, kind)  # the view may lag behind the events
    return SendDecision(allowed=decision.allowed, reason=decision.reason)


@router.get(
    "/newsletters/{category}/audience",
    summary="Profiles subscribed to a category",
    responses=responses(422),
)
def audience(
    category: Annotated[str, Path(max_length=100, examples=["news"])],
    _caller: Reader,
    reads: Reads,
    service: Service,
    limit: Limit = 100,
    after: Annotated[str | None, Query(max_length=100, description="A profile id.")] = None,
) -> AudiencePage:
    if category not in service.categories:
        raise RuleViolation(
            "unknown_newsletter_category", f"Unknown newsletter category {category!r}.", "category"
        )
    ids = reads.audience.subscribers(category, after=after, limit=limit)
    return AudiencePage(
        category=category, profile_ids=ids, next_after=ids[-1] if len(ids) == limit else None
    )
