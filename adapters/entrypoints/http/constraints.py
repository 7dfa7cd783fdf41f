"""What the domain enforces, said in the OpenAPI document where a schema can say it.

Documentation only: the request models stay as loose as they are, so a value the domain
refuses is still refused by the domain, with its own code (invalid_email, invalid_country…).
Every value a constraint here excludes is one the API refuses; the values come from the
domain's own definitions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domain.sections.account_preferences import CHANNELS, LANGUAGES
from domain.sections.credit_card import (
    EXP_MONTHS,
    EXP_YEARS,
    MAX_NUMBER_LENGTH,
    MIN_NUMBER_LENGTH,
)
from domain.sections.newsletters import TRANSACTIONAL_KINDS
from domain.sections.password import MAX_LENGTH, MIN_LENGTH
from domain.sections.social_media import NETWORKS

EMAIL = {"format": "email"}
LANGUAGE = {"enum": list(LANGUAGES)}
NEW_PASSWORD = {"minLength": MIN_LENGTH, "maxLength": MAX_LENGTH}
COUNTRY = {"pattern": "^[A-Za-z]{2}$"}  # ISO 3166-1 alpha-2, any case: the domain upper-cases
CARD_NUMBER = {  # digits, spaces and dashes between them allowed
    "pattern": f"^[ -]*(?:[0-9][ -]*){{{MIN_NUMBER_LENGTH},{MAX_NUMBER_LENGTH}}}$",
}
ETAG = {"pattern": '^"[0-9]+"$'}


def _bounds(values: range) -> dict[str, int]:
    return {"minimum": values.start, "maximum": values.stop - 1}


# (component schema, property) → what its (non-null) schema says besides its type.
FIELDS: dict[tuple[str, str], dict[str, Any]] = {
    ("Registration", "email"): EMAIL,
    ("Registration", "language"): LANGUAGE,
    ("Registration", "password"): NEW_PASSWORD,
    ("AddressInput", "country"): COUNTRY,
    ("ContactPatch", "email"): EMAIL,
    ("NewContact", "email"): EMAIL,
    ("PreferencesPatch", "communication_channel"): {"enum": list(CHANNELS)},
    ("PreferencesPatch", "language"): LANGUAGE,
    ("PasswordChange", "new_password"): NEW_PASSWORD,
    ("CardInput", "number"): CARD_NUMBER,
    ("CardInput", "exp_month"): _bounds(EXP_MONTHS),
    ("CardInput", "exp_year"): _bounds(EXP_YEARS),
    ("Consent", "language"): LANGUAGE,
}


def _parameters(categories: Sequence[str]) -> dict[tuple[str, str], dict[str, Any]]:
    """(where, name) of a parameter → its constraints."""
    kinds = [*(f"newsletter:{c}" for c in categories), *TRANSACTIONAL_KINDS, "domain_suggestion"]
    return {
        ("query", "email"): EMAIL,
        ("path", "network"): {"enum": list(NETWORKS)},
        ("path", "kind"): {"enum": kinds},
        ("path", "category"): {"enum": list(categories)},
    }


def _value_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema a value has when given: `anyOf: [X, null]` → X."""
    options = [o for o in schema.get("anyOf", ()) if o.get("type") != "null"]
    return options[0] if len(options) == 1 else schema


def _constrain(schema: dict[str, Any], extra: dict[str, Any]) -> None:
    _value_schema(schema).update(extra)


def _fields(schemas: dict[str, Any], categories: Sequence[str]) -> None:
    for (name, field), extra in FIELDS.items():
        _constrain(schemas[name]["properties"][field], extra)  # KeyError: a renamed field
    items = schemas["Subscription"]["properties"]["categories"]["items"]
    items["enum"] = [*categories, "all"]


def _operations(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        operation
        for item in document["paths"].values()
        for method, operation in item.items()
        if method in ("get", "put", "post", "patch", "delete")
    ]


def document(openapi: dict[str, Any], categories: Sequence[str]) -> None:
    """Add the constraints to the document, in place."""
    _fields(openapi["components"]["schemas"], categories)
    parameters = _parameters(categories)
    found: set[tuple[str, str]] = set()
    for operation in _operations(openapi):
        for parameter in operation.get("parameters", ()):
            key = (parameter["in"], parameter["name"])
            if key in parameters:
                _constrain(parameter["schema"], parameters[key])
                found.add(key)
        for response in operation.get("responses", {}).values():
            headers = response.get("headers", {})
            if "ETag" in headers:  # a copy: the routes share one header declaration
                etag = headers["ETag"]
                headers["ETag"] = {**etag, "schema": {**etag["schema"], **ETAG}}
    if missing := set(parameters) - found:
        raise LookupError(f"no such parameters in the document: {sorted(missing)}")
