"""The composition root: builds every part of the service from validated settings."""

from __future__ import annotations

import base64
import os
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eventsourcing.postgres import PostgresDatastore

from adapters.security import Argon2idHasher, SqlCardVault, derive_key
from adapters.settings import ConfigurationError, Settings
from adapters.sql import SqlRunner
from application.ports import Clock
from application.service import ProfileService

__all__ = ["ConfigurationError", "Container", "build", "vault_master_key"]


def vault_master_key(settings: Settings) -> bytes:
    if settings.vault_key is not None:
        return base64.b64decode(settings.vault_key.get_secret_value())
    if settings.is_postgres:
        raise ConfigurationError("PROFILE_VAULT_KEY is required with PostgreSQL")
    path = Path(settings.sqlite_path + ".vault-key")
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as file:
            file.write(base64.b64encode(os.urandom(32)).decode())
    return base64.b64decode(path.read_text().strip())


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
        fingerprint_key=derive_key(master, "idempotency"),
        clock=clock,
        newsletter_categories=settings.newsletter_categories,
        accepted_card_brands=settings.accepted_card_brands,
        read_before_write=several_servers,
    )
    _reuse_recent_connections(service.factory.datastore)  # type: ignore[attr-defined]
    sql = SqlRunner(service.factory.datastore)  # type: ignore[attr-defined]
    service.use_vault(SqlCardVault(sql, master))
    return Container(settings=settings, env=env, service=service, sql=sql)
