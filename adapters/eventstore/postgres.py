"""The PostgreSQL event recorder: a command recorded in one statement, idempotency included."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.persistence import (
    IntegrityError,
    InterfaceError,
    OperationalError,
    StoredEvent,
)
from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg.sql import SQL, Composed, Identifier, Literal

from adapters.eventstore.ledger import (
    CLAIMS_TABLE,
    IDEMPOTENCY_TABLE,
    record_from_row,
    side_table_statements,
    snapshots_table,
    write_beside,
)
from application.ports import (
    EmailDirectory,
    EmailTaken,
    IdempotencyLedger,
    IdempotencyRecord,
    SideWrites,
)

if TYPE_CHECKING:
    from psycopg import Cursor
    from psycopg.rows import DictRow


def _as_one_row(
    events: Sequence[StoredEvent], snapshot: StoredEvent | None
) -> tuple[Any, ...] | None:
    """The parameters of the one-event function, if these fit it (at most one event, and a
    snapshot only of the state that event leads to)."""
    if len(events) > 1 or (snapshot is not None and not events):
        return None
    if not events:
        return (None,) * 6
    e = events[0]
    if snapshot is None:
        return (e.originator_id, e.originator_version, e.topic, e.state, None, None)
    if (snapshot.originator_id, snapshot.originator_version) != (
        e.originator_id, e.originator_version
    ):
        return None
    return (e.originator_id, e.originator_version, e.topic, e.state, snapshot.topic,
            snapshot.state)


EMAIL_TAKEN = "23E01"  # the SQLSTATE the functions raise when another profile holds an address
# The body of both recording functions; the parts in capitals differ between the two. The
# address a command frees and the one it claims come first, as ledger.write_beside does them
# on SQLite: a racing claim of the same address waits for the other transaction's end, then
# finds it taken (a holder that let go meanwhile: try again, three times at most).
_RECORD_BODY = (
    "IF crelease IS NOT NULL THEN "
    "DELETE FROM {claims} WHERE email = crelease AND profile_id = cowner; END IF; "
    "IF cemail IS NOT NULL THEN FOR attempt IN 1..3 LOOP "
    "INSERT INTO {claims} (email, profile_id) VALUES (cemail, cowner) "
    "ON CONFLICT (email) DO NOTHING; EXIT WHEN FOUND; "
    "EXIT WHEN EXISTS (SELECT FROM {claims} WHERE email = cemail AND profile_id = cowner); "
    "IF attempt = 3 OR EXISTS (SELECT FROM {claims} WHERE email = cemail) THEN "
    f"RAISE SQLSTATE '{EMAIL_TAKEN}' USING MESSAGE = "
    "'another profile holds this e-mail address'; END IF; END LOOP; END IF; "
    "IF ikey IS NOT NULL THEN INSERT INTO {keys} (key, fingerprint, result, created_at) "
    "VALUES (ikey, ifingerprint, iresult, iat); END IF; SNAPSHOT "
    "IF FOLLOWS_NOT THEN "
    "RAISE unique_violation USING MESSAGE = 'an event does not follow the last one'; END IF; "
    "IF ANY_EVENT THEN LOCK TABLE {table} IN EXCLUSIVE MODE; NOTIFY {channel}; "
    "RETURN QUERY INSERT INTO {table} (originator_id, originator_version, topic, state) "
    "EVENTS RETURNING notification_id; END IF;"
)
_ONE = {  # one event (or none) and its snapshot, as plain parameters
    "SNAPSHOT": "IF sstate IS NOT NULL THEN INSERT INTO {snapshots} "
    "(originator_id, originator_version, topic, state) VALUES (oid, v, stopic, sstate); END IF;",
    "FOLLOWS_NOT": "v > 1 AND NOT EXISTS (SELECT FROM {table} "
    "WHERE originator_id = oid AND originator_version = v - 1)",
    "ANY_EVENT": "oid IS NOT NULL",
    "EVENTS": "VALUES (oid, v, etopic, estate)",
}
_ROWS = "SELECT originator_id, originator_version, topic, state FROM unnest({})"
_MANY = {  # arrays of events and snapshots, of any profiles
    "SNAPSHOT": "INSERT INTO {snapshots} (originator_id, originator_version, topic, state) "
    + _ROWS.format("snapshots") + ";",
    "FOLLOWS_NOT": "EXISTS (SELECT FROM (SELECT originator_id, min(originator_version) AS v "
    "FROM unnest(events) GROUP BY originator_id) AS f WHERE f.v > 1 AND NOT EXISTS (SELECT "
    "FROM {table} AS t WHERE t.originator_id = f.originator_id AND t.originator_version = "
    "f.v - 1))",
    "ANY_EVENT": "cardinality(events) > 0",
    "EVENTS": _ROWS.format("events"),
}
RETRY_WITHIN = 0.5  # seconds after a first failure in which a write is tried again
RETRY_AFTER = 0.05
_KEY_PARAMS = (
    "ikey text, ifingerprint text, iresult text, iat timestamptz, "
    "cowner text, cemail text, crelease text"
)
_NO_CLAIM = (None, None, None)


def _split_claim(
    side: SideWrites | None, owner: Any  # noqa: ANN401
) -> tuple[tuple[str | None, ...], SideWrites | None]:
    """The function's claim parameters (the owner, the address it claims, the one it frees:
    a command has at most one of each), and what is left for `write_beside`."""
    if side is None or owner is None or len(side.claims) > 1 or len(side.releases) > 1:
        return _NO_CLAIM, side
    claim = (str(owner), side.claims[0] if side.claims else None,
             side.releases[0] if side.releases else None)
    return claim, replace(side, claims=(), releases=()) or None


class PostgresProfileRecorder(PostgresApplicationRecorder, IdempotencyLedger, EmailDirectory):
    """Records a command in one statement (one round trip, one transaction): a server-side
    function writes the idempotency record and a due snapshot, then locks the events table
    (so notification ids are issued in commit order, gapless), notifies and inserts.
    One function takes one event as plain parameters (the usual command), the other any."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:  # noqa: ANN401
        super().__init__(*args, **kwargs)
        schema = self.datastore.schema
        self.idempotency_table = Identifier(schema, IDEMPOTENCY_TABLE)
        self.snapshots_table = Identifier(schema, snapshots_table(self.events_table_name))
        self.claims_table = Identifier(schema, CLAIMS_TABLE)
        one = Identifier(schema, f"{self.events_table_name}_record_one")
        many = Identifier(schema, f"{self.events_table_name}_record_many")
        event = SQL("{}.{}").format(Identifier(schema), Identifier(self.stored_event_type_name))
        # Concurrent CREATE OR REPLACE FUNCTION can fail: creators take turns.
        self.sql_create_statements.insert(0, SQL("SELECT pg_advisory_xact_lock(hashtext({}))")
                                          .format(Literal(f"{schema}.{self.events_table_name}")))
        self.sql_create_statements.append(
            SQL(
                "CREATE TABLE IF NOT EXISTS {} ("
                "key text PRIMARY KEY, fingerprint text NOT NULL, "
                "result text NOT NULL, created_at timestamptz NOT NULL)"
            ).format(self.idempotency_table)
        )
        self.sql_create_statements.extend(
            SQL(statement).format() for statement in side_table_statements("bytea")
        )
        self.sql_create_statements.append(
            SQL("CREATE INDEX IF NOT EXISTS {} ON {} (created_at)").format(
                Identifier(f"{IDEMPOTENCY_TABLE}_by_age"), self.idempotency_table
            )
        )
        self.sql_create_statements.append(self._function(
            one,
            SQL("oid {}, v bigint, etopic text, estate bytea, stopic text, sstate bytea, ")
            .format(SQL(self.datastore.originator_id_type)),
            _ONE,
        ))
        self.sql_create_statements.append(self._function(
            many, SQL("events {}[], snapshots {}[], ").format(event, event), _MANY
        ))
        # As bytes once: a composed query is rendered again (identifiers escaped) per execution.
        marks = ", ".join(["%s"] * 7)  # the idempotency record's and the claim's
        self.record_one = SQL(f"SELECT n FROM {{}}(%s, %s, %s, %s, %s, %s, {marks}) AS n")\
            .format(one).as_bytes()
        self.record_many = SQL(f"SELECT n FROM {{}}(%s, %s, {marks}) AS n").format(many)\
            .as_bytes()

    def _create_table(self, curs: Cursor[DictRow]) -> None:
        """Create the schema only if it is not the one already there: DDL beside running
        commands (another process starting) could otherwise deadlock with them."""
        text = "\n".join(statement.as_string() for statement in self.sql_create_statements)
        mark = "schema " + hashlib.sha256(text.encode()).hexdigest()[:16]
        events = f"{self.datastore.schema}.{self.events_table_name}"
        curs.execute("SELECT obj_description(to_regclass(%s), 'pg_class') AS mark", (events,))
        row = curs.fetchone()
        if row is not None and row["mark"] == mark:
            return
        super()._create_table(curs)
        curs.execute(SQL("COMMENT ON TABLE {} IS {}").format(
            Identifier(self.datastore.schema, self.events_table_name), Literal(mark)
        ))

    def _function(self, name: Identifier, params: Composed, parts: dict[str, str]) -> Composed:
        schema = self.datastore.schema
        body = _RECORD_BODY
        for part, text in parts.items():
            body = body.replace(part, text)
        return SQL(
            "CREATE OR REPLACE FUNCTION {name}({params}{keys}) RETURNS SETOF bigint "
            "LANGUAGE plpgsql SET lock_timeout = '{timeout}s' AS $BODY$ BEGIN {body} END; $BODY$"
        ).format(
            name=name, params=params, keys=SQL(_KEY_PARAMS), timeout=self.datastore.lock_timeout,
            body=SQL(body).format(
                keys=self.idempotency_table,
                claims=self.claims_table,
                snapshots=Identifier(schema, snapshots_table(self.events_table_name)),
                table=Identifier(schema, self.events_table_name),
                channel=Identifier(self.channel_name),
            ),
        )

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any  # noqa: ANN401
    ) -> Sequence[int] | None:
        """Record a command; a dropped connection is retried at once, a busy store is not (the
        caller hears StoreUnavailable after at most the pool's and the lock's timeouts)."""
        started = time.monotonic()
        while True:
            try:
                return self._record(stored_events, **kwargs)
            except (InterfaceError, OperationalError):
                if time.monotonic() - started > RETRY_WITHIN:
                    raise
                time.sleep(RETRY_AFTER)

    def _record(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any  # noqa: ANN401
    ) -> Sequence[int] | None:
        record: IdempotencyRecord | None = kwargs.get("idempotency")
        snapshot: StoredEvent | None = kwargs.get("snapshot")
        if not stored_events and record is None and snapshot is None:
            return []
        key = (None, None, None, None) if record is None else (
            record.key, record.fingerprint, record.result.to_json(), record.created_at)
        side: SideWrites | None = kwargs.get("side")
        profile_id = stored_events[0].originator_id if stored_events else None
        claim, side = _split_claim(side, profile_id)  # the function writes the claim
        key = (*key, *claim)
        one = _as_one_row(stored_events, snapshot)
        if one is not None:
            statement, params = self.record_one, (*one, *key)
        else:
            statement, params = self.record_many, (
                [self._composite(e) for e in stored_events],
                [self._composite(snapshot)] if snapshot is not None else [],
                *key,
            )
        try:
            if side:  # written beside the events, in their transaction
                with self.datastore.transaction(commit=True) as curs:
                    write_beside(curs, side, profile_id, "%s", (
                        SQL("DELETE FROM {} WHERE originator_id = %s")
                        .format(self.snapshots_table),
                        (side.erase,),
                    ))
                    curs.execute(statement, params, prepare=True)
                    return [row["n"] for row in curs.fetchall()]
            with self.datastore.get_connection() as conn, conn.cursor() as curs:
                curs.execute(statement, params, prepare=True)
                return [row["n"] for row in curs.fetchall()]
        except IntegrityError as error:
            if getattr(error.__cause__, "sqlstate", None) == EMAIL_TAKEN:
                raise EmailTaken from None
            raise

    def _composite(self, event: StoredEvent) -> Any:  # noqa: ANN401
        return self.construct_pg_stored_event(
            event.originator_id, event.originator_version, event.topic, event.state
        )

    def purge_idempotency_records(self, before: datetime) -> int:
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(
                SQL("DELETE FROM {} WHERE created_at < %s").format(self.idempotency_table),
                (before,),
            )
            return int(curs.rowcount)

    def email_owner(self, key: str) -> UUID | None:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(
                SQL("SELECT profile_id FROM {} WHERE email = %s").format(self.claims_table), (key,)
            )
            row = curs.fetchone()
        return None if row is None else UUID(row["profile_id"])

    def find_idempotency_record(self, key: str) -> IdempotencyRecord | None:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(
                SQL("SELECT * FROM {} WHERE key = %s").format(self.idempotency_table), (key,)
            )
            row = curs.fetchone()
        return None if row is None else record_from_row(row)
