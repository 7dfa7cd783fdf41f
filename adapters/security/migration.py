"""`keys migrate`: profiles recorded before per-profile data keys are brought under keys of their
own, their events re-encoded in place (their snapshots, in clear, deleted): once, before the
tamper-evident log covers them (rewriting signed events would break its proofs)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

from eventsourcing.utils import get_topic

from adapters.eventstore.ledger import KEYS_TABLE, id_text, snapshots_table
from adapters.eventstore.sql import SqlRunner, write_transaction
from adapters.security.datakeys import ABSENT_SECONDS, DataKeys
from application.store import ProfileEventStore
from domain.events import ProfileErased, ProfileRegistered

PAGE = 1000


@dataclass(frozen=True)
class Migrated:
    profiles: int
    events: int


def profiles_without_keys(store: ProfileEventStore, sql: SqlRunner) -> list[UUID]:
    """Every registered profile that has no data key (recorded before keys, or erased)."""
    keyed = {str(row["profile_id"]) for row in sql.fetchall(f"SELECT profile_id FROM {KEYS_TABLE}")}
    found: list[UUID] = []
    start = 0
    topic = get_topic(ProfileRegistered)
    while page := store.recorder.select_notifications(
        start=start, limit=PAGE, topics=[topic], inclusive_of_start=False
    ):
        found += [UUID(str(n.originator_id)) for n in page if str(n.originator_id) not in keyed]
        start = page[-1].id
    return found


def migrate(
    store: ProfileEventStore,
    sql: SqlRunner,
    keys: DataKeys,
    progress: Callable[[int, int], None] | None = None,
    wait: Callable[[float], None] = time.sleep,
) -> Migrated:
    """Give each profile without a key one, and re-encode its events under it (a profile at a
    time, in one transaction). An erased profile's events are left as they are."""
    todo = [pid for pid in profiles_without_keys(store, sql) if not _erased(store, pid)]
    versions: dict[UUID, int] = {}
    for done, profile_id in enumerate(todo, start=1):
        versions[profile_id] = _migrate_one(store, sql, keys, profile_id, after=0)
        if progress is not None:
            progress(done, len(todo))
    events = sum(versions.values())
    if todo:  # a process that believed, a moment ago, that these had no key may have written
        wait(ABSENT_SECONDS + 1)
        for profile_id, version in versions.items():
            events += _migrate_one(store, sql, None, profile_id, after=version)
    return Migrated(len(todo), events)


def _erased(store: ProfileEventStore, profile_id: UUID) -> bool:
    last = store.recorder.select_events(profile_id, desc=True, limit=1)
    return bool(last) and last[0].topic == get_topic(ProfileErased)


def _migrate_one(
    store: ProfileEventStore, sql: SqlRunner, keys: DataKeys | None, pid: UUID, after: int
) -> int:
    """Re-encode the profile's events after version `after` (giving it a key first, if
    `keys`); the number of events re-encoded (its last version, the first time)."""
    new = keys.new_key(pid) if keys is not None else None
    recorder: object = store.recorder
    events_table = getattr(recorder, "events_table_name", "")
    placeholder = "%s" if sql.is_postgres else "?"
    stored = store.recorder.select_events(pid, gt=after)
    rewritten = [store.mapper.to_stored_event(store.mapper.to_domain_event(e)) for e in stored]
    oid = pid if sql.is_postgres else id_text(pid)
    with write_transaction(sql.datastore) as cursor:
        if new is not None:
            cursor.execute(
                f"INSERT INTO {KEYS_TABLE} (profile_id, key_id, nonce, wrapped) "
                f"VALUES ({placeholder}, {placeholder}, {placeholder}, {placeholder})",
                (str(pid), new.key_id, new.nonce, new.wrapped),
            )
        for event in rewritten:
            cursor.execute(
                f"UPDATE {events_table} SET state = {placeholder} WHERE originator_id = "
                f"{placeholder} AND originator_version = {placeholder}",
                (event.state, oid, event.originator_version),
            )
        cursor.execute(
            f"DELETE FROM {snapshots_table(events_table)} WHERE originator_id = {placeholder}",
            (oid,),
        )
    return len(rewritten)

