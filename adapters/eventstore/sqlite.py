"""The SQLite event recorder that also keeps idempotency keys, in the events' transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import (
    ApplicationRecorder,
    IntegrityError,
    StoredEvent,
    Subscription,
)
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor

from adapters.eventstore.ledger import (
    CLAIMS_TABLE,
    IDEMPOTENCY_TABLE,
    id_text,
    record_from_row,
    side_table_statements,
    snapshots_table,
    write_beside,
)
from adapters.eventstore.sql import forget_freed_pages, write_transaction
from adapters.eventstore.subscription import SQLiteSubscription, events_written
from application.ports import EmailDirectory, IdempotencyLedger, IdempotencyRecord, SideWrites


class SQLiteProfileRecorder(SQLiteApplicationRecorder, IdempotencyLedger, EmailDirectory):
    def construct_create_table_statements(self) -> list[str]:
        return [
            *super().construct_create_table_statements(),
            f"CREATE TABLE IF NOT EXISTS {IDEMPOTENCY_TABLE} ("
            "key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, "
            "result TEXT NOT NULL, created_at TEXT NOT NULL)",
            f"CREATE INDEX IF NOT EXISTS {IDEMPOTENCY_TABLE}_by_age "
            f"ON {IDEMPOTENCY_TABLE} (created_at)",
            *side_table_statements("BLOB", " WITHOUT ROWID"),
        ]

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any  # noqa: ANN401
    ) -> Sequence[int] | None:
        record: IdempotencyRecord | None = kwargs.get("idempotency")
        if record is not None:
            c.execute(
                f"INSERT INTO {IDEMPOTENCY_TABLE} VALUES (?, ?, ?, ?)",
                (record.key, record.fingerprint, record.result.to_json(),
                 record.created_at.isoformat()),
            )
        self._check_sequence(c, stored_events)
        snapshot: StoredEvent | None = kwargs.get("snapshot")
        if snapshot is not None:
            c.execute(
                f"INSERT INTO {snapshots_table(self.events_table_name)} VALUES (?, ?, ?, ?)",
                (id_text(snapshot.originator_id), snapshot.originator_version,
                 snapshot.topic, snapshot.state),
            )
        side: SideWrites | None = kwargs.get("side")
        if side:
            profile_id = stored_events[0].originator_id if stored_events else None
            snapshots = snapshots_table(self.events_table_name)
            erased = None if side.erase is None else id_text(side.erase)
            write_beside(c, side, profile_id, "?", (
                f"DELETE FROM {snapshots} WHERE originator_id = ?", (erased,)
            ))
        return super()._insert_events(c, stored_events, **kwargs)

    def _check_sequence(self, c: SQLiteCursor, stored_events: Sequence[StoredEvent]) -> None:
        """Refuse an event whose predecessor is not recorded: it was decided on a state that
        never was (the PostgreSQL recorder's function checks the same)."""
        first: dict[UUID | str, int] = {}
        for event in stored_events:
            first.setdefault(event.originator_id, event.originator_version)
        for originator_id, version in first.items():
            if version > 1:
                c.execute(
                    f"SELECT 1 FROM {self.events_table_name} "
                    "WHERE originator_id = ? AND originator_version = ?",
                    (id_text(originator_id), version - 1),
                )
                if c.fetchone() is None:
                    raise IntegrityError("an event does not follow the last one")

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any  # noqa: ANN401
    ) -> Sequence[int] | None:
        """In a transaction that waits for the write lock (another process's writer)."""
        with write_transaction(self.datastore) as c:
            notification_ids = self._insert_events(c, stored_events, **kwargs)
        events_written(self)
        side: SideWrites | None = kwargs.get("side")
        if side is not None and side.erase is not None:
            forget_freed_pages(self.datastore)  # the destroyed key leaves the -wal file too
        return notification_ids

    def subscribe(
        self, gt: int | None = None, topics: Sequence[str] = ()
    ) -> Subscription[ApplicationRecorder]:
        """Polls the notification log, woken in-process after each write."""
        return SQLiteSubscription(self, gt=gt, topics=topics)

    def purge_idempotency_records(self, before: datetime) -> int:
        with self.datastore.transaction(commit=True) as c:
            c.execute(
                f"DELETE FROM {IDEMPOTENCY_TABLE} WHERE created_at < ?", (before.isoformat(),)
            )
            c.execute("SELECT changes() AS n")
            return int(c.fetchone()["n"])

    def email_owner(self, key: str) -> UUID | None:
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT profile_id FROM {CLAIMS_TABLE} WHERE email = ?", (key,))
            row = c.fetchone()
        return None if row is None else UUID(row["profile_id"])

    def find_idempotency_record(self, key: str) -> IdempotencyRecord | None:
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT * FROM {IDEMPOTENCY_TABLE} WHERE key = ?", (key,))
            row = c.fetchone()
        return None if row is None else record_from_row(row)
