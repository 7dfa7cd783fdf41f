"""Account contacts and section C, account preferences."""

from __future__ import annotations

import pytest

from domain.errors import RuleViolation, ValidationFailed
from tests.support import ctx


@pytest.fixture
def store() -> str:
    return "sqlite"


ACCOUNTANT = {"name": "Luc Comptable", "email": "luc@Compta.CA", "phone": "514 555 0188",
              "roles": ["billing"]}


def add(service, profile_id, **overrides):
    return service.add_contact(profile_id, {**ACCOUNTANT, **overrides}, ctx())


def test_adds_a_contact_with_an_id_assigned_by_the_service(service, profile_id):
    result = add(service, profile_id, roles=["whois", "billing"])
    assert result.events == ("AccountContactAdded",)
    assert result.contact_id and result.contact_id != "holder"
    contact = service.get_profile(profile_id).state["contacts"][result.contact_id]
    assert contact == {
        "name": "Luc Comptable",
        "email": "luc@compta.ca",
        "phone": "+15145550188",
        "roles": ["billing", "whois"],
    }


def test_two_contacts_get_different_ids(service, profile_id):
    assert add(service, profile_id).contact_id != add(service, profile_id).contact_id


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"email": "luc@"}, "invalid_email", "email"),
        ({"phone": "12"}, "invalid_phone", "phone"),
    ],
)
def test_refuses_a_contact_that_breaks_a_rule(service, profile_id, overrides, code, field):
    with pytest.raises(RuleViolation) as caught:
        add(service, profile_id, **overrides)
    assert (caught.value.code, caught.value.field) == (code, field)


@pytest.mark.parametrize(
    "overrides", [{"roles": ["admin"]}, {"name": ""}, {"roles": "billing"}, {"age": 3}]
)
def test_refuses_a_malformed_contact(service, profile_id, overrides):
    with pytest.raises(ValidationFailed):
        add(service, profile_id, **overrides)
    assert service.get_profile(profile_id).version == 1


def test_removes_a_contact(service, profile_id):
    contact_id = add(service, profile_id).contact_id
    result = service.remove_contact(profile_id, contact_id, ctx())
    assert result.events == ("AccountContactRemoved",)
    assert contact_id not in service.get_profile(profile_id).state["contacts"]


def test_refuses_to_remove_the_account_holder(service, profile_id):
    with pytest.raises(RuleViolation) as caught:
        service.remove_contact(profile_id, "holder", ctx())
    assert (caught.value.code, caught.value.field) == ("cannot_remove_holder", "contact_id")


@pytest.mark.parametrize("contact_id", ["nobody", ""])
def test_refuses_to_remove_an_unknown_contact(service, profile_id, contact_id):
    with pytest.raises(RuleViolation) as caught:
        service.remove_contact(profile_id, contact_id, ctx())
    assert caught.value.code == "unknown_contact"


def test_refuses_to_remove_the_billing_contact(service, profile_id):
    contact_id = add(service, profile_id).contact_id
    service.change_preferences(profile_id, {"billing_contact_id": contact_id}, ctx())
    with pytest.raises(RuleViolation) as caught:
        service.remove_contact(profile_id, contact_id, ctx())
    assert (caught.value.code, caught.value.field) == ("contact_in_use", "contact_id")
    service.change_preferences(profile_id, {"billing_contact_id": "holder"}, ctx())
    assert service.remove_contact(profile_id, contact_id, ctx()).events == (
        "AccountContactRemoved",
    )


def test_records_only_the_preferences_that_changed(service, profile_id):
    result = service.change_preferences(
        profile_id,
        {"communication_channel": "sms", "language": "fr", "pdf_invoices": True},
        ctx(),
    )
    (event,) = list(service.events.get(profile_id, gt=1))
    assert result.events == ("PreferencesChanged",)
    assert event.changes == {"communication_channel": "sms", "pdf_invoices": True}
    assert service.get_profile(profile_id).state["preferences"] == {
        "billing_contact_id": "holder",
        "communication_channel": "sms",
        "language": "fr",
        "pdf_invoices": True,
        "domain_suggestions": False,
    }


def test_the_same_preferences_again_record_nothing(service, profile_id):
    result = service.change_preferences(
        profile_id, {"billing_contact_id": "holder", "language": "fr"}, ctx()
    )
    assert (result.version, result.events) == (1, ())


@pytest.mark.parametrize(
    ("patch", "code", "field"),
    [
        ({"billing_contact_id": "nobody"}, "unknown_contact", "billing_contact_id"),
        ({"communication_channel": "fax"}, "invalid_channel", "communication_channel"),
        ({"language": "de"}, "invalid_language", "language"),
    ],
)
def test_refuses_preferences_that_break_a_rule(service, profile_id, patch, code, field):
    with pytest.raises(RuleViolation) as caught:
        service.change_preferences(profile_id, patch, ctx())
    assert (caught.value.code, caught.value.field) == (code, field)
    assert service.get_profile(profile_id).version == 1


@pytest.mark.parametrize("patch", [{"pdf_invoices": "yes"}, {"domain_suggestions": 1}])
def test_refuses_preferences_of_the_wrong_type(service, profile_id, patch):
    with pytest.raises(ValidationFailed):
        service.change_preferences(profile_id, patch, ctx())


def test_refuses_a_removed_contact_as_billing_contact(service, profile_id):
    contact_id = add(service, profile_id).contact_id
    service.remove_contact(profile_id, contact_id, ctx())
    with pytest.raises(RuleViolation) as caught:
        service.change_preferences(profile_id, {"billing_contact_id": contact_id}, ctx())
    assert caught.value.code == "unknown_contact"
