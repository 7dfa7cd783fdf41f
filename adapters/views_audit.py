"""The audit trail in SQL: one entry per event, each profile's last record for `before`."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Tracking

from adapters.views_base import SqlView, canonical_id, epoch_us
from projections.ports import (
    AuditRecorder,
    Entry,
    Record,
)

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
