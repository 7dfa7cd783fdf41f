"""A view's state stepped event by event, and the audit's field-level changes."""

from __future__ import annotations

from copy import deepcopy

from domain import events as ev
from domain.disclosure import profile_record
from projections.records import card_text, changes, flatten, step
from tests.doubles import later_event, registered_event

CARD = {
    "token": "tok_secret",
    "fingerprint": "fp_secret",
    "brand": "visa",
    "last4": "4242",
    "exp_month": 4,
    "exp_year": 2030,
    "holder_name": "Marie Tremblay",
}


def event(cls, version, **fields):
    return later_event(cls, version, **fields)


def registered():
    return registered_event()


def test_registration_record_has_every_section_and_no_password():
    record = step(registered(), None)
    assert record["version"] == 1
    assert record["address"]["line2"] is None
    assert record["preferences"]["language"] == "en"
    assert profile_record(record)["contacts"][0]["contact_id"] == "holder"
    assert profile_record(record)["newsletters"] == {
        "categories": [],
        "consents": {},
        "unsubscribed_at": None,
    }
    assert "argon2" not in str(record)


def test_contact_change_updates_the_holder_contact_and_the_address():
    record = step(registered(), None)
    after = step(
        event(ev.ContactChanged, 2, changes={"email": "new@example.com", "address.city": "Laval"}),
        record,
    )
    assert profile_record(after)["contacts"][0]["email"] == "new@example.com"
    assert after["address"]["city"] == "Laval"
    assert record["address"]["city"] == "Montréal"  # the record before is left untouched


def test_card_in_the_record_has_neither_token_nor_fingerprint():
    after = step(event(ev.CardRegistered, 2, card=CARD), step(registered(), None))
    assert profile_record(after)["card"] == {
        "brand": "visa",
        "last4": "4242",
        "exp_month": 4,
        "exp_year": 2030,
        "holder_name": "Marie Tremblay",
    }


def test_a_view_passes_over_an_event_of_a_profile_it_never_saw_registered():
    assert step(event(ev.CardRemoved, 2, old_card=CARD), None) is None


def test_resubscribing_keeps_the_first_consent_of_a_category():
    record = step(registered(), None)
    first = {"channel": "portal", "text_version": "v1", "language": "fr", "at": "t1", "actor": "a"}
    later = {**first, "text_version": "v2", "at": "t2"}
    record = step(
        event(ev.NewsletterSubscriptionsChanged, 2, categories=["news"], consent=first), record
    )
    record = step(
        event(ev.NewsletterSubscriptionsChanged, 3, categories=["news", "tips"], consent=later),
        record,
    )
    assert profile_record(record)["newsletters"]["consents"] == {"news": first, "tips": later}


def test_password_change_shows_as_changed_without_any_value():
    before = step(registered(), None)
    password = event(ev.PasswordChanged, 2, password_hash="$argon2id$new")
    assert changes(password, before, step(password, before)) == [
        {"field": "password", "before": None, "after": "changed"}
    ]
    rejected = event(ev.PasswordChangeRejected, 2, reason="wrong_password")
    assert changes(rejected, before, step(rejected, before))[0]["after"] == "rejected"


def test_card_replacement_shows_summaries_only():
    before = step(event(ev.CardRegistered, 2, card=CARD), step(registered(), None))
    new_card = {**CARD, "last4": "4444", "brand": "mastercard", "token": "tok_other"}
    replaced = event(ev.CardReplaced, 3, old_card=CARD, card=new_card)
    diff = changes(replaced, before, step(replaced, before))
    assert diff == [
        {
            "field": "card",
            "before": "visa 4242 04/2030 Marie Tremblay",
            "after": "mastercard 4444 04/2030 Marie Tremblay",
        }
    ]
    assert "tok_" not in str(diff) and "fp_" not in str(diff)


def test_changes_list_only_fields_that_changed_with_their_before_value():
    before = step(registered(), None)
    changed = event(ev.AdditionalInfoChanged, 2, changes={"company": "Acme", "job_title": None})
    assert changes(changed, before, step(changed, before)) == [
        {"field": "additional_info.company", "before": None, "after": "Acme"}
    ]


def test_removed_contact_appears_with_its_old_value():
    added = event(
        ev.AccountContactAdded,
        2,
        contact_id="c1",
        name="Ann",
        email="a@example.com",
        phone=None,
        roles=["billing"],
    )
    before = step(added, step(registered(), None))
    removed = event(ev.AccountContactRemoved, 3, contact_id="c1")
    assert changes(removed, before, step(removed, before)) == [
        {
            "field": "contacts.c1",
            "before": {
                "name": "Ann",
                "email": "a@example.com",
                "phone": None,
                "roles": ["billing"],
            },
            "after": None,
        }
    ]


def test_flattened_record_leaves_out_bookkeeping_and_the_holder():
    flat = flatten(step(registered(), None))
    assert "version" not in flat and "updated_at" not in flat
    assert not any(name.startswith("contacts.") for name in flat)
    assert flat["address.country"] == "CA"


def test_card_text_is_brand_last4_expiry_and_holder():
    assert card_text(CARD) == "visa 4242 04/2030 Marie Tremblay"
    assert card_text(None) is None


def test_evolving_never_changes_the_record_it_was_given_and_diffs_alike_when_shared():
    consent = {"channel": "portal", "text_version": "v1", "language": "fr", "at": "t", "actor": "a"}
    contact = {"name": "Ann", "email": "a@example.com", "phone": None, "roles": ["billing"]}
    story = [
        event(ev.ContactChanged, 2, changes={"first_name": "Maria", "address.city": "Laval"}),
        event(ev.AdditionalInfoChanged, 3, changes={"company": "Acme"}),
        event(ev.AccountContactAdded, 4, contact_id="c1", **contact),
        event(ev.PreferencesChanged, 5, changes={"pdf_invoices": True}),
        event(ev.CardRegistered, 6, card=CARD),
        event(ev.CardReplaced, 7, old_card=CARD, card={**CARD, "last4": "4444"}),
        event(ev.SocialAccountLinked, 8, network="signal", url="https://signal.me/#p/a"),
        event(ev.NewsletterSubscriptionsChanged, 9, categories=["news"], consent=consent),
        event(ev.NewsletterSubscriptionsChanged, 10, categories=["news", "tips"], consent=consent),
        event(ev.SocialAccountUnlinked, 11, network="signal"),
        event(ev.AccountContactRemoved, 12, contact_id="c1"),
        event(ev.PasswordChanged, 13, password_hash="$argon2id$new"),
        event(ev.CardRemoved, 14, old_card=CARD),
        event(ev.NewsletterUnsubscribed, 15, categories=["news", "tips"]),
    ]
    record = step(registered(), None)
    for next_event in story:
        before = deepcopy(record)
        after = step(next_event, record)
        assert record == before, type(next_event).__name__
        assert after["version"] == next_event.originator_version
        assert changes(next_event, record, after) == changes(next_event, before, deepcopy(after))
        record = after
    assert record["first_name"] == "Maria" and record["social"] == {}
    assert profile_record(record)["newsletters"]["categories"] == [] and record["card"] is None
