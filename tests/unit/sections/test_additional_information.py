"""Section B, additional information: company, VAT / sales-tax number, job title, website;
what the profile records and refuses, and the rules for tax numbers and websites."""

from __future__ import annotations

import pytest

from domain.errors import RuleViolation
from domain.inputs import AdditionalInfoInput, parse
from domain.sections.additional_information import (
    normalise_vat_number,
    normalise_website,
    vat_number_valid,
)
from tests.doubles import meta, pending


def change(profile, data):
    profile.change_additional_info(parse(AdditionalInfoInput, data), meta())


def info(profile):
    return profile.state["additional_info"]


# --- the profile's additional information ---------------------------------------------


def test_records_company_and_a_normalised_vat_number(profile):
    change(
        profile,
        {"company": "Hébergement Tremblay", "vat_number": "FR 40 303.265.045", "job_title": "CTO"},
    )
    (event,) = profile.collect_events()
    assert (profile.version, type(event).__name__) == (2, "AdditionalInfoChanged")
    assert info(profile) == {
        "company": "Hébergement Tremblay",
        "vat_number": "FR40303265045",
        "job_title": "CTO",
        "website": None,
    }
    assert event.changes == {
        "company": "Hébergement Tremblay",
        "vat_number": "FR40303265045",
        "job_title": "CTO",
    }


@pytest.mark.parametrize(
    ("vat_number", "stored"),
    [
        ("123456782 RT 0001", "123456782RT0001"),
        ("1234567890 TQ 0001", "1234567890TQ0001"),
        ("EL 094259216", "EL094259216"),
        ("XI 980 7806 84", "XI980780684"),
    ],
)
def test_accepts_canadian_quebec_and_eu_tax_numbers(profile, vat_number, stored):
    change(profile, {"company": "Acme", "vat_number": vat_number})
    assert info(profile)["vat_number"] == stored


def test_records_a_website_as_an_absolute_url(profile):
    change(profile, {"website": "https://Example.com/about"})
    assert info(profile)["website"] == "https://example.com/about"


def test_empty_values_clear_the_fields(profile):
    change(profile, {"company": "Acme", "job_title": "CEO"})
    profile.collect_events()
    change(profile, {"job_title": ""})
    assert pending(profile) == ["AdditionalInfoChanged"]
    assert info(profile)["job_title"] is None
    assert info(profile)["company"] == "Acme"


def test_the_same_additional_info_again_records_nothing(profile):
    change(profile, {"company": "Acme", "vat_number": "FR40303265045"})
    version = profile.version
    profile.collect_events()
    change(profile, {"company": "Acme", "vat_number": "FR 40 303 265 045"})
    assert (profile.version, pending(profile)) == (version, [])


def test_refuses_a_vat_number_without_company(profile):
    with pytest.raises(RuleViolation) as caught:
        change(profile, {"vat_number": "FR40303265045"})
    assert (caught.value.code, caught.value.field) == ("vat_requires_company", "vat_number")
    assert (profile.version, pending(profile)) == (1, [])


@pytest.mark.parametrize("cleared", ["", None])
def test_refuses_clearing_the_company_while_a_vat_number_is_set(profile, cleared):
    change(profile, {"company": "Acme", "vat_number": "FR40303265045"})
    with pytest.raises(RuleViolation) as caught:
        change(profile, {"company": cleared})
    assert (caught.value.code, caught.value.field) == ("vat_requires_company", "company")
    assert info(profile)["company"] == "Acme"


def test_clears_the_company_and_the_vat_number_together(profile):
    change(profile, {"company": "Acme", "vat_number": "FR40303265045"})
    change(profile, {"company": None, "vat_number": None})
    assert info(profile)["company"] is None
    assert info(profile)["vat_number"] is None


@pytest.mark.parametrize(
    ("data", "code", "field"),
    [
        ({"company": "Acme", "vat_number": "FR40303265046"}, "invalid_vat_number", "vat_number"),
        ({"company": "Acme", "vat_number": "123456789RT0001"}, "invalid_vat_number", "vat_number"),
        ({"company": "Acme", "vat_number": "US123456789"}, "invalid_vat_number", "vat_number"),
        ({"website": "example.com"}, "invalid_url", "website"),
        ({"website": "ftp://example.com"}, "invalid_url", "website"),
        ({"website": "https://user:pw@example.com"}, "invalid_url", "website"),
    ],
)
def test_refuses_additional_info_that_breaks_a_rule(profile, data, code, field):
    with pytest.raises(RuleViolation) as caught:
        change(profile, data)
    assert (caught.value.code, caught.value.field) == (code, field)
    assert (profile.version, pending(profile)) == (1, [])


