"""The OpenAPI document is pinned, keys' order included: code changes never change it unseen."""

# After a deliberate change of the API, write the new document with
# `PYTHONPATH=. python -m tests.e2e.test_openapi_document` and review its diff.

from __future__ import annotations

import json
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

from adapters.bootstrap import build
from adapters.entrypoints.http.app import create_app
from adapters.security.tokens import TokenStore
from tests.support import store_settings

PINNED = Path(__file__).with_name("openapi.json")


def document(directory: str | Path) -> dict[str, Any]:
    container = build(store_settings("sqlite", directory))
    try:
        app = create_app(container, container.read_side(), tokens=TokenStore(container.sql))
        return app.openapi()
    finally:
        container.close()


def rendered(value: dict[str, Any]) -> str:
    return json.dumps(value, indent=1, ensure_ascii=False) + "\n"


def test_the_openapi_document_is_the_pinned_one(tmp_path: Path) -> None:
    assert rendered(document(tmp_path)) == PINNED.read_text(encoding="utf-8"), (
        "the OpenAPI document changed; if deliberately, rewrite tests/e2e/openapi.json with "
        "`PYTHONPATH=. python -m tests.e2e.test_openapi_document` and review the diff"
    )


def test_the_served_document_is_the_same(tmp_path: Path) -> None:
    with warnings.catch_warnings():  # Starlette prefers httpx2 now; the API is the same.
        warnings.filterwarnings("ignore", message=".*httpx2")
        from fastapi.testclient import TestClient

    container = build(store_settings("sqlite", tmp_path))
    try:
        app = create_app(container, container.read_side(), tokens=TokenStore(container.sql))
        with TestClient(app) as client:
            served = client.get("/openapi.json")
        assert served.status_code == 200
        assert rendered(served.json()) == PINNED.read_text(encoding="utf-8")
    finally:
        container.close()


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as scratch:
        PINNED.write_text(rendered(document(scratch)), encoding="utf-8")
    sys.stdout.write(f"wrote {PINNED}\n")
