"""`serve --workers N`: several server processes on one store, each with its own cache."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.e2e.support import ROOT, cli, free_port, service_env
from tests.support import registration


def test_several_workers_need_the_projections_out_of_process(tmp_path: Path):
    done = cli("serve", "--port", "0", "--workers", "2", env=service_env(tmp_path / "p.db"))
    assert done.returncode != 0
    assert done.stderr.strip().splitlines() == [
        "profile-service: --workers above 1 needs the projections out of process "
        "(--no-projections)"
    ]


def test_two_workers_apply_every_command_to_the_current_profile(tmp_path: Path):
    env = service_env(tmp_path / "profiles.db")
    token = cli(
        "tokens", "create", "--name", "w", "--scope", "profiles:write", env=env
    ).stdout.strip().splitlines()[-1]
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "adapters.entrypoints.cli.main", "serve", "--port", str(port),
         "--workers", "2", "--no-projections"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.05)
        headers = {"Authorization": f"Bearer {token}"}
        created = httpx.post(url + "/v1/profiles", json=registration(), headers=headers)
        profile_id = created.json()["profile_id"]
        versions = []
        for n in range(12):  # a new connection each time: either process may answer
            answer = httpx.put(
                f"{url}/v1/profiles/{profile_id}/social/twitter",
                json={"url": f"https://x.com/worker{n}"},
                headers={**headers, "Connection": "close"},
            )
            assert answer.status_code == 200, answer.text
            versions.append(answer.json()["version"])
        assert versions == list(range(2, 14))
    finally:
        server.terminate()
        server.wait(timeout=20)
