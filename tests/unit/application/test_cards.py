"""ProfileService's card commands: the number goes to the vault, its summary to the profile."""

from __future__ import annotations

from uuid import UUID

import pytest

from domain.errors import RuleViolation
from domain.events import CardRegistered, CardReplaced
from tests.support import ctx, registration

VISA = "4111 1111 1111 1111"
MASTERCARD = "5555-5555-5555-4444"


def card(number=VISA, **overrides):
    return {"holder_name": "Marie Tremblay", "number": number, "exp_month": 8,
            "exp_year": 2029, **overrides}


def new_events(service, profile_id, after):
    return list(service.events.get(UUID(str(profile_id)), gt=after))


def test_registers_a_card_as_a_summary_and_keeps_the_number_in_the_vault(service, profile_id):
    result = service.register_card(profile_id, card(), ctx())
    (event,) = new_events(service, profile_id, 1)
    assert result.events == ("CardRegistered",)
    assert isinstance(event, CardRegistered)
    assert set(event.card) == {
        "token", "brand", "last4", "exp_month", "exp_year", "holder_name", "fingerprint"
    }
    assert event.card["brand"] == "visa"
    assert event.card["last4"] == "1111"
    assert (event.card["exp_month"], event.card["exp_year"]) == (8, 2029)
    assert event.card["fingerprint"] == service.vault.fingerprint("4111111111111111")
    assert "4111111111111111" not in repr(event.__dict__)
    assert service.vault.reveal(event.card["token"]) == "4111111111111111"
    assert service.get_profile(profile_id).state["card"] == event.card


def test_the_same_number_gets_the_same_fingerprint_and_another_number_another(
    service, profile_id
):
    other = service.register(registration(), ctx()).profile_id
    service.register_card(profile_id, card(), ctx())
    service.register_card(other, card(number="4111111111111111"), ctx())
    first = service.get_profile(profile_id).state["card"]
    second = service.get_profile(other).state["card"]
    assert first["fingerprint"] == second["fingerprint"]
    assert "4111111111111111" not in first["fingerprint"]
    service.register_card(other, card(number=MASTERCARD), ctx())
    assert service.get_profile(other).state["card"]["fingerprint"] != first["fingerprint"]


def test_registering_another_card_replaces_it_with_old_and_new_summaries(service, profile_id):
    service.register_card(profile_id, card(), ctx())
    old = service.get_profile(profile_id).state["card"]
    result = service.register_card(profile_id, card(number=MASTERCARD), ctx())
    (event,) = new_events(service, profile_id, 2)
    assert result.events == ("CardReplaced",)
    assert isinstance(event, CardReplaced)
    assert event.old_card == old
    assert (event.card["brand"], event.card["last4"]) == ("mastercard", "4444")
    assert service.vault.reveal(event.card["token"]) == "5555555555554444"
    assert service.get_profile(profile_id).state["card"] == event.card


def test_the_same_card_again_records_nothing(service, profile_id):
    service.register_card(profile_id, card(), ctx())
    result = service.register_card(profile_id, card(number="4111-1111-1111-1111"), ctx())
    assert (result.version, result.events) == (2, ())


def test_a_new_expiry_for_the_same_number_keeps_its_token(service, profile_id):
    service.register_card(profile_id, card(), ctx())
    token = service.get_profile(profile_id).state["card"]["token"]
    result = service.register_card(profile_id, card(exp_year=2030), ctx())
    assert result.events == ("CardReplaced",)
    assert service.get_profile(profile_id).state["card"]["token"] == token


def test_accepts_a_card_that_expires_at_the_end_of_the_clocks_month(service, profile_id, clock):
    today = clock.now()
    result = service.register_card(
        profile_id, card(exp_month=today.month, exp_year=today.year), ctx()
    )
    assert result.events == ("CardRegistered",)
    clock.advance(days=31)
    assert service.register_card(profile_id, card(), ctx()).events == ("CardReplaced",)
    with pytest.raises(RuleViolation) as caught:  # the month is over by the clock
        service.register_card(profile_id, card(exp_month=today.month, exp_year=today.year), ctx())
    assert caught.value.code == "card_expired"
