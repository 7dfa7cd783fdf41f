"""What both recorders share: the idempotency table, the snapshots' table, row decoding."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from application.ports import IdempotencyRecord, outcome_from_json

IDEMPOTENCY_TABLE = "idempotency_keys"


def snapshots_table(events_table: str) -> str:
    """The snapshot store's table beside an events table (the library names both so)."""
    return events_table.removesuffix("events") + "snapshots"


def id_text(originator_id: UUID | str) -> str:
    return originator_id.hex if isinstance(originator_id, UUID) else originator_id


def record_from_row(row: Mapping[str, Any]) -> IdempotencyRecord:
    created = row["created_at"]
    return IdempotencyRecord(
        key=row["key"],
        fingerprint=row["fingerprint"],
        result=outcome_from_json(row["result"]),
        created_at=created if isinstance(created, datetime) else datetime.fromisoformat(created),
    )
