"""Section A, contact information: what the profile records, what it refuses, and the rules
for e-mail, phone, country, postal code and address."""

from __future__ import annotations

import pytest

from domain.errors import RuleViolation, ValidationFailed
from domain.events import ContactChanged
from domain.inputs import ContactPatch, parse
from domain.sections.contact_information import (
    ADDRESS_FIELDS,
    normalise_address,
    normalise_country,
    normalise_email,
    normalise_phone,
    normalise_postal_code,
)
from tests.doubles import meta, pending


def change(profile, patch):
    profile.change_contact(parse(ContactPatch, patch), meta())


# --- the profile's contact information ------------------------------------------------


def test_records_only_the_contact_fields_that_changed(profile):
    change(
        profile,
        {"email": "marie@Nouveau.CA", "address": {"city": "Québec", "postal_code": "g1r 4p5"}},
    )
    (event,) = profile.collect_events()
    assert profile.version == 2
    assert isinstance(event, ContactChanged)
    assert event.changes == {
        "email": "marie@nouveau.ca",
        "address.city": "Québec",
        "address.postal_code": "G1R 4P5",
    }
    assert profile.state["address"]["line1"] == "1200 rue Sainte-Catherine"
    assert profile.state["address"]["city"] == "Québec"


def test_a_contact_change_to_the_same_values_records_nothing(profile):
    assert profile.state["email"].endswith("@example.com")
    change(
        profile,
        {
            "first_name": profile.state["first_name"],
            "email": profile.state["email"].replace("example.com", "EXAMPLE.com"),
            "phone": "+1 514-555-0123",
            "address": {"postal_code": "h3b 1k9", "country": "ca"},
        },
    )
    assert (profile.version, pending(profile)) == (1, [])


def test_parses_the_phone_with_the_address_country_as_region_hint(profile):
    change(
        profile,
        {
            "address": {"line1": "5 rue de Rivoli", "city": "Paris", "postal_code": "75001",
                        "region": None, "country": "FR"},
            "phone": "01 42 60 31 00",
        },
    )
    assert profile.state["phone"] == "+33142603100"


def test_parses_a_phone_without_country_as_canadian_by_default(profile):
    change(profile, {"phone": "418 555 0199"})
    assert profile.state["phone"] == "+14185550199"


def test_clears_the_phone_with_null(profile):
    change(profile, {"phone": None})
    (event,) = profile.collect_events()
    assert event.changes == {"phone": None}
    assert profile.state["phone"] is None


@pytest.mark.parametrize("field", ["first_name", "last_name"])
def test_refuses_to_change_a_name(profile, field):
    with pytest.raises(RuleViolation) as caught:
        change(profile, {field: "Autre"})
    assert (caught.value.code, caught.value.field) == ("immutable_field", field)
    assert (profile.version, pending(profile)) == (1, [])


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
def test_refuses_a_contact_change_that_breaks_a_rule(profile, patch, code, field):
    with pytest.raises(RuleViolation) as caught:
        change(profile, patch)
    assert (caught.value.code, caught.value.field) == (code, field)
    assert (profile.version, pending(profile)) == (1, [])


def test_accepts_us_and_french_postal_codes_for_their_countries(profile):
    change(profile, {"address": {"country": "US", "postal_code": "02108-1234"}})
    assert profile.state["address"]["postal_code"] == "02108-1234"
    change(profile, {"address": {"country": "FR", "postal_code": "75 001"}})
    assert profile.state["address"]["postal_code"] == "75001"


@pytest.mark.parametrize(
    "patch",
    [
        {"email": ["marie@example.com"]},
        {"address": {"planet": "Mars"}},
        {"nickname": "Marie"},
    ],
)
def test_refuses_malformed_contact_input(patch):
    with pytest.raises(ValidationFailed) as caught:
        parse(ContactPatch, patch)
    assert caught.value.code == "validation_error"


# --- the rules ------------------------------------------------------------------------


def fullwidth(text: str) -> str:
    """The same ASCII characters in their full-width Unicode forms."""
    return "".join(chr(ord(ch) + 0xFEE0) for ch in text)


