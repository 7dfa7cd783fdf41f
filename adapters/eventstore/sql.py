"""A thin SQL runner over the event store's own connection pool, for side tables."""

from __future__ import annotations

import sqlite3
import time
import weakref
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from types import TracebackType
from typing import Any, Protocol, cast

from eventsourcing.persistence import Notification, OperationalError
from eventsourcing.postgres import PostgresDatastore
from eventsourcing.sqlite import SQLiteConnection, SQLiteCursor, SQLiteDatastore, SQLiteTransaction
from psycopg.sql import SQL, Identifier

Row = Mapping[str, Any]


class Cursor(Protocol):
    def execute(self, sql: str, params: Sequence[object] = ()) -> object: ...
    def fetchone(self) -> Row | None: ...
    def fetchall(self) -> list[Row]: ...


_SECURE: weakref.WeakSet[SQLiteConnection] = weakref.WeakSet()  # secure_delete set on these


class _Immediate(SQLiteTransaction):
    """A SQLite write transaction that takes the write lock first (BEGIN IMMEDIATE): then a
    writer of another process makes it wait (up to the busy timeout), instead of failing at
    once when it upgrades from reading to writing."""

    def __enter__(self) -> SQLiteCursor:
        cursor = self.connection.cursor()
        try:
            if self.connection not in _SECURE:  # what is deleted is zeroed on disk
                cursor.execute("PRAGMA secure_delete = ON")
                _SECURE.add(self.connection)
            cursor.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise OperationalError(error) from error
        return cursor


class _SQLiteWrite:
    """The writer's connection from the pool, in an _Immediate transaction, then back: what
    `get_connection`, `_Immediate` and the cursor's own context do, without three layers of
    generator (the command path's every write)."""

    __slots__ = ("_connection", "_cursor", "_pool", "_transaction")

    def __init__(self, datastore: SQLiteDatastore) -> None:
        self._pool = datastore.pool

    def __enter__(self) -> SQLiteCursor:
        self._connection = self._pool.get_connection(is_writer=True)
        try:
            self._transaction = _Immediate(self._connection, commit=True)
            self._cursor = self._transaction.__enter__()
        except BaseException:
            self._pool.put_connection(self._connection)
            raise
        return self._cursor

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            self._cursor.sqlite_cursor.close()
            self._transaction.__exit__(exc_type, exc, traceback)  # commits, or rolls back
        finally:
            self._pool.put_connection(self._connection)


def write_transaction(datastore: Any) -> AbstractContextManager[Any]:  # noqa: ANN401
    """A committing transaction's cursor that waits for the write lock on SQLite."""
    if isinstance(datastore, SQLiteDatastore):
        return _SQLiteWrite(datastore)
    return cast(AbstractContextManager[Any], datastore.transaction(commit=True))


def forget_freed_pages(datastore: Any) -> None:  # noqa: ANN401
    """SQLite: copy the write-ahead log into the file and empty it, so that no page image of
    what was overwritten or deleted stays in the -wal file (privacy.md: erasure)."""
    if not isinstance(datastore, SQLiteDatastore):
        return
    with datastore.get_connection(commit=True) as connection:
        cursor = connection.cursor()
        for _ in range(50):  # a reader on an old snapshot makes it wait: try again
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            busy = cursor.fetchone()[0]
            if not busy:
                return
            time.sleep(0.02)


