"""The readiness probe of the event store: ok, busy, unreachable, unreadable."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from eventsourcing.postgres import PostgresDatastore

from adapters.eventstore.probe import probe


def test_a_store_that_answers_is_ok(container):
    assert probe(container.service, container.sql.datastore) == "ok"


def test_a_sqlite_file_that_cannot_be_opened_is_unreachable(container, tmp_path: Path):
    missing = SimpleNamespace(pool=SimpleNamespace(db_name=str(tmp_path / "gone" / "x.db")))
    assert probe(container.service, missing) == "unreachable"


@pytest.mark.postgres
@pytest.mark.parametrize("store", ["postgres"])
def test_a_postgresql_server_that_does_not_answer_is_unreachable(container):
    nowhere = PostgresDatastore(
        dbname="test", host="127.0.0.1", port="1", user="postgres", password="",
        connect_timeout=1,
    )
    try:
        assert probe(container.service, nowhere) == "unreachable"
    finally:
        nowhere.close()
