"""Integration fixtures beside tests/conftest.py's `store` (SQLite and PostgreSQL by settings
only), `settings`, `container` and `service`: a store of a test's own, and private views."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.bootstrap import Container
from adapters.readside.model import ReadSide
from tests.integration.readside_support import private_readside
from tests.support import private_postgres_url


@pytest.fixture
def private_url(store: str, tmp_path: Path) -> Iterator[str]:
    """A database of this test's own (its SQLite file, or a new PostgreSQL database dropped
    afterwards): for tests that dump whole tables or write many events."""
    if store == "sqlite":
        yield f"sqlite:///{tmp_path}/private.db"
        return
    with private_postgres_url() as url:
        yield url


@pytest.fixture
def readside(container: Container) -> Iterator[ReadSide]:
    """The views of this test's own, running."""
    with private_readside(container) as started:
        yield started
