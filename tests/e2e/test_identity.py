"""Who calls: the token's name recorded beside the actor, actor kinds per token, revocation."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.support import ServerProcess, cli, service_env
from tests.support import registration


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    workdir: Path = tmp_path_factory.mktemp("identity")
    process = ServerProcess(service_env(workdir / "profiles.db"), workdir)
    process.start()
    try:
        yield process
    finally:
        process.stop()


def token(server: ServerProcess, name: str, *options: str) -> str:
    done = cli("tokens", "create", "--name", name, *options, env=server.env)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def client(server: ServerProcess, secret: str) -> httpx.Client:
    return httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {secret}"})


@pytest.fixture(scope="module")
def crm(server: ServerProcess) -> str:
    return token(
        server, "crm", "--scope", "profiles:write", "--scope", "audit:read",
        "--scope", "profiles:read",
        "--actor-kind", "customer", "--actor-kind", "support",
    )


def test_a_token_limited_to_actor_kinds_may_not_claim_another(server, crm):
    with client(server, crm) as http:
        answer = http.post(
            "/v1/profiles", json=registration(), headers={"X-Actor": "system:cron"}
        )
    assert answer.status_code == 403
    assert answer.json()["code"] == "actor_not_allowed"
    assert answer.json()["errors"][0]["field"] == "X-Actor"


def test_the_caller_is_recorded_beside_the_actor_in_events_audit_and_log_line(server, crm):
    with client(server, crm) as http:
        answer = http.post(
            "/v1/profiles", json=registration(), headers={"X-Actor": "customer:77"}
        )
        assert answer.status_code == 201, answer.text
        profile_id = answer.json()["profile_id"]
        # read-your-writes: the server waits until its views reflect version 1
        http.get(f"/v1/profiles/{profile_id}", params={"min_version": 1})
        audit = http.get(f"/v1/profiles/{profile_id}/audit").json()
    (entry,) = audit["entries"]
    assert (entry["actor"], entry["caller"]) == ("customer:77", "crm")
    history = cli("history", profile_id, "--format", "json", env=server.env)
    event = json.loads(history.stdout)["events"][0]
    assert (event["actor"], event["caller"]) == ("customer:77", "crm")
    lines = [
        line for line in server.log_lines()
        if line.get("event") == "request" and line.get("profile_id") == profile_id
    ]
    assert lines and all(line["caller"] == "crm" for line in lines)
    assert lines[0]["actor"] == "customer:77"


def test_tokens_list_shows_the_tokens_without_their_secrets(server, crm):
    done = cli("tokens", "list", "--format", "json", env=server.env)
    listed = json.loads(done.stdout)
    mine = next(info for info in listed if info["name"] == "crm")
    assert mine["actor_kinds"] == ["customer", "support"]
    assert mine["scopes"] == ["audit:read", "profiles:read", "profiles:write"]
    assert crm not in done.stdout and "token_hash" not in done.stdout


def test_a_second_token_of_the_same_name_is_refused_in_one_line(server, crm):
    done = cli("tokens", "create", "--name", "crm", "--scope", "profiles:read", env=server.env)
    assert done.returncode != 0
    assert done.stderr.strip().splitlines() == [
        "profile-service: a token named 'crm' exists; revoke it first or pick another"
    ]


def test_a_revoked_token_is_refused_by_the_running_server_within_two_seconds(server):
    secret = token(server, "short-lived", "--scope", "profiles:read")
    with client(server, secret) as http:
        assert http.get("/v1/newsletters/news/audience").status_code == 200  # now in memory
        done = cli("tokens", "revoke", "short-lived", env=server.env)
        revoked_at = time.monotonic()
        assert done.returncode == 0, done.stderr
        status = 200
        while status == 200 and time.monotonic() - revoked_at < 5:
            status = http.get("/v1/newsletters/news/audience").status_code
        refused_after = time.monotonic() - revoked_at
    assert status == 401
    assert refused_after < 2