# --- the rules ------------------------------------------------------------------------


def fullwidth(text: str) -> str:
    """The same ASCII characters in their full-width Unicode forms."""
    return "".join(chr(ord(ch) + 0xFEE0) for ch in text)


# Valid numbers from python-stdnum's own doctests (format and checksum).
VALID_VAT_NUMBERS = [
    ("FR 61 954 506 077", "FR61954506077"),
    ("Fr 40 303 265 045", "FR40303265045"),
    ("DE 136,695 976", "DE136695976"),
    ("AT U13585627", "ATU13585627"),
    ("BE 428759497", "BE0428759497"),
    ("BE0776.091.951", "BE0776091951"),
    ("NL004495445B01", "NL004495445B01"),
    ("IE 6433435F", "IE6433435F"),
    ("IT 00743110157", "IT00743110157"),
    ("ES B-58378431", "ESB58378431"),
    ("EL 094259216 ", "EL094259216"),
    ("XI 980 7806 84", "XI980780684"),
    # Canadian GST/HST: BN9 (Luhn) + RT + reference.
    ("123026635RT0001", "123026635RT0001"),
    ("12302 6635 RT 0001", "123026635RT0001"),
    ("123-026-635-rt-0002", "123026635RT0002"),
    # Quebec QST: 10 digits + TQ + 4 digits (its format only: Revenu Québec publishes no check).
    ("1227494057 TQ 0001", "1227494057TQ0001"),
    ("1224002901tq0001", "1224002901TQ0001"),
]


@pytest.mark.parametrize(("value", "expected"), VALID_VAT_NUMBERS)
def test_accepts_a_valid_tax_number_and_stores_it_compact(value: str, expected: str) -> None:
    assert normalise_vat_number(value) == expected
    assert vat_number_valid(value)


def test_stores_a_greek_vat_number_under_the_el_prefix() -> None:
    assert normalise_vat_number("GR 094259216") == "EL094259216"


@pytest.mark.parametrize(
    "value",
    [
        "",
        "   ",
        "FR 61 954 506 078",  # wrong check digits
        "DE136695978",  # wrong check digit
        "ATU13585626",  # wrong check digit
        "136695976",  # no country prefix
        "GB980780684",  # GB left the EU: only XI (Northern Ireland) remains
        "US123456789",  # not an EU country
        "XX123456789",
        "123026636RT0001",  # BN9 fails Luhn
        "123026635RC0001",  # corporate income tax account, not GST/HST
        "123026635RT001",  # reference too short
        "123026635",  # bare business number, no GST/HST program
        "1227494057TQ001",  # QST reference too short
        "1227494057QT0001",  # letters swapped
        "122749405TQ0001",  # 9 digits before TQ
        fullwidth("1227494057") + "TQ0001",
    ],
)
def test_refuses_an_invalid_vat_number(value: str) -> None:
    with pytest.raises(RuleViolation) as caught:
        normalise_vat_number(value)
    assert caught.value.code == "invalid_vat_number"
    assert caught.value.field == "vat_number"
    assert not vat_number_valid(value)


def test_reports_a_vat_error_on_the_field_it_is_given() -> None:
    with pytest.raises(RuleViolation) as caught:
        normalise_vat_number("nope", field="additional.vat_number")
    assert caught.value.field == "additional.vat_number"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://example.com", "https://example.com/"),
        ("http://example.com/about", "http://example.com/about"),
        ("  HTTPS://WWW.Example.COM/Path?q=1#top ", "https://www.example.com/Path?q=1#top"),
        ("https://example.com:8443/", "https://example.com:8443/"),
    ],
)
def test_normalises_an_absolute_http_website(value: str, expected: str) -> None:
    assert normalise_website(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "",
        "example.com",
        "www.example.com/page",
        "//example.com",
        "ftp://example.com",
        "javascript:alert(1)",
        "mailto:jean@example.com",
        "http:example.com",
        "https://",
        "https://exa mple.com",
        "https://user:secret@example.com",
    ],
)
def test_refuses_a_website_that_is_not_an_absolute_http_url(value: str) -> None:
    with pytest.raises(RuleViolation) as caught:
        normalise_website(value)
    assert caught.value.code == "invalid_url"
    assert caught.value.field == "website"


@pytest.mark.parametrize("value", ["example.com", "ftp://example.com", "www.example.com/page"])
def test_the_refusal_of_a_website_without_a_scheme_names_both_accepted_ones(value: str) -> None:
    with pytest.raises(RuleViolation) as caught:
        normalise_website(value)
    assert "http://" in caught.value.message and "https://" in caught.value.message
    assert normalise_website("http://" + value.split("://")[-1]).startswith("http://")
