"""Section E, credit card: the profile records a card's summary (never its number), replaces
and removes it; and the rules for the number, its brand and its expiry."""

from __future__ import annotations

import datetime

import pytest

from domain.errors import RuleViolation, ValidationFailed
from domain.events import CardRegistered, CardRemoved, CardReplaced
from domain.inputs import CardInput, parse
from domain.sections.credit_card import (
    BRAND_NAMES,
    BRANDS,
    CARD_SUMMARY_FIELDS,
    card_brand_info,
    check_card,
    check_expiry,
    clean_card_number,
    detect_brand,
)
from tests.doubles import AT, meta, pending

VISA = "4111 1111 1111 1111"
MASTERCARD = "5555-5555-5555-4444"
DISCOVER = "6011111111111117"
ACCEPTED = ("visa", "mastercard", "amex")
SUMMARY = {
    "token": "tok_visa",
    "brand": "visa",
    "last4": "1111",
    "exp_month": 8,
    "exp_year": 2029,
    "holder_name": "Marie Tremblay",
    "fingerprint": "fp_visa",
}
OTHER_SUMMARY = {**SUMMARY, "token": "tok_mc", "brand": "mastercard", "last4": "4444",
                 "fingerprint": "fp_mc"}


def card(number=VISA, **overrides):
    return {"holder_name": "Marie Tremblay", "number": number, "exp_month": 8,
            "exp_year": 2029, **overrides}


def fullwidth(text: str) -> str:
    """The same ASCII characters in their full-width Unicode forms."""
    return "".join(chr(ord(ch) + 0xFEE0) for ch in text)


# --- the profile's card ---------------------------------------------------------------


def test_registers_a_card_as_its_summary(profile):
    profile.register_card({**SUMMARY, "number": "4111111111111111"}, meta())
    (event,) = profile.collect_events()
    assert isinstance(event, CardRegistered)
    assert set(event.card) == set(CARD_SUMMARY_FIELDS) == {
        "token", "brand", "last4", "exp_month", "exp_year", "holder_name", "fingerprint"
    }
    assert event.card == SUMMARY
    assert "4111111111111111" not in repr(event.__dict__)
    assert profile.state["card"] == event.card


def test_registering_another_card_replaces_it_with_old_and_new_summaries(profile):
    profile.register_card(SUMMARY, meta())
    profile.collect_events()
    profile.register_card(OTHER_SUMMARY, meta())
    (event,) = profile.collect_events()
    assert isinstance(event, CardReplaced)
    assert event.old_card == SUMMARY
    assert (event.card["brand"], event.card["last4"]) == ("mastercard", "4444")
    assert profile.state["card"] == event.card


def test_the_same_card_again_records_nothing(profile):
    profile.register_card(SUMMARY, meta())
    profile.collect_events()
    profile.register_card(dict(SUMMARY), meta())
    assert (profile.version, pending(profile)) == (2, [])


def test_a_new_expiry_replaces_the_card(profile):
    profile.register_card(SUMMARY, meta())
    profile.collect_events()
    profile.register_card({**SUMMARY, "exp_year": 2030}, meta())
    assert pending(profile) == ["CardReplaced"]
    assert profile.state["card"]["token"] == SUMMARY["token"]


def test_accepts_a_card_that_expires_at_the_end_of_this_month():
    today = AT.date()
    data = parse(CardInput, card(exp_month=today.month, exp_year=today.year))
    assert check_card(data, ACCEPTED, today) == ("4111111111111111", "visa", "Marie Tremblay")


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
def test_refuses_a_card_that_breaks_a_rule(overrides, code, field):
    data = card(**overrides)
    with pytest.raises(RuleViolation) as caught:
        check_card(parse(CardInput, data), ACCEPTED, AT.date())
    assert (caught.value.code, caught.value.field) == (code, field)
    digits = data["number"].replace(" ", "")
    assert digits not in caught.value.message


