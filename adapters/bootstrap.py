"""The composition root: builds every part of the service from validated settings."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from eventsourcing.postgres import PostgresDatastore

from adapters.eventstore.sql import SqlRunner
from adapters.integrity.builder import BATCH as TREE_BATCH
from adapters.integrity.builder import CHECKPOINT_EVERY
from adapters.integrity.model import Integrity
from adapters.integrity.signing import Signer, signing_seed
from adapters.readside.model import ReadSide
from adapters.readside.runner import BATCH
from adapters.readside.source import EventLog
from adapters.security.hasher import Argon2idHasher
from adapters.security.keys import IDEMPOTENCY, derive_key, vault_master_key
from adapters.security.vault import SqlCardVault
from adapters.settings import ConfigurationError, Settings
from application.ports import Clock
from application.service import ProfileService

__all__ = ["ConfigurationError", "Container", "build", "vault_master_key"]


class _MostRecentFirst(deque[Any]):
    """A connection pool's idle connections, the most recently returned handed out first:
    its server process has the statements prepared and its caches warm. (psycopg_pool hands
    them out in turn; with one thread that costs about a tenth of each command.)"""

    def popleft(self) -> Any:  # noqa: ANN401
        return self.pop()


def _reuse_recent_connections(datastore: object) -> None:
    if isinstance(datastore, PostgresDatastore):
        pool = datastore.pool
        pool._pool = _MostRecentFirst(pool._pool)


@dataclass
class Container:
    settings: Settings
    env: dict[str, str]
    service: ProfileService
    sql: SqlRunner
    extras: dict[str, Any] = field(default_factory=dict)

    def read_side(
        self, *, suffix: str = "", start_after: int | None = None, batch: int = BATCH
    ) -> ReadSide:
        """The views of this store (`suffix`: under other table names, e.g. a test's own)."""
        log = EventLog(
            self.service, self.sql.datastore, self.env, tuple(self.settings.newsletter_categories)
        )
        return ReadSide(log, suffix=suffix, start_after=start_after, batch=batch)

    def integrity(
        self, *, suffix: str = "", every: float = CHECKPOINT_EVERY, batch: int = TREE_BATCH
    ) -> Integrity:
        """The tamper-evident log of this store (`suffix`: under other table names)."""
        seed = signing_seed(
            self.settings, lambda label: derive_key(vault_master_key(self.settings), label)
        )
        return Integrity(
            self.service, self.env, Signer(seed), suffix=suffix, every=every, batch=batch
        )

    def close(self) -> None:
        self.service.close()


def build(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    several_servers: bool = False,
) -> Container:
    """`several_servers`: one of several server processes writing the same store."""
    settings = settings or Settings()
    env = settings.eventsourcing_env()
    master = vault_master_key(settings)
    hasher = Argon2idHasher(
        time_cost=settings.argon2_time_cost, memory_cost_kib=settings.argon2_memory_kib
    )

    service = ProfileService(
        env,
        hasher=hasher,
        fingerprint_key=derive_key(master, IDEMPOTENCY),
        clock=clock,
        newsletter_categories=settings.newsletter_categories,
        accepted_card_brands=settings.accepted_card_brands,
        read_before_write=several_servers,
        idempotency_kept=timedelta(hours=settings.idempotency_hours),
    )
    _reuse_recent_connections(service.factory.datastore)  # type: ignore[attr-defined]
    sql = SqlRunner(service.factory.datastore)  # type: ignore[attr-defined]
    service.use_vault(SqlCardVault(sql, master))
    return Container(settings=settings, env=env, service=service, sql=sql)
