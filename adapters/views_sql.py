"""The views' SQL, shared by SQLite and PostgreSQL: rows and tracking in one transaction."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar, Protocol
from uuid import UUID

from eventsourcing.persistence import IntegrityError, Tracking

from projections.ports import (
    AudienceChange,
    AudienceRecorder,
    AuditRecorder,
    Communications,
    Entry,
    ProfileViewRecorder,
    Record,
    ViewRecorder,
)

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


class SqlProfileView(SqlView, ProfileViewRecorder):
    prefix = "profile_view"

    def _ddl(self) -> list[str]:
        return [
            f"CREATE TABLE IF NOT EXISTS {self._table()} (profile_id TEXT PRIMARY KEY, "
            f"version {self.bigint} NOT NULL, record TEXT NOT NULL)"
        ]

    def evolve(
        self,
        profile_id: str,
        change: Callable[[Record | None], Record | None],
        tracking: Tracking,
    ) -> None:
        with self._writing(tracking) as rows:
            if rows is None:
                return
            rows.execute(f"SELECT record FROM {self._table()} WHERE profile_id = ?", (profile_id,))
            row = rows.one()
            record = change(None if row is None else json.loads(row["record"]))
            if record is None:
                return
            rows.execute(
                f"INSERT INTO {self._table()} (profile_id, version, record) VALUES (?, ?, ?) "
                "ON CONFLICT (profile_id) DO UPDATE "
                "SET version = excluded.version, record = excluded.record",
                (profile_id, record["version"], json.dumps(record)),
            )

    def get(self, profile_id: UUID | str) -> Record | None:
        key = canonical_id(profile_id)
        if key is None:
            return None
        with self._reading() as rows:
            rows.execute(f"SELECT record FROM {self._table()} WHERE profile_id = ?", (key,))
            row = rows.one()
        return None if row is None else dict(json.loads(row["record"]))

    def profile_version(self, profile_id: UUID | str) -> int | None:
        return self._version_in("", profile_id)


_ENTRY_COLUMNS = "position, profile_id, version, at, actor, correlation_id, event, section, changes"


class SqlAuditView(SqlView, AuditRecorder):
    prefix = "audit_trail"
    table_suffixes = ("", "_state")

    def _ddl(self) -> list[str]:
        entries, state, n = self._table(), self._table("_state"), self.bigint
        return [
            f"CREATE TABLE IF NOT EXISTS {entries} (position {n} PRIMARY KEY, "
            f"profile_id TEXT NOT NULL, version {n} NOT NULL, at TEXT NOT NULL, "
            f"at_us {n} NOT NULL, actor TEXT NOT NULL, correlation_id TEXT NOT NULL, "
            "event TEXT NOT NULL, section TEXT NOT NULL, changes TEXT NOT NULL)",
            f"CREATE INDEX IF NOT EXISTS {self.prefix}_by_profile ON {entries} "
            "(profile_id, position)",
            f"CREATE INDEX IF NOT EXISTS {self.prefix}_by_time ON {entries} (at_us)",
            f"CREATE TABLE IF NOT EXISTS {state} (profile_id TEXT PRIMARY KEY, "
            f"version {n} NOT NULL, record TEXT NOT NULL)",
        ]

    def append(
        self,
        profile_id: str,
        step: Callable[[Record | None], tuple[Record, Entry] | None],
        tracking: Tracking,
    ) -> None:
        state = self._table("_state")
        with self._writing(tracking) as rows:
            if rows is None:
                return
            rows.execute(f"SELECT record FROM {state} WHERE profile_id = ?", (profile_id,))
            row = rows.one()
            stepped = step(None if row is None else json.loads(row["record"]))
            if stepped is None:
                return
            record, entry = stepped
            rows.execute(
                f"INSERT INTO {state} (profile_id, version, record) VALUES (?, ?, ?) "
                "ON CONFLICT (profile_id) DO UPDATE "
                "SET version = excluded.version, record = excluded.record",
                (profile_id, record["version"], json.dumps(record)),
            )
            rows.execute(
                f"INSERT INTO {self._table()} ({_ENTRY_COLUMNS}, at_us) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    entry["position"],
                    entry["profile_id"],
                    entry["version"],
                    entry["at"],
                    entry["actor"],
                    entry["correlation_id"],
                    entry["event"],
                    entry["section"],
                    json.dumps(entry["changes"]),
                    epoch_us(datetime.fromisoformat(entry["at"])),
                ),
            )

    def entries(
        self,
        *,
        profile_id: UUID | str | None = None,
        after: int | None = None,
        limit: int = 100,
        section: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[Entry]:
        where, params = ["1 = 1"], list[Any]()
        if profile_id is not None:
            where.append("profile_id = ?")
            params.append(canonical_id(profile_id) or "")
        for condition, value in (
            ("position > ?", after),
            ("section = ?", section),
            ("at_us >= ?", None if since is None else epoch_us(since)),
            ("at_us < ?", None if until is None else epoch_us(until)),
        ):
            if value is not None:
                where.append(condition)
                params.append(value)
        params.append(max(0, limit))
        with self._reading() as rows:
            rows.execute(
                f"SELECT {_ENTRY_COLUMNS} FROM {self._table()} WHERE {' AND '.join(where)} "
                "ORDER BY position LIMIT ?",
                params,
            )
            found = rows.all()
        for entry in found:
            entry["changes"] = json.loads(entry["changes"])
        return found

    def profile_version(self, profile_id: UUID | str) -> int | None:
        return self._version_in("_state", profile_id)


class SqlAudienceView(SqlView, AudienceRecorder):
    prefix = "newsletter_audience"
    table_suffixes = ("", "_profiles")

    def _ddl(self) -> list[str]:
        audience, profiles = self._table(), self._table("_profiles")
        return [
            f"CREATE TABLE IF NOT EXISTS {audience} (category TEXT NOT NULL, "
            "profile_id TEXT NOT NULL, consent TEXT NOT NULL, PRIMARY KEY (category, profile_id))",
            f"CREATE INDEX IF NOT EXISTS {self.prefix}_by_profile ON {audience} (profile_id)",
            f"CREATE TABLE IF NOT EXISTS {profiles} (profile_id TEXT PRIMARY KEY, "
            f"version {self.bigint} NOT NULL, domain_suggestions INTEGER NOT NULL, "
            "unsubscribed_at TEXT)",
        ]

    def record(self, change: AudienceChange, tracking: Tracking) -> None:
        audience, profiles, pid = self._table(), self._table("_profiles"), change.profile_id
        with self._writing(tracking) as rows:
            if rows is None:
                return
            rows.execute(
                f"SELECT domain_suggestions, unsubscribed_at FROM {profiles} WHERE profile_id = ?",
                (pid,),
            )
            row = rows.one()
            if row is None and not change.registered:
                return  # a profile registered before this view started
            row = row or {"domain_suggestions": 0, "unsubscribed_at": None}
            suggestions = change.domain_suggestions
            rows.execute(
                f"INSERT INTO {profiles} "
                "(profile_id, version, domain_suggestions, unsubscribed_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (profile_id) DO UPDATE SET version = excluded.version, "
                "domain_suggestions = excluded.domain_suggestions, "
                "unsubscribed_at = excluded.unsubscribed_at",
                (
                    pid,
                    change.version,
                    int(row["domain_suggestions"] if suggestions is None else suggestions),
                    change.unsubscribed_at or row["unsubscribed_at"],
                ),
            )
            if change.categories is None:
                return
            kept = list(change.categories)
            marks = ", ".join("?" for _ in kept)
            rows.execute(
                f"DELETE FROM {audience} WHERE profile_id = ?"
                + (f" AND category NOT IN ({marks})" if kept else ""),
                (pid, *kept),
            )
            for category in kept:
                rows.execute(
                    f"INSERT INTO {audience} (category, profile_id, consent) VALUES (?, ?, ?) "
                    "ON CONFLICT (category, profile_id) DO NOTHING",
                    (category, pid, json.dumps(dict(change.consent))),
                )

    def subscribers(self, category: str, after: str | None = None, limit: int = 100) -> list[str]:
        with self._reading() as rows:
            rows.execute(
                f"SELECT profile_id FROM {self._table()} WHERE category = ? AND profile_id > ? "
                "ORDER BY profile_id LIMIT ?",
                (category, after or "", max(0, limit)),
            )
            return [str(row["profile_id"]) for row in rows.all()]

    def communications(self, profile_id: UUID | str) -> Communications | None:
        key = canonical_id(profile_id)
        if key is None:
            return None
        with self._reading() as rows:
            rows.execute(f"SELECT * FROM {self._table('_profiles')} WHERE profile_id = ?", (key,))
            row = rows.one()
            if row is None:
                return None
            rows.execute(
                f"SELECT category, consent FROM {self._table()} WHERE profile_id = ? "
                "ORDER BY category",
                (key,),
            )
            consents = {r["category"]: json.loads(r["consent"]) for r in rows.all()}
        return Communications(
            version=int(row["version"]),
            newsletters=consents,
            domain_suggestions=bool(row["domain_suggestions"]),
            unsubscribed_at=row["unsubscribed_at"],
        )

    def profile_version(self, profile_id: UUID | str) -> int | None:
        return self._version_in("_profiles", profile_id)