def notifications_after(
    raw: Any,  # noqa: ANN401
    recorder: Any,  # noqa: ANN401
    after: int,
    limit: int,
    topics: Sequence[str] = (),
) -> list[Notification]:
    """The notifications after `after` (of these topics, if any), read in `raw`'s transaction
    (one that holds back writers: what the recorder's own connection would not see yet)."""
    if isinstance(recorder.datastore, PostgresDatastore):
        table = Identifier(recorder.datastore.schema, recorder.events_table_name)
        rows, topic = SQL("notification_id"), SQL(" AND topic = ANY(%s)" if topics else "")
        query: Any = SQL(
            "SELECT {rows} AS id, originator_id, originator_version, topic, state FROM {table} "
            "WHERE {rows} > %s{topic} ORDER BY {rows} LIMIT %s"
        ).format(rows=rows, table=table, topic=topic)
        params: tuple[Any, ...] = (after, list(topics), limit) if topics else (after, limit)
    else:
        where = f" AND topic IN ({', '.join('?' for _ in topics)})" if topics else ""
        query = (
            f"SELECT rowid AS id, originator_id, originator_version, topic, state "
            f"FROM {recorder.events_table_name} WHERE rowid > ?{where} ORDER BY rowid LIMIT ?"
        )
        params = (after, *topics, limit)
    raw.execute(query, params)
    convert = getattr(recorder, "convert_originator_id", lambda value: value)
    return [
        Notification(
            id=row["id"],
            originator_id=convert(row["originator_id"]),
            originator_version=row["originator_version"],
            topic=row["topic"],
            state=bytes(row["state"]),
        )
        for row in raw.fetchall()
    ]


class SqlRunner:
    """Runs `?`-placeholder SQL on SQLite or PostgreSQL alike; rows come back as dicts."""

    def __init__(self, datastore: SQLiteDatastore | PostgresDatastore) -> None:
        self.datastore = datastore
        self.is_postgres = isinstance(datastore, PostgresDatastore)

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.is_postgres else sql

    @contextmanager
    def transaction(self, *, commit: bool = True) -> Iterator[Cursor]:
        if commit:
            with write_transaction(self.datastore) as cursor:
                yield _Adapted(cast(Cursor, cursor), self)
            return
        with self.datastore.transaction(commit=False) as cursor:
            yield _Adapted(cast(Cursor, cursor), self)

    def execute(self, sql: str, params: Sequence[object] = ()) -> None:
        with self.transaction() as cursor:
            cursor.execute(sql, params)

    def fetchone(self, sql: str, params: Sequence[object] = ()) -> dict[str, Any] | None:
        with self.transaction(commit=False) as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        return None if row is None else dict(row)

    def fetchall(self, sql: str, params: Sequence[object] = ()) -> list[dict[str, Any]]:
        with self.transaction(commit=False) as cursor:
            cursor.execute(sql, params)
            return [dict(row) for row in cursor.fetchall()]

    def add_column(self, table: str, column: str, kind: str) -> None:
        """Add a column that a table made by an earlier version lacks (no-op if present)."""
        with self.transaction() as cursor:
            if self.is_postgres:
                cursor.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column} {kind}")
                return
            cursor.execute(f"SELECT name FROM pragma_table_info('{table}')")
            if column not in {row["name"] for row in cursor.fetchall()}:
                cursor.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")

    def blob(self) -> str:
        return "BYTEA" if self.is_postgres else "BLOB"

    def tables(self) -> list[str]:
        """Every table of the store: SQLite's whole file, PostgreSQL's schema."""
        if isinstance(self.datastore, PostgresDatastore):
            rows = self.fetchall(
                "SELECT table_name AS name FROM information_schema.tables "
                "WHERE table_schema = ? AND table_type = 'BASE TABLE' ORDER BY table_name",
                (self.datastore.schema,),
            )
        else:
            rows = self.fetchall(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        return [str(row["name"]) for row in rows]

    def dump(self, table: str) -> list[dict[str, Any]]:
        """Every row of one table (for audits and leak checks; tables are not user input)."""
        quoted = '"' + table.replace('"', '""') + '"'
        return self.fetchall(f"SELECT * FROM {quoted}")


class _Adapted:
    def __init__(self, cursor: Cursor, runner: SqlRunner) -> None:
        self._cursor = cursor
        self._runner = runner

    def execute(self, sql: str, params: Sequence[object] = ()) -> object:
        return self._cursor.execute(self._runner._sql(sql), tuple(params))

    def fetchone(self) -> Row | None:
        return self._cursor.fetchone()

    def fetchall(self) -> list[Row]:
        return self._cursor.fetchall()
