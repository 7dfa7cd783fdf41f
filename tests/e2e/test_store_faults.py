"""A busy store is a 503 with Retry-After after a bounded wait; unreadable events are a 500 with
their own code, never a 404; /readyz tells both."""

from __future__ import annotations

import base64
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from uuid import UUID

import psycopg
import pytest

from adapters.bootstrap import Container, build
from adapters.security.rotation import rotate
from tests.e2e.support import Api, serve_app
from tests.support import POSTGRES_URL, ctx, registration, store_settings

WAIT_AT_MOST = 5.0


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def api(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Api]:
    container = build(store_settings(str(request.param), tmp_path))
    try:
        with serve_app(container, container.read_side()) as served:
            yield served
    finally:
        container.close()


@contextmanager
def store_locked(container: Container) -> Iterator[None]:
    """Another connection holds the store's write lock, as another process's long write would."""
    if container.settings.is_postgres:
        table = container.service.recorder.events_table_name  # type: ignore[attr-defined]
        with psycopg.connect(POSTGRES_URL) as other:
            other.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
            yield
        return
    other = sqlite3.connect(container.settings.sqlite_path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


@pytest.mark.slow
def test_a_command_on_a_busy_store_is_a_503_with_retry_after_then_works_again(api: Api):
    profile_id = api.register()
    with store_locked(api.container):
        started = time.monotonic()
        busy = api.client.patch(
            f"/v1/profiles/{profile_id}/preferences", json={"pdf_invoices": True}
        )
        waited = time.monotonic() - started
        ready = api.client.get("/readyz")
    assert busy.status_code == 503, busy.text
    assert busy.json()["code"] == "store_unavailable"
    assert busy.headers["Retry-After"] == "1"
    assert waited < WAIT_AT_MOST + 1  # bounded: the store's own timeouts, not forever
    assert (ready.status_code, ready.json()["store"]) == (503, "busy")
    after = api.client.patch(f"/v1/profiles/{profile_id}/preferences", json={"pdf_invoices": True})
    assert after.status_code == 200, after.text
    assert api.client.get("/readyz").json()["store"] == "ok"


def test_events_under_another_key_are_a_500_of_their_own_never_a_404(tmp_path: Path):
    key = base64.b64encode(os.urandom(32)).decode()
    written = build(store_settings("sqlite", tmp_path, events_key=key))
    try:
        profile_id = written.service.register(registration(), ctx()).profile_id
    finally:
        written.close()
    wrong = base64.b64encode(os.urandom(32)).decode()
    container = build(store_settings("sqlite", tmp_path, events_key=wrong))
    try:
        with serve_app(container, container.read_side()) as api:
            past = api.client.get(f"/v1/profiles/{profile_id}", params={"version": 1})
            command = api.client.patch(
                f"/v1/profiles/{profile_id}/preferences", json={"pdf_invoices": True}
            )
            ready = api.client.get("/readyz")
            unknown = api.client.get("/v1/profiles/not-a-uuid/consents")
    finally:
        container.close()
    for answer in (past, command):
        assert answer.status_code == 500, answer.text
        assert answer.json()["code"] == "events_unreadable"
        assert key not in answer.text and wrong not in answer.text
    assert (ready.status_code, ready.json()["store"]) == (503, "unreadable")
    assert unknown.status_code in (400, 404)


@pytest.mark.slow
def test_a_server_started_with_a_rotated_away_master_key_is_not_ready_and_writes_nothing(
    tmp_path: Path,
):
    old = base64.b64encode(os.urandom(32)).decode()
    written = build(store_settings("sqlite", tmp_path, vault_key=old))
    try:
        profile_id = written.service.register(registration(), ctx()).profile_id
        rotate(written.sql, written.keyring, os.urandom(32), wait=lambda _: None)
    finally:
        written.close()
    container = build(store_settings("sqlite", tmp_path, vault_key=old))
    try:
        with serve_app(container, container.read_side()) as api:
            ready = api.client.get("/readyz")
            read = api.client.get(f"/v1/profiles/{profile_id}", params={"version": 1})
            register = api.client.post("/v1/profiles", json=registration())
        events = container.service.recorder.select_notifications(start=None, limit=100)
    finally:
        container.close()
    assert (ready.status_code, ready.json()["store"]) == (503, "unreadable")
    assert read.status_code == 500 and read.json()["code"] == "events_unreadable"
    assert register.status_code == 500 and old not in register.text, register.text
    assert [event.originator_id for event in events] == [UUID(profile_id)]
