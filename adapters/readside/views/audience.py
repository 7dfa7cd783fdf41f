"""The newsletter audience in SQL: subscribers per category, each profile's choices."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Tracking

from adapters.readside.rows import Batch, Rows, canonical_id
from adapters.readside.views.base import SqlView
from projections.ports import AudienceChange, AudienceRecorder, Communications

_PROFILE_COLUMNS = ("profile_id", "version", "domain_suggestions", "unsubscribed_at", "erased")
_CATEGORY_COLUMNS = ("category", "profile_id", "consent")


@dataclass
class _Audience:
    """A profile's communications in a batch; `stored`: its categories as read, for the diff."""

    version: int
    domain_suggestions: bool
    unsubscribed_at: str | None
    categories: dict[str, str] = field(default_factory=dict)  # category -> consent (JSON)
    stored: dict[str, str] = field(default_factory=dict)
    erased: bool = False

    def copy(self, stored: dict[str, str]) -> _Audience:
        return _Audience(
            self.version,
            self.domain_suggestions,
            self.unsubscribed_at,
            dict(self.categories),
            dict(stored),
            self.erased,
        )


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
            "unsubscribed_at TEXT, erased INTEGER NOT NULL DEFAULT 0)",
        ]

    def upgrade(self) -> None:
        """Add what tables made by earlier versions lack: whether the person is forgotten."""
        self._add_column("_profiles", "erased", "INTEGER NOT NULL DEFAULT 0")

    def _load(self, rows: Rows, keys: Sequence[str]) -> dict[str, Any]:
        where, params = self._in("profile_id", keys)
        rows.execute(f"SELECT * FROM {self._table('_profiles')} WHERE {where}", params)
        states = {
            str(row["profile_id"]): _Audience(
                int(row["version"]),
                bool(row["domain_suggestions"]),
                row["unsubscribed_at"],
                erased=bool(row["erased"]),
            )
            for row in rows.all()
        }
        rows.execute(
            f"SELECT profile_id, category, consent FROM {self._table()} WHERE {where}", params
        )
        for row in rows.all():
            state = states.get(str(row["profile_id"]))
            if state is not None:
                state.categories[row["category"]] = state.stored[row["category"]] = row["consent"]
        return states

    def _fresh(self, state: _Audience | None) -> _Audience | None:
        return None if state is None else state.copy(stored=state.stored)

    def _stored(self, state: _Audience | None) -> _Audience | None:
        return None if state is None else state.copy(stored=state.categories)

    def _save(self, batch: Batch) -> None:
        states: list[tuple[str, _Audience]] = [(key, batch.states[key]) for key in batch.dirty]
        self._insert_rows(
            batch.rows,
            self._table("_profiles"),
            _PROFILE_COLUMNS,
            [
                (key, s.version, int(s.domain_suggestions), s.unsubscribed_at, int(s.erased))
                for key, s in states
            ],
            "ON CONFLICT (profile_id) DO UPDATE SET version = excluded.version, "
            "domain_suggestions = excluded.domain_suggestions, "
            "unsubscribed_at = excluded.unsubscribed_at, erased = excluded.erased",
        )
        batch.rows.many(
            f"DELETE FROM {self._table()} WHERE profile_id = ? AND category = ?",
            [(key, c) for key, s in states for c in s.stored if c not in s.categories],
        )
        self._insert_rows(
            batch.rows,
            self._table(),
            _CATEGORY_COLUMNS,
            [
                (c, key, consent)
                for key, s in states
                for c, consent in s.categories.items()
                if s.stored.get(c) != consent
            ],
            "ON CONFLICT (category, profile_id) DO UPDATE SET consent = excluded.consent",
        )

    def record(self, change: AudienceChange, tracking: Tracking) -> None:
        with self._writing(tracking) as batch:
            if batch is None:
                return
            state: _Audience | None = self._state(batch, change.profile_id)
            if state is None:
                if not change.registered:
                    return  # a profile registered before this view started
                state = _Audience(change.version, False, None)
            state.version = change.version
            if change.domain_suggestions is not None:
                state.domain_suggestions = change.domain_suggestions
            state.unsubscribed_at = change.unsubscribed_at or state.unsubscribed_at
            state.erased = state.erased or change.erased
            if change.categories is not None:
                consent = json.dumps(dict(change.consent))
                state.categories = {
                    c: consent if c in change.renewed else state.categories.get(c, consent)
                    for c in change.categories
                }
            self._put(batch, change.profile_id, state)

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
            erased=bool(row["erased"]),
        )

    def profile_version(self, profile_id: UUID | str) -> int | None:
        return self._version_in("_profiles", profile_id)
