"""Section C, account preferences: billing contact, channel, language, invoices, suggestions."""

from __future__ import annotations

import pytest

from domain.errors import RuleViolation, ValidationFailed
from domain.inputs import NewContact, PreferencesPatch, parse
from tests.doubles import meta, pending


def change(profile, patch):
    profile.change_preferences(parse(PreferencesPatch, patch), meta())


def test_records_only_the_preferences_that_changed(profile):
    change(profile, {"communication_channel": "sms", "language": "fr", "pdf_invoices": True})
    (event,) = profile.collect_events()
    assert type(event).__name__ == "PreferencesChanged"
    assert event.changes == {"communication_channel": "sms", "pdf_invoices": True}
    assert profile.state["preferences"] == {
        "billing_contact_id": "holder",
        "communication_channel": "sms",
        "language": "fr",
        "pdf_invoices": True,
        "domain_suggestions": False,
    }


def test_the_same_preferences_again_record_nothing(profile):
    change(profile, {"billing_contact_id": "holder", "language": "fr"})
    assert (profile.version, pending(profile)) == (1, [])


@pytest.mark.parametrize(
    ("patch", "code", "field"),
    [
        ({"billing_contact_id": "nobody"}, "unknown_contact", "billing_contact_id"),
        ({"communication_channel": "fax"}, "invalid_channel", "communication_channel"),
        ({"language": "de"}, "invalid_language", "language"),
    ],
)
def test_refuses_preferences_that_break_a_rule(profile, patch, code, field):
    with pytest.raises(RuleViolation) as caught:
        change(profile, patch)
    assert (caught.value.code, caught.value.field) == (code, field)
    assert (profile.version, pending(profile)) == (1, [])


@pytest.mark.parametrize("patch", [{"pdf_invoices": "yes"}, {"domain_suggestions": 1}])
def test_refuses_preferences_of_the_wrong_type(patch):
    with pytest.raises(ValidationFailed):
        parse(PreferencesPatch, patch)


def test_refuses_a_removed_contact_as_billing_contact(profile):
    contact = NewContact(name="Luc Comptable", email="luc@compta.ca", roles=["billing"])
    contact_id = profile.add_contact(contact, meta())
    profile.remove_contact(contact_id, meta())
    with pytest.raises(RuleViolation) as caught:
        change(profile, {"billing_contact_id": contact_id})
    assert caught.value.code == "unknown_contact"
