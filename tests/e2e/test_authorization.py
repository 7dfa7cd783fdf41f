"""The authorization matrix: every endpoint by {no token, wrong scope, right scope}."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import pytest

from adapters.security.tokens import SCOPES
from tests.e2e.support import CARD, CONSENT, Api
from tests.support import OTHER_STRONG_PASSWORD, STRONG_PASSWORD, registration, unique_email

Body = dict[str, Any] | Callable[[], dict[str, Any]] | None


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    scope: str
    ok: int = 200
    body: Body = None
    params: dict[str, str] = field(default_factory=dict)
    needs: str | None = None  # what must exist first: "contact", "card", "social", "checkpoint"

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


ENDPOINTS = (
    Endpoint("POST", "/v1/profiles", "profiles:write", 201, body=registration),
    Endpoint(
        "PATCH",
        "/v1/profiles/{profile_id}/contact",
        "profiles:write",
        body=lambda: {"email": unique_email("matrix")},
    ),
    Endpoint(
        "PUT",
        "/v1/profiles/{profile_id}/additional-info",
        "profiles:write",
        body={"company": "Acme"},
    ),
    Endpoint(
        "POST",
        "/v1/profiles/{profile_id}/contacts",
        "profiles:write",
        201,
        body={"name": "Luc Gagnon", "email": "luc@example.com"},
    ),
    Endpoint(
        "DELETE",
        "/v1/profiles/{profile_id}/contacts/{contact_id}",
        "profiles:write",
        needs="contact",
    ),
    Endpoint(
        "PATCH",
        "/v1/profiles/{profile_id}/preferences",
        "profiles:write",
        body={"pdf_invoices": True},
    ),
    Endpoint(
        "POST",
        "/v1/profiles/{profile_id}/password",
        "profiles:write",
        body={"current_password": STRONG_PASSWORD, "new_password": OTHER_STRONG_PASSWORD},
    ),
    Endpoint("PUT", "/v1/profiles/{profile_id}/card", "payment:write", body=CARD),
    Endpoint(
        "DELETE",
        "/v1/profiles/{profile_id}/card",
        "payment:write",
        params={"confirm": "true"},
        needs="card",
    ),
    Endpoint(
        "PUT",
        "/v1/profiles/{profile_id}/social/{network}",
        "profiles:write",
        body={"url": "https://linkedin.com/in/marie"},
    ),
    Endpoint(
        "DELETE", "/v1/profiles/{profile_id}/social/{network}", "profiles:write", needs="social"
    ),
    Endpoint(
        "PUT",
        "/v1/profiles/{profile_id}/newsletters",
        "profiles:write",
        body={"categories": ["news"], "consent": CONSENT},
    ),
    Endpoint("DELETE", "/v1/profiles/{profile_id}/newsletters", "profiles:write"),
    Endpoint("GET", "/v1/profiles/{profile_id}", "profiles:read"),
    Endpoint("GET", "/v1/profiles", "profiles:read", needs="email"),
    Endpoint(
        "DELETE", "/v1/profiles/{profile_id}", "privacy:erase", body={"basis": "customer_request"}
    ),
    Endpoint("GET", "/v1/profiles/{profile_id}/audit", "audit:read"),
    Endpoint("GET", "/v1/audit", "audit:read"),
    Endpoint("GET", "/v1/profiles/{profile_id}/consents", "audit:read"),
    Endpoint("GET", "/v1/events", "events:read"),
    Endpoint("GET", "/v1/profiles/{profile_id}/communications/{kind}", "profiles:read"),
    Endpoint("GET", "/v1/newsletters/{category}/audience", "profiles:read"),
    Endpoint(
        "POST",
        "/v1/password/strength",
        "profiles:read",
        body={"password": "correct horse battery staple 42"},
    ),
    Endpoint("POST", "/v1/password/generate", "profiles:read"),
    Endpoint("POST", "/v1/cards/brand", "profiles:read", body={"number": "4111"}),
    Endpoint("GET", "/v1/integrity/checkpoint", "audit:read", needs="checkpoint"),
    Endpoint("GET", "/v1/integrity/public-key", "audit:read"),
    Endpoint("GET", "/v1/integrity/inclusion", "audit:read", needs="checkpoint"),
    Endpoint("GET", "/v1/integrity/consistency", "audit:read", params={"first": "1"},
             needs="checkpoint"),
)


def _signed(api: Api) -> dict[str, str]:
    """The store's tree caught up and signed; a position in it."""
    api.register()
    integrity = api.container.integrity()
    builder = integrity.builder()
    builder.catch_up()
    builder.sign_if_due(force=True)
    return {"position": str(integrity.store.leaves(0, 1)[0][1])}


def _prepare(api: Api, endpoint: Endpoint) -> tuple[str, dict[str, str]]:
    values = {"network": "linkedin", "kind": "invoice", "category": "news", "contact_id": "x"}
    params = dict(endpoint.params)
    if endpoint.needs == "checkpoint":
        position = _signed(api)
        if endpoint.path.endswith("/inclusion"):
            params.update(position)
    if endpoint.needs == "email":
        params["email"] = unique_email("holder")
        api.register(email=params["email"])
    if "{profile_id}" in endpoint.path:
        profile_id: UUID = api.register()
        values["profile_id"] = str(profile_id)
        base = f"/v1/profiles/{profile_id}"
        if endpoint.needs == "contact":
            added = api.client.post(
                f"{base}/contacts", json={"name": "Luc", "email": "l@example.com"}
            )
            values["contact_id"] = added.json()["contact_id"]
        elif endpoint.needs == "card":
            assert api.client.put(f"{base}/card", json=CARD).status_code == 200
        elif endpoint.needs == "social":
            linked = api.client.put(
                f"{base}/social/linkedin", json={"url": "https://linkedin.com/in/m"}
            )
            assert linked.status_code == 200
    return endpoint.path.format(**values), params


def _send(api: Api, endpoint: Endpoint, headers: dict[str, str]) -> Any:
    body = endpoint.body() if callable(endpoint.body) else endpoint.body
    path, params = _prepare(api, endpoint)
    return api.client.request(
        endpoint.method,
        path,
        json=body,
        params=params,
        headers=headers,
    )


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_refuses_a_request_without_a_token_with_401(api: Api, endpoint: Endpoint):
    response = _send(api, endpoint, {"Authorization": ""})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.json()["code"] == "unauthorized"


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_refuses_a_token_without_the_scope_with_403(api: Api, endpoint: Endpoint):
    others = [scope for scope in SCOPES if scope != endpoint.scope]
    response = _send(api, endpoint, api.auth(*others))
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert endpoint.scope in response.json()["detail"]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_answers_a_token_with_the_scope(api: Api, endpoint: Endpoint):
    response = _send(api, endpoint, api.auth(endpoint.scope))
    assert response.status_code == endpoint.ok, response.text


def test_refuses_an_unknown_or_malformed_token_with_401(api: Api):
    unknown = api.client.get("/v1/audit", headers={"Authorization": "Bearer ps_" + "a" * 43})
    basic = api.client.get("/v1/audit", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert unknown.status_code == basic.status_code == 401


def test_the_matrix_covers_every_operation_of_the_openapi_document(api: Api):
    document = api.client.get("/openapi.json").json()
    operations = {
        f"{method.upper()} {path}"
        for path, item in document["paths"].items()
        if path.startswith("/v1")
        for method in item
    }
    assert operations == {str(endpoint) for endpoint in ENDPOINTS}
