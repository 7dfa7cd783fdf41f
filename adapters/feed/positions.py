"""Where the relay records how far it has published, per stream: only after the broker's acks."""

from __future__ import annotations

from datetime import UTC, datetime

from adapters.eventstore.sql import SqlRunner

TABLE = "event_feed_positions"


class FeedPositions:
    """One row per stream: the position of the last event published to it (never going back)."""

    def __init__(self, sql: SqlRunner, table: str = TABLE) -> None:
        self._sql = sql
        self.table = table
        self._ready = False

    def setup(self) -> None:
        if self._ready:
            return
        statement = (
            f"CREATE TABLE IF NOT EXISTS {self.table} (stream TEXT PRIMARY KEY, "
            "position BIGINT NOT NULL, updated_at TEXT NOT NULL)"
        )
        try:
            self._sql.execute(statement)
        except Exception:
            # Two processes may create the table at once on PostgreSQL; one of them fails.
            self._sql.fetchone(f"SELECT COUNT(*) AS n FROM {self.table}")
        self._ready = True

    def get(self, stream: str) -> int:
        self.setup()
        row = self._sql.fetchone(f"SELECT position FROM {self.table} WHERE stream = ?", (stream,))
        return int(row["position"]) if row else 0

    def save(self, stream: str, position: int) -> None:
        self.setup()
        self._sql.execute(
            f"INSERT INTO {self.table} (stream, position, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (stream) DO UPDATE SET position = excluded.position, "
            f"updated_at = excluded.updated_at WHERE {self.table}.position < excluded.position",
            (stream, position, datetime.now(UTC).isoformat()),
        )