def test_accepts_only_the_brands_it_is_given():
    today = AT.date()
    assert check_card(parse(CardInput, card(number=DISCOVER)), ("visa", "discover"), today)
    with pytest.raises(RuleViolation) as caught:
        check_card(parse(CardInput, card(number=MASTERCARD)), ("visa", "discover"), today)
    assert caught.value.code == "unsupported_card_brand"


@pytest.mark.parametrize(
    "overrides", [{"cvc": "123"}, {"exp_month": "08"}, {"holder_name": ""}, {"number": 4111}]
)
def test_refuses_malformed_card_input_and_never_accepts_a_cvc(overrides):
    with pytest.raises(ValidationFailed) as caught:
        parse(CardInput, card(**overrides))
    assert "4111111111111111" not in str(caught.value)


def test_removing_the_card_needs_confirmation(profile):
    profile.register_card(SUMMARY, meta())
    profile.collect_events()
    with pytest.raises(RuleViolation) as caught:
        profile.remove_card(False, meta())
    assert (caught.value.code, caught.value.field) == ("confirmation_required", "confirm")
    assert pending(profile) == []
    profile.remove_card(True, meta())
    (event,) = profile.collect_events()
    assert isinstance(event, CardRemoved)
    assert event.old_card["last4"] == "1111"
    assert profile.state["card"] is None


@pytest.mark.parametrize("confirm", [True, False])
def test_refuses_to_remove_a_card_when_there_is_none(profile, confirm):
    with pytest.raises(RuleViolation) as caught:
        profile.remove_card(confirm, meta())
    assert caught.value.code == "no_card"


# --- the rules ------------------------------------------------------------------------


# Luhn-valid test numbers published by the card networks / processors.
TEST_CARDS = [
    ("4111111111111111", "visa"),
    ("4222222222222", "visa"),
    ("5555555555554444", "mastercard"),
    ("2223003122003222", "mastercard"),
    ("378282246310005", "amex"),
    ("371449635398431", "amex"),
    ("6011111111111117", "discover"),
    ("3530111333300000", "jcb"),
    ("36227206271667", "diners"),
    ("6200000000000005", "unionpay"),
]


def test_names_every_brand_for_display() -> None:
    assert set(BRAND_NAMES) == set(BRANDS)
    assert BRAND_NAMES["amex"] == "American Express"
    assert BRAND_NAMES["diners"] == "Diners Club"


@pytest.mark.parametrize(("number", "brand"), TEST_CARDS)
def test_detects_the_brand_of_a_test_card(number: str, brand: str) -> None:
    assert detect_brand(number) == brand


@pytest.mark.parametrize(
    ("prefix", "brand"),
    [
        ("4", "visa"),
        ("51", "mastercard"),
        ("55", "mastercard"),
        ("2221", "mastercard"),
        ("2720", "mastercard"),
        ("34", "amex"),
        ("37", "amex"),
        ("6011", "discover"),
        ("644", "discover"),
        ("649", "discover"),
        ("65", "discover"),
        ("622126", "discover"),
        ("622925", "discover"),
        ("3528", "jcb"),
        ("3589", "jcb"),
        ("36", "diners"),
        ("300", "diners"),
        ("305", "diners"),
        ("38", "diners"),
        ("39", "diners"),
        ("62", "unionpay"),
        ("6221", "unionpay"),
        ("622125", "unionpay"),
        ("622926", "unionpay"),
        ("4111 1111", "visa"),
        ("5555-5555", "mastercard"),
    ],
)
def test_detects_the_brand_from_a_partial_number_by_longest_prefix(prefix: str, brand: str) -> None:
    assert detect_brand(prefix) == brand


