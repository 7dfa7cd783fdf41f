"""Steps of credit_card.feature (section E)."""

from __future__ import annotations

from typing import Any

from pytest_bdd import parsers, scenarios, then, when

from domain.sections.credit_card import BRAND_NAMES
from features.drivers import Driver, Outcome
from features.support import Customer, act

scenarios("credit_card.feature")


@when(
    parsers.parse(
        "she registers the card {number} expiring {month:d}/{year:d} in the name of {holder}"
    ),
    target_fixture="outcome",
)
def registers(
    driver: Driver, customer: Customer, number: str, month: int, year: int, holder: str
) -> Outcome:
    return act(
        driver,
        customer,
        "register_card",
        holder_name=holder,
        number=number,
        exp_month=month,
        exp_year=year,
    )


@when(
    parsers.parse(
        "she registers the card {number} expiring {month:d}/{year:d} with the security code {cvc}"
    ),
    target_fixture="outcome",
)
def registers_with_cvc(
    driver: Driver, customer: Customer, number: str, month: int, year: int, cvc: str
) -> Outcome:
    return act(
        driver,
        customer,
        "register_card",
        holder_name=f"{customer.first_name} {customer.last_name}",
        number=number,
        exp_month=month,
        exp_year=year,
        cvc=cvc,
    )


@when("she removes her card without confirming", target_fixture="outcome")
def removes_unconfirmed(driver: Driver, customer: Customer) -> Outcome:
    return act(driver, customer, "remove_card", confirm=False)


@when("she removes her card, confirming it", target_fixture="outcome")
def removes_confirmed(driver: Driver, customer: Customer) -> Outcome:
    return act(driver, customer, "remove_card", confirm=True)


@when(parsers.parse('the payment form asks for the brand of "{digits}"'), target_fixture="outcome")
def asks_brand(driver: Driver, digits: str) -> Outcome:
    return driver.card_brand(digits)


@then(
    parsers.parse(
        "her card is shown as {brand} ending {last4}, "
        "expiring {month:d}/{year:d}, in the name of {holder}"
    )
)
def card_shown(
    driver: Driver, customer: Customer, brand: str, last4: str, month: int, year: int, holder: str
) -> None:
    card = driver.view(customer.profile_id)["card"]
    assert BRAND_NAMES[card["brand"]] == brand
    assert (card["last4"], card["exp_month"], card["exp_year"]) == (last4, month, year)
    assert card["holder_name"] == holder


@then("she has no card")
def no_card(driver: Driver, customer: Customer) -> None:
    assert driver.view(customer.profile_id)["card"] is None


@then(parsers.re("the card numbers? appears? in no recorded event, audit entry or view"))
def number_kept_nowhere(driver: Driver, customer: Customer, outcome: Outcome, request: Any) -> None:
    numbers = [outcome.sent.args["number"]] if outcome.sent else []
    if "card_number" in request.fixturenames:
        numbers.append(request.getfixturevalue("card_number"))
    shown = driver.disclosed(customer.profile_id) + outcome.message
    for number in numbers:
        digits = number.replace(" ", "").replace("-", "")
        assert number not in shown and digits not in shown


@then(parsers.parse("the brand is {brand}"))
def brand_is(outcome: Outcome, brand: str) -> None:
    found = outcome.answer["brand"]
    assert (BRAND_NAMES[found] if found else "unknown") == brand


@then("the number is complete and passes the Luhn check")
def complete_and_valid(outcome: Outcome) -> None:
    assert outcome.answer["complete"] is True
    assert outcome.answer["luhn_valid"] is True
