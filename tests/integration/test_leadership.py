"""Leadership: one holder per kind at a time, the lock freed when its holder's connection or
process goes, and the standby's work started only while it leads."""

from __future__ import annotations

import threading
from pathlib import Path
from uuid import uuid4

import psycopg
import pytest

from adapters.eventstore.leadership import (
    FileLeadership,
    LeaderOnly,
    Leadership,
    PostgresLeadership,
    lock_file,
)
from tests.support import POSTGRES_URL, require_postgres


def two_of(store: str, tmp_path: Path) -> tuple[Leadership, Leadership]:
    name = f"test-{uuid4().hex[:12]}"
    if store == "postgres":
        require_postgres()
        return PostgresLeadership(POSTGRES_URL, name), PostgresLeadership(POSTGRES_URL, name)
    path = lock_file(str(tmp_path / "profiles.db"), name)
    return FileLeadership(path, name), FileLeadership(path, name)


def test_one_leads_the_other_stands_by_until_it_lets_go(store, tmp_path):
    first, second = two_of(store, tmp_path)
    try:
        assert first.try_acquire() and first.held()
        assert first.try_acquire()  # asking again while leading changes nothing
        assert not second.try_acquire() and not second.held()
        first.release()
        assert not first.held()
        assert second.try_acquire() and second.held()
        assert not first.try_acquire()
    finally:
        first.release()
        second.release()


def test_other_kinds_of_work_lead_apart(store, tmp_path):
    projections, _ = two_of(store, tmp_path)
    relay, _ = two_of(store, tmp_path)
    try:
        assert projections.try_acquire() and relay.try_acquire()
    finally:
        projections.release()
        relay.release()


@pytest.mark.postgres
def test_a_leader_whose_connection_is_gone_no_longer_leads_and_another_takes_over():
    require_postgres()
    first, second = two_of("postgres", Path())
    assert isinstance(first, PostgresLeadership)
    try:
        assert first.try_acquire()
        with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
            unsigned = first.key & 0xFFFFFFFFFFFFFFFF
            pid = admin.execute(
                "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
                "AND classid::bigint = %s AND objid::bigint = %s",
                (unsigned >> 32, unsigned & 0xFFFFFFFF),
            ).fetchone()
            assert pid is not None
            admin.execute("SELECT pg_terminate_backend(%s)", (pid[0],))
        assert not first.held()
        assert second.try_acquire()
    finally:
        first.release()
        second.release()


class Work:
    def __init__(self) -> None:
        self.started = threading.Event()
        self.starts = 0
        self.stops = 0

    def start(self) -> None:
        self.starts += 1
        self.started.set()

    def stop(self) -> None:
        self.stops += 1


def test_the_standbys_work_starts_only_once_the_leader_has_stopped(store, tmp_path):
    first, second = two_of(store, tmp_path)
    active, standby = Work(), Work()
    standing_by = threading.Event()
    leader = LeaderOnly(first, active)
    other = LeaderOnly(second, standby, say=lambda _: standing_by.set(), standing_by="standby")
    leader.start()
    try:
        assert leader.leading.wait(10)
        other.start()
        assert standing_by.wait(10)
        assert not standby.started.is_set()
        leader.stop()
        assert (active.starts, active.stops) == (1, 1)
        assert standby.started.wait(10) and other.leading.wait(10)
    finally:
        other.stop()
        leader.stop()
    assert (standby.starts, standby.stops) == (1, 1)
