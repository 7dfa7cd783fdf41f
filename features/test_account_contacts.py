"""Steps of account_contacts.feature."""

from __future__ import annotations

from typing import Any

from pytest_bdd import parsers, scenarios, then, when

from features.drivers import Driver, Outcome
from features.steps.past_events import Contact, contact_id_of
from features.support import Customer, act, words

scenarios("account_contacts.feature")


@when(
    parsers.parse("she adds {name}, {email}, {phone}, as a contact for {roles}"),
    target_fixture="outcome",
)
def adds(
    driver: Driver, customer: Customer, name: str, email: str, phone: str, roles: str
) -> Outcome:
    return act(
        driver, customer, "add_contact", name=name, email=email, phone=phone, roles=words(roles)
    )


@when(parsers.parse("she removes {who} from her contacts"), target_fixture="outcome")
def removes(driver: Driver, customer: Customer, request: Any, who: str) -> Outcome:
    contact: Contact | None = (
        request.getfixturevalue("contact") if not who.startswith("the ") else None
    )
    return act(driver, customer, "remove_contact", contact_id=contact_id_of(who, contact))


def listed(driver: Driver, customer: Customer, name: str) -> list[dict[str, Any]]:
    return [c for c in driver.view(customer.profile_id)["contacts"] if c["name"] == name]


@then("the service assigned the new contact an id")
def assigned_id(driver: Driver, customer: Customer, outcome: Outcome) -> None:
    assert outcome.contact_id and outcome.contact_id != "holder"
    ids = [c["contact_id"] for c in driver.view(customer.profile_id)["contacts"]]
    assert outcome.contact_id in ids


@then(
    parsers.parse(
        "{name} is listed with the email {email}, the phone {phone} and the roles {roles}"
    )
)
def is_listed(
    driver: Driver, customer: Customer, name: str, email: str, phone: str, roles: str
) -> None:
    [contact] = listed(driver, customer, name)
    assert (contact["email"], contact["phone"]) == (email, phone)
    assert sorted(contact["roles"]) == sorted(words(roles))


@then(parsers.parse("{name} is no longer listed"))
def not_listed(driver: Driver, customer: Customer, name: str) -> None:
    assert listed(driver, customer, name) == []
