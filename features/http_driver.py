"""The HTTP driver: the same features through the API, as another service would call it."""

from __future__ import annotations

import json
import warnings
from datetime import datetime
from typing import Any

from httpx import Response

from adapters.bootstrap import Container
from adapters.entrypoints.http.app import create_app
from adapters.security.tokens import SCOPES, TokenStore
from features.app_driver import recorded
from features.drivers import Command, Driver, Outcome, Recorded, Request

# command -> (method, path); {placeholders} come from the profile id and the command's args,
# the other args are the JSON body (or, for remove_card, the query).
ROUTES: dict[str, tuple[str, str]] = {
    "register": ("POST", "/v1/profiles"),
    "change_contact": ("PATCH", "/v1/profiles/{profile_id}/contact"),
    "change_additional_info": ("PUT", "/v1/profiles/{profile_id}/additional-info"),
    "add_contact": ("POST", "/v1/profiles/{profile_id}/contacts"),
    "remove_contact": ("DELETE", "/v1/profiles/{profile_id}/contacts/{contact_id}"),
    "change_preferences": ("PATCH", "/v1/profiles/{profile_id}/preferences"),
    "change_password": ("POST", "/v1/profiles/{profile_id}/password"),
    "register_card": ("PUT", "/v1/profiles/{profile_id}/card"),
    "remove_card": ("DELETE", "/v1/profiles/{profile_id}/card"),
    "link_social": ("PUT", "/v1/profiles/{profile_id}/social/{network}"),
    "unlink_social": ("DELETE", "/v1/profiles/{profile_id}/social/{network}"),
    "subscribe_newsletters": ("PUT", "/v1/profiles/{profile_id}/newsletters"),
    "unsubscribe_newsletters": ("DELETE", "/v1/profiles/{profile_id}/newsletters"),
    "erase": ("DELETE", "/v1/profiles/{profile_id}"),
}
IN_PATH = ("contact_id", "network")

with warnings.catch_warnings():  # Starlette prefers httpx2 now; the API is the same.
    warnings.filterwarnings("ignore", message=".*httpx2")
    from fastapi.testclient import TestClient


def problem(response: Response, correlation_id: str = "") -> Outcome:
    """An application/problem+json refusal as the same Outcome the application driver gives."""
    assert response.headers["content-type"].startswith("application/problem+json"), response.text
    body = response.json()
    assert body["status"] == response.status_code
    return Outcome(
        correlation_id=correlation_id,
        code=body["code"],
        fields=tuple(e["field"] for e in body.get("errors", [])),
        message=body["detail"],
        feedback=tuple(body.get("feedback") or ()),
    )


