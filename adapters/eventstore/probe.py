"""Readiness of the event store: writable within a second, and its events readable."""

from __future__ import annotations

import sqlite3
from typing import Any, Literal

from eventsourcing.persistence import InterfaceError, OperationalError
from eventsourcing.postgres import PostgresDatastore
from psycopg.sql import SQL, Identifier

from application.store import ProfileEventStore

StoreState = Literal["ok", "busy", "unreachable", "unreadable"]
PROBE_SECONDS = 1


def probe(store: ProfileEventStore, datastore: Any) -> StoreState:  # noqa: ANN401
    """ok; busy (a writer would wait: locked by another process); unreachable; or unreadable
    (the last stored event cannot be decoded: a wrong events key, damaged bytes)."""
    try:
        if isinstance(datastore, PostgresDatastore):
            state = _probe_postgres(store, datastore)
        else:
            state = _probe_sqlite(datastore.pool.db_name)
    except (OperationalError, InterfaceError, sqlite3.Error):
        return "unreachable"
    if state != "ok":
        return state
    return "ok" if _last_event_readable(store) else "unreadable"


def _probe_sqlite(path: str) -> StoreState:
    if path == ":memory:" or path.startswith("file:"):
        return "ok"  # an in-memory store has no other process to be locked by
    connection = sqlite3.connect(path, timeout=PROBE_SECONDS, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("ROLLBACK")
    except sqlite3.OperationalError as error:
        if "locked" in str(error) or "busy" in str(error):
            return "busy"
        raise
    finally:
        connection.close()
    return "ok"


def _probe_postgres(store: ProfileEventStore, datastore: PostgresDatastore) -> StoreState:
    table = Identifier(datastore.schema, store.recorder.events_table_name)  # type: ignore[attr-defined]
    try:
        with datastore.transaction(commit=False) as cursor:
            cursor.execute(SQL(f"SET LOCAL lock_timeout = '{PROBE_SECONDS}s'"))
            cursor.execute(SQL("LOCK TABLE {} IN ROW EXCLUSIVE MODE").format(table))
    except OperationalError as error:
        if "lock" in str(error).lower():
            return "busy"
        raise
    return "ok"


def _last_event_readable(store: ProfileEventStore) -> bool:
    last = store.recorder.max_notification_id()
    if not last:
        return True
    try:
        for notification in store.recorder.select_notifications(start=last, limit=1):
            store.mapper.to_domain_event(notification)
    except ValueError:
        return False
    return True
