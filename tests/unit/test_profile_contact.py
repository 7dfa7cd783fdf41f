"""Section A, contact information: what changes, what is recorded, what is refused."""

from __future__ import annotations

import pytest

from domain.errors import RuleViolation, ValidationFailed
from domain.events import ContactChanged
from tests.support import ctx


@pytest.fixture
def store() -> str:
    return "sqlite"


def last_event(service, profile_id):
    return list(service.events.get(profile_id))[-1]


def test_records_only_the_contact_fields_that_changed(service, profile_id):
    result = service.change_contact(
        profile_id,
        {"email": "marie@Nouveau.CA", "address": {"city": "Québec", "postal_code": "g1r 4p5"}},
        ctx(),
    )
    event = last_event(service, profile_id)
    assert (result.version, result.events) == (2, ("ContactChanged",))
    assert isinstance(event, ContactChanged)
    assert event.changes == {
        "email": "marie@nouveau.ca",
        "address.city": "Québec",
        "address.postal_code": "G1R 4P5",
    }
    profile = service.get_profile(profile_id)
    assert profile.state["address"]["line1"] == "1200 rue Sainte-Catherine"
    assert profile.state["address"]["city"] == "Québec"


def test_a_contact_change_to_the_same_values_records_nothing(service, profile_id):
    profile = service.get_profile(profile_id)
    assert profile.state["email"].endswith("@example.com")
    result = service.change_contact(
        profile_id,
        {
            "first_name": profile.state["first_name"],
            "email": profile.state["email"].replace("example.com", "EXAMPLE.com"),
            "phone": "+1 514-555-0123",
            "address": {"postal_code": "h3b 1k9", "country": "ca"},
        },
        ctx(),
    )
    assert (result.version, result.events) == (1, ())
    assert len(list(service.events.get(profile_id))) == 1


def test_parses_the_phone_with_the_address_country_as_region_hint(service, profile_id):
    service.change_contact(
        profile_id,
        {
            "address": {"line1": "5 rue de Rivoli", "city": "Paris", "postal_code": "75001",
                        "region": None, "country": "FR"},
            "phone": "01 42 60 31 00",
        },
        ctx(),
    )
    assert service.get_profile(profile_id).state["phone"] == "+33142603100"


def test_parses_a_phone_without_country_as_canadian_by_default(service, profile_id):
    service.change_contact(profile_id, {"phone": "418 555 0199"}, ctx())
    assert service.get_profile(profile_id).state["phone"] == "+14185550199"


def test_clears_the_phone_with_null(service, profile_id):
    service.change_contact(profile_id, {"phone": None}, ctx())
    event = last_event(service, profile_id)
    assert event.changes == {"phone": None}
    assert service.get_profile(profile_id).state["phone"] is None


@pytest.mark.parametrize("field", ["first_name", "last_name"])
def test_refuses_to_change_a_name(service, profile_id, field):
    with pytest.raises(RuleViolation) as caught:
        service.change_contact(profile_id, {field: "Autre"}, ctx())
    assert (caught.value.code, caught.value.field) == ("immutable_field", field)
    assert service.get_profile(profile_id).version == 1


@pytest.mark.parametrize(
    ("patch", "code", "field"),
    [
        ({"email": "marie@@example.com"}, "invalid_email", "email"),
        ({"email": "marie"}, "invalid_email", "email"),
        ({"phone": "555"}, "invalid_phone", "phone"),
        ({"phone": "+1 999 555 0123"}, "invalid_phone", "phone"),
        ({"address": {"country": "XX"}}, "invalid_country", "address.country"),
        ({"address": {"country": "CAN"}}, "invalid_country", "address.country"),
        ({"address": {"postal_code": "12345"}}, "invalid_postal_code", "address.postal_code"),
        (
            {"address": {"country": "US", "postal_code": "H3B 1K9"}},
            "invalid_postal_code",
            "address.postal_code",
        ),
        (
            {"address": {"country": "FR", "postal_code": "750011"}},
            "invalid_postal_code",
            "address.postal_code",
        ),
    ],
)
def test_refuses_a_contact_change_that_breaks_a_rule(service, profile_id, patch, code, field):
    with pytest.raises(RuleViolation) as caught:
        service.change_contact(profile_id, patch, ctx())
    assert (caught.value.code, caught.value.field) == (code, field)
    assert service.get_profile(profile_id).version == 1


def test_accepts_us_and_french_postal_codes_for_their_countries(service, profile_id):
    service.change_contact(
        profile_id, {"address": {"country": "US", "postal_code": "02108-1234"}}, ctx()
    )
    assert service.get_profile(profile_id).state["address"]["postal_code"] == "02108-1234"
    service.change_contact(
        profile_id, {"address": {"country": "FR", "postal_code": "75 001"}}, ctx()
    )
    assert service.get_profile(profile_id).state["address"]["postal_code"] == "75001"


@pytest.mark.parametrize(
    "patch",
    [
        {"email": ["marie@example.com"]},
        {"address": {"planet": "Mars"}},
        {"nickname": "Marie"},
    ],
)
def test_refuses_malformed_contact_input(service, profile_id, patch):
    with pytest.raises(ValidationFailed) as caught:
        service.change_contact(profile_id, patch, ctx())
    assert caught.value.code == "validation_error"
