"""Registration: normalised fields, defaults, event metadata and every refusal."""

from __future__ import annotations

from datetime import UTC
from uuid import UUID

import pytest

from domain.errors import DomainError, RuleViolation, ValidationFailed
from domain.events import ProfileRegistered
from tests.support import STRONG_PASSWORD, ctx, registration


@pytest.fixture
def store() -> str:
    return "sqlite"


def test_registers_a_profile_with_normalised_fields_and_private_defaults(service, clock):
    result = service.register(
        registration(
            email="Marie.T@EXAMPLE.com",
            phone="(514) 555-0123",
            address={
                "line1": " 1200 rue Sainte-Catherine ",
                "city": "Montréal",
                "postal_code": "h3b1k9",
                "country": "ca",
            },
        ),
        ctx(),
    )
    profile = service.get_profile(result.profile_id)
    assert (result.version, result.events) == (1, ("ProfileRegistered",))
    assert profile.state["email"] == "Marie.T@example.com"
    assert profile.state["phone"] == "+15145550123"
    assert profile.state["address"]["postal_code"] == "H3B 1K9"
    assert profile.state["address"]["country"] == "CA"
    assert profile.state["address"]["line1"] == "1200 rue Sainte-Catherine"
    assert profile.state["preferences"] == {
        "billing_contact_id": "holder",
        "communication_channel": "email",
        "language": "fr",
        "pdf_invoices": False,
        "domain_suggestions": False,
    }
    assert profile.state["card"] is None
    assert profile.state["newsletters"] == {}
    assert profile.created_on == clock.now()


def test_registration_event_records_actor_correlation_id_idempotency_key_and_utc_time(
    service, clock
):
    result = service.register(
        registration(),
        ctx("support:agent-7", correlation_id="req-123", idempotency_key="reg-1"),
    )
    (event,) = service.events.get(UUID(result.profile_id))
    assert isinstance(event, ProfileRegistered)
    assert event.actor == "support:agent-7"
    assert event.correlation_id == "req-123"
    assert event.idempotency_key == "reg-1"
    assert event.timestamp == clock.now()
    assert event.timestamp.tzinfo is not None
    assert event.timestamp.utcoffset() == UTC.utcoffset(None)
    assert event.originator_version == 1


def test_registers_in_english_when_asked(service):
    result = service.register(registration(language="en"), ctx())
    assert service.get_profile(result.profile_id).state["preferences"]["language"] == "en"


def test_registration_stores_only_an_argon2id_hash_of_the_password(service):
    result = service.register(registration(), ctx())
    profile = service.get_profile(result.profile_id)
    assert profile.state["password_hash"].startswith("$argon2id$")
    assert STRONG_PASSWORD not in profile.state["password_hash"]
    assert service.hasher.verify(profile.state["password_hash"], STRONG_PASSWORD)


def address(**overrides):
    return {"address": {"line1": "1 rue", "city": "Paris", "postal_code": "75001",
                        "country": "FR", **overrides}}


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"email": "marie@"}, "invalid_email", "email"),
        ({"phone": "123"}, "invalid_phone", "phone"),
        (address(country="ZZ"), "invalid_country", "address.country"),
        (address(postal_code="7500"), "invalid_postal_code", "address.postal_code"),
        (address(postal_code="0211", country="US"), "invalid_postal_code", "address.postal_code"),
        (address(postal_code="H3B", country="CA"), "invalid_postal_code", "address.postal_code"),
        ({"language": "de"}, "invalid_language", "language"),
        ({"password": "short pw 1"}, "weak_password", "password"),
        ({"password": "password1234"}, "weak_password", "password"),
        ({"password": "MarieTremblay2026"}, "weak_password", "password"),
        ({"password": "x" * 129}, "weak_password", "password"),
    ],
)
def test_refuses_a_registration_that_breaks_a_rule(service, overrides, code, field):
    before = service.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as caught:
        service.register(registration(**overrides), ctx())
    assert (caught.value.code, caught.value.field) == (code, field)
    assert service.recorder.max_notification_id() == before


def test_weak_password_refusal_carries_the_estimators_feedback(service):
    with pytest.raises(RuleViolation) as caught:
        service.register(registration(password="password1234"), ctx())
    assert caught.value.feedback
    assert "password1234" not in caught.value.message


def test_accepts_a_long_unicode_password_without_truncating_it(service):
    password = "éléphant 🐘 rose " * 7 + "fin"  # 122 code points, more than 72 bytes
    result = service.register(registration(password=password), ctx())
    profile = service.get_profile(result.profile_id)
    assert service.hasher.verify(profile.state["password_hash"], password)
    assert not service.hasher.verify(profile.state["password_hash"], password[:72])


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({k: v for k, v in registration().items() if k != "first_name"}, "first_name"),
        ({**registration(), "first_name": ""}, "first_name"),
        ({**registration(), "email": 42}, "email"),
        ({**registration(), "is_admin": True}, "is_admin"),
        ({**registration(), "address": "Montréal"}, "address"),
    ],
)
def test_refuses_malformed_registration_input_as_validation_error(service, data, field):
    with pytest.raises(ValidationFailed) as caught:
        service.register(data, ctx())
    assert caught.value.code == "validation_error"
    assert field in {error.field for error in caught.value.errors}


def test_validation_errors_never_echo_the_password(service):
    data = {**registration(), "password": ["not", "a", "string", STRONG_PASSWORD]}
    with pytest.raises(DomainError) as caught:
        service.register(data, ctx())
    assert STRONG_PASSWORD not in str(caught.value)
    assert all(STRONG_PASSWORD not in e.message for e in caught.value.errors)
