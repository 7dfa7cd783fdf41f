"""What generated clients rely on in the OpenAPI document: names, refusals as sent, constraints."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from adapters.bootstrap import build
from adapters.entrypoints.http.app import create_app
from adapters.security.tokens import TokenStore
from domain.sections.account_preferences import CHANNELS, LANGUAGES
from domain.sections.newsletters import DEFAULT_CATEGORIES
from domain.sections.social_media import NETWORKS
from tests.e2e.test_openapi_document import document
from tests.support import store_settings

# Renaming an operation renames a function in every generated client: a visible API change.
OPERATIONS = {
    "register": "POST /v1/profiles",
    "find_profile_by_email": "GET /v1/profiles",
    "change_contact": "PATCH /v1/profiles/{profile_id}/contact",
    "change_additional_info": "PUT /v1/profiles/{profile_id}/additional-info",
    "add_contact": "POST /v1/profiles/{profile_id}/contacts",
    "remove_contact": "DELETE /v1/profiles/{profile_id}/contacts/{contact_id}",
    "change_preferences": "PATCH /v1/profiles/{profile_id}/preferences",
    "change_password": "POST /v1/profiles/{profile_id}/password",
    "password_strength": "POST /v1/password/strength",
    "generate_password": "POST /v1/password/generate",
    "register_card": "PUT /v1/profiles/{profile_id}/card",
    "remove_card": "DELETE /v1/profiles/{profile_id}/card",
    "card_brand": "POST /v1/cards/brand",
    "link_social": "PUT /v1/profiles/{profile_id}/social/{network}",
    "unlink_social": "DELETE /v1/profiles/{profile_id}/social/{network}",
    "subscribe_newsletters": "PUT /v1/profiles/{profile_id}/newsletters",
    "unsubscribe_newsletters": "DELETE /v1/profiles/{profile_id}/newsletters",
    "may_send": "GET /v1/profiles/{profile_id}/communications/{kind}",
    "newsletter_audience": "GET /v1/newsletters/{category}/audience",
    "consent_ledger": "GET /v1/profiles/{profile_id}/consents",
    "get_profile": "GET /v1/profiles/{profile_id}",
    "erase": "DELETE /v1/profiles/{profile_id}",
    "profile_audit": "GET /v1/profiles/{profile_id}/audit",
    "audit_log": "GET /v1/audit",
    "integrity_checkpoint": "GET /v1/integrity/checkpoint",
    "integrity_public_key": "GET /v1/integrity/public-key",
    "inclusion_proof": "GET /v1/integrity/inclusion",
    "consistency_proof": "GET /v1/integrity/consistency",
    "event_feed": "GET /v1/events",
    "liveness": "GET /healthz",
    "readiness": "GET /readyz",
}
PROBLEM = {"schema": {"$ref": "#/components/schemas/Problem"}}


@pytest.fixture(scope="module")
def openapi(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return document(tmp_path_factory.mktemp("openapi"))


def operations(openapi: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, item in openapi["paths"].items()
        for method, operation in item.items()
    ]


def schema_of(openapi: dict[str, Any], name: str, field: str) -> dict[str, Any]:
    schema: dict[str, Any] = openapi["components"]["schemas"][name]["properties"][field]
    given = [option for option in schema.get("anyOf", [schema]) if option.get("type") != "null"]
    return given[0]


def test_every_operation_is_named_after_its_command_as_pinned(openapi):
    named = {op["operationId"]: f"{method} {path}" for method, path, op in operations(openapi)}
    assert named == OPERATIONS
    assert len(operations(openapi)) == len(OPERATIONS)  # unique


def test_every_operation_has_one_tag_of_the_documents_list(openapi):
    listed = [tag["name"] for tag in openapi["tags"]]
    assert len(set(listed)) == len(listed)
    used = {tuple(op["tags"]) for _, _, op in operations(openapi)}
    assert {tag for (tag,) in used} == set(listed)


def test_every_refusal_is_a_problem_sent_as_application_problem_json(openapi):
    for method, path, operation in operations(openapi):
        for status, response in operation["responses"].items():
            readiness = (method, path, status) == ("GET", "/readyz", "503")  # a Readiness body
            if status.startswith(("4", "5")) and not readiness:
                assert response["content"] == {"application/problem+json": PROBLEM}, (
                    method, path, status
                )


def test_the_document_has_no_phantom_validation_error(openapi):
    assert "HTTPValidationError" not in str(openapi)
    assert "ValidationError" not in openapi["components"]["schemas"]


def test_the_problem_schema_lists_its_field_errors(openapi):
    problem = openapi["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {
        "type", "title", "status", "detail", "code", "errors", "correlation_id"
    }
    assert problem["properties"]["errors"]["items"] == {"$ref": "#/components/schemas/FieldProblem"}


def test_the_enums_are_the_domains_own(openapi):
    assert schema_of(openapi, "Registration", "language")["enum"] == list(LANGUAGES)
    assert schema_of(openapi, "PreferencesPatch", "communication_channel")["enum"] == list(
        CHANNELS
    )
    assert schema_of(openapi, "Consent", "language")["enum"] == list(LANGUAGES)
    categories = openapi["components"]["schemas"]["Subscription"]["properties"]["categories"]
    assert categories["items"]["enum"] == [*DEFAULT_CATEGORIES, "all"]
    parameters = {
        (p["in"], p["name"]): p["schema"]
        for _, _, op in operations(openapi)
        for p in op.get("parameters", ())
    }
    assert parameters["path", "network"]["enum"] == list(NETWORKS)
    assert parameters["path", "category"]["enum"] == list(DEFAULT_CATEGORIES)
    assert "newsletter:news" in parameters["path", "kind"]["enum"]
    assert parameters["query", "email"]["format"] == "email"


def test_formats_and_patterns_say_what_the_domain_accepts(openapi):
    for name in ("Registration", "ContactPatch", "NewContact"):
        assert schema_of(openapi, name, "email")["format"] == "email"
    country = re.compile(schema_of(openapi, "AddressInput", "country")["pattern"])
    assert country.search("CA") and country.search("fr") and not country.search("CAN")
    number = re.compile(schema_of(openapi, "CardInput", "number")["pattern"])
    assert number.search("4111 1111 1111 1111") and number.search("4111-1111-1111-1111")
    assert not number.search("4111 1111") and not number.search("4111 x111 1111 1111")
    assert schema_of(openapi, "PasswordChange", "new_password")["minLength"] == 12


def test_the_categories_listed_are_those_configured(tmp_path: Path):
    settings = store_settings("sqlite", tmp_path).model_copy(
        update={"newsletter_categories": ("news", "launches")}
    )
    container = build(settings)
    try:
        app = create_app(container, container.read_side(), tokens=TokenStore(container.sql))
        categories = app.openapi()["components"]["schemas"]["Subscription"]["properties"][
            "categories"
        ]
    finally:
        container.close()
    assert categories["items"]["enum"] == ["news", "launches", "all"]


def test_every_problem_to_retry_documents_retry_after(openapi):
    for method, path, operation in operations(openapi):
        for status in ("429", "503"):
            response = operation["responses"].get(status)
            if response is not None and (method, path) != ("GET", "/readyz"):
                assert "Retry-After" in response["headers"], (method, path, status)
