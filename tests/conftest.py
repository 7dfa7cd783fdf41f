"""Fixtures shared by every test: the store (SQLite and PostgreSQL, by settings only), the
clock, the settings, the container, the service and a registered profile.

tests/unit/conftest.py gives the unit tests `service` on the in-memory store instead."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

import pytest

from adapters.bootstrap import Container, build
from adapters.settings import Settings
from tests.support import FakeClock, ctx, registration, store_settings


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def settings(store: str, tmp_path: Path) -> Settings:
    return store_settings(store, tmp_path)


@pytest.fixture
def container(settings: Settings, clock: FakeClock) -> Iterator[Container]:
    built = build(settings, clock=clock)
    yield built
    built.close()


@pytest.fixture
def service(container: Container):
    return container.service


@pytest.fixture
def profile_id(service) -> UUID:
    return UUID(service.register(registration(), ctx()).profile_id)
