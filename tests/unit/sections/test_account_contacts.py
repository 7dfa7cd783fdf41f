"""Account contacts: the holder and the contacts added beside it, their ids and removal."""

from __future__ import annotations

import pytest

from domain.errors import RuleViolation, ValidationFailed
from domain.inputs import NewContact, PreferencesPatch, parse
from tests.doubles import meta, pending

ACCOUNTANT = {"name": "Luc Comptable", "email": "luc@Compta.CA", "phone": "514 555 0188",
              "roles": ["billing"]}


def add(profile, **overrides) -> str:
    return profile.add_contact(parse(NewContact, {**ACCOUNTANT, **overrides}), meta())


def test_adds_a_contact_with_an_id_the_profile_assigns(profile):
    contact_id = add(profile, roles=["whois", "billing"])
    assert pending(profile) == ["AccountContactAdded"]
    assert contact_id and contact_id != "holder"
    assert profile.state["contacts"][contact_id] == {
        "name": "Luc Comptable",
        "email": "luc@compta.ca",
        "phone": "+15145550188",
        "roles": ["billing", "whois"],
    }


def test_two_contacts_get_different_ids(profile):
    assert add(profile) != add(profile)


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"email": "luc@"}, "invalid_email", "email"),
        ({"phone": "12"}, "invalid_phone", "phone"),
    ],
)
def test_refuses_a_contact_that_breaks_a_rule(profile, overrides, code, field):
    with pytest.raises(RuleViolation) as caught:
        add(profile, **overrides)
    assert (caught.value.code, caught.value.field) == (code, field)
    assert pending(profile) == []


@pytest.mark.parametrize(
    "overrides", [{"roles": ["admin"]}, {"name": ""}, {"roles": "billing"}, {"age": 3}]
)
def test_refuses_a_malformed_contact(overrides):
    with pytest.raises(ValidationFailed):
        parse(NewContact, {**ACCOUNTANT, **overrides})


def test_removes_a_contact(profile):
    contact_id = add(profile)
    profile.collect_events()
    profile.remove_contact(contact_id, meta())
    assert pending(profile) == ["AccountContactRemoved"]
    assert contact_id not in profile.state["contacts"]


def test_refuses_to_remove_the_account_holder(profile):
    with pytest.raises(RuleViolation) as caught:
        profile.remove_contact("holder", meta())
    assert (caught.value.code, caught.value.field) == ("cannot_remove_holder", "contact_id")


@pytest.mark.parametrize("contact_id", ["nobody", ""])
def test_refuses_to_remove_an_unknown_contact(profile, contact_id):
    with pytest.raises(RuleViolation) as caught:
        profile.remove_contact(contact_id, meta())
    assert caught.value.code == "unknown_contact"


def test_refuses_to_remove_the_billing_contact_until_another_one_bills(profile):
    contact_id = add(profile)
    profile.change_preferences(PreferencesPatch(billing_contact_id=contact_id), meta())
    profile.collect_events()
    with pytest.raises(RuleViolation) as caught:
        profile.remove_contact(contact_id, meta())
    assert (caught.value.code, caught.value.field) == ("contact_in_use", "contact_id")
    assert pending(profile) == []
    profile.change_preferences(PreferencesPatch(billing_contact_id="holder"), meta())
    profile.remove_contact(contact_id, meta())
    assert pending(profile) == ["PreferencesChanged", "AccountContactRemoved"]
