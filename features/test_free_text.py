"""Steps of free_text.feature (domain.md, "Free text")."""

from __future__ import annotations

import unicodedata

from pytest_bdd import parsers, scenarios, then, when

from features.drivers import Command, Driver, Outcome, Request
from features.support import Customer, act, registration

scenarios("free_text.feature")

HOLDING = {
    "a NUL character": "Ma\x00rie",
    "an escape sequence": "Marie\x1b[31m",
    "a bell": "Marie\x07",
    "a right-to-left override": "\u202eeiraM",
    "a left-to-right isolate": "Ma\u2066rie",
    "only zero-width spaces": "\u200b\u200b\u200d",
}
CARD = {"number": "5555 5555 5555 4444", "exp_month": 8, "exp_year": 2031}


def register(driver: Driver, **overrides: str) -> Outcome:
    data = registration(
        overrides.pop("first_name", "Marie"), overrides.pop("last_name", "Tremblay"),
        "marie@example.com", **overrides,
    )
    return driver.send(Command("register", None, data), Request("customer:marie"))


@when(
    parsers.parse("Marie registers with a first name holding {what}"), target_fixture="outcome"
)
def registers_with_hidden_text(driver: Driver, what: str) -> Outcome:
    return register(driver, first_name=HOLDING[what])


@when(
    "Chloé Côté registers with her names typed in decomposed form between spaces",
    target_fixture="outcome",
)
def registers_decomposed(driver: Driver) -> Outcome:
    first, last = (unicodedata.normalize("NFD", name) for name in ("Chloé", "Côté"))
    return register(driver, first_name=f"  {first} ", last_name=f"{last}  ")


@when(
    parsers.parse("Marie registers with the card number {number} as her last name"),
    target_fixture="outcome",
)
def registers_with_card_number(driver: Driver, number: str) -> Outcome:
    return register(driver, last_name=number)


@when(
    parsers.parse("she types the card number {number} into {field}"), target_fixture="outcome"
)
def types_card_number(driver: Driver, customer: Customer, number: str, field: str) -> Outcome:
    if field == "her company":
        return act(driver, customer, "change_additional_info", company=number)
    if field == "her job title":
        return act(driver, customer, "change_additional_info", job_title=number)
    if field == "her address's first line":
        return act(driver, customer, "change_contact", address={"line1": f"{number} rue Ste"})
    if field == "a new contact's name":
        return act(driver, customer, "add_contact", name=number, email="luc@example.com")
    assert field == "her card's holder name"
    return act(driver, customer, "register_card", holder_name=f"M {number}", **CARD)


@when(parsers.parse('she sets her company to "{company}"'), target_fixture="outcome")
def sets_company(driver: Driver, customer: Customer, company: str) -> Outcome:
    return act(driver, customer, "change_additional_info", company=company)


@then(parsers.parse("her names are shown as {first} {last}, each in composed form"))
def names_composed(driver: Driver, outcome: Outcome, first: str, last: str) -> None:
    assert outcome.profile_id is not None
    view = driver.view(outcome.profile_id)
    assert (view["first_name"], view["last_name"]) == (first, last)
    assert all(unicodedata.is_normalized("NFC", view[name]) for name in ("first_name", "last_name"))


@then(parsers.parse("{number} appears in no recorded event, audit entry or view"))
def number_kept_nowhere(driver: Driver, customer: Customer, outcome: Outcome, number: str) -> None:
    shown = driver.disclosed(customer.profile_id) + outcome.message
    assert number not in shown and number.replace(" ", "") not in shown
