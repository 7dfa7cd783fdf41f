"""Root conftest: the features' --driver option and their shared step modules, and a PostgreSQL
database of this run's own (dropped at the end), so that no run meets another's data."""

from __future__ import annotations

import os
from uuid import uuid4

import psycopg
import pytest

pytest_plugins = ["features.steps.past_events"]

SERVER = os.environ.get("PROFILE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
_RUN_DATABASE: list[str] = []


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--driver",
        choices=("app", "http"),
        default="app",
        help="Run the feature files against the application layer (app) or the HTTP API (http).",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Tests on PostgreSQL use a database made for this run (tests.support.POSTGRES_URL)."""
    name = f"profile_run_{uuid4().hex[:12]}"
    try:
        with psycopg.connect(SERVER, autocommit=True, connect_timeout=2) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError:
        return  # no server: the tests that need it say so (tests.support.require_postgres)
    _RUN_DATABASE.append(name)
    os.environ["PROFILE_TEST_POSTGRES_URL"] = SERVER.rsplit("/", 1)[0] + "/" + name


def pytest_unconfigure(config: pytest.Config) -> None:
    for name in _RUN_DATABASE:
        with psycopg.connect(SERVER, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
