"""What may be shown: an allow-list per event, the state without secrets, the readers' record."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from uuid import uuid4

from domain import events as ev
from domain.disclosure import SHOWN_FIELDS, profile_record, shown_fields, without_secrets
from domain.state import evolve

META = {"originator_id", "originator_version", "originator_topic", "timestamp", "actor",
        "caller", "correlation_id", "idempotency_key"}
AT = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
CARD = {"token": "tok_secret", "fingerprint": "fp_secret", "brand": "visa", "last4": "4242",
        "exp_month": 4, "exp_year": 2030, "holder_name": "Marie Tremblay"}


def event(cls, version=2, **fields):
    return cls(originator_id=uuid4(), originator_version=version, timestamp=AT, actor="a",
               correlation_id="c", idempotency_key=None, **fields)


def registered():
    return ev.ProfileRegistered(
        originator_id=uuid4(), originator_version=1, originator_topic="domain.profile:Profile",
        timestamp=AT, actor="a", correlation_id="c", idempotency_key=None, first_name="Marie",
        last_name="Tremblay", email="m@example.com", phone=None,
        address={"line1": "1 rue", "city": "Laval", "postal_code": "H7N 1A1", "country": "CA"},
        language="fr", password_hash="$argon2id$secret",
    )


def test_every_field_of_every_event_is_named_by_the_allow_list():
    for cls in ev.EVENT_CLASSES:
        own = {f.name for f in dataclasses.fields(cls)} - META
        assert set(SHOWN_FIELDS[cls]) == own, cls.__name__


def test_a_field_or_an_event_not_named_shows_nothing():
    class CardTokenIssued(ev.ProfileEvent):  # a new event, not yet in the allow-list
        token: str

    assert shown_fields(event(CardTokenIssued, token="tok_secret")) == {}


def test_secrets_are_shown_only_as_what_may_be_said_of_them():
    assert shown_fields(registered())["password"] == "set"
    assert shown_fields(event(ev.PasswordChanged, password_hash="$argon2id$x")) == {
        "password": "changed"
    }
    replaced = shown_fields(event(ev.CardReplaced, old_card=CARD, card={**CARD, "last4": "1111"}))
    assert replaced["card"]["last4"] == "1111" and replaced["old_card"]["last4"] == "4242"
    assert "secret" not in str([shown_fields(registered()), replaced])


def test_the_state_kept_by_views_has_no_secret_and_shares_what_holds_none():
    state = evolve(evolve(None, registered()), event(ev.CardRegistered, card=CARD))
    kept = without_secrets(state)
    assert kept["password_hash"] is None and "secret" not in str(kept)
    assert kept["address"] is state["address"]
    assert without_secrets(kept) is kept


def test_the_readers_record_lists_the_holder_first_and_never_a_secret():
    record = profile_record(evolve(None, registered()))
    assert record["contacts"][0] == {
        "contact_id": "holder", "name": "Marie Tremblay", "email": "m@example.com",
        "phone": None, "roles": ["billing", "whois"],
    }
    assert "argon2" not in str(record)


def with_secrets():
    """A state holding every secret: a password hash, a wrong attempt, a card's token."""
    state = evolve(None, registered())
    state = evolve(state, event(ev.PasswordChangeRejected, 2, reason="wrong_password"))
    return evolve(state, event(ev.CardRegistered, 3, card=CARD))


def test_a_view_keeps_no_password_hash_no_attempt_and_no_card_token_or_fingerprint():
    state = with_secrets()
    kept = without_secrets(state)
    assert (kept["password_hash"], kept["rejected_attempts"]) == (None, [])
    assert kept["card"] == {k: CARD[k] for k in ("brand", "last4", "exp_month", "exp_year",
                                                 "holder_name")}
    assert state["password_hash"] == "$argon2id$secret" and state["card"] == CARD  # untouched


def test_the_record_lists_the_other_contacts_after_the_holder_and_shows_no_secret():
    state = evolve(
        with_secrets(),
        event(ev.AccountContactAdded, 4, contact_id="c1", name="Ann", email="a@x.ca",
              phone=None, roles=["billing"]),
    )
    record = profile_record(state)
    assert record["contacts"][1:] == [
        {"contact_id": "c1", "name": "Ann", "email": "a@x.ca", "phone": None,
         "roles": ["billing"]},
    ]
    assert record["card"]["last4"] == "4242"
    shown = repr(record)
    assert "tok_secret" not in shown and "fp_secret" not in shown and "argon2" not in shown
    assert "password_hash" not in record and "rejected_attempts" not in record
    assert record["newsletters"] == {"categories": [], "consents": {}, "unsubscribed_at": None}
