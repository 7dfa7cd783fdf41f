"""What-if: the PostgreSQL recorder writing a command in one round trip instead of two.

The library's recorder sends BEGIN, SET LOCAL lock_timeout, LOCK TABLE, NOTIFY and the
INSERT in a pipeline, syncs, then sends COMMIT: two round trips per command. Here one
server-side function does the same work (lock, notify, idempotency key, events) in one
statement, so one round trip and one commit. Measured beside the shipped recorder only;
not wired into the service.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent
from psycopg.sql import SQL, Identifier

from adapters.recorders import IDEMPOTENCY_TABLE, PostgresProfileRecorder
from adapters.settings import Settings
from application.ports import IdempotencyRecord

TOPIC = "tests.bench.whatif:OneRoundTripRecorder"


class WhatIfSettings(Settings):
    def eventsourcing_env(self) -> dict[str, str]:
        return {**super().eventsourcing_env(), "APPLICATION_RECORDER_TOPIC": TOPIC}


class OneRoundTripRecorder(PostgresProfileRecorder):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        schema = self.datastore.schema
        self.function_name = f"{self.events_table_name}_insert_command"
        self.function = Identifier(schema, self.function_name)
        self.sql_create_statements.append(SQL(
            "CREATE OR REPLACE FUNCTION {function}(events {schema}.{event}[], "
            "ikey text, ifingerprint text, iresult text, iat timestamptz) "
            "RETURNS SETOF bigint LANGUAGE plpgsql AS $BODY$ BEGIN "
            "SET LOCAL lock_timeout = '{lock_timeout}s'; "
            "LOCK TABLE {table} IN EXCLUSIVE MODE; "
            "NOTIFY {channel}; "
            "IF ikey IS NOT NULL THEN "
            "INSERT INTO {keys} VALUES (ikey, ifingerprint, iresult, iat); END IF; "
            "RETURN QUERY INSERT INTO {table} (originator_id, originator_version, topic, state) "
            "SELECT originator_id, originator_version, topic, state FROM unnest(events) "
            "RETURNING notification_id; END; $BODY$"
        ).format(
            function=self.function, schema=Identifier(schema),
            event=Identifier(self.stored_event_type_name),
            lock_timeout=self.datastore.lock_timeout,
            table=Identifier(schema, self.events_table_name),
            channel=Identifier(self.channel_name),
            keys=Identifier(schema, IDEMPOTENCY_TABLE),
        ))
        self.call = SQL("SELECT * FROM {}(%s, %s, %s, %s, %s)").format(self.function)

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        record: IdempotencyRecord | None = kwargs.get("idempotency")
        events = [
            self.construct_pg_stored_event(e.originator_id, e.originator_version, e.topic,
                                           e.state)
            for e in stored_events
        ]
        key = (None, None, None, None) if record is None else (
            record.key, record.fingerprint, record.result.to_json(), record.created_at)
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(self.call, (events, *key), prepare=True)
            return [row[self.function_name] for row in curs.fetchall()]