# --- e-mail -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Jean.Dupont@EXAMPLE.com", "Jean.Dupont@example.com"),
        ("  marie@exemple.fr ", "marie@exemple.fr"),
        ("a+tag@sub.example.org", "a+tag@sub.example.org"),
    ],
)
def test_normalises_an_email_by_lower_casing_its_domain(value: str, expected: str) -> None:
    assert normalise_email(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "",
        "jean",
        "jean@",
        "@example.com",
        "a@@example.com",
        "jean dupont@example.com",
        "a@localhost",
    ],
)
def test_refuses_a_malformed_email(value: str) -> None:
    with pytest.raises(RuleViolation) as caught:
        normalise_email(value)
    assert caught.value.code == "invalid_email"
    assert caught.value.field == "email"
    assert caught.value.message


def test_reports_an_email_error_on_the_field_it_is_given() -> None:
    with pytest.raises(RuleViolation) as caught:
        normalise_email("nope", field="contacts.email")
    assert (caught.value.code, caught.value.field) == ("invalid_email", "contacts.email")


# --- phone --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "country", "expected"),
    [
        ("514 555 0199", None, "+15145550199"),
        ("(613) 555-0100", "CA", "+16135550100"),
        ("01 23 45 67 89", "FR", "+33123456789"),
        ("01 23 45 67 89", "fr", "+33123456789"),
        ("+33 1 23 45 67 89", "CA", "+33123456789"),
        ("+1 514 555 0199", "FR", "+15145550199"),
        ("(212) 555-0123", "US", "+12125550123"),
    ],
)
def test_stores_a_phone_as_e164_using_the_country_as_region_hint(
    value: str, country: str | None, expected: str
) -> None:
    assert normalise_phone(value, country) == expected


@pytest.mark.parametrize(
    ("value", "country"),
    [
        ("", None),
        ("not a phone", None),
        ("12", None),
        ("514 555 019", "CA"),
        ("+1 555 0000", None),
        ("01 23 45 67 89", "ZZ"),
    ],
)
def test_refuses_a_phone_that_is_not_a_valid_number(value: str, country: str | None) -> None:
    with pytest.raises(RuleViolation) as caught:
        normalise_phone(value, country)
    assert caught.value.code == "invalid_phone"
    assert caught.value.field == "phone"


# --- country ------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [("CA", "CA"), ("fr", "FR"), (" us ", "US")])
def test_accepts_an_iso_alpha_2_country_and_upper_cases_it(value: str, expected: str) -> None:
    assert normalise_country(value) == expected


@pytest.mark.parametrize("value", ["", "ZZ", "XX", "CAN", "Canada", "C1", "ÇA"])
def test_refuses_a_country_that_is_not_an_iso_alpha_2_code(value: str) -> None:
    with pytest.raises(RuleViolation) as caught:
        normalise_country(value)
    assert caught.value.code == "invalid_country"
    assert caught.value.field == "address.country"


# --- postal code --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "country", "expected"),
    [
        ("H2X 1Y4", "CA", "H2X 1Y4"),
        ("h2x1y4", "CA", "H2X 1Y4"),
        (" k1a  0b1 ", "ca", "K1A 0B1"),
        ("12345", "US", "12345"),
        ("12345-6789", "US", "12345-6789"),
        ("12345 6789", "US", "12345-6789"),
        ("75001", "FR", "75001"),
        ("20000", "FR", "20000"),
        ("10115", "DE", "10115"),
        ("1000", "BE", "1000"),
        ("8001", "CH", "8001"),
        ("1012ab", "NL", "1012 AB"),
        ("sw1a1aa", "GB", "SW1A 1AA"),
        ("M1 1AE", "GB", "M1 1AE"),
        ("L-1111", "LU", "1111"),
        (" 100-0001 ", "JP", "100-0001"),
    ],
)
def test_normalises_a_postal_code_for_its_country(value: str, country: str, expected: str) -> None:
    assert normalise_postal_code(value, country) == expected


@pytest.mark.parametrize(
    "value",
    [
        "",
        "H2X",
        "H2X 1Y",
        "12345",
        "D2X 1Y4",
        "W2X 1Y4",
        "H2X 1Y4 5",
        "H2X-1YA",
        fullwidth("H2X1Y4"),
    ],
)
def test_refuses_postal_code_of_the_wrong_shape_for_canada(value: str) -> None:
    with pytest.raises(RuleViolation) as caught:
        normalise_postal_code(value, "CA")
    assert caught.value.code == "invalid_postal_code"
    assert caught.value.field == "address.postal_code"


