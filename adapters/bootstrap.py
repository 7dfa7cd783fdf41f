"""The composition root: builds every part of the service from validated settings."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from eventsourcing.postgres import PostgresDatastore
from eventsourcing.sqlite import SQLiteDatastore

from adapters.eventstore.claims import ClaimsRebuilt, Progress, claims_built, rebuild_claims
from adapters.eventstore.leadership import (
    FileLeadership,
    Leadership,
    PostgresLeadership,
    lock_file,
)
from adapters.eventstore.sql import SqlRunner
from adapters.eventstore.subscription import Wakeup
from adapters.feed.jetstream import JetStream, shown
from adapters.feed.positions import FeedPositions
from adapters.feed.relay import Relay, RelayThread
from adapters.feed.source import FeedSource
from adapters.integrity.builder import BATCH as TREE_BATCH
from adapters.integrity.builder import CHECKPOINT_EVERY
from adapters.integrity.model import Integrity
from adapters.integrity.signing import Signer, signing_seed
from adapters.logging import get_logger
from adapters.readside.model import ReadSide
from adapters.readside.runner import APPLICATION, BATCH
from adapters.readside.source import EventLog
from adapters.security.datakeys import DataKeys
from adapters.security.hasher import Argon2idHasher
from adapters.security.keyring import Keyring
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


_FEED_STORE_LOCK = threading.Lock()
log = get_logger("profile_service.emails")


@dataclass
class Container:
    settings: Settings
    env: dict[str, str]
    service: ProfileService
    sql: SqlRunner
    keyring: Keyring
    data_keys: DataKeys
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

    def rebuild_email_claims(self, progress: Progress | None = None) -> ClaimsRebuilt:
        """The e-mail reservations rebuilt from the log, swapped in while serving."""
        return rebuild_claims(self.service, self.sql, progress)

    def close(self) -> None:
        self.service.close()
        feed_store = self.extras.pop("feed_store", None)
        if feed_store is not None:
            feed_store.close()

    # Several machines: one active instance per kind of work
    def leadership(self, kind: str) -> Leadership:
        """Who leads `kind` (e.g. "projections"): an advisory lock on PostgreSQL, else a file."""
        if self.settings.is_postgres:
            return PostgresLeadership(self.settings.database_url, kind)
        return FileLeadership(lock_file(self.settings.sqlite_path, kind), kind)

    # The event feed (events.md)
    @property
    def relay_kind(self) -> str:
        return f"relay:{self.settings.nats_stream}"

    def feed(self, read_side: ReadSide) -> FeedSource:
        """The audit trail of `read_side` as CloudEvents."""
        return FeedSource(read_side.audit, APPLICATION, read_side.head)

    def relay(self, read_side: ReadSide) -> RelayThread:
        """The relay to NATS JetStream (PROFILE_NATS_URL), run by whoever leads `relay_kind`."""
        settings = self.settings
        if settings.nats_url is None:
            raise ConfigurationError("PROFILE_NATS_URL: set it to publish the event feed")
        url = settings.nats_url.get_secret_value()
        stream, prefix = settings.nats_stream, settings.nats_subject_prefix

        async def connect() -> JetStream:
            return await JetStream.connect(url, stream, prefix)

        relay = Relay(self.feed(read_side), self.feed_positions(), stream, connect,
                      server=shown(url))
        return RelayThread(relay, lambda: Wakeup(self.service.recorder))

    def feed_positions(self) -> FeedPositions:
        """Where the relay records its position: in the store; on SQLite in a file beside it, so
        that a relay in another process only reads the events' file (a second writer there
        would make the commands' transactions fail as busy)."""
        path = self.settings.sqlite_path
        if self.settings.is_postgres or path == ":memory:" or path.startswith("file:"):
            return FeedPositions(self.sql)
        with _FEED_STORE_LOCK:
            if "feed_store" not in self.extras:
                self.extras["feed_store"] = SQLiteDatastore(f"{path}.feed", lock_timeout=10,
                                                            pool_size=2)
        return FeedPositions(SqlRunner(self.extras["feed_store"]))

    def feed_status(self) -> dict[str, Any] | None:
        """The relay's position and lag behind the events (None when it is not configured)."""
        if self.settings.nats_url is None:
            return None
        head = self.service.recorder.max_notification_id() or 0
        position = self.feed_positions().get(self.settings.nats_stream)
        return {"name": "event_feed", "position": position, "head": head,
                "lag": max(0, head - position)}


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
    keyring = Keyring(master)
    data_keys = DataKeys(keyring)
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
        personal=data_keys,
    )
    _reuse_recent_connections(service.factory.datastore)  # type: ignore[attr-defined]
    sql = SqlRunner(service.factory.datastore)  # type: ignore[attr-defined]
    data_keys.attach(sql)
    keyring.attach(sql)
    service.use_vault(SqlCardVault(sql, keyring, master))
    if not claims_built(sql):  # the e-mail rule's first enforcement on this store (README)
        report_shared_emails(rebuild_claims(service, sql))
    return Container(
        settings=settings, env=env, service=service, sql=sql, keyring=keyring, data_keys=data_keys
    )


def report_shared_emails(rebuilt: ClaimsRebuilt) -> None:
    """Profiles recorded before the e-mail rule with the same address: the first keeps it."""
    for shared in rebuilt.shared:
        log.warning(
            "email_shared",
            holder=str(shared.holder),
            others=[str(other) for other in shared.others],
            action="change or erase the others' address; see the README (one email, one profile)",
        )
