"""The stateless helpers under pressure: a rate limit per token and per helper (429
rate_limited with Retry-After), and worst-case strength checks that hold up nothing else."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

import domain.sections.password as password_rules
from adapters.bootstrap import build
from domain.sections.password import MAX_LENGTH
from tests.e2e.support import Api, serve_app
from tests.support import store_settings

WORST = ("4@8(6{3[1!|0$5+7%2<9" * 7)[:MAX_LENGTH]  # 128 characters, every l33t symbol
PARALLEL = 16


@contextmanager
def served(tmp_path: Path, lifespan: str = "off", **settings: Any) -> Iterator[Api]:
    container = build(store_settings("sqlite", tmp_path, **settings))
    read_side = container.read_side()
    read_side.start()
    try:
        with serve_app(container, read_side, lifespan=lifespan) as api:
            yield api
    finally:
        read_side.stop()
        container.close()


@pytest.fixture
def limited(tmp_path: Path) -> Iterator[Api]:
    """Three requests per minute per token and helper."""
    with served(tmp_path, helpers_rate_limit="3/minute") as api:
        yield api


def strength(api: Api, *scopes: str) -> Any:
    headers = api.auth(*scopes) if scopes else None
    return api.client.post("/v1/password/strength", json={"password": WORST}, headers=headers)


def test_a_token_past_its_limit_gets_429_rate_limited_with_retry_after(limited: Api):
    answers = [strength(limited) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert refused.json()["code"] == "rate_limited"
    assert refused.json()["correlation_id"] == refused.headers["X-Correlation-ID"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert WORST not in refused.text and limited.token not in refused.text


def test_the_limit_is_kept_per_token_and_per_helper(limited: Api):
    for _ in range(3):
        assert strength(limited).status_code == 200
    assert strength(limited).status_code == 429
    assert strength(limited, "profiles:read").status_code == 200  # another token
    assert limited.client.post("/v1/password/generate").status_code == 200  # another helper
    brand = [limited.client.post("/v1/cards/brand", json={"number": "4111"}) for _ in range(4)]
    assert [b.status_code for b in brand] == [200, 200, 200, 429]


def test_the_openapi_document_states_the_limit_and_its_429(limited: Api):
    document = limited.client.get("/openapi.json").json()
    for path in ("/v1/password/strength", "/v1/password/generate", "/v1/cards/brand"):
        operation = document["paths"][path]["post"]
        assert "PROFILE_HELPERS_RATE_LIMIT" in operation["description"]
        assert "Retry-After" in operation["responses"]["429"]["headers"]


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[threading.Semaphore, threading.Event]]:
    """The estimator held at the start of each piece of WORST until released: (a semaphore
    released as each piece is entered, the release)."""
    entered, release = threading.Semaphore(0), threading.Event()
    real = password_rules.zxcvbn

    def holding(password: str, inputs: list[str] | None = None) -> Any:
        if password in WORST:
            entered.release()
            release.wait(timeout=60)
        return real(password, inputs)

    monkeypatch.setattr(password_rules, "zxcvbn", holding)
    yield entered, release
    release.set()


def test_sixteen_worst_case_strength_checks_in_flight_hold_up_neither_health_nor_reads(
    tmp_path: Path, held: tuple[threading.Semaphore, threading.Event]
):
    entered, release = held
    # lifespan on: as many worker threads as `serve` has (one per database connection)
    with served(tmp_path, lifespan="on") as api, ThreadPoolExecutor(PARALLEL) as pool:
        profile_id = api.register()
        checks = [pool.submit(strength, api) for _ in range(PARALLEL)]
        assert entered.acquire(timeout=30)  # an estimate is under way, and it is held there
        try:
            health = api.client.get("/healthz", timeout=10)
            ready = api.client.get("/readyz", timeout=10)
            view = api.client.get(f"/v1/profiles/{profile_id}", timeout=10)
            unanswered = sum(not check.done() for check in checks)
        finally:
            release.set()
        answers = [check.result(timeout=60) for check in checks]
    assert (health.status_code, ready.status_code, view.status_code) == (200, 200, 200)
    assert unanswered == PARALLEL  # they answered while every check was still running
    assert [a.status_code for a in answers] == [200] * PARALLEL
    assert all(a.json()["strong"] for a in answers)
