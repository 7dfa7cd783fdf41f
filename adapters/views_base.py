"""The views' shared machinery on SQL: rows and tracking in one transaction, both stores."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar, Protocol
from uuid import UUID

from eventsourcing.persistence import IntegrityError, Tracking

from projections.ports import ViewRecorder

_PREFIX = re.compile(r"^[a-z][a-z0-9_]{0,40}$")


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
    def fetchone(self) -> Any: ...  # noqa: ANN401
    def fetchall(self) -> Any: ...  # noqa: ANN401


class Rows:
    """A cursor speaking `?` placeholders on both stores, rows as dicts."""

    def __init__(self, raw: RawCursor, placeholder: str) -> None:
        self.raw = raw
        self.placeholder = placeholder

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.raw.execute(sql.replace("?", self.placeholder), tuple(params))

    def one(self) -> dict[str, Any] | None:
        row = self.raw.fetchone()
        return None if row is None else dict(row)

    def all(self) -> list[dict[str, Any]]:
        return [dict(row) for row in self.raw.fetchall()]


class SqlView(ViewRecorder):
    """What every view shares; the store's class supplies the datastore and tracking SQL."""

    prefix: ClassVar[str] = ""
    table_suffixes: ClassVar[tuple[str, ...]] = ("",)
    placeholder: ClassVar[str] = "?"
    bigint: ClassVar[str] = "INTEGER"
    datastore: Any
    on_commit: Callable[[], None] | None = None
    _batch: tuple[int, RawCursor] | None = None

    if TYPE_CHECKING:

        def __init__(self, datastore: Any, **kwargs: object) -> None: ...  # noqa: ANN401

        def create_table(self) -> None: ...

        def _insert_tracking(self, c: RawCursor, tracking: Tracking) -> None: ...

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

    @contextmanager
    def _reading(self) -> Iterator[Rows]:
        with self.datastore.transaction(commit=False) as raw:
            yield Rows(raw, self.placeholder)

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Make this thread's writes one transaction (replays go faster)."""
        with self.datastore.transaction(commit=True) as raw:
            self._batch = (threading.get_ident(), raw)
            try:
                yield
            finally:
                self._batch = None
        if self.on_commit is not None:
            self.on_commit()

    @contextmanager
    def _writing(self, tracking: Tracking) -> Iterator[Rows | None]:
        """A transaction that first claims `tracking`; None when it was already recorded."""
        batch = self._batch
        if batch is not None and batch[0] == threading.get_ident():
            yield self._claim(batch[1], tracking)
            return
        with self.datastore.transaction(commit=True) as raw:
            yield self._claim(raw, tracking)
        if self.on_commit is not None:
            self.on_commit()

    def _claim(self, raw: RawCursor, tracking: Tracking) -> Rows | None:
        try:
            self._insert_tracking(raw, tracking)  # first, so that writers queue here
        except IntegrityError:
            return None  # this position is recorded already (by another runner): skip it
        return Rows(raw, self.placeholder)

    def insert_tracking(self, tracking: Tracking) -> None:
        with self._writing(tracking):
            pass

    def reset(self, application_name: str, start_after: int | None = None) -> None:
        with self.datastore.transaction(commit=True) as raw:
            rows = Rows(raw, self.placeholder)
            for suffix in self.table_suffixes:
                rows.execute(f"DELETE FROM {self._table(suffix)}")
            rows.execute(
                f"DELETE FROM {self._table('_tracking')} WHERE application_name = ?",
                (application_name,),
            )
            if start_after is not None:
                self._insert_tracking(raw, Tracking(application_name, start_after))

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
