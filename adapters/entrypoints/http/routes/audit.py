"""The audit trail: one profile's, and every profile's in recorded order."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any
from uuid import UUID

from fastapi import Query

from adapters.entrypoints.http.blocking import Router
from adapters.entrypoints.http.deps import Auditor, ReadModel, Reads, Service
from adapters.entrypoints.http.problems import COMMON, responses
from adapters.entrypoints.http.routes.common import Limit, ProfileId
from adapters.entrypoints.http.schemas import AuditPage
from application.service import ProfileService
from domain.events import SECTIONS

router = Router(prefix="/v1", responses=responses(*COMMON), tags=["audit"])

Section = StrEnum("Section", [(name, name) for name in SECTIONS])  # type: ignore[misc]


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
)
def audit_log(
    _caller: Auditor,
    reads: Reads,
    limit: Limit = 100,
    after: Annotated[int | None, Query(ge=0, le=2**62, description="A position.")] = None,
) -> AuditPage:
    return _audit_page(reads.audit.entries(after=after, limit=limit), limit)
