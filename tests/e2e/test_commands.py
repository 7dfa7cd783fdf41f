"""Every command of api.md through a real HTTP client, on both stores."""

from __future__ import annotations

from uuid import uuid4

from tests.e2e.support import CARD, CONSENT, Api
from tests.support import (
    OTHER_STRONG_PASSWORD,
    STRONG_PASSWORD,
    UUID_TEXT,
    registration,
    unique_email,
)


def test_registers_a_profile_with_201_location_and_etag(api: Api):
    response = api.client.post("/v1/profiles", json=registration())
    body = response.json()
    assert response.status_code == 201
    assert body["version"] == 1
    assert body["events"] == ["ProfileRegistered"]
    assert response.headers["ETag"] == '"1"'
    assert response.headers["Location"] == f"/v1/profiles/{body['profile_id']}"
    assert "password" not in response.text


def test_changes_contact_information_and_answers_the_new_version(api: Api):
    profile_id = api.register()
    response = api.client.patch(
        f"/v1/profiles/{profile_id}/contact",
        json={"email": unique_email("Marie", "Example.COM"), "phone": None},
    )
    assert response.status_code == 200, response.text
    assert response.json() == {
        "profile_id": str(profile_id),
        "version": 2,
        "events": ["ContactChanged"],
    }
    assert response.headers["ETag"] == '"2"'


def test_a_command_that_changes_nothing_keeps_the_version_and_records_no_event(api: Api):
    email = f"same.{uuid4().hex[:8]}@example.com"
    profile_id = api.register(email=email)
    response = api.client.patch(f"/v1/profiles/{profile_id}/contact", json={"email": email})
    assert response.status_code == 200
    assert response.json()["version"] == 1
    assert response.json()["events"] == []


def test_refuses_a_name_change_with_422_and_the_field(api: Api):
    profile_id = api.register()
    response = api.client.patch(f"/v1/profiles/{profile_id}/contact", json={"first_name": "Léa"})
    problem = response.json()
    assert response.status_code == 422
    assert response.headers["Content-Type"] == "application/problem+json"
    assert problem["code"] == "immutable_field"
    assert problem["errors"][0]["field"] == "first_name"
    assert problem["correlation_id"] == response.headers["X-Correlation-ID"]


def test_sets_and_clears_additional_information(api: Api):
    profile_id = api.register()
    path = f"/v1/profiles/{profile_id}/additional-info"
    set_answer = api.client.put(path, json={"company": "Acme", "job_title": "CTO"})
    cleared = api.client.put(path, json={"job_title": None})
    vat_refused = api.client.put(path, json={"company": None, "vat_number": "FR40303265045"})
    assert set_answer.json()["events"] == ["AdditionalInfoChanged"]
    assert cleared.json()["version"] == 3
    assert vat_refused.status_code == 422
    assert vat_refused.json()["code"] == "vat_requires_company"


def test_adds_and_removes_an_account_contact(api: Api):
    profile_id = api.register()
    added = api.client.post(
        f"/v1/profiles/{profile_id}/contacts",
        json={"name": "Luc Gagnon", "email": "luc@example.com", "roles": ["billing"]},
    )
    contact_id = added.json()["contact_id"]
    removed = api.client.delete(f"/v1/profiles/{profile_id}/contacts/{contact_id}")
    holder = api.client.delete(f"/v1/profiles/{profile_id}/contacts/holder")
    assert added.status_code == 201
    assert added.json()["events"] == ["AccountContactAdded"]
    assert contact_id and contact_id != "holder"
    assert removed.json()["events"] == ["AccountContactRemoved"]
    assert holder.status_code == 422
    assert holder.json()["code"] == "cannot_remove_holder"


def test_changes_preferences_and_refuses_an_unknown_channel(api: Api):
    profile_id = api.register()
    path = f"/v1/profiles/{profile_id}/preferences"
    changed = api.client.patch(path, json={"pdf_invoices": True, "language": "en"})
    refused = api.client.patch(path, json={"communication_channel": "pigeon"})
    assert changed.json()["events"] == ["PreferencesChanged"]
    assert refused.status_code == 422
    assert refused.json()["code"] == "invalid_channel"


def test_changes_the_password_and_records_a_wrong_current_one(api: Api):
    profile_id = api.register()
    path = f"/v1/profiles/{profile_id}/password"
    wrong = api.client.post(
        path,
        json={"current_password": "not the password at all", "new_password": OTHER_STRONG_PASSWORD},
    )
    weak = api.client.post(
        path, json={"current_password": STRONG_PASSWORD, "new_password": "password123"}
    )
    changed = api.client.post(
        path, json={"current_password": STRONG_PASSWORD, "new_password": OTHER_STRONG_PASSWORD}
    )
    assert wrong.status_code == 422
    assert wrong.json()["code"] == "wrong_password"
    assert weak.json()["code"] == "weak_password"
    assert weak.json()["feedback"]
    assert changed.json() == {
        "profile_id": str(profile_id),
        "version": 3,
        "events": ["PasswordChanged"],
    }
    for response in (wrong, weak, changed):
        assert STRONG_PASSWORD not in response.text and OTHER_STRONG_PASSWORD not in response.text


