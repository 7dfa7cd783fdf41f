"""Liveness and readiness, without a token."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from adapters.entrypoints.http.deps import Reads
from adapters.entrypoints.http.problems import responses
from adapters.entrypoints.http.schemas import Health, ProjectionStatus, Readiness
from adapters.logging import get_logger

router = APIRouter(tags=["health"])
logger = get_logger("profile_service.health")


@router.get("/healthz", summary="Liveness: the process answers")
def healthz() -> Health:
    return Health(status="ok")


@router.get(
    "/readyz",
    summary="Readiness: the store answers; the projections' (and the event feed's) lag",
    responses={
        503: {"model": Readiness, "description": "The store cannot be reached."},
        **responses(500),
    },
)
def readyz(request: Request, reads: Reads, response: Response) -> Readiness:
    try:
        request.app.state.container.sql.fetchone("SELECT 1 AS ok")
        store = "ok"
    except Exception:
        logger.warning("store_unreachable", exc_info=True)
        store = "unreachable"
    try:
        projections = [ProjectionStatus.model_validate(s) for s in reads.status()]
        feed = request.app.state.container.feed_status()  # the relay's lag (events.md)
        if feed is not None:
            projections.append(ProjectionStatus.model_validate(feed))
    except Exception:
        logger.warning("projection_status_unavailable", exc_info=True)
        projections = []
    ready = store == "ok"
    response.status_code = 200 if ready else 503
    return Readiness(
        status="ready" if ready else "unavailable", store=store, projections=projections
    )
