"""Unexpected errors: a 500 problem for the caller, the whole story in the log, nothing leaked."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

import adapters.logging as service_logging
from adapters.entrypoints.http.problems import status_of
from domain.errors import IdempotencyKeyReused, ProfileNotFound, RuleViolation, VersionConflict
from tests.e2e.support import Api


@pytest.fixture
def log_buffer() -> Iterator[io.StringIO]:
    buffer = io.StringIO()
    service_logging.configure_logging("json", stream=buffer, force=True)
    yield buffer
    service_logging.reset_logging()


def test_an_unexpected_error_is_a_500_problem_logged_with_its_correlation_id(
    api: Api, monkeypatch: pytest.MonkeyPatch, log_buffer: io.StringIO
):
    profile_id = api.register()

    def explode(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("boom near card 4111 1111 1111 1111")

    monkeypatch.setattr(api.container.service, "change_contact", explode)
    response = api.client.patch(
        f"/v1/profiles/{profile_id}/contact",
        json={"email": "x@example.com"},
        headers={"X-Correlation-ID": "corr-500"},
    )
    lines = [json.loads(line) for line in log_buffer.getvalue().splitlines()]
    error = next(line for line in lines if line["event"] == "unexpected_error")
    request = next(line for line in lines if line["event"] == "request" and line["status"] != 201)
    assert response.status_code == 500
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "internal_error"
    assert response.json()["correlation_id"] == "corr-500"
    assert "boom" not in response.text and "Traceback" not in response.text
    assert error["correlation_id"] == "corr-500"
    assert "RuntimeError" in error["exception"]
    assert "4111 1111 1111 1111" not in log_buffer.getvalue()
    assert request["status"] == 500 and request["correlation_id"] == "corr-500"


def test_logs_one_canonical_line_per_request_with_its_context(api: Api, log_buffer: io.StringIO):
    profile_id = api.register()
    api.client.patch(
        f"/v1/profiles/{profile_id}/preferences",
        json={"pdf_invoices": True},
        headers={"X-Correlation-ID": "corr-canonical", "X-Actor": "customer:77"},
    )
    lines = [json.loads(line) for line in log_buffer.getvalue().splitlines()]
    requests = [line for line in lines if line["event"] == "request"]
    assert len(requests) == 2
    assert {
        k: requests[1][k] for k in ("method", "route", "status", "actor", "correlation_id")
    } == {
        "method": "PATCH",
        "route": "/v1/profiles/{profile_id}/preferences",
        "status": 200,
        "actor": "customer:77",
        "correlation_id": "corr-canonical",
    }
    assert requests[1]["profile_id"] == str(profile_id)
    assert requests[1]["version"] == 2
    assert requests[1]["duration_ms"] >= 0


def test_renders_the_standard_librarys_logs_as_json_lines_too(log_buffer: io.StringIO):
    logging.getLogger("psycopg.pool").warning("pool %s is full", "main")
    logging.getLogger("eventsourcing.projection").error("runner stopped")
    lines = [json.loads(line) for line in log_buffer.getvalue().splitlines()]
    assert [(line["logger"], line["level"], line["event"]) for line in lines] == [
        ("psycopg.pool", "warning", "pool main is full"),
        ("eventsourcing.projection", "error", "runner stopped"),
    ]


def test_maps_each_domain_error_to_its_status():
    assert status_of(ProfileNotFound("x")) == 404
    assert status_of(VersionConflict(3, 4)) == 412
    assert status_of(VersionConflict(None, None)) == 409
    assert status_of(IdempotencyKeyReused()) == 422
    assert status_of(RuleViolation("weak_password", "weak", "new_password")) == 422
    assert status_of(RuleViolation("validation_error", "bad", "kind")) == 400


def test_redaction_drops_secret_keys_and_masks_secret_looking_text():
    entry = service_logging.redact(
        None,
        "info",
        {
            "event": "saw 4111-1111-1111-1111 and Bearer ps_abcdefghijklmnopqrstuvwxyz",
            "password": "hunter2 hunter2",
            "nested": {"number": "4111111111111111", "hash": "$argon2id$v=19$m=65536$abc"},
            "profile_id": "12345678-1234-1234-1234-123456789012",
        },
    )
    text = json.dumps(entry)
    assert "4111" not in text and "ps_abc" not in text and "hunter2" not in text
    assert "$argon2id$v=19" not in text
    assert entry["profile_id"] == "12345678-1234-1234-1234-123456789012"