def test_registers_replaces_and_removes_the_card_without_echoing_its_number(api: Api):
    profile_id = api.register()
    path = f"/v1/profiles/{profile_id}/card"
    registered = api.client.put(path, json=CARD)
    replaced = api.client.put(path, json={**CARD, "number": "5555 5555 5555 4444"})
    unconfirmed = api.client.delete(path)
    removed = api.client.delete(path, params={"confirm": "true"})
    none_left = api.client.delete(path, params={"confirm": "true"})
    assert registered.json()["events"] == ["CardRegistered"]
    assert replaced.json()["events"] == ["CardReplaced"]
    assert unconfirmed.json()["code"] == "confirmation_required"
    assert removed.json()["events"] == ["CardRemoved"]
    assert none_left.json()["code"] == "no_card"
    for response in (registered, replaced, unconfirmed, removed, none_left):
        shown = {k: v for k, v in response.json().items() if k != "correlation_id"}
        assert "4111" not in UUID_TEXT.sub("", str(shown))


def test_refuses_an_invalid_card_number_without_repeating_it(api: Api):
    profile_id = api.register()
    response = api.client.put(
        f"/v1/profiles/{profile_id}/card", json={**CARD, "number": "4111 1111 1111 1112"}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_card_number"
    assert "1112" not in response.text


def test_links_and_unlinks_a_social_account(api: Api):
    profile_id = api.register()
    linked = api.client.put(
        f"/v1/profiles/{profile_id}/social/linkedin", json={"url": "https://linkedin.com/in/marie"}
    )
    unsupported = api.client.put(
        f"/v1/profiles/{profile_id}/social/myspace", json={"url": "https://myspace.com/marie"}
    )
    unlinked = api.client.delete(f"/v1/profiles/{profile_id}/social/linkedin")
    assert linked.json()["events"] == ["SocialAccountLinked"]
    assert unsupported.json()["code"] == "unsupported_network"
    assert unlinked.json()["events"] == ["SocialAccountUnlinked"]


def test_subscribes_to_newsletters_and_unsubscribes_from_everything(api: Api):
    profile_id = api.register()
    path = f"/v1/profiles/{profile_id}/newsletters"
    subscribed = api.client.put(path, json={"categories": ["all"], "consent": CONSENT})
    unknown = api.client.put(path, json={"categories": ["gossip"], "consent": CONSENT})
    unsubscribed = api.client.delete(path)
    assert subscribed.json()["events"] == ["NewsletterSubscriptionsChanged"]
    assert unknown.json()["code"] == "unknown_newsletter_category"
    assert unsubscribed.json()["events"] == ["NewsletterUnsubscribed"]


def test_answers_404_for_an_unknown_profile(api: Api):
    response = api.client.patch(f"/v1/profiles/{uuid4()}/contact", json={"email": "a@example.com"})
    assert response.status_code == 404
    assert response.json()["code"] == "profile_not_found"


def test_answers_400_for_bad_json_wrong_types_unknown_fields_and_bad_ids(api: Api):
    profile_id = api.register()
    bad_json = api.client.patch(
        f"/v1/profiles/{profile_id}/contact",
        content=b'{"email": ',
        headers={"Content-Type": "application/json"},
    )
    wrong_type = api.client.put(f"/v1/profiles/{profile_id}/card", json={**CARD, "exp_month": "12"})
    unknown_field = api.client.patch(f"/v1/profiles/{profile_id}/contact", json={"cvc": "123"})
    bad_id = api.client.patch("/v1/profiles/not-a-uuid/contact", json={})
    for response in (bad_json, wrong_type, unknown_field, bad_id):
        assert response.status_code == 400, response.text
        assert response.json()["code"] == "validation_error"
    assert wrong_type.json()["errors"][0]["field"] == "exp_month"
    assert unknown_field.json()["errors"][0]["field"] == "cvc"
    assert "123" not in unknown_field.text
    assert bad_id.json()["errors"][0]["field"] == "profile_id"


def test_answers_413_for_a_body_over_the_limit(api: Api):
    response = api.client.post("/v1/profiles", json=registration(password="x" * 70_000))
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"


def test_answers_413_for_a_chunked_body_over_the_limit(api: Api):
    def chunks():
        yield b'{"password": "'
        for _ in range(100):
            yield b"y" * 1024
        yield b'"}'

    response = api.client.post(
        "/v1/password/strength", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
