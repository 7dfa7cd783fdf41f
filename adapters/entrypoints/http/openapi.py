"""The OpenAPI document, tidied: absent parameters are not `null`, and responses link onward."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from adapters.entrypoints.http.middleware import PROTECTED_PREFIX  # authenticated under it

_METHODS = ("get", "put", "post", "patch", "delete")
BEARER_SCHEME = {
    "type": "http",
    "description": "A token from `profile-service tokens create`; "
    "its scopes decide what it may do.",
    "scheme": "bearer",
}


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


def tidy(document: dict[str, Any]) -> dict[str, Any]:
    secure(document)
    for _, _, operation in _operations(document):
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
                )
            )
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
