"""The e-mail reservations rebuilt from the log: replayed beside the live table, then swapped
in while the writers that claim an address wait (safe while the service runs)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from eventsourcing.persistence import Notification
from eventsourcing.postgres import PostgresDatastore
from eventsourcing.utils import get_topic
from psycopg.sql import SQL, Identifier

from adapters.eventstore.ledger import CLAIMS_BUILT_TABLE, CLAIMS_TABLE
from adapters.eventstore.sql import SqlRunner, notifications_after, write_transaction
from application.claims import CLAIMING_EVENTS, EmailHolders, SharedEmail
from application.store import ProfileEventStore

PAGE = 5000  # notifications read at a time
TOPICS = [get_topic(cls) for cls in CLAIMING_EVENTS]
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ClaimsRebuilt:
    replayed: int  # events read
    claims: int  # addresses held
    shared: list[SharedEmail]  # addresses several profiles have (the first keeps it)


def claims_built(sql: SqlRunner) -> bool:
    """Whether the reservations were built from the log (by the rule's first enforcement)."""
    return sql.fetchone(f"SELECT position FROM {CLAIMS_BUILT_TABLE}") is not None


def rebuild_claims(
    store: ProfileEventStore, sql: SqlRunner, progress: Progress | None = None
) -> ClaimsRebuilt:
    """Replay the events that claim or free an address, then, in one transaction that holds
    back the commands claiming one, replay the rest and replace the table."""
    holders, position, replayed = EmailHolders(), 0, 0
    head = store.recorder.max_notification_id() or 0
    while position < head:
        page = store.recorder.select_notifications(
            start=position, limit=PAGE, stop=head, topics=TOPICS, inclusive_of_start=False
        )
        if not page:
            break
        position = _apply(store, holders, page)
        replayed += len(page)
        if progress is not None:
            progress(position, head)
    mark = "%s" if sql.is_postgres else "?"
    with write_transaction(sql.datastore) as raw:
        _hold_back_claims(raw, sql.datastore)
        while page := notifications_after(raw, store.recorder, position, PAGE, TOPICS):
            position = _apply(store, holders, page)
            replayed += len(page)
        claims = holders.claims()
        raw.execute(f"DELETE FROM {CLAIMS_TABLE}")
        if claims:
            raw.executemany(
                f"INSERT INTO {CLAIMS_TABLE} (email, profile_id) VALUES ({mark}, {mark})",
                [(key, str(profile_id)) for key, profile_id in claims.items()],
            )
        raw.execute(f"DELETE FROM {CLAIMS_BUILT_TABLE}")
        raw.execute(f"INSERT INTO {CLAIMS_BUILT_TABLE} (position) VALUES ({mark})", (position,))
    return ClaimsRebuilt(replayed, len(claims), holders.shared())


def _apply(store: ProfileEventStore, holders: EmailHolders, page: Sequence[Notification]) -> int:
    for notification in page:
        holders.apply(store.mapper.to_domain_event(notification), notification.id)
    return page[-1].id


def _hold_back_claims(raw: Any, datastore: Any) -> None:  # noqa: ANN401
    """SQLite's write lock is ours already; on PostgreSQL, the claims' table is locked against
    writers (readers go on) until the swap commits."""
    if isinstance(datastore, PostgresDatastore):
        table = Identifier(datastore.schema, CLAIMS_TABLE)
        raw.execute(SQL("LOCK TABLE {} IN EXCLUSIVE MODE").format(table))
