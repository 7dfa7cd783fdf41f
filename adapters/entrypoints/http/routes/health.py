"""Liveness and readiness, without a token."""

from __future__ import annotations

from fastapi import Request, Response

from adapters.entrypoints.http.blocking import Router
from adapters.entrypoints.http.deps import Reads
from adapters.entrypoints.http.problems import responses
from adapters.entrypoints.http.routes.integrity import integrity_status
from adapters.entrypoints.http.schemas import Health, ProjectionStatus, Readiness
from adapters.eventstore.probe import probe
from adapters.logging import get_logger

router = Router(tags=["health"])
logger = get_logger("profile_service.health")


@router.get("/healthz", summary="Liveness: the process answers")
async def liveness() -> Health:  # in the event loop: it needs no thread, so none can hold it up
    return Health(status="ok")


@router.get(
    "/readyz",
    summary="Readiness: the store answers; the projections' (and the event feed's) lag",
    responses={
        503: {"model": Readiness, "description": "The store is busy, unreachable or unreadable."},
        **responses(500),
    },
)
def readiness(request: Request, reads: Reads, response: Response) -> Readiness:
    container = request.app.state.container
    store = probe(container.service, container.sql.datastore)
    if store == "ok" and container.keyring.stale is not None:
        store = "unreadable"  # started with a master key that was rotated away
    if store != "ok":
        logger.warning("store_not_ready", store=store)
    try:
        projections = [ProjectionStatus.model_validate(s) for s in reads.status()]
        feed = request.app.state.container.feed_status()  # the relay's lag (events.md)
        if feed is not None:
            projections.append(ProjectionStatus.model_validate(feed))
    except Exception:
        logger.warning("projection_status_unavailable", exc_info=True)
        projections = []
    try:  # the integrity tree's lag, beside the views'
        projections += [ProjectionStatus.model_validate(s) for s in integrity_status(request)]
    except Exception:
        logger.warning("integrity_status_unavailable", exc_info=True)
    ready = store == "ok"
    response.status_code = 200 if ready else 503
    return Readiness(
        status="ready" if ready else "unavailable", store=store, projections=projections
    )
