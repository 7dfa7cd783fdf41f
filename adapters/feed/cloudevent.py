"""An audit entry as a CloudEvent 1.0 (events.md), in JSON structured mode, with the SDK."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent

SOURCE = "/profiles"
CONTENT_TYPE = "application/json"
# The data: the audit entry's content (secrets masked there, an erased skeleton after erasure).
DATA_FIELDS = ("profile_id", "version", "actor", "caller", "correlation_id", "section", "changes")
_FORMAT = JSONFormat()


def event_id(entry: Mapping[str, Any]) -> str:
    """`{profile_id}:{version}`: unique, the deduplication key (and NATS's Nats-Msg-Id)."""
    return f"{entry['profile_id']}:{entry['version']}"


def event_type(name: str) -> str:
    return f"profile.{name}.v1"


def recorded_at(at: object) -> datetime:
    """The entry's instant as an aware datetime in UTC (written as RFC 3339 with a Z)."""
    instant = at if isinstance(at, datetime) else datetime.fromisoformat(str(at))
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return instant.astimezone(UTC)


def cloud_event(entry: Mapping[str, Any]) -> CloudEvent:
    """The CloudEvent of one audit entry; `caller` is None for entries recorded without one."""
    attributes: dict[str, Any] = {
        "specversion": "1.0",
        "id": event_id(entry),
        "source": SOURCE,
        "type": event_type(str(entry["event"])),
        "subject": str(entry["profile_id"]),
        "time": recorded_at(entry["at"]),
        "datacontenttype": CONTENT_TYPE,
        "position": int(entry["position"]),
    }
    return CloudEvent(attributes, {name: entry.get(name) for name in DATA_FIELDS})


def encode(entry: Mapping[str, Any]) -> bytes:
    """The entry's CloudEvent in JSON structured mode: the body of a message or of a page."""
    return _FORMAT.write(cloud_event(entry))


def decode(body: bytes | str) -> CloudEvent:
    """A CloudEvent read back from JSON structured mode (consumers, tests)."""
    event = _FORMAT.read(None, body)
    assert isinstance(event, CloudEvent)
    return event
