"""`serve`'s default number of processes on PostgreSQL: one per two CPUs, 1 to 4."""

from __future__ import annotations

import pytest

from adapters.entrypoints.cli.serve import default_workers


@pytest.mark.parametrize(
    ("cpus", "workers"), [(1, 1), (2, 1), (3, 1), (4, 2), (6, 3), (8, 4), (64, 4)]
)
def test_default_workers(cpus: int, workers: int) -> None:
    assert default_workers(cpus) == workers
