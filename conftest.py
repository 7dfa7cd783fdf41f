"""Root conftest: the features' --driver option and their shared step modules."""

from __future__ import annotations

import pytest

pytest_plugins = ["features.steps.past_events"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--driver",
        choices=("app", "http"),
        default="app",
        help="Run the feature files against the application layer (app) or the HTTP API (http).",
    )
