"""Integrity test helpers: a store of the test's own, events recorded, and the stored events
edited behind the service's back, as an intruder with the database's password would."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from uuid import UUID, uuid4

from adapters.bootstrap import Container, build
from adapters.integrity import merkle
from adapters.integrity.model import Integrity
from adapters.settings import Settings
from tests.support import TEST_VAULT_KEY, ctx, private_postgres_url, registration, store_settings

FAST = {"argon2_time_cost": 1, "argon2_memory_kib": 1024}


@contextmanager
def own_store(store: str, tmp_path: Path) -> Iterator[Container]:
    """A store of the test's own: its SQLite file, or a PostgreSQL database made for it."""
    if store == "postgres":
        with private_postgres_url() as url:
            container = build(Settings(database_url=url, vault_key=TEST_VAULT_KEY, **FAST))
            try:
                yield container
            finally:
                container.close()
        return
    container = build(store_settings("sqlite", tmp_path))
    try:
        yield container
    finally:
        container.close()


def record_events(container: Container, profiles: int = 3) -> list[UUID]:
    """Each profile registered, then two changes: 3 events a profile."""
    ids = []
    for n in range(profiles):
        profile_id = container.service.register(registration(), ctx()).profile_id
        container.service.change_contact(profile_id, {"phone": f"514 555 01{n:02d}"}, ctx())
        container.service.change_additional_info(profile_id, {"job_title": f"Job {n}"}, ctx())
        ids.append(UUID(profile_id))
    return ids


def naive_root(container: Container) -> bytes:
    """The root over every stored event, from the events alone (no tree tables)."""
    recorder = container.service.recorder
    leaves = [
        merkle.leaf_hash(merkle.leaf_input(n.id, n.originator_id, n.originator_version, n.topic,
                                           n.state))
        for n in recorder.select_notifications(start=None, limit=1_000_000)
    ]
    frontier = merkle.Frontier()
    for leaf in leaves:
        frontier.append(leaf)
    return frontier.root()


def built_and_signed(integrity: Integrity) -> str:
    """The tree caught up and signed now; the root signed, in hex."""
    builder = integrity.builder()
    builder.catch_up()
    checkpoint = builder.sign_if_due(force=True)
    assert checkpoint is not None
    return checkpoint.root_hash


class EventTable:
    """The stored events, edited directly with SQL (positions are SQLite's rowid, PostgreSQL's
    notification_id)."""

    def __init__(self, container: Container) -> None:
        self.sql = container.sql
        self.table = container.service.recorder.events_table_name  # type: ignore[attr-defined]
        self.id = "notification_id" if container.settings.is_postgres else "rowid"

    def positions(self) -> list[int]:
        rows = self.sql.fetchall(f"SELECT {self.id} AS p FROM {self.table} ORDER BY {self.id}")
        return [int(row["p"]) for row in rows]

    def flip_byte(self, position: int, offset: int = 10) -> None:
        row = self.sql.fetchone(f"SELECT state FROM {self.table} WHERE {self.id} = ?",
                                (position,))
        assert row is not None
        state = bytearray(row["state"])
        state[offset] ^= 0x01
        self.sql.execute(f"UPDATE {self.table} SET state = ? WHERE {self.id} = ?",
                         (bytes(state), position))

    def edit(self, position: int, column: str) -> None:
        """Another profile's id, a later version or a renamed topic at `position`."""
        if column == "originator_id":
            change, params = "?", (uuid4().hex if self.id == "rowid" else uuid4(), position)
        else:
            change = {"originator_version": "originator_version + 1000",
                      "topic": "topic || 'x'"}[column]
            params = (position,)
        self.sql.execute(f"UPDATE {self.table} SET {column} = {change} WHERE {self.id} = ?",
                         params)

    def remove(self, position: int) -> None:
        self.sql.execute(f"DELETE FROM {self.table} WHERE {self.id} = ?", (position,))

    def cut_after(self, position: int) -> None:
        self.sql.execute(f"DELETE FROM {self.table} WHERE {self.id} > ?", (position,))

    def _move(self, old: int, new: int) -> None:
        self.sql.execute(f"UPDATE {self.table} SET {self.id} = ? WHERE {self.id} = ?", (new, old))

    def swap(self, first: int, second: int) -> None:
        self._move(first, -1)
        self._move(second, first)
        self._move(-1, second)

    def insert_at(self, position: int) -> None:
        """A forged event at `position`, the later ones moved up one place to make room."""
        with self.sql.transaction() as cursor:
            cursor.execute(f"UPDATE {self.table} SET {self.id} = {self.id} + 1000000 "
                           f"WHERE {self.id} >= ?", (position,))
            cursor.execute(f"UPDATE {self.table} SET {self.id} = {self.id} - 999999 "
                           f"WHERE {self.id} >= ?", (position + 1000000,))
            cursor.execute(
                f"INSERT INTO {self.table} ({self.id}, originator_id, originator_version, topic, "
                "state) SELECT ?, ?, 1, topic, state FROM "
                f"{self.table} WHERE {self.id} = ?",
                (position, uuid4().hex if self.id == "rowid" else uuid4(), position + 1),
            )
