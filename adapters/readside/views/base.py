"""The views' shared machinery on SQL: tables under a prefix, reading, resetting, dropping."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from adapters.eventstore.sql import SqlRunner, write_transaction
from adapters.readside.rows import Batch, Rows, canonical_id, to_json
from adapters.readside.views.batching import BatchedView
from projections.ports import Record, ViewRecorder

_PREFIX = re.compile(r"^[a-z][a-z0-9_]{0,40}$")
RECORD_COLUMNS = ("profile_id", "version", "record")


class SqlView(BatchedView, ViewRecorder):
    """What every view shares; the store's class supplies the datastore and its SQL dialect."""

    prefix: ClassVar[str] = ""
    table_suffixes: ClassVar[tuple[str, ...]] = ("",)
    placeholder: ClassVar[str] = "?"
    bigint: ClassVar[str] = "INTEGER"
    postgres: ClassVar[bool] = False
    datastore: Any

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

    def tables(self) -> tuple[str, ...]:
        """The view's tables (schema-qualified on PostgreSQL): its own, then its tracking."""
        return tuple(self._table(suffix) for suffix in (*self.table_suffixes, "_tracking"))

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

    def upgrade(self) -> None:
        """Bring tables made by an earlier version up to this one's shape (after create_table)."""

    def _add_column(self, suffix: str, column: str, kind: str) -> None:
        SqlRunner(self.datastore).add_column(self._table(suffix), column, kind)

    def track(self, rows: Rows, application_name: str, position: int) -> None:
        """Record `position` as reached, in `rows`' transaction."""
        rows.execute(
            f"INSERT INTO {self._table('_tracking')} (application_name, notification_id) "
            "VALUES (?, ?)",
            (application_name, position),
        )

    def index_statements(self) -> list[str]:
        return [statement for statement in self._ddl() if statement.startswith("CREATE INDEX")]

    def swap_into(self, raw: Any, live: SqlView) -> None:  # noqa: ANN401
        """In `raw`'s transaction: drop `live`'s tables and give this view's their names."""
        rows = Rows(raw, self.placeholder)
        for mine, theirs in zip(self.tables(), live.tables(), strict=True):
            rows.execute(f"DROP TABLE IF EXISTS {theirs}")
            rows.execute(f"ALTER TABLE {mine} RENAME TO {theirs.rpartition('.')[2]}")
        self._rename_indexes(rows, live)

    def _rename_indexes(self, rows: Rows, live: SqlView) -> None:
        """SQLite cannot rename an index: drop the named ones the renamed tables brought,
        create the live view's (an automatic index follows its table by itself)."""
        names = live.tables()
        rows.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({', '.join('?' for _ in names)})",
            names,
        )
        for row in rows.all():
            rows.execute(f"DROP INDEX {row['name']}")
        for statement in live.index_statements():
            rows.execute(statement)

    def reset(self, application_name: str, start_after: int | None = None) -> None:
        with write_transaction(self.datastore) as raw:
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
        with write_transaction(self.datastore) as raw:
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
                (key, batch.states[key]["version"], to_json(batch.states[key]))
                for key in batch.dirty
            ],
            "ON CONFLICT (profile_id) DO UPDATE "
            "SET version = excluded.version, record = excluded.record",
        )
