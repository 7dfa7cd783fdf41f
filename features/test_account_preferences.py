"""Steps of account_preferences.feature (section C)."""

from __future__ import annotations

from typing import Any

from pytest_bdd import parsers, scenarios, then, when

from features.drivers import Driver, Outcome
from features.steps.past_events import Contact, contact_id_of
from features.support import Customer, act, yes

scenarios("account_preferences.feature")

PREFERENCES = {
    "communication channel": "communication_channel",
    "language": "language",
    "pdf invoices": "pdf_invoices",
    "domain suggestions": "domain_suggestions",
}
FLAGS = ("pdf_invoices", "domain_suggestions")


def value_of(name: str, text: str) -> object:
    return yes(text) if name in FLAGS else text


@when(parsers.parse("she sets her {label} preference to {value}"), target_fixture="outcome")
def sets(driver: Driver, customer: Customer, label: str, value: str) -> Outcome:
    name = PREFERENCES[label]
    return act(driver, customer, "change_preferences", **{name: value_of(name, value)})


@when(parsers.parse("she makes {who} her billing contact"), target_fixture="outcome")
def makes_billing(driver: Driver, customer: Customer, request: Any, who: str) -> Outcome:
    contact: Contact | None = (
        request.getfixturevalue("contact") if not who.startswith("the ") else None
    )
    return act(
        driver, customer, "change_preferences", billing_contact_id=contact_id_of(who, contact)
    )


@then(parsers.parse("her {label} preference is {value}"))
def preference_is(driver: Driver, customer: Customer, label: str, value: str) -> None:
    name = PREFERENCES[label]
    assert driver.view(customer.profile_id)["preferences"][name] == value_of(name, value)


@then(parsers.parse("her billing contact is {name}"))
def billing_is(driver: Driver, customer: Customer, contact: Contact, name: str) -> None:
    preferences = driver.view(customer.profile_id)["preferences"]
    assert preferences["billing_contact_id"] == contact_id_of(name, contact)
