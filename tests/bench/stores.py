"""The stores the benchmark runs on: a fresh SQLite file and a fresh PostgreSQL database."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

from adapters.settings import Settings
from tests.support import TEST_VAULT_KEY

BENCH_POSTGRES_URL = os.environ.get(
    "PROFILE_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/profile_bench"
)
# Password hashing is not what any measured command does; registrations are only set-up.
FAST_HASHING = {"argon2_time_cost": 1, "argon2_memory_kib": 1024}


@dataclass(frozen=True)
class BenchStore:
    name: str
    url: str
    settings: Settings

    @property
    def env(self) -> dict[str, str]:
        """The PROFILE_* variables that describe this store to a child process."""
        env = {
            "PROFILE_DATABASE_URL": self.url,
            "PROFILE_ARGON2_TIME_COST": str(FAST_HASHING["argon2_time_cost"]),
            "PROFILE_ARGON2_MEMORY_KIB": str(FAST_HASHING["argon2_memory_kib"]),
            "PROFILE_LOG_FORMAT": "json",
        }
        if self.settings.vault_key is not None:
            env["PROFILE_VAULT_KEY"] = self.settings.vault_key.get_secret_value()
        return env


def postgres_reachable(url: str = BENCH_POSTGRES_URL) -> bool:
    try:
        with psycopg.connect(_admin_url(url), connect_timeout=2):
            return True
    except psycopg.OperationalError:
        return False


def _admin_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/postgres"))


def _recreate_database(url: str) -> None:
    """Drop and create the benchmark's own database (never the tests' shared one)."""
    name = urlsplit(url).path.strip("/")
    if name in ("", "postgres", "test"):
        raise SystemExit(f"refusing to recreate database {name!r}; use a dedicated one")
    with psycopg.connect(_admin_url(url), autocommit=True) as conn:
        database = sql.Identifier(name)
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(database))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(database))


@contextmanager
def sqlite_store() -> Iterator[BenchStore]:
    with tempfile.TemporaryDirectory(prefix="profile-bench-") as directory:
        url = f"sqlite:///{Path(directory) / 'profiles.db'}"
        yield BenchStore("sqlite", url, Settings(database_url=url, **FAST_HASHING))


@contextmanager
def postgres_store(url: str = BENCH_POSTGRES_URL) -> Iterator[BenchStore]:
    _recreate_database(url)
    yield BenchStore(
        "postgres",
        url,
        Settings(database_url=url, vault_key=TEST_VAULT_KEY, **FAST_HASHING),
    )
