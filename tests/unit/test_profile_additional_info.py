"""Section B, additional information: company, VAT number, job title, website."""

from __future__ import annotations

import pytest

from domain.errors import RuleViolation
from tests.support import ctx


@pytest.fixture
def store() -> str:
    return "sqlite"


def info(service, profile_id):
    return service.get_profile(profile_id).state["additional_info"]


def test_records_company_and_a_normalised_vat_number(service, profile_id):
    result = service.change_additional_info(
        profile_id,
        {"company": "Hébergement Tremblay", "vat_number": "FR 40 303.265.045", "job_title": "CTO"},
        ctx(),
    )
    assert (result.version, result.events) == (2, ("AdditionalInfoChanged",))
    assert info(service, profile_id) == {
        "company": "Hébergement Tremblay",
        "vat_number": "FR40303265045",
        "job_title": "CTO",
        "website": None,
    }
    (event,) = list(service.events.get(profile_id, gt=1))
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
def test_accepts_canadian_quebec_and_eu_tax_numbers(service, profile_id, vat_number, stored):
    service.change_additional_info(
        profile_id, {"company": "Acme", "vat_number": vat_number}, ctx()
    )
    assert info(service, profile_id)["vat_number"] == stored


def test_records_a_website_as_an_absolute_url(service, profile_id):
    service.change_additional_info(profile_id, {"website": "https://Example.com/about"}, ctx())
    assert info(service, profile_id)["website"] == "https://example.com/about"


def test_empty_values_clear_the_fields(service, profile_id):
    service.change_additional_info(profile_id, {"company": "Acme", "job_title": "CEO"}, ctx())
    result = service.change_additional_info(profile_id, {"job_title": ""}, ctx())
    assert result.events == ("AdditionalInfoChanged",)
    assert info(service, profile_id)["job_title"] is None
    assert info(service, profile_id)["company"] == "Acme"


def test_the_same_additional_info_again_records_nothing(service, profile_id):
    data = {"company": "Acme", "vat_number": "FR40303265045"}
    first = service.change_additional_info(profile_id, data, ctx())
    again = service.change_additional_info(
        profile_id, {"company": "Acme", "vat_number": "FR 40 303 265 045"}, ctx()
    )
    assert (again.version, again.events) == (first.version, ())


def test_refuses_a_vat_number_without_company(service, profile_id):
    with pytest.raises(RuleViolation) as caught:
        service.change_additional_info(profile_id, {"vat_number": "FR40303265045"}, ctx())
    assert (caught.value.code, caught.value.field) == ("vat_requires_company", "vat_number")
    assert service.get_profile(profile_id).version == 1


@pytest.mark.parametrize("cleared", ["", None])
def test_refuses_clearing_the_company_while_a_vat_number_is_set(service, profile_id, cleared):
    service.change_additional_info(
        profile_id, {"company": "Acme", "vat_number": "FR40303265045"}, ctx()
    )
    with pytest.raises(RuleViolation) as caught:
        service.change_additional_info(profile_id, {"company": cleared}, ctx())
    assert (caught.value.code, caught.value.field) == ("vat_requires_company", "company")
    assert info(service, profile_id)["company"] == "Acme"


def test_clears_the_company_and_the_vat_number_together(service, profile_id):
    service.change_additional_info(
        profile_id, {"company": "Acme", "vat_number": "FR40303265045"}, ctx()
    )
    service.change_additional_info(profile_id, {"company": None, "vat_number": None}, ctx())
    assert info(service, profile_id)["company"] is None
    assert info(service, profile_id)["vat_number"] is None


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
def test_refuses_additional_info_that_breaks_a_rule(service, profile_id, data, code, field):
    with pytest.raises(RuleViolation) as caught:
        service.change_additional_info(profile_id, data, ctx())
    assert (caught.value.code, caught.value.field) == (code, field)
    assert service.get_profile(profile_id).version == 1
