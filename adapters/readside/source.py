"""What the read side reads: the event store, its datastore (the views live there) and its env."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from eventsourcing.postgres import PostgresDatastore

from application.store import ProfileEventStore


@dataclass(frozen=True)
class EventLog:
    store: ProfileEventStore  # the application whose events the views follow
    datastore: Any  # its SQLiteDatastore or PostgresDatastore, where the views are written
    env: Mapping[str, str]  # its settings, for a runner's own connection pool (PostgreSQL)
    categories: tuple[str, ...]  # the newsletter categories

    @property
    def postgres(self) -> bool:
        return isinstance(self.datastore, PostgresDatastore)