@pytest.mark.parametrize(
    "prefix",
    ["", "3", "5", "6", "22", "2220", "2721", "50", "56", "306", "35", "3527", "3590", "601", "x4"],
)
def test_detects_no_brand_for_an_unknown_or_too_short_prefix(prefix: str) -> None:
    assert detect_brand(prefix) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("4111111111111111", "4111111111111111"),
        ("4111 1111 1111 1111", "4111111111111111"),
        ("4111-1111-1111-1111", "4111111111111111"),
        (" 3782 822463 10005 ", "378282246310005"),
    ],
)
def test_cleans_a_card_number_of_spaces_and_dashes(value: str, expected: str) -> None:
    assert clean_card_number(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "",
        "4111111111111112",  # Luhn fails
        "4111 1111 1111 111a",
        "4111.1111.1111.1111",
        "41111111112",  # 11 digits, though Luhn-valid
        "41111111111111111115",  # 20 digits, though Luhn-valid
        fullwidth("4111111111111111"),
    ],
)
def test_refuses_an_invalid_card_number_without_echoing_it(value: str) -> None:
    with pytest.raises(RuleViolation) as caught:
        clean_card_number(value)
    assert caught.value.code == "invalid_card_number"
    assert caught.value.field == "number"
    compact = value.replace(" ", "").replace("-", "")
    if compact:
        assert compact not in caught.value.message
        assert compact[-4:] not in caught.value.message


@pytest.mark.parametrize(("number", "brand"), TEST_CARDS)
def test_reports_a_complete_valid_test_card(number: str, brand: str) -> None:
    assert card_brand_info(number) == (brand, True, True)


@pytest.mark.parametrize(
    ("partial", "expected"),
    [
        ("", (None, False, False)),
        ("4", ("visa", False, False)),
        ("4111 1111", ("visa", False, False)),
        ("411111111111111", ("visa", False, False)),  # 15 digits: not a Visa length
        ("4111111111111112", ("visa", True, False)),  # complete but Luhn fails
        ("4111111111111111113", ("visa", True, False)),  # 19 digits, Luhn fails
        ("37828224631000", ("amex", False, False)),
        ("5555555555554444", ("mastercard", True, True)),
        ("9999999999999995", (None, False, True)),  # Luhn-valid, unknown brand
        ("abc", (None, False, False)),
    ],
)
def test_describes_a_number_being_typed(
    partial: str, expected: tuple[str | None, bool, bool]
) -> None:
    assert card_brand_info(partial) == expected


TODAY = datetime.date(2026, 5, 17)


@pytest.mark.parametrize(("month", "year"), [(5, 2026), (6, 2026), (1, 2027), (12, 2040)])
def test_accepts_a_card_valid_through_the_end_of_its_expiry_month(month: int, year: int) -> None:
    check_expiry(month, year, TODAY)


def test_accepts_a_card_on_the_last_day_of_its_expiry_month() -> None:
    check_expiry(2, 2028, datetime.date(2028, 2, 29))


@pytest.mark.parametrize("month", [0, 13, -1, 99])
def test_refuses_an_expiry_month_outside_one_to_twelve(month: int) -> None:
    with pytest.raises(RuleViolation) as caught:
        check_expiry(month, 2030, TODAY)
    assert (caught.value.code, caught.value.field) == ("invalid_expiry", "exp_month")


@pytest.mark.parametrize("year", [26, 30, 99, 0, 1999, 10000])
def test_refuses_an_expiry_year_that_is_not_four_digits(year: int) -> None:
    with pytest.raises(RuleViolation) as caught:
        check_expiry(12, year, TODAY)
    assert (caught.value.code, caught.value.field) == ("invalid_expiry", "exp_year")


@pytest.mark.parametrize(("month", "year"), [(4, 2026), (12, 2025), (1, 2000)])
def test_refuses_a_card_past_its_expiry_month(month: int, year: int) -> None:
    with pytest.raises(RuleViolation) as caught:
        check_expiry(month, year, TODAY)
    assert (caught.value.code, caught.value.field) == ("card_expired", "exp_year")
