"""The OpenAPI document, tidied: problems as sent, absent parameters not `null`, links onward."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from adapters.entrypoints.http import constraints
from adapters.entrypoints.http.middleware import PROTECTED_PREFIX  # authenticated under it
from adapters.entrypoints.http.problems import PROBLEM_JSON

_METHODS = ("get", "put", "post", "patch", "delete")
BEARER_SCHEME = {
    "type": "http",
    "description": "A token from `profile-service tokens create`; "
    "its scopes decide what it may do.",
    "scheme": "bearer",
}


# The sections of the profile page (A to G), then the rest: one tag each, in this order.
TAGS = [
    {"name": "registration", "description": "A new profile."},
    {"name": "contact information", "description": "A: e-mail, phone, postal address."},
    {"name": "additional information",
     "description": "B: company, VAT number, job title, website."},
    {"name": "account contacts", "description": "Who else receives billing or WHOIS mail."},
    {"name": "account preferences",
     "description": "C: billing contact, channel, language, invoices, domain suggestions."},
    {"name": "password", "description": "D: changing it; the strength and generation helpers."},
    {"name": "credit card", "description": "E: the card on file (`payment:write`); the brand "
     "helper."},
    {"name": "social media", "description": "F: links to the profile's social accounts."},
    {"name": "newsletters", "description": "G: subscriptions and their consent, who may be "
     "sent what, the audience."},
    {"name": "profiles", "description": "The profile view, now or as it was; lookup by e-mail."},
    {"name": "erasure", "description": "Forgetting a person (`privacy:erase`)."},
    {"name": "audit", "description": "The audit trail (`audit:read`)."},
    {"name": "integrity", "description": "Signed checkpoints and proofs (`audit:read`)."},
    {"name": "events", "description": "Every event as a CloudEvent (`events:read`)."},
    {"name": "health", "description": "Liveness and readiness, without a token."},
]
_FASTAPI_422 = {"$ref": "#/components/schemas/HTTPValidationError"}


def _as_sent(responses: dict[str, Any]) -> None:
    """A problem's schema under application/problem+json (FastAPI puts a response's `model`
    under application/json, which no refusal is sent as); no 422 HTTPValidationError (FastAPI's
    own, never sent: a malformed request is a 400 validation_error problem)."""
    for status, response in list(responses.items()):
        content = response.get("content", {})
        if content.get("application/json", {}).get("schema") == _FASTAPI_422:
            del responses[status]
        elif PROBLEM_JSON in content and "application/json" in content:
            content[PROBLEM_JSON] = {**content[PROBLEM_JSON], **content.pop("application/json")}


def _not_null(schema: dict[str, Any]) -> dict[str, Any]:
    """`anyOf: [X, null]` → X: a header or query parameter is absent, never null."""
    options = schema.get("anyOf")
    if not isinstance(options, list):
        return schema
    kept = [option for option in options if option.get("type") != "null"]
    if len(kept) != 1 or len(kept) == len(options):
        return schema
    extra = {key: value for key, value in schema.items() if key != "anyOf"}
    return {**kept[0], **extra}


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in document.get("paths", {}).items()
        for method, operation in item.items()
        if method in _METHODS
    ]


def _link(document: dict[str, Any], source: tuple[str, str, str], params: dict[str, str]) -> None:
    """Link `source`'s response to every operation whose path parameters `params` provides."""
    path, method, status = source
    response = document["paths"][path][method]["responses"][status]
    links = response.setdefault("links", {})
    for target_path, target_method, operation in _operations(document):
        names = {p["name"] for p in operation.get("parameters", ()) if p.get("in") == "path"}
        if not names or not names <= set(params) or (target_path, target_method) == (path, method):
            continue
        links[operation["operationId"]] = {
            "operationId": operation["operationId"],
            "parameters": {name: params[name] for name in sorted(names)},
        }


_CORRELATION = {
    "description": "The request's correlation id: the caller's, or a new one.",
    "schema": {"type": "string"},
}


def _with_security(operation: dict[str, Any]) -> dict[str, Any]:
    """The bearer requirement, where FastAPI puts that of a `Security(HTTPBearer)` dependency."""
    items = list(operation.items())
    at = next((n + 1 for n, (key, _) in enumerate(items) if key == "operationId"), len(items))
    return dict([*items[:at], ("security", [{"HTTPBearer": []}]), *items[at:]])


def secure(document: dict[str, Any]) -> dict[str, Any]:
    """Every operation under /v1 needs a bearer token (the middleware checks it)."""
    for path, item in document.get("paths", {}).items():
        if path == PROTECTED_PREFIX or path.startswith(PROTECTED_PREFIX + "/"):
            for method in [m for m in item if m in _METHODS]:
                item[method] = _with_security(item[method])
    components = document.setdefault("components", {})
    components.setdefault("securitySchemes", {})["HTTPBearer"] = BEARER_SCHEME
    return document


def tidy(document: dict[str, Any], categories: Sequence[str]) -> dict[str, Any]:
    secure(document)
    for _, _, operation in _operations(document):
        _as_sent(operation.get("responses", {}))
        for parameter in operation.get("parameters", ()):
            if "schema" in parameter:
                parameter["schema"] = _not_null(parameter["schema"])
        for response in operation.get("responses", {}).values():
            response.setdefault("headers", {})["X-Correlation-ID"] = _CORRELATION
    profile = {"profile_id": "$response.body#/profile_id"}
    _link(document, ("/v1/profiles", "post", "201"), profile)
    _link(
        document,
        ("/v1/profiles/{profile_id}/contacts", "post", "201"),
        {**profile, "contact_id": "$response.body#/contact_id"},
    )
    schemas = document.get("components", {}).get("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    constraints.document(document, categories)
    return document


def install(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = tidy(
                get_openapi(
                    title=app.title,
                    version=app.version,
                    description=app.description,
                    routes=app.routes,
                    tags=TAGS,
                ),
                app.state.container.service.categories,
            )
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
