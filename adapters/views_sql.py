"""The profile view and the newsletter audience in SQL, for SQLite and PostgreSQL alike."""

from __future__ import annotations

import json
from collections.abc import Callable
from uuid import UUID

from eventsourcing.persistence import Tracking

from adapters.views_audit import SqlAuditView
from adapters.views_base import SqlView, canonical_id
from projections.ports import (
    AudienceChange,
    AudienceRecorder,
    Communications,
    ProfileViewRecorder,
    Record,
)

__all__ = ["SqlAudienceView", "SqlAuditView", "SqlProfileView"]


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
