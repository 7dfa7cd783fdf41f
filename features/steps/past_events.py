"""Givens that several features share: things the customer did before the scenario starts."""

from __future__ import annotations

from dataclasses import dataclass

from pytest_bdd import given, parsers

from features.drivers import Driver, Request
from features.support import Customer, act, done, register, words


@dataclass(frozen=True)
class Contact:
    """An account contact the customer added, with the id the service gave it."""

    contact_id: str
    name: str


def contact_id_of(who: str, contact: Contact | None) -> str:
    """'the holder', 'the contact <id>' or the name of the contact added in a Given."""
    if who == "the holder":
        return "holder"
    if who.startswith("the contact "):
        return who.removeprefix("the contact ")
    assert contact is not None and contact.name == who, f"no contact {who} was added"
    return contact.contact_id


@given(
    parsers.parse("she added {name}, {email}, as a contact for {roles}"), target_fixture="contact"
)
def added_contact(driver: Driver, customer: Customer, name: str, email: str, roles: str) -> Contact:
    outcome = done(act(driver, customer, "add_contact", name=name, email=email, roles=words(roles)))
    assert outcome.contact_id is not None
    return Contact(outcome.contact_id, name)


@given(parsers.parse("she made {name} her billing contact"))
def made_billing_contact(driver: Driver, customer: Customer, contact: Contact, name: str) -> None:
    contact_id = contact_id_of(name, contact)
    done(act(driver, customer, "change_preferences", billing_contact_id=contact_id))


@given(
    parsers.parse("she registered the card {number} expiring {month:d}/{year:d}"),
    target_fixture="card_number",
)
def registered_card(driver: Driver, customer: Customer, number: str, month: int, year: int) -> str:
    holder = f"{customer.first_name} {customer.last_name}"
    done(
        act(
            driver,
            customer,
            "register_card",
            holder_name=holder,
            number=number,
            exp_month=month,
            exp_year=year,
        )
    )
    return number


@given(parsers.parse("she linked her {network} account {url}"))
def linked(driver: Driver, customer: Customer, network: str, url: str) -> None:
    done(act(driver, customer, "link_social", network=network, url=url))


def subscription(
    categories: str, channel: str = "portal", version: str = "v3", language: str = "fr"
) -> dict[str, object]:
    consent = {"channel": channel, "text_version": version, "language": language}
    return {"categories": words(categories), "consent": consent}


@given(parsers.parse("she subscribed to {categories}"))
def subscribed(driver: Driver, customer: Customer, categories: str) -> None:
    done(act(driver, customer, "subscribe_newsletters", **subscription(categories)))


@given("she unsubscribed from the newsletters")
def unsubscribed(driver: Driver, customer: Customer) -> None:
    done(act(driver, customer, "unsubscribe_newsletters"))


@given(
    parsers.re(
        r"(?P<first_name>\S+) (?P<last_name>\S+) also registered with the email (?P<email>\S+)"
    ),
    target_fixture="other_customer",
)
def also_registered(driver: Driver, first_name: str, last_name: str, email: str) -> Customer:
    return register(driver, first_name, last_name, email)


@given(parsers.parse("she changed her email to {email}"))
def changed_email(driver: Driver, customer: Customer, email: str) -> None:
    done(act(driver, customer, "change_contact", email=email))


@given(parsers.parse('she changed her password to "{password}"'), target_fixture="customer")
def changed_password(driver: Driver, customer: Customer, password: str) -> Customer:
    args = {"current_password": customer.password, "new_password": password}
    done(act(driver, customer, "change_password", **args))
    return customer.with_password(password)


REASONS = {
    "she asked": "customer_request",
    "the retention period expired": "retention_expired",
    "a legal obligation requires it": "legal_obligation",
}


def basis_of(reason: str) -> str:
    """The legal basis said in words ('she asked'), or as unknown words stand."""
    return REASONS.get(reason, reason.replace(" ", "_"))


@given(parsers.parse("her profile was erased because {reason}"))
def erased(driver: Driver, customer: Customer, reason: str) -> None:
    done(act(driver, customer, "erase", Request("support:privacy-officer"), basis=basis_of(reason)))


@given(parsers.parse("she changed her phone to {phone}"))
def changed_phone(driver: Driver, customer: Customer, phone: str) -> None:
    done(act(driver, customer, "change_contact", phone=phone))
