"""The auditor's script of README.md, taken from the README itself and run against `serve`:
it proves an audit entry is in the signed log, and says so when the log or the key is wrong."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from adapters.bootstrap import build
from adapters.settings import Settings
from tests.e2e.support import ROOT, ServerProcess, service_env
from tests.integration.integrity_support import EventTable
from tests.support import registration

MARKER = "<!-- auditor-script -->"
OTHER_KEY = "iwg3Ei3w3zbMOMlSlVO7cHe/edwg6ZtWofzEgbPmne8="  # the OpenAPI example's key


def readme_script() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    after = text.split(MARKER, 1)[1]
    found = re.match(r"\s*```python\n(.*?)```", after, re.DOTALL)
    assert found, f"a ```python block follows {MARKER} in README.md"
    return found.group(1)


@pytest.fixture
def live(tmp_path: Path):
    """`serve` on SQLite with a profile registered and changed, and a checkpoint signed."""
    database = tmp_path / "profiles.db"
    server = ServerProcess(service_env(database), tmp_path)
    server.start()
    try:
        token = server.stdout(1).strip().splitlines()[-1]
        auth = {"Authorization": f"Bearer {token}"}
        profile = httpx.post(server.url + "/v1/profiles", json=registration(), headers=auth)
        profile_id = profile.json()["profile_id"]
        changed = httpx.patch(f"{server.url}/v1/profiles/{profile_id}/contact",
                              json={"phone": "514 555 0199"}, headers=auth)
        assert changed.status_code == 200, changed.text
        caught_up = httpx.get(f"{server.url}/v1/profiles/{profile_id}",  # the audit trail too
                              params={"min_version": 2}, headers=auth)
        assert caught_up.json()["version"] == 2
        container = build(Settings(database_url=f"sqlite:///{database}"))
        try:
            container.integrity().wait_for_checkpoint(1, timeout=30)
            yield server, token, container
        finally:
            container.close()
    finally:
        server.stop()


def run_script(tmp_path: Path, url: str, token: str, *args: str, **env: str):
    script = tmp_path / "auditor.py"
    script.write_text(readme_script(), encoding="utf-8")
    environment = {k: v for k, v in os.environ.items() if k != "PUBLIC_KEY"}
    environment.update(API=url, TOKEN=token, **env)
    return subprocess.run([sys.executable, str(script), *args], cwd=tmp_path, env=environment,
                          capture_output=True, text=True, timeout=60, check=False)


def test_the_readme_script_proves_an_audit_entry_is_in_the_signed_log(live, tmp_path):
    server, token, container = live
    key = container.integrity().signer.public_json()["public_key"]
    done = run_script(tmp_path, server.url, token, "1", PUBLIC_KEY=key)
    assert done.returncode == 0, done.stderr
    assert re.fullmatch(
        r"position 1 \(ProfileRegistered, profile [0-9a-f-]{36} version 1\) is in the log "
        r"signed at \S+Z \(\d+ events\)\n", done.stdout)


def test_the_readme_script_refuses_a_checkpoint_under_another_key(live, tmp_path):
    server, token, _ = live
    done = run_script(tmp_path, server.url, token, PUBLIC_KEY=OTHER_KEY)
    assert done.returncode == 1
    assert done.stderr.strip() == "the checkpoint is not signed by that key"


def test_the_readme_script_catches_an_event_edited_after_it_was_signed(live, tmp_path):
    server, token, container = live
    EventTable(container).flip_byte(1)
    done = run_script(tmp_path, server.url, token, "1")
    assert done.returncode == 1
    assert done.stderr.strip() == "the inclusion proof does not lead to the signed root"