@pytest.mark.parametrize(
    ("value", "country"),
    [
        ("1234", "US"),
        ("123456", "US"),
        ("12345-678", "US"),
        ("ABCDE", "US"),
        ("H2X 1Y4", "US"),
        ("7500", "FR"),
        ("750001", "FR"),
        ("75OO1", "FR"),
        ("0999", "BE"),
        ("1012 SA", "NL"),
        ("12345", "GB"),
        ("".join(chr(0x0660 + int(digit)) for digit in "75001"), "FR"),  # Arabic-Indic
    ],
)
def test_refuses_postal_code_of_the_wrong_shape_for_us_france_and_others(
    value: str, country: str
) -> None:
    with pytest.raises(RuleViolation) as caught:
        normalise_postal_code(value, country)
    assert caught.value.code == "invalid_postal_code"
    assert caught.value.field == "address.postal_code"


@pytest.mark.parametrize("value", ["", "   ", "1234567890123"])
def test_refuses_an_empty_or_overlong_postal_code_for_other_countries(value: str) -> None:
    with pytest.raises(RuleViolation) as caught:
        normalise_postal_code(value, "JP", field="contact.postal_code")
    assert (caught.value.code, caught.value.field) == ("invalid_postal_code", "contact.postal_code")


# --- address ------------------------------------------------------------------------

FULL_ADDRESS = {
    "line1": " 1234 rue Sainte-Catherine O ",
    "line2": " Bureau 500 ",
    "city": "Montréal",
    "region": "QC",
    "postal_code": "h3g1p1",
    "country": "ca",
}


def test_normalises_a_full_address() -> None:
    assert normalise_address(FULL_ADDRESS) == {
        "line1": "1234 rue Sainte-Catherine O",
        "line2": "Bureau 500",
        "city": "Montréal",
        "region": "QC",
        "postal_code": "H3G 1P1",
        "country": "CA",
    }


def test_returns_every_address_field_with_missing_and_empty_parts_as_none() -> None:
    address = normalise_address(
        {
            "line1": "10 rue de Rivoli",
            "line2": "   ",
            "city": "Paris",
            "postal_code": "75004",
            "country": "FR",
        }
    )
    assert tuple(address) == ADDRESS_FIELDS
    assert address["line2"] is None
    assert address["region"] is None


@pytest.mark.parametrize("missing", ["line1", "city", "postal_code", "country"])
def test_refuses_an_address_without_one_of_its_required_parts(missing: str) -> None:
    for absent in (None, "", "  "):
        data = {**FULL_ADDRESS, missing: absent}
        with pytest.raises(RuleViolation) as caught:
            normalise_address(data)
        assert caught.value.code == "validation_error"
        assert caught.value.field == f"address.{missing}"


def test_refuses_an_address_with_an_unknown_part() -> None:
    with pytest.raises(RuleViolation) as caught:
        normalise_address({**FULL_ADDRESS, "postcode": "H3G 1P1"})
    assert (caught.value.code, caught.value.field) == ("validation_error", "address.postcode")


def test_refuses_an_address_part_that_is_far_too_long() -> None:
    with pytest.raises(RuleViolation) as caught:
        normalise_address({**FULL_ADDRESS, "line2": "x" * 201})
    assert (caught.value.code, caught.value.field) == ("validation_error", "address.line2")


def test_refuses_an_address_with_an_unknown_country() -> None:
    with pytest.raises(RuleViolation) as caught:
        normalise_address({**FULL_ADDRESS, "country": "QC"})
    assert (caught.value.code, caught.value.field) == ("invalid_country", "address.country")


def test_checks_the_postal_code_against_the_address_country() -> None:
    with pytest.raises(RuleViolation) as caught:
        normalise_address({**FULL_ADDRESS, "country": "FR"})
    assert (caught.value.code, caught.value.field) == ("invalid_postal_code", "address.postal_code")


def test_reports_address_errors_under_the_given_field_prefix() -> None:
    with pytest.raises(RuleViolation) as caught:
        normalise_address({**FULL_ADDRESS, "postal_code": "nope"}, field="contact.address")
    assert caught.value.field == "contact.address.postal_code"


def test_refuses_an_address_part_that_is_not_text() -> None:
    with pytest.raises(RuleViolation) as caught:
        normalise_address({**FULL_ADDRESS, "city": 42})  # type: ignore[dict-item]
    assert (caught.value.code, caught.value.field) == ("validation_error", "address.city")
