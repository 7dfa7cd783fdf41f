"""Section E, credit card: summaries in events, the number only in the vault."""

from __future__ import annotations

import pytest

from adapters.bootstrap import build
from domain.errors import RuleViolation, ValidationFailed
from domain.events import CardRegistered, CardRemoved, CardReplaced
from tests.support import ctx, registration, store_settings

VISA = "4111 1111 1111 1111"
MASTERCARD = "5555-5555-5555-4444"
DISCOVER = "6011111111111117"


@pytest.fixture
def store() -> str:
    return "sqlite"


def card(number=VISA, **overrides):
    return {"holder_name": "Marie Tremblay", "number": number, "exp_month": 8,
            "exp_year": 2029, **overrides}


def new_events(service, profile_id, after):
    return list(service.events.get(profile_id, gt=after))


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


def test_accepts_a_card_that_expires_at_the_end_of_this_month(service, profile_id, clock):
    today = clock.now()
    result = service.register_card(
        profile_id, card(exp_month=today.month, exp_year=today.year), ctx()
    )
    assert result.events == ("CardRegistered",)


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"number": "4111 1111 1111 1112"}, "invalid_card_number", "number"),
        ({"number": "4111 1111 abcd 1111"}, "invalid_card_number", "number"),
        ({"number": "4111"}, "invalid_card_number", "number"),
        ({"number": DISCOVER}, "unsupported_card_brand", "number"),
        ({"number": "3530111333300000"}, "unsupported_card_brand", "number"),
        ({"number": "9999999999999995"}, "unsupported_card_brand", "number"),
        ({"exp_month": 13}, "invalid_expiry", "exp_month"),
        ({"exp_month": 0}, "invalid_expiry", "exp_month"),
        ({"exp_year": 29}, "invalid_expiry", "exp_year"),
        ({"exp_month": 2, "exp_year": 2026}, "card_expired", "exp_year"),
        ({"exp_month": 12, "exp_year": 2025}, "card_expired", "exp_year"),
    ],
)
def test_refuses_a_card_that_breaks_a_rule(service, profile_id, overrides, code, field):
    data = card(**overrides)
    with pytest.raises(RuleViolation) as caught:
        service.register_card(profile_id, data, ctx())
    assert (caught.value.code, caught.value.field) == (code, field)
    digits = data["number"].replace(" ", "")
    assert digits not in caught.value.message
    assert service.get_profile(profile_id).version == 1


@pytest.mark.parametrize(
    "overrides", [{"cvc": "123"}, {"exp_month": "08"}, {"holder_name": ""}, {"number": 4111}]
)
def test_refuses_malformed_card_input_and_never_accepts_a_cvc(service, profile_id, overrides):
    with pytest.raises(ValidationFailed) as caught:
        service.register_card(profile_id, card(**overrides), ctx())
    assert "4111111111111111" not in str(caught.value)


def test_accepted_brands_are_configurable(tmp_path, clock):
    container = build(
        store_settings("sqlite", tmp_path, accepted_card_brands=("visa", "discover")),
        clock=clock,
    )
    try:
        service = container.service
        profile_id = service.register(registration(), ctx()).profile_id
        assert service.register_card(profile_id, card(number=DISCOVER), ctx()).events
        with pytest.raises(RuleViolation) as caught:
            service.register_card(profile_id, card(number=MASTERCARD), ctx())
        assert caught.value.code == "unsupported_card_brand"
    finally:
        container.close()


def test_removing_the_card_needs_confirmation(service, profile_id):
    service.register_card(profile_id, card(), ctx())
    with pytest.raises(RuleViolation) as caught:
        service.remove_card(profile_id, False, ctx())
    assert (caught.value.code, caught.value.field) == ("confirmation_required", "confirm")
    result = service.remove_card(profile_id, True, ctx())
    (event,) = new_events(service, profile_id, 2)
    assert result.events == ("CardRemoved",)
    assert isinstance(event, CardRemoved)
    assert event.old_card["last4"] == "1111"
    assert service.get_profile(profile_id).state["card"] is None


@pytest.mark.parametrize("confirm", [True, False])
def test_refuses_to_remove_a_card_when_there_is_none(service, profile_id, confirm):
    with pytest.raises(RuleViolation) as caught:
        service.remove_card(profile_id, confirm, ctx())
    assert caught.value.code == "no_card"


@pytest.mark.parametrize(
    ("partial", "expected"),
    [
        ("4", ("visa", False, False)),
        ("5555 5555 5555 4444", ("mastercard", True, True)),
        ("2221 00", ("mastercard", False, False)),
        ("3782 822463 10005", ("amex", True, True)),
        ("", (None, False, False)),
    ],
)
def test_detects_the_brand_while_typing(service, partial, expected):
    assert service.card_brand(partial) == expected
