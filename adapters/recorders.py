"""Event recorders that also keep idempotency keys, written in the events' transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from eventsourcing.persistence import ApplicationRecorder, StoredEvent, Subscription
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Identifier

from adapters.subscription import SQLiteSubscription, events_written
from application.ports import CommandResult, IdempotencyLedger, IdempotencyRecord

IDEMPOTENCY_TABLE = "idempotency_keys"


def _record_from_row(row: Mapping[str, Any]) -> IdempotencyRecord:
    created = row["created_at"]
    return IdempotencyRecord(
        key=row["key"],
        fingerprint=row["fingerprint"],
        result=CommandResult.from_json(row["result"]),
        created_at=created if isinstance(created, datetime) else datetime.fromisoformat(created),
    )


class SQLiteProfileRecorder(SQLiteApplicationRecorder, IdempotencyLedger):
    def construct_create_table_statements(self) -> list[str]:
        return [
            *super().construct_create_table_statements(),
            f"CREATE TABLE IF NOT EXISTS {IDEMPOTENCY_TABLE} ("
            "key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, "
            "result TEXT NOT NULL, created_at TEXT NOT NULL)",
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
        return super()._insert_events(c, stored_events, **kwargs)

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any  # noqa: ANN401
    ) -> Sequence[int] | None:
        notification_ids = super().insert_events(stored_events, **kwargs)
        events_written(self)
        return notification_ids

    def subscribe(
        self, gt: int | None = None, topics: Sequence[str] = ()
    ) -> Subscription[ApplicationRecorder]:
        """Polls the notification log, woken in-process after each write."""
        return SQLiteSubscription(self, gt=gt, topics=topics)

    def find_idempotency_record(self, key: str) -> IdempotencyRecord | None:
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT * FROM {IDEMPOTENCY_TABLE} WHERE key = ?", (key,))
            row = c.fetchone()
        return None if row is None else _record_from_row(row)


class PostgresProfileRecorder(PostgresApplicationRecorder, IdempotencyLedger):
    def __init__(self, *args: Any, **kwargs: Any) -> None:  # noqa: ANN401
        super().__init__(*args, **kwargs)
        self.idempotency_table = Identifier(self.datastore.schema, IDEMPOTENCY_TABLE)
        self.sql_create_statements.append(
            SQL(
                "CREATE TABLE IF NOT EXISTS {} ("
                "key text PRIMARY KEY, fingerprint text NOT NULL, "
                "result text NOT NULL, created_at timestamptz NOT NULL)"
            ).format(self.idempotency_table)
        )

    def _insert_events(
        self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], **kwargs: Any  # noqa: ANN401
    ) -> None:
        record: IdempotencyRecord | None = kwargs.get("idempotency")
        if record is not None:
            curs.execute(
                SQL("INSERT INTO {} VALUES (%s, %s, %s, %s)").format(self.idempotency_table),
                (record.key, record.fingerprint, record.result.to_json(), record.created_at),
            )
        super()._insert_events(curs, stored_events, **kwargs)

    def find_idempotency_record(self, key: str) -> IdempotencyRecord | None:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(
                SQL("SELECT * FROM {} WHERE key = %s").format(self.idempotency_table), (key,)
            )
            row = curs.fetchone()
        return None if row is None else _record_from_row(row)
