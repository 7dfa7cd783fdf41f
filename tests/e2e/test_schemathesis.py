"""A bounded schemathesis run against /openapi.json: no 500, no response outside the schema."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.bootstrap import build
from tests.e2e.support import Api, serve_app
from tests.support import store_settings

RUNNER = "import sys; from schemathesis.cli import schemathesis; sys.exit(schemathesis())"
# positive_data_acceptance is left out: the domain's rules (an e-mail's syntax, a postal code
# for its country, a Luhn-valid card…) refuse with 422 some requests the schema cannot exclude.
CHECKS = "all"
EXCLUDED = "positive_data_acceptance"
MAX_EXAMPLES = "10"
SEED = "1"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Api]:
    container = build(store_settings("sqlite", tmp_path))
    read_side = container.read_side()
    read_side.start()
    try:
        with serve_app(container, read_side) as api:
            yield api
    finally:
        read_side.stop()
        container.close()


@pytest.mark.slow
def test_a_bounded_fuzz_finds_no_server_error_and_no_schema_violation(
    served: Api, tmp_path: Path
):
    profile_id = served.register()  # so that profile operations reach the domain, not a 404
    config = tmp_path / "schemathesis.toml"
    config.write_text(f'[parameters]\n"path.profile_id" = "{profile_id}"\n')
    done = subprocess.run(
        [
            sys.executable, "-c", RUNNER,
            "--config-file", str(config),
            "run", f"{served.url}/openapi.json",
            "--header", f"Authorization: Bearer {served.token}",
            "--checks", CHECKS, "--exclude-checks", EXCLUDED,
            "--max-examples", MAX_EXAMPLES, "--seed", SEED,
            "--generation-database", "none", "--workers", "1",
            "--no-color", "--request-timeout", "20",
        ],
        cwd=tmp_path, capture_output=True, text=True, timeout=240, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    assert "24 selected" in done.stdout
