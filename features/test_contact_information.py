"""Steps of contact_information.feature (section A)."""

from __future__ import annotations

from typing import Any

from pytest_bdd import given, parsers, scenarios, then, when

from features.drivers import Driver, Outcome
from features.support import Customer, act, at_once, done

scenarios("contact_information.feature")

FIELDS = {
    "first name": "first_name",
    "last name": "last_name",
    "email": "email",
    "phone": "phone",
    "street": "address.line1",
    "city": "address.city",
    "region": "address.region",
    "postal code": "address.postal_code",
    "country": "address.country",
}


def patch(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """[("email", x), ("country", y)] -> {"email": x, "address": {"country": y}}."""
    data: dict[str, Any] = {}
    for label, value in pairs:
        name = FIELDS[label]
        if name.startswith("address."):
            data.setdefault("address", {})[name.removeprefix("address.")] = value
        else:
            data[name] = value
    return data


def read(view: dict[str, Any], label: str) -> Any:
    name = FIELDS[label]
    if name.startswith("address."):
        return view["address"][name.removeprefix("address.")]
    return view[name]


@given(parsers.parse("she moved to {postal_code}, {country}"))
def moved(driver: Driver, customer: Customer, postal_code: str, country: str) -> None:
    done(
        act(
            driver,
            customer,
            "change_contact",
            **patch([("postal code", postal_code), ("country", country)]),
        )
    )


@when(parsers.parse("she changes her {label} to {value}"), target_fixture="outcome")
def changes_one(driver: Driver, customer: Customer, label: str, value: str) -> Outcome:
    return act(driver, customer, "change_contact", **patch([(label, value)]))


@when("she changes her contact information to:", target_fixture="outcome")
def changes_many(driver: Driver, customer: Customer, datatable: list[list[str]]) -> Outcome:
    return act(driver, customer, "change_contact", **patch([(row[0], row[1]) for row in datatable]))


@when(
    parsers.parse("she and {name} change their email to {email} at the same moment"),
    target_fixture="outcome",
)
def change_at_once(
    driver: Driver, customer: Customer, other_customer: Customer, email: str
) -> Outcome:
    return Outcome(answer=at_once([
        lambda who=who: act(driver, who, "change_contact", email=email)
        for who in (customer, other_customer)
    ]))


@when(parsers.parse("she moves to {postal_code}, {country}"), target_fixture="outcome")
def moves(driver: Driver, customer: Customer, postal_code: str, country: str) -> Outcome:
    return act(
        driver,
        customer,
        "change_contact",
        **patch([("postal code", postal_code), ("country", country)]),
    )


@then(parsers.parse("her {label} is {value}"))
def reads(driver: Driver, customer: Customer, label: str, value: str) -> None:
    assert read(driver.view(customer.profile_id), label) == value


@then(parsers.parse("the ContactChanged event carries only the {label}"))
def carries_only(driver: Driver, customer: Customer, outcome: Outcome, label: str) -> None:
    [entry] = [
        e for e in driver.audit(customer.profile_id) if e.correlation_id == outcome.correlation_id
    ]
    assert entry.name == "ContactChanged"
    assert list(entry.changes) == [FIELDS[label]]
