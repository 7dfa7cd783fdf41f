"""GET /v1/events: every event as its CloudEvent in position order, a page at a time, on both
stores; bad input refused, a busy store a 503; described in the OpenAPI document."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.persistence import OperationalError
from fastapi.testclient import TestClient

from adapters.entrypoints.http.app import create_app
from adapters.feed.cloudevent import encode
from adapters.security.tokens import TokenStore
from tests.e2e.support import CARD, Api


def followed(api: Api, after: int, **params: Any) -> dict[str, Any]:
    api.read_side.wait_for_position(api.read_side.head())
    response = api.client.get("/v1/events", params={"after": after, **params},
                              headers=api.auth("events:read"))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    body: dict[str, Any] = response.json()
    return body


def a_history(api: Api) -> UUID:
    profile_id = api.register()
    base = f"/v1/profiles/{profile_id}"
    assert api.client.patch(f"{base}/contact", json={"phone": "514 555 0199"}).status_code == 200
    assert api.client.put(f"{base}/card", json=CARD).status_code == 200
    return profile_id


def test_every_event_is_its_cloudevent_with_the_audit_entrys_content(api: Api):
    start = api.read_side.head()
    profile_id = a_history(api)
    events = [e for e in followed(api, start, limit=1000)["events"]
              if e["subject"] == str(profile_id)]
    entries = api.read_side.audit.entries(profile_id=profile_id)
    assert events == [json.loads(encode(entry)) for entry in entries]
    assert [e["type"] for e in events] == [
        "profile.ProfileRegistered.v1", "profile.ContactChanged.v1", "profile.CardRegistered.v1"
    ]
    assert [e["id"] for e in events] == [f"{profile_id}:{v}" for v in (1, 2, 3)]
    caller = api.tokens.authenticate(api.token)
    assert caller is not None
    assert {e["data"]["actor"] for e in events} == {caller.actor}
    assert {e["data"]["caller"] for e in events} == {caller.name}
    card = events[2]["data"]["changes"]
    assert "4111 1111 1111 1111" not in json.dumps(card) and "4111111111111111" not in str(card)


def test_pages_follow_each_other_in_position_order_until_the_last(api: Api):
    start = api.read_side.head()
    a_history(api)
    first = followed(api, start, limit=2)
    positions = [e["position"] for e in first["events"]]
    assert len(positions) == 2 and positions == sorted(positions) and positions[0] > start
    assert first["next_after"] == positions[-1]
    rest = followed(api, first["next_after"], limit=1000)
    assert rest["next_after"] is None
    assert all(e["position"] > positions[-1] for e in rest["events"])
    assert len(rest["events"]) >= 1


def test_bad_positions_and_limits_are_refused_with_validation_error(api: Api):
    for params in ({"after": -1}, {"after": "x"}, {"limit": 0}, {"limit": 1001}):
        response = api.client.get("/v1/events", params=params, headers=api.auth("events:read"))
        assert response.status_code == 400, params
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["code"] == "validation_error"


class BusyAudit:
    def entries(self, **_: Any) -> list[dict[str, Any]]:
        raise OperationalError("database is locked")


class BusyReads:
    audit = BusyAudit()


def test_a_busy_store_is_a_503_store_unavailable_never_a_500(api: Api):
    tokens = TokenStore(api.container.sql)
    token = tokens.create(f"busy-feed-{uuid4().hex[:8]}", ["events:read"])
    app = create_app(api.container, BusyReads(), tokens=tokens)  # type: ignore[arg-type]
    with TestClient(app) as client:
        response = client.get("/v1/events", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert response.json()["code"] == "store_unavailable"
    assert "locked" not in response.text


def test_the_openapi_document_describes_the_feed_with_an_example(api: Api):
    document = api.client.get("/openapi.json").json()
    operation = document["paths"]["/v1/events"]["get"]
    assert {"after", "limit"} <= {p["name"] for p in operation["parameters"]}
    content = operation["responses"]["200"]["content"]["application/json"]
    assert content["schema"] == {"$ref": "#/components/schemas/EventPage"}
    example = content["example"]["events"][0]
    assert set(example) == {"specversion", "id", "source", "type", "subject", "time",
                            "datacontenttype", "position", "data"}
    assert "503" in operation["responses"]
