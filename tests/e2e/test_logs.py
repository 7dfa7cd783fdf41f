"""The logs of a served process over a full scenario: JSON lines, one per request, no secret."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.support import CARD, CONSENT, ServerProcess, service_env
from tests.support import OTHER_STRONG_PASSWORD, STRONG_PASSWORD, registration

WRONG_PASSWORD = "Not-the-current-one 31 herons"
PROBE_PASSWORD = "Amber quokkas whistle 5 tunes"
OTHER_CARD = "5555555555554444"
BAD_CARD = "4111 1111 1111 1112"
FAKE_TOKEN = "ps_" + "Z" * 43


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Run a full scenario against `serve` and stop it; yield its outputs and the secrets used."""
    workdir: Path = tmp_path_factory.mktemp("logs")
    server = ServerProcess(service_env(workdir / "profiles.db"), workdir)
    server.start()
    try:
        token = server.stdout().strip().splitlines()[-1]
        secrets = [
            STRONG_PASSWORD,
            OTHER_STRONG_PASSWORD,
            WRONG_PASSWORD,
            PROBE_PASSWORD,
            CARD["number"],
            CARD["number"].replace(" ", ""),
            OTHER_CARD,
            BAD_CARD,
            token,
            FAKE_TOKEN,
            "$argon2",
            "tok_",
        ]
        with httpx.Client(
            base_url=server.url, headers={"Authorization": f"Bearer {token}"}
        ) as http:
            secrets.append(_run(http))
    finally:
        server.stop()
    yield {
        "server": server,
        "token": token,
        "secrets": secrets,
        "lines": server.log_lines(),
        "stderr": server.stderr(),
    }


def _run(http: httpx.Client) -> str:
    """Every kind of request that carries a secret; returns the generated password."""
    registered = http.post(
        "/v1/profiles", json=registration(), headers={"X-Correlation-ID": "corr-scenario"}
    )
    base = f"/v1/profiles/{registered.json()['profile_id']}"
    password = f"{base}/password"
    statuses = [
        http.post(
            password, json={"current_password": WRONG_PASSWORD, "new_password": PROBE_PASSWORD}
        ),
        http.post(
            password,
            json={"current_password": STRONG_PASSWORD, "new_password": OTHER_STRONG_PASSWORD},
        ),
        http.put(f"{base}/card", json=CARD),
        http.put(f"{base}/card", json={**CARD, "number": OTHER_CARD}),
        http.put(f"{base}/card", json={**CARD, "number": BAD_CARD}),
    ]
    assert [r.status_code for r in [registered, *statuses]] == [201, 422, 200, 200, 200, 422]
    http.put(
        f"{base}/card",
        content=f'{{"number": "{OTHER_CARD}", '.encode(),
        headers={"Content-Type": "application/json"},
    )
    http.put(f"{base}/card", json={**CARD, "number": int(OTHER_CARD)})
    http.post("/v1/cards/brand", json={"number": OTHER_CARD})
    http.post("/v1/password/strength", json={"password": PROBE_PASSWORD})
    generated = http.post("/v1/password/generate").json()["password"]
    http.put(f"{base}/newsletters", json={"categories": ["all"], "consent": CONSENT})
    http.get(base, params={"min_version": 6})
    http.get(f"{base}/audit")
    http.get("/v1/audit", headers={"Authorization": f"Bearer {FAKE_TOKEN}"})
    http.patch(f"{base}/contact", json={"email": "after@example.com"})
    http.patch(f"/v1/profiles/{OTHER_CARD}/contact", json={})  # a card number as the id
    http.get(f"/v1/cards/{OTHER_CARD}")  # and in an unknown path
    return str(generated)


def test_no_secret_reaches_any_log_line(scenario: dict[str, Any]):
    for secret in scenario["secrets"]:
        assert secret not in scenario["stderr"], f"a secret leaked: {secret[:6]}…"


def test_prints_the_generated_token_once_on_standard_output_only(scenario: dict[str, Any]):
    server: ServerProcess = scenario["server"]
    assert server.stdout().count(scenario["token"]) == 1
    assert scenario["token"] not in scenario["stderr"]


def test_every_line_is_json_with_a_level_and_a_timestamp(scenario: dict[str, Any]):
    lines = scenario["lines"]
    assert lines
    assert all({"event", "level", "timestamp", "logger"} <= set(line) for line in lines)


def test_uvicorns_own_logs_are_rendered_the_same_way(scenario: dict[str, Any]):
    loggers = {line["logger"] for line in scenario["lines"]}
    assert "uvicorn.error" in loggers
    assert "profile_service.http" in loggers


def test_logs_one_canonical_line_per_request(scenario: dict[str, Any]):
    requests = [line for line in scenario["lines"] if line["event"] == "request"]
    fields = {
        "method",
        "route",
        "status",
        "duration_ms",
        "actor",
        "correlation_id",
        "profile_id",
        "version",
    }
    assert len(requests) >= 19  # the scenario's 19 requests, and the health probes
    assert all(fields <= set(line) for line in requests)
    registered = next(line for line in requests if line["correlation_id"] == "corr-scenario")
    assert registered["route"] == "/v1/profiles" and registered["status"] == 201
    assert registered["actor"] == "service:admin" and registered["version"] == 1
    refused = [line for line in requests if line["status"] == 401]
    assert refused and refused[0]["route"] == "/v1/audit"
