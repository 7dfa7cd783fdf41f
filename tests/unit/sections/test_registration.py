"""Registration: normalised fields, private defaults, the event's metadata and every refusal."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.errors import DomainError, RuleViolation, ValidationFailed
from domain.events import Meta, ProfileRegistered
from domain.inputs import Registration, parse
from domain.profile import Profile
from domain.sections.registration import check_registration
from tests.doubles import AT, meta, new_profile, pending
from tests.support import STRONG_PASSWORD, registration


def register(hasher, at: datetime = AT, **overrides) -> Profile:
    """The profile a registration records (its event still pending)."""
    fields = check_registration(parse(Registration, registration(**overrides)))
    password = overrides.get("password", STRONG_PASSWORD)
    return Profile.register(fields, hasher.hash(password), meta(at))


def test_registers_a_profile_with_normalised_fields_and_private_defaults(hasher):
    profile = register(
        hasher,
        email="Marie.T@EXAMPLE.com",
        phone="(514) 555-0123",
        address={
            "line1": " 1200 rue Sainte-Catherine ",
            "city": "Montréal",
            "postal_code": "h3b1k9",
            "country": "ca",
        },
    )
    assert (profile.version, pending(profile)) == (1, ["ProfileRegistered"])
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
    assert profile.created_on == AT


def test_the_registration_event_carries_its_actor_correlation_id_idempotency_key_and_time():
    at = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    fields = check_registration(parse(Registration, registration()))
    profile = Profile.register(fields, "hash", Meta("support:agent-7", "req-123", "reg-1", at))
    (event,) = profile.collect_events()
    assert isinstance(event, ProfileRegistered)
    assert event.actor == "support:agent-7"
    assert event.correlation_id == "req-123"
    assert event.idempotency_key == "reg-1"
    assert event.timestamp == at
    assert event.timestamp.utcoffset() == UTC.utcoffset(None)
    assert event.originator_version == 1


def test_registers_in_english_when_asked(hasher):
    assert new_profile(hasher, language="en").state["preferences"]["language"] == "en"


def test_records_the_hash_the_hasher_gives_never_the_password(hasher):
    profile = register(hasher)
    (event,) = profile.collect_events()
    assert event.password_hash == profile.state["password_hash"] == hasher.hash(STRONG_PASSWORD)
    assert STRONG_PASSWORD not in profile.state["password_hash"]
    assert hasher.verify(profile.state["password_hash"], STRONG_PASSWORD)


def address(**overrides):
    return {"address": {"line1": "1 rue", "city": "Paris", "postal_code": "75001",
                        "country": "FR", **overrides}}


BROKEN_RULES = [
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
]


@pytest.mark.parametrize(("overrides", "code", "field"), BROKEN_RULES)
def test_refuses_a_registration_that_breaks_a_rule(overrides, code, field):
    with pytest.raises(RuleViolation) as caught:
        check_registration(parse(Registration, registration(**overrides)))
    assert (caught.value.code, caught.value.field) == (code, field)


def test_a_weak_password_refusal_carries_the_estimators_feedback():
    with pytest.raises(RuleViolation) as caught:
        check_registration(parse(Registration, registration(password="password1234")))
    assert caught.value.feedback
    assert "password1234" not in caught.value.message


def test_accepts_a_long_unicode_password_and_hashes_all_of_it(hasher):
    password = "éléphant 🐘 rose " * 7 + "fin"  # 122 code points, more than 72 bytes
    profile = register(hasher, password=password)
    assert hasher.verify(profile.state["password_hash"], password)
    assert not hasher.verify(profile.state["password_hash"], password[:72])


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
def test_refuses_malformed_registration_input_as_validation_error(data, field):
    with pytest.raises(ValidationFailed) as caught:
        parse(Registration, data)
    assert caught.value.code == "validation_error"
    assert field in {error.field for error in caught.value.errors}


def test_validation_errors_never_echo_the_password():
    data = {**registration(), "password": ["not", "a", "string", STRONG_PASSWORD]}
    with pytest.raises(DomainError) as caught:
        parse(Registration, data)
    assert STRONG_PASSWORD not in str(caught.value)
    assert all(STRONG_PASSWORD not in e.message for e in caught.value.errors)
