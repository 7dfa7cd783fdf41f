"""What a malformed request meets: bad UTF-8 or deep nesting (400 validation_error naming the
body), a body that is not JSON (415), a trailing slash (404, never a redirect), and a
min_version not reached (said by X-Min-Version-Reached)."""

from __future__ import annotations

import pytest

import adapters.entrypoints.http.routes.profiles as profile_routes
from tests.e2e.support import Api
from tests.support import unique_email

JSON = {"Content-Type": "application/json"}


def patch_contact(api: Api, content: bytes, headers: dict[str, str] | None = None):
    profile_id = api.register()
    return api.client.patch(
        f"/v1/profiles/{profile_id}/contact", content=content, headers=headers or {}
    )


def assert_body_refused(response, message: str) -> None:
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "validation_error"
    assert problem["errors"] == [{"field": "body", "code": "validation_error", "message": message}]


def test_a_body_that_is_not_utf8_is_a_400_validation_error_on_the_body(api: Api):
    response = patch_contact(api, b'{"email": "\xff\xfe@example.com"}', JSON)
    assert_body_refused(response, "The request body is not valid UTF-8.")


@pytest.mark.parametrize("depth", [1_000, 20_000])  # 20,000: within the 64 KiB cap
def test_a_body_nested_a_thousand_deep_is_a_400_validation_error_on_the_body(api: Api, depth: int):
    nested = b'{"email": ' + b"[" * depth + b"]" * depth + b"}"
    response = patch_contact(api, nested, JSON)
    assert_body_refused(response, "The request body is nested too deeply.")


@pytest.mark.parametrize(
    "headers",
    [
        {"Content-Type": "text/plain"},
        {"Content-Type": "application/x-www-form-urlencoded"},
        {"Content-Type": "application/xml"},
        {},  # none at all
    ],
)
def test_a_json_body_sent_as_anything_but_json_is_415_unsupported_media_type(
    api: Api, headers: dict[str, str]
):
    response = patch_contact(api, b'{"email": "' + unique_email("plain").encode() + b'"}', headers)
    assert response.status_code == 415
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "unsupported_media_type"
    assert "application/json" in response.json()["detail"]


@pytest.mark.parametrize(
    "content_type", ["application/json; charset=utf-8", "application/merge-patch+json"]
)
def test_json_with_parameters_or_a_json_suffix_is_json(api: Api, content_type: str):
    response = patch_contact(
        api, b'{"email": "' + unique_email("json").encode() + b'"}', {"Content-Type": content_type}
    )
    assert response.status_code == 200, response.text


def test_no_body_at_all_is_still_a_400_saying_it_is_required(api: Api):
    response = api.client.post("/v1/password/strength", headers={"Content-Type": "text/plain"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "body"


@pytest.mark.parametrize("path", ["/v1/profiles/", "/healthz/", "/docs/"])
def test_a_trailing_slash_is_a_404_never_a_redirect_to_the_host_header(api: Api, path: str):
    response = api.client.get(path, headers={"Host": "evil.example"}, follow_redirects=False)
    assert response.status_code == 404
    assert "location" not in response.headers
    assert response.json()["code"] == "not_found"
    assert "evil.example" not in response.text


def test_min_version_reached_says_so(api: Api):
    profile_id = api.register()
    response = api.client.get(f"/v1/profiles/{profile_id}", params={"min_version": 1})
    assert response.status_code == 200
    assert response.headers["X-Min-Version-Reached"] == "true"


def test_min_version_not_reached_answers_the_latest_version_and_says_so(
    api: Api, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(profile_routes, "READ_YOUR_WRITES_SECONDS", 0.05)
    profile_id = api.register()
    response = api.client.get(f"/v1/profiles/{profile_id}", params={"min_version": 5})
    assert response.status_code == 200
    assert response.json()["version"] == 1
    assert response.headers["ETag"] == '"1"'
    assert response.headers["X-Min-Version-Reached"] == "false"


def test_without_min_version_no_such_header_is_sent(api: Api):
    profile_id = api.register()
    for params in ({}, {"version": 1}):
        response = api.client.get(f"/v1/profiles/{profile_id}", params=params)
        assert "X-Min-Version-Reached" not in response.headers


def test_the_openapi_document_states_the_new_refusals_and_the_header(api: Api):
    document = api.client.get("/openapi.json").json()
    view = document["paths"]["/v1/profiles/{profile_id}"]["get"]["responses"]["200"]
    assert "X-Min-Version-Reached" in view["headers"]
    change = document["paths"]["/v1/profiles/{profile_id}/contact"]["patch"]["responses"]
    assert {"408", "415"} <= set(change)
