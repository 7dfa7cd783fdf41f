"""An audit entry as a CloudEvent 1.0 (events.md) in JSON structured mode: the attributes decided
once here; the SDK's CloudEvent for validation and readers, a plain encoder on the hot path."""

from __future__ import annotations

import json
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
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode


def event_id(entry: Mapping[str, Any]) -> str:
    """`{profile_id}:{version}`: unique, the deduplication key (and NATS's Nats-Msg-Id)."""
    return f"{entry['profile_id']}:{entry['version']}"


def event_type(name: str) -> str:
    return f"profile.{name}.v1"


def recorded_at(at: object) -> datetime:
    """The entry's instant as an aware datetime in UTC."""
    instant = at if isinstance(at, datetime) else datetime.fromisoformat(str(at))
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return instant.astimezone(UTC)


def rfc3339(at: object) -> str:
    """The entry's instant as RFC 3339 in UTC with a Z, as the SDK writes it."""
    if isinstance(at, str) and at.endswith("+00:00"):
        return at[:-6] + "Z"  # the audit trail's own form: already UTC
    return recorded_at(at).isoformat().removesuffix("+00:00") + "Z"


def attributes(entry: Mapping[str, Any]) -> dict[str, Any]:
    """The CloudEvent of one audit entry, as JSON structured mode has it (with its `data`);
    `caller` is None for entries recorded without one."""
    return {
        "specversion": "1.0",
        "id": event_id(entry),
        "source": SOURCE,
        "type": event_type(str(entry["event"])),
        "subject": str(entry["profile_id"]),
        "time": rfc3339(entry["at"]),
        "datacontenttype": CONTENT_TYPE,
        "position": int(entry["position"]),
        "data": {name: entry.get(name) for name in DATA_FIELDS},
    }


def cloud_event(entry: Mapping[str, Any]) -> CloudEvent:
    """The SDK's CloudEvent of one audit entry (validated by it)."""
    values = attributes(entry)
    data = values.pop("data")
    values["time"] = recorded_at(entry["at"])
    return CloudEvent(values, data)


def encode(entry: Mapping[str, Any]) -> bytes:
    """The entry's CloudEvent in JSON structured mode: the body of a message or of a page
    (what the SDK writes for `cloud_event(entry)`, without its per-event overhead)."""
    return _JSON(attributes(entry)).encode()


def sdk_encode(entry: Mapping[str, Any]) -> bytes:
    """The same CloudEvent written by the SDK (a reference for `encode`)."""
    return _FORMAT.write(cloud_event(entry))


def decode(body: bytes | str) -> CloudEvent:
    """A CloudEvent read back from JSON structured mode (consumers, tests)."""
    event = _FORMAT.read(None, body)
    assert isinstance(event, CloudEvent)
    return event
