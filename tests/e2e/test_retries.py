"""Concurrency and retries: If-Match, racing writers, Idempotency-Key, correlation ids, actors."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest

from adapters.bootstrap import build
from application.history import History
from domain.events import Meta
from tests.e2e.support import Api, serve_app
from tests.integration.readside_support import new_readside
from tests.support import registration, unique_email


def _events(api: Api, profile_id: UUID) -> list[dict]:
    return History(api.container.service).events(profile_id)


def test_applies_a_command_only_at_the_version_named_by_if_match(api: Api):
    profile_id = api.register()
    path = f"/v1/profiles/{profile_id}/contact"
    applied = api.client.patch(path, json={"email": unique_email("a")}, headers={"If-Match": '"1"'})
    stale = api.client.patch(path, json={"email": unique_email("b")}, headers={"If-Match": '"1"'})
    weak = api.client.patch(path, json={"email": unique_email("c")}, headers={"If-Match": 'W/"2"'})
    malformed = api.client.patch(
        path, json={"email": unique_email("d")}, headers={"If-Match": "two"}
    )
    assert applied.status_code == 200
    assert stale.status_code == 412
    assert stale.json()["code"] == "version_conflict"
    assert weak.status_code == 200 and weak.headers["ETag"] == '"3"'
    assert malformed.status_code == 400
    assert [e["version"] for e in _events(api, profile_id)] == [1, 2, 3]


@pytest.mark.parametrize(("if_match", "status", "overtaken"), [(None, 409, 2), ('"2"', 412, 1)])
def test_a_writer_that_loses_a_race_gets_409_without_if_match_and_412_with_it(
    api: Api, monkeypatch: pytest.MonkeyPatch, if_match: str | None, status: int, overtaken: int
):
    """Another writer records an event just before each of this writer's saves: without
    If-Match the command is tried once more on the state read again, then given up."""
    service = api.container.service
    profile_id = api.register()
    assert (
        api.client.patch(
            f"/v1/profiles/{profile_id}/contact", json={"email": unique_email("w")}
        ).status_code
        == 200
    )
    other = service.get_profile(profile_id)
    insert = service.recorder.insert_events

    def overtaking_insert(events, **kwargs):
        meta = Meta("customer:other", "c", None, datetime.now(UTC))
        other.link_social("twitter", f"https://x.com/other{other.version}", meta)
        insert([service.mapper.to_stored_event(e) for e in other.collect_events()])
        return insert(events, **kwargs)

    headers = {"If-Match": if_match} if if_match else {}
    with monkeypatch.context() as patch:
        patch.setattr(service.recorder, "insert_events", overtaking_insert)
        lost_email = unique_email("l")
        lost = api.client.patch(
            f"/v1/profiles/{profile_id}/contact", json={"email": lost_email}, headers=headers
        )
    assert lost.status_code == status
    assert lost.json()["code"] == "version_conflict"
    events = _events(api, profile_id)
    assert [e["name"] for e in events] == [
        "ProfileRegistered",
        "ContactChanged",
        *["SocialAccountLinked"] * overtaken,
    ]
    assert lost_email not in repr(events)


def test_concurrent_writers_without_if_match_each_get_200_or_409_and_nothing_is_lost(api: Api):
    profile_id = api.register()

    def change(n: int) -> int:
        return api.client.patch(
            f"/v1/profiles/{profile_id}/contact", json={"email": unique_email(f"race{n}")}
        ).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(change, range(24)))
    assert set(statuses) <= {200, 409}
    assert len(_events(api, profile_id)) == 1 + statuses.count(200)


def test_replays_the_first_answer_for_the_same_key_and_records_nothing_new(api: Api):
    key = {"Idempotency-Key": f"reg-{uuid4()}"}
    body = registration()
    first = api.client.post("/v1/profiles", json=body, headers=key)
    again = api.client.post("/v1/profiles", json=body, headers=key)
    profile_id = first.json()["profile_id"]
    change = {"Idempotency-Key": f"chg-{uuid4()}"}
    changed = api.client.patch(
        f"/v1/profiles/{profile_id}/contact", json={"phone": None}, headers=change
    )
    changed_again = api.client.patch(
        f"/v1/profiles/{profile_id}/contact", json={"phone": None}, headers=change
    )
    assert again.status_code == first.status_code == 201
    assert again.json() == first.json()
    assert again.headers["ETag"] == '"1"'
    assert (
        changed_again.json()
        == changed.json()
        == {"profile_id": profile_id, "version": 2, "events": ["ContactChanged"]}
    )
    assert [e["idempotency_key"] for e in _events(api, UUID(profile_id))] == [
        key["Idempotency-Key"],
        change["Idempotency-Key"],
    ]


def test_refuses_a_key_reused_for_another_command_with_422(api: Api):
    profile_id = api.register()
    key = {"Idempotency-Key": f"k-{uuid4()}"}
    path = f"/v1/profiles/{profile_id}/preferences"
    first = api.client.patch(path, json={"pdf_invoices": True}, headers=key)
    other = api.client.patch(path, json={"pdf_invoices": False}, headers=key)
    assert first.status_code == 200
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert len(_events(api, profile_id)) == 2


def test_a_replay_survives_a_restart_of_the_service(api: Api):
    key = {"Idempotency-Key": f"restart-{uuid4()}"}
    body = registration()
    first = api.client.post("/v1/profiles", json=body, headers=key)
    restarted = build(api.container.settings, clock=api.container.service.clock)
    read_side = new_readside(restarted)
    try:
        with serve_app(restarted, read_side, token=api.token) as fresh:
            again = fresh.client.post("/v1/profiles", json=body, headers=key)
            reused = fresh.client.post("/v1/profiles", json=registration(), headers=key)
    finally:
        if restarted.settings.is_postgres:
            read_side.drop()
        restarted.close()
    assert again.status_code == 201
    assert again.json() == first.json()
    assert reused.json()["code"] == "idempotency_key_reused"


def test_echoes_the_correlation_id_into_events_and_the_audit_trail(api: Api):
    correlation_id = f"corr-{uuid4()}"
    response = api.client.post(
        "/v1/profiles", json=registration(), headers={"X-Correlation-ID": correlation_id}
    )
    profile_id = response.json()["profile_id"]
    api.client.get(f"/v1/profiles/{profile_id}", params={"min_version": 1})
    audit = api.client.get(f"/v1/profiles/{profile_id}/audit").json()
    assert response.headers["X-Correlation-ID"] == correlation_id
    assert _events(api, UUID(profile_id))[0]["correlation_id"] == correlation_id
    assert audit["entries"][0]["correlation_id"] == correlation_id


def test_generates_a_correlation_id_when_absent_or_unusable(api: Api):
    absent = api.client.get("/healthz")
    unusable = api.client.get("/healthz", headers={"X-Correlation-ID": "bad id\twith spaces"})
    assert UUID(absent.headers["X-Correlation-ID"])
    assert UUID(unusable.headers["X-Correlation-ID"])
    assert absent.headers["X-Correlation-ID"] != unusable.headers["X-Correlation-ID"]


def test_records_the_actor_given_or_the_calling_service(api: Api):
    on_behalf = api.client.post(
        "/v1/profiles", json=registration(), headers={"X-Actor": "support:agent-7"}
    ).json()["profile_id"]
    by_default = api.register()
    invalid = api.client.post("/v1/profiles", json=registration(), headers={"X-Actor": "robot"})
    caller = api.tokens.authenticate(api.token)
    assert caller is not None and caller.name.startswith("e2e-")
    assert _events(api, UUID(on_behalf))[0]["actor"] == "support:agent-7"
    assert _events(api, UUID(on_behalf))[0]["caller"] == caller.name
    assert _events(api, by_default)[0]["actor"] == f"service:{caller.name}"
    assert invalid.status_code == 400
    assert invalid.json()["errors"][0]["field"] == "X-Actor"
