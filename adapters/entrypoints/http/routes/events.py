"""The event feed pulled over HTTP: every event as a CloudEvent, in position order (events.md)."""

from __future__ import annotations

from typing import Annotated, Any

from eventsourcing.persistence import InterfaceError, OperationalError
from fastapi import Depends, Query, Response
from pydantic import Field

from adapters.entrypoints.http.blocking import Router
from adapters.entrypoints.http.deps import Caller, Reads, requires
from adapters.entrypoints.http.problems import COMMON, ApiError, responses
from adapters.entrypoints.http.routes.common import Limit
from adapters.entrypoints.http.schemas import Change, Out
from adapters.feed.source import page

router = Router(prefix="/v1", responses=responses(*COMMON, 503), tags=["events"])
Follower = Annotated[Caller, Depends(requires("events:read"))]
RETRY_AFTER = "1"


class EventData(Out):
    profile_id: str
    version: int
    actor: str
    caller: str | None = Field(description="The name of the token that sent the command.")
    correlation_id: str
    section: str
    changes: list[Change] = Field(description="As in the audit trail: secrets masked.")


class CloudEvent(Out):
    specversion: str = Field(description='"1.0"')
    id: str = Field(description="`{profile_id}:{version}`: unique, the deduplication key.")
    source: str = Field(description='"/profiles"')
    type: str = Field(description="`profile.{EventName}.v1`")
    subject: str = Field(description="The profile id.")
    time: str = Field(description="When it was recorded (RFC 3339, UTC).")
    datacontenttype: str = Field(description='"application/json"')
    position: int = Field(description="Extension: the event's position in the log.")
    data: EventData


class EventPage(Out):
    events: list[CloudEvent]
    next_after: int | None = Field(
        description="Pass as ?after= for the next page; null when this page is the last "
        "(to follow the feed, ask again after the last event's position)."
    )


PROFILE = "5f0c7a52-8f7e-4f63-9d55-0c1c2a6b7e10"
EXAMPLE: dict[str, Any] = {
    "events": [
        {
            "specversion": "1.0",
            "id": f"{PROFILE}:2",
            "source": "/profiles",
            "type": "profile.ContactChanged.v1",
            "subject": PROFILE,
            "time": "2026-03-01T12:00:00.123456Z",
            "datacontenttype": "application/json",
            "position": 42,
            "data": {
                "profile_id": PROFILE,
                "version": 2,
                "actor": "customer:42",
                "caller": "portal",
                "correlation_id": "ticket-4711",
                "section": "contact",
                "changes": [
                    {"field": "email", "before": "marie@example.com",
                     "after": "marie.t@example.com"}
                ],
            },
        }
    ],
    "next_after": None,
}


@router.get(
    "/events",
    summary="Every event as a CloudEvent, in position order",
    description="Scope `events:read`. The CloudEvents of events.md (JSON structured mode), "
    "the same as the relay publishes to NATS JetStream; `data` is the audit entry's content.",
    response_model=EventPage,
    responses={200: {"content": {"application/json": {"example": EXAMPLE}}}},
)
def event_feed(
    _caller: Follower,
    reads: Reads,
    limit: Limit = 100,
    after: Annotated[int | None, Query(ge=0, le=2**62, description="A position.")] = None,
) -> Response:
    try:
        found = page(reads.audit, after, limit)
    except (OperationalError, InterfaceError):
        raise ApiError(
            503, "store_unavailable", "The store is busy or unreachable; try again shortly.",
            headers={"Retry-After": RETRY_AFTER},
        ) from None
    return Response(found.json(), media_type="application/json")