class HttpDriver(Driver):
    def __init__(self, container: Container) -> None:
        self.container = container
        self.read_side = container.read_side()
        self.read_side.start()
        tokens = TokenStore(container.sql)
        token = tokens.create("features", SCOPES)
        self.client = TestClient(create_app(container, self.read_side, tokens=tokens))
        self.client.__enter__()  # one event loop for every request of the scenario
        self.auth = {"Authorization": f"Bearer {token}"}

    def close(self) -> None:
        self.client.__exit__(None, None, None)
        self.read_side.stop()

    def _get(self, path: str, **params: Any) -> Response:
        """A query, once the read side has caught up with every recorded event."""
        self.read_side.wait_for_position(self.read_side.head())
        query = {k: v for k, v in params.items() if v is not None}
        response: Response = self.client.get(path, params=query, headers=self.auth)
        return response

    def _answer(self, response: Response) -> Outcome:
        if response.status_code != 200:
            return problem(response)
        return Outcome(answer=response.json())

    def send(self, command: Command, request: Request) -> Outcome:
        method, template = ROUTES[command.name]
        args = dict(command.args)
        path = template.format(
            profile_id=command.profile_id, **{k: args.pop(k) for k in IN_PATH if k in template}
        )
        headers = {
            **self.auth,
            "X-Actor": request.actor,
            "X-Correlation-ID": request.correlation_id,
        }
        if request.idempotency_key is not None:
            headers["Idempotency-Key"] = request.idempotency_key
        if request.expected_version is not None:
            headers["If-Match"] = f'"{request.expected_version}"'
        params = {"confirm": str(args.pop("confirm")).lower()} if "confirm" in args else None
        body = json.dumps(args) if method != "DELETE" or args else None
        if body is not None:
            headers["Content-Type"] = "application/json"
        response = self.client.request(method, path, content=body, params=params, headers=headers)
        assert response.headers.get("X-Correlation-ID") == request.correlation_id
        if response.status_code not in (200, 201):
            return Outcome(**{**vars(problem(response, request.correlation_id)), "sent": command})
        answer = response.json()
        assert response.headers["ETag"] == f'"{answer["version"]}"'
        return Outcome(
            correlation_id=request.correlation_id,
            profile_id=answer["profile_id"],
            version=answer["version"],
            events=tuple(answer["events"]),
            contact_id=answer.get("contact_id"),
            sent=command,
        )

    def head(self) -> int:
        return self.read_side.head()

    def view(self, profile_id: str) -> dict[str, Any]:
        response = self._get(f"/v1/profiles/{profile_id}")
        assert response.status_code == 200, response.text
        view: dict[str, Any] = response.json()
        return view

    def profile(self, profile_id: str) -> Outcome:
        return self._answer(self._get(f"/v1/profiles/{profile_id}"))

    def holder_of(self, email: str) -> Outcome:
        return self._answer(self.client.get("/v1/profiles", params={"email": email},
                                            headers=self.auth))

    def profile_at(
        self, profile_id: str, *, version: int | None = None, as_of: datetime | None = None
    ) -> Outcome:
        at = as_of.isoformat() if as_of is not None else None
        return self._answer(self._get(f"/v1/profiles/{profile_id}", version=version, as_of=at))

    def audit(
        self,
        profile_id: str | None,
        *,
        section: str | None = None,
        after: int | None = None,
        limit: int | None = None,
    ) -> list[Recorded]:
        path = "/v1/audit" if profile_id is None else f"/v1/profiles/{profile_id}/audit"
        response = self._get(path, section=section, after=after, limit=limit)
        assert response.status_code == 200, response.text
        return [recorded(entry) for entry in response.json()["entries"]]

    def events(self, *, after: int | None = None, limit: int | None = None) -> Outcome:
        return self._answer(self._get("/v1/events", after=after, limit=limit))

    def disclosed(self, profile_id: str) -> str:
        view = self._get(f"/v1/profiles/{profile_id}")
        audit = self._get(f"/v1/profiles/{profile_id}/audit", limit=1000)
        versions = range(1, len(audit.json()["entries"]) + 1)
        past = [self._get(f"/v1/profiles/{profile_id}", version=v).text for v in versions]
        consents = self._get(f"/v1/profiles/{profile_id}/consents")
        return json.dumps([view.text, audit.text, past, consents.text])

    def may_send(self, profile_id: str, kind: str) -> Outcome:
        return self._answer(self._get(f"/v1/profiles/{profile_id}/communications/{kind}"))

    def audience(self, category: str) -> list[str]:
        response = self._get(f"/v1/newsletters/{category}/audience", limit=1000)
        assert response.status_code == 200, response.text
        ids: list[str] = response.json()["profile_ids"]
        return ids

    def consents(self, profile_id: str) -> Outcome:
        return self._answer(self._get(f"/v1/profiles/{profile_id}/consents"))

    def _post(self, path: str, body: dict[str, Any]) -> Outcome:
        return self._answer(self.client.post(path, json=body, headers=self.auth))

    def password_strength(self, password: str, user_inputs: list[str]) -> Outcome:
        return self._post(
            "/v1/password/strength", {"password": password, "user_inputs": user_inputs}
        )

    def generate_password(self) -> Outcome:
        return self._post("/v1/password/generate", {})

    def card_brand(self, number: str) -> Outcome:
        return self._post("/v1/cards/brand", {"number": number})
