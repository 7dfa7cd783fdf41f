"""Shared test helpers: a clock moved by hand, store settings and sample inputs."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import psycopg
import pytest

from adapters.settings import Settings
from application.context import CommandContext
from application.ports import Clock

POSTGRES_URL = os.environ.get("PROFILE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
TEST_VAULT_KEY = "q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA="
STRONG_PASSWORD = "correct horse battery staple 42"
OTHER_STRONG_PASSWORD = "Velvet otters juggle 7 quiet lanterns"
# A UUID's text, taken out before looking for a card's digits: a uuid4 may hold "4111".
UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class FakeClock(Clock):
    def __init__(self, start: datetime | None = None) -> None:
        self.current = start or datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> datetime:
        self.current += timedelta(**delta)
        return self.current


def postgres_available() -> bool:
    try:
        with psycopg.connect(POSTGRES_URL, connect_timeout=2):
            return True
    except psycopg.OperationalError:
        return False


def require_postgres() -> None:
    """Skip without PostgreSQL, except under CI=true where its absence is a failure."""
    if postgres_available():
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"PostgreSQL is required under CI=true but {POSTGRES_URL} is unreachable")
    pytest.skip("PostgreSQL is not reachable")


@contextmanager
def private_postgres_url() -> Iterator[str]:
    """A new database of the caller's own, dropped afterwards: for tests that read or
    write whole tables (dumps, encrypted events, bulk histories) without touching shared data."""
    require_postgres()
    name = f"profile_test_{uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield POSTGRES_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def store_settings(store: str, tmp_path: Any, **overrides: Any) -> Settings:
    fast = {"argon2_time_cost": 1, "argon2_memory_kib": 1024}
    if store == "postgres":
        require_postgres()
        return Settings(
            database_url=POSTGRES_URL, **{"vault_key": TEST_VAULT_KEY, **fast, **overrides}
        )
    return Settings(database_url=f"sqlite:///{tmp_path}/profiles.db", **{**fast, **overrides})


def ctx(actor: str = "customer:42", **kwargs: Any) -> CommandContext:
    correlation_id = kwargs.pop("correlation_id", str(uuid4()))
    return CommandContext(actor=actor, correlation_id=correlation_id, **kwargs)


def registration(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "first_name": "Marie",
        "last_name": "Tremblay",
        "email": f"marie.{uuid4().hex[:8]}@example.com",
        "phone": "514 555 0123",
        "address": {
            "line1": "1200 rue Sainte-Catherine",
            "city": "Montréal",
            "region": "QC",
            "postal_code": "H3B 1K9",
            "country": "CA",
        },
        "language": "fr",
        "password": STRONG_PASSWORD,
    }
    data.update(overrides)
    return data


def unique_email(local: str = "marie", domain: str = "example.com") -> str:
    """An address no other test holds (a profile's address is its own: email_taken)."""
    return f"{local}.{uuid4().hex[:8]}@{domain}"


def at_once(commands: Sequence[Callable[[], object]]) -> list[object]:
    """Run the commands in threads released together: each one's result or error."""
    barrier = threading.Barrier(len(commands))
    outcomes: list[object] = [None] * len(commands)

    def run(index: int) -> None:
        barrier.wait()
        try:
            outcomes[index] = commands[index]()
        except Exception as error:
            outcomes[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(commands))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes
