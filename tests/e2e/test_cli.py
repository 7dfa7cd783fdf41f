"""The command line: `serve`'s first token, `tokens create`, and one-line failures."""

from __future__ import annotations

import hashlib
from pathlib import Path

import httpx

from adapters.bootstrap import build
from adapters.security.tokens import TokenStore
from adapters.settings import Settings
from tests.e2e.support import ServerProcess, cli, service_env


def test_serve_creates_a_token_on_the_first_start_only(tmp_path: Path):
    server = ServerProcess(service_env(tmp_path / "profiles.db"), tmp_path)
    try:
        server.start()
        token = server.stdout(1).strip().splitlines()[-1]
        server.stop()
        server.start()
        answer = httpx.get(server.url + "/v1/audit", headers={"Authorization": f"Bearer {token}"})
    finally:
        server.stop()
    assert token.startswith("ps_")
    assert "ps_" not in server.stdout(2)
    assert answer.status_code == 200


def test_tokens_create_prints_the_token_last_and_stores_only_its_hash(tmp_path: Path):
    database = tmp_path / "profiles.db"
    done = cli(
        "tokens",
        "create",
        "--name",
        "billing",
        "--scope",
        "profiles:read",
        "--scope",
        "payment:write",
        env=service_env(database),
    )
    token = done.stdout.strip().splitlines()[-1]
    container = build(Settings(database_url=f"sqlite:///{database}"))
    try:
        found = TokenStore(container.sql).authenticate(token)
        rows = container.sql.fetchall("SELECT * FROM api_tokens")
    finally:
        container.close()
    assert done.returncode == 0
    assert found is not None and found.actor == "service:billing"
    assert found.scopes == {"profiles:read", "payment:write"}
    assert token not in str(rows)
    assert rows[0]["token_hash"] == hashlib.sha256(token.encode()).hexdigest()


def test_a_bad_setting_stops_with_one_line_naming_the_variable(tmp_path: Path):
    env = service_env(tmp_path / "profiles.db", PROFILE_DATABASE_URL="mysql://somewhere/db")
    done = cli("serve", "--port", "0", env=env)
    assert done.returncode != 0
    assert len(done.stderr.strip().splitlines()) == 1
    assert "PROFILE_DATABASE_URL" in done.stderr
    assert "Traceback" not in done.stderr


def test_an_unknown_scope_stops_with_one_line(tmp_path: Path):
    done = cli(
        "tokens",
        "create",
        "--name",
        "x",
        "--scope",
        "everything",
        env=service_env(tmp_path / "profiles.db"),
    )
    assert done.returncode != 0
    assert done.stderr.strip().splitlines() == [
        "profile-service: unknown scope 'everything'; known: "
        "profiles:read, profiles:write, payment:write, audit:read, events:read"
    ]
