"""End-to-end fixtures: the API served by uvicorn on a free port, over each store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.bootstrap import build
from tests.e2e.support import Api, serve_app
from tests.integration.readside_support import new_readside
from tests.support import FakeClock, store_settings


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def api(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """One served app per module and store; tests keep apart by registering their own profiles."""
    store = str(request.param)
    tmp: Path = tmp_path_factory.mktemp(f"e2e-{store}")
    clock = FakeClock()
    container = build(store_settings(store, tmp), clock=clock)
    read_side = new_readside(container)
    read_side.start()
    try:
        with serve_app(container, read_side) as served:
            yield served
    finally:
        read_side.stop()
        if container.settings.is_postgres:
            read_side.drop()
        container.close()
