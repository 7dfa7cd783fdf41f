"""The profile view in SQL: one record per profile, for SQLite and PostgreSQL alike."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Tracking

from adapters.readside.rows import Batch, Rows, canonical_id
from adapters.readside.views.base import SqlView
from domain.disclosure import profile_record
from domain.state import ProfileState
from projections.ports import ProfileViewRecorder, Record


class SqlProfileView(SqlView, ProfileViewRecorder):
    prefix = "profile_view"

    def _ddl(self) -> list[str]:
        return [
            f"CREATE TABLE IF NOT EXISTS {self._table()} (profile_id TEXT PRIMARY KEY, "
            f"version {self.bigint} NOT NULL, record TEXT NOT NULL)"
        ]

    def _load(self, rows: Rows, keys: Sequence[str]) -> dict[str, Any]:
        return self._load_records(rows, "", keys)

    def _save(self, batch: Batch) -> None:
        self._save_records(batch, "")

    def evolve(
        self,
        profile_id: str,
        change: Callable[[ProfileState | None], ProfileState | None],
        tracking: Tracking,
    ) -> None:
        with self._writing(tracking) as batch:
            if batch is None:
                return
            state = change(self._state(batch, profile_id))
            if state is not None:
                self._put(batch, profile_id, state)

    def get(self, profile_id: UUID | str) -> Record | None:
        key = canonical_id(profile_id)
        if key is None:
            return None
        with self._reading() as rows:
            rows.execute(f"SELECT record FROM {self._table()} WHERE profile_id = ?", (key,))
            row = rows.one()
        return None if row is None else profile_record(json.loads(row["record"]))

    def profile_version(self, profile_id: UUID | str) -> int | None:
        return self._version_in("", profile_id)
