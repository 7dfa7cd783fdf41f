"""The audit trail in SQL: one entry per event, each profile's last record for `before`."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Tracking

from adapters.readside.rows import Batch, Rows, canonical_id, epoch_us, to_json
from adapters.readside.views.base import SqlView
from domain.erasure import erased_changes
from domain.state import ProfileState
from projections.ports import AuditRecorder, Entry

_ENTRY_COLUMNS = (
    "position, profile_id, version, at, actor, caller, correlation_id, event, section, changes"
)
_ENTRY_NAMES = (*_ENTRY_COLUMNS.split(", "), "at_us")


class SqlAuditView(SqlView, AuditRecorder):
    prefix = "audit_trail"
    table_suffixes = ("", "_state")

    def _ddl(self) -> list[str]:
        entries, state, n = self._table(), self._table("_state"), self.bigint
        return [
            f"CREATE TABLE IF NOT EXISTS {entries} (position {n} PRIMARY KEY, "
            f"profile_id TEXT NOT NULL, version {n} NOT NULL, at TEXT NOT NULL, "
            f"at_us {n} NOT NULL, actor TEXT NOT NULL, caller TEXT, correlation_id TEXT NOT NULL, "
            "event TEXT NOT NULL, section TEXT NOT NULL, changes TEXT NOT NULL)",
            f"CREATE INDEX IF NOT EXISTS {self.prefix}_by_profile ON {entries} "
            "(profile_id, position)",
            f"CREATE INDEX IF NOT EXISTS {self.prefix}_by_time ON {entries} (at_us)",
            f"CREATE TABLE IF NOT EXISTS {state} (profile_id TEXT PRIMARY KEY, "
            f"version {n} NOT NULL, record TEXT NOT NULL)",
        ]

    def upgrade(self) -> None:
        """Add what tables made by earlier versions lack: the caller of each entry."""
        self._add_column("", "caller", "TEXT")

    def _load(self, rows: Rows, keys: Sequence[str]) -> dict[str, Any]:
        return self._load_records(rows, "_state", keys)

    def erase(self, profile_id: str, tracking: Tracking) -> None:
        with self._writing(tracking) as batch:
            if batch is not None:
                batch.erased.append(profile_id)

    def _erase_entries(self, batch: Batch) -> None:
        """After the batch's entries are in: every entry of the erased profiles keeps its
        skeleton only (its changes' fields, before and after erased)."""
        for profile_id in dict.fromkeys(batch.erased):
            batch.rows.execute(
                f"SELECT position, changes FROM {self._table()} WHERE profile_id = ?",
                (profile_id,),
            )
            erased = [
                (to_json(erased_changes(json.loads(row["changes"]))), row["position"])
                for row in batch.rows.all()
            ]
            batch.rows.many(f"UPDATE {self._table()} SET changes = ? WHERE position = ?", erased)

    def _save(self, batch: Batch) -> None:
        self._save_records(batch, "_state")
        self._insert_rows(
            batch.rows,
            self._table(),
            _ENTRY_NAMES,
            [
                (
                    entry["position"],
                    entry["profile_id"],
                    entry["version"],
                    entry["at"],
                    entry["actor"],
                    entry["caller"],
                    entry["correlation_id"],
                    entry["event"],
                    entry["section"],
                    to_json(entry["changes"]),
                    epoch_us(datetime.fromisoformat(entry["at"])),
                )
                for entry in batch.entries
            ],
        )
        self._erase_entries(batch)

    def append(
        self,
        profile_id: str,
        step: Callable[[ProfileState | None], tuple[ProfileState, Entry] | None],
        tracking: Tracking,
    ) -> None:
        with self._writing(tracking) as batch:
            if batch is None:
                return
            stepped = step(self._state(batch, profile_id))
            if stepped is None:
                return
            state, entry = stepped
            self._put(batch, profile_id, state)
            batch.entries.append(entry)

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
