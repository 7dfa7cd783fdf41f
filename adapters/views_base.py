"""The views' shared machinery on SQL: a batch of events, its rows and its tracking, one commit."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar, Protocol
from uuid import UUID

from eventsourcing.persistence import Tracking

from projections.ports import Record, ViewRecorder

_PREFIX = re.compile(r"^[a-z][a-z0-9_]{0,40}$")
LOAD_CHUNK = 500  # profile ids per SELECT when a batch reads its states
RECORD_COLUMNS = ("profile_id", "version", "record")


def canonical_id(profile_id: UUID | str) -> str | None:
    try:
        return str(profile_id if isinstance(profile_id, UUID) else UUID(str(profile_id)))
    except ValueError:
        return None


def epoch_us(at: datetime) -> int:
    at = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    return int(at.timestamp() * 1_000_000)


class RawCursor(Protocol):
    def execute(self, sql: Any, params: Any = ...) -> Any: ...  # noqa: ANN401
    def executemany(self, sql: Any, params: Any) -> Any: ...  # noqa: ANN401
    def fetchone(self) -> Any: ...  # noqa: ANN401
    def fetchall(self) -> Any: ...  # noqa: ANN401
    def copy(self, sql: Any) -> Any: ...  # noqa: ANN401  (PostgreSQL only)


class Rows:
    """A cursor speaking `?` placeholders on both stores, rows as dicts."""

    def __init__(self, raw: RawCursor, placeholder: str) -> None:
        self.raw = raw
        self.placeholder = placeholder

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.raw.execute(sql.replace("?", self.placeholder), tuple(params))

    def many(self, sql: str, params: Sequence[Sequence[Any]]) -> None:
        if params:
            self.raw.executemany(sql.replace("?", self.placeholder), [tuple(p) for p in params])

    def one(self) -> dict[str, Any] | None:
        row = self.raw.fetchone()
        return None if row is None else dict(row)

    def all(self) -> list[dict[str, Any]]:
        return [dict(row) for row in self.raw.fetchall()]


@dataclass
class Batch:
    """A view's share of one transaction: each profile's state read once, written once at the end,
    and the position recorded once, for the last event."""

    thread: int
    rows: Rows
    position: int | None  # recorded before this batch (its row locked until the commit)
    last: int
    states: dict[str, Any] = field(default_factory=dict)  # profile id -> state, None: unknown
    dirty: dict[str, None] = field(default_factory=dict)  # the profile ids to write, in order
    entries: list[dict[str, Any]] = field(default_factory=list)

    def accepts(self, notification_id: int) -> bool:
        return self.position is None or notification_id > self.position


class SqlView(ViewRecorder):
    """What every view shares; the store's class supplies the datastore and its SQL dialect."""

    prefix: ClassVar[str] = ""
    table_suffixes: ClassVar[tuple[str, ...]] = ("",)
    placeholder: ClassVar[str] = "?"
    bigint: ClassVar[str] = "INTEGER"
    postgres: ClassVar[bool] = False
    datastore: Any
    on_commit: Callable[[], None] | None = None

    if TYPE_CHECKING:

        def __init__(self, datastore: Any, **kwargs: object) -> None: ...  # noqa: ANN401

        def create_table(self) -> None: ...

    @classmethod
    def named(cls, prefix: str) -> type[SqlView]:
        """This view under other table names (e.g. to rebuild it beside the live one)."""
        if not _PREFIX.match(prefix):
            raise ValueError(f"Invalid view table prefix {prefix!r}")
        return type(f"{cls.__name__}_{prefix}", (cls,), {"prefix": prefix})

    def _schema(self) -> str:
        return ""

    def _table(self, suffix: str = "") -> str:
        return f"{self._schema()}{self.prefix}{suffix}"

    def _ddl(self) -> list[str]:
        raise NotImplementedError

    def _in(self, column: str, values: Sequence[str]) -> tuple[str, list[Any]]:
        if self.postgres:
            return f"{column} = ANY(?)", [list(values)]
        return f"{column} IN ({', '.join('?' for _ in values)})", list(values)

    def _insert_rows(
        self,
        rows: Rows,
        table: str,
        columns: Sequence[str],
        values: Sequence[Sequence[Any]],
        conflict: str = "",
    ) -> None:
        """Insert rows: by COPY on PostgreSQL when no conflict is expected, else in a batch."""
        if not values:
            return
        names = ", ".join(columns)
        if self.postgres and not conflict:
            with rows.raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
            return
        marks = ", ".join("?" for _ in columns)
        rows.many(f"INSERT INTO {table} ({names}) VALUES ({marks}) {conflict}", values)

    @contextmanager
    def _reading(self) -> Iterator[Rows]:
        with self.datastore.transaction(commit=False) as raw:
            yield Rows(raw, self.placeholder)

    # Batches: the states of the profiles a batch touches, read and written once each
    def _load(self, rows: Rows, keys: Sequence[str]) -> dict[str, Any]:
        """The stored states of these profiles (those known)."""
        raise NotImplementedError

    def _save(self, batch: Batch) -> None:
        """Write the batch's changed states (and entries)."""
        raise NotImplementedError

    @property
    def _open(self) -> dict[int, Batch]:
        opened: dict[int, Batch] = self.__dict__.setdefault("_open_batches", {})
        return opened

    @contextmanager
    def batch_in(
        self, raw: RawCursor, application_name: str, last: int, keys: Collection[str] = ()
    ) -> Iterator[Batch]:
        """In `raw`'s transaction: lock this view's position, yield the batch that this thread's
        writes fill (events at or before the position are refused), then write the states and
        `last` as the position, unless it was recorded already."""
        rows = Rows(raw, self.placeholder)
        thread = threading.get_ident()
        batch = Batch(thread, rows, self._claim(rows, application_name, last), last)
        self._open[thread] = batch
        try:
            if batch.accepts(last):
                self._prefetch(batch, keys)
            yield batch
            if batch.accepts(last):
                self._save(batch)
                rows.execute(
                    f"UPDATE {self._table('_tracking')} SET notification_id = ? "
                    "WHERE application_name = ?",
                    (last, application_name),
                )
        finally:
            del self._open[thread]

    def _claim(self, rows: Rows, application_name: str, last: int) -> int | None:
        """The position recorded so far, its row locked (created at `last` when there is none)."""
        tracking = self._table("_tracking")
        for _ in range(2):
            rows.execute(
                f"UPDATE {tracking} SET notification_id = notification_id "
                "WHERE application_name = ? RETURNING notification_id",
                (application_name,),
            )
            row = rows.one()
            if row is not None:
                return int(row["notification_id"])
            rows.execute(
                f"INSERT INTO {tracking} (application_name, notification_id) VALUES (?, ?) "
                "ON CONFLICT (application_name) DO NOTHING RETURNING notification_id",
                (application_name, last),
            )
            if rows.one() is not None:
                return None
        raise RuntimeError(f"Cannot lock the position of {self.prefix}")  # pragma: no cover

    def _prefetch(self, batch: Batch, keys: Collection[str]) -> None:
        missing = [key for key in dict.fromkeys(keys) if key not in batch.states]
        for first in range(0, len(missing), LOAD_CHUNK):
            chunk = missing[first : first + LOAD_CHUNK]
            found = self._load(batch.rows, chunk)
            for key in chunk:
                batch.states[key] = found.get(key)

    def _state(self, batch: Batch, key: str) -> Any:  # noqa: ANN401
        if key not in batch.states:
            self._prefetch(batch, (key,))
        return batch.states[key]

    def _put(self, batch: Batch, key: str, state: object) -> None:
        batch.states[key] = state
        batch.dirty[key] = None

    @contextmanager
    def _writing(self, tracking: Tracking) -> Iterator[Batch | None]:
        """This thread's open batch (else one of its own), None when `tracking` is recorded."""
        batch = self._open.get(threading.get_ident())
        if batch is not None:
            yield batch if batch.accepts(tracking.notification_id) else None
            return
        with (
            self.datastore.transaction(commit=True) as raw,
            self.batch_in(raw, tracking.application_name, tracking.notification_id) as batch,
        ):
            yield batch if batch.accepts(tracking.notification_id) else None
        if self.on_commit is not None:
            self.on_commit()

    def insert_tracking(self, tracking: Tracking) -> None:
        with self._writing(tracking):
            pass

    def reset(self, application_name: str, start_after: int | None = None) -> None:
        with self.datastore.transaction(commit=True) as raw:
            rows = Rows(raw, self.placeholder)
            for suffix in self.table_suffixes:
                rows.execute(f"DELETE FROM {self._table(suffix)}")
            tracking = self._table("_tracking")
            rows.execute(f"DELETE FROM {tracking} WHERE application_name = ?", (application_name,))
            if start_after is not None:
                rows.execute(
                    f"INSERT INTO {tracking} (application_name, notification_id) VALUES (?, ?)",
                    (application_name, start_after),
                )

    def drop(self) -> None:
        with self.datastore.transaction(commit=True) as raw:
            rows = Rows(raw, self.placeholder)
            for suffix in (*self.table_suffixes, "_tracking"):
                rows.execute(f"DROP TABLE IF EXISTS {self._table(suffix)}")

    def _version_in(self, suffix: str, profile_id: UUID | str) -> int | None:
        key = canonical_id(profile_id)
        if key is None:
            return None
        with self._reading() as rows:
            rows.execute(f"SELECT version FROM {self._table(suffix)} WHERE profile_id = ?", (key,))
            row = rows.one()
        return None if row is None else int(row["version"])

    # Records: the (profile_id, version, record) tables of the profile view and the audit
    def _load_records(self, rows: Rows, suffix: str, keys: Sequence[str]) -> dict[str, Record]:
        where, params = self._in("profile_id", keys)
        rows.execute(f"SELECT profile_id, record FROM {self._table(suffix)} WHERE {where}", params)
        return {str(row["profile_id"]): json.loads(row["record"]) for row in rows.all()}

    def _save_records(self, batch: Batch, suffix: str) -> None:
        self._insert_rows(
            batch.rows,
            self._table(suffix),
            RECORD_COLUMNS,
            [
                (key, batch.states[key]["version"], json.dumps(batch.states[key]))
                for key in batch.dirty
            ],
            "ON CONFLICT (profile_id) DO UPDATE "
            "SET version = excluded.version, record = excluded.record",
        )
