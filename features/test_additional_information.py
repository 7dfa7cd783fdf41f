"""Steps of additional_information.feature (section B)."""

from __future__ import annotations

from typing import Any

from pytest_bdd import given, parsers, scenarios, then, when

from features.drivers import Driver, Outcome
from features.support import Customer, act, done

scenarios("additional_information.feature")

FIELDS = {
    "company": "company",
    "VAT number": "vat_number",
    "job title": "job_title",
    "website": "website",
}
LABEL = "company|VAT number|job title|website"


@given(
    parsers.re(
        rf"she set her (?P<label>{LABEL}) to (?P<value>.+?)"
        rf"(?: and her (?P<label2>{LABEL}) to (?P<value2>.+))?$"
    )
)
def set_before(
    driver: Driver,
    customer: Customer,
    label: str,
    value: str,
    label2: str | None,
    value2: str | None,
) -> None:
    info: dict[str, str | None] = {FIELDS[label]: value}
    if label2 is not None:
        info[FIELDS[label2]] = value2
    done(act(driver, customer, "change_additional_info", **info))


@when("she sets her additional information to:", target_fixture="outcome")
def sets_all(driver: Driver, customer: Customer, datatable: list[list[str]]) -> Outcome:
    return act(driver, customer, "change_additional_info", **{FIELDS[k]: v for k, v in datatable})


@when(parsers.re(rf"she sets her (?P<label>{LABEL}) to (?P<value>.+)$"), target_fixture="outcome")
def sets_one(driver: Driver, customer: Customer, label: str, value: str) -> Outcome:
    return act(driver, customer, "change_additional_info", **{FIELDS[label]: value})


@when(parsers.re(rf"she clears her (?P<label>{LABEL})$"), target_fixture="outcome")
def clears(driver: Driver, customer: Customer, label: str) -> Outcome:
    return act(driver, customer, "change_additional_info", **{FIELDS[label]: None})


def info(driver: Driver, customer: Customer) -> dict[str, Any]:
    return dict(driver.view(customer.profile_id)["additional_info"])


@then("her additional information reads:")
def reads_all(driver: Driver, customer: Customer, datatable: list[list[str]]) -> None:
    current = info(driver, customer)
    assert {FIELDS[k]: v for k, v in datatable} == current


@then(parsers.re(rf"her (?P<label>{LABEL}) is (?P<value>.+)$"))
def reads_one(driver: Driver, customer: Customer, label: str, value: str) -> None:
    expected = None if value == "empty" else value
    assert info(driver, customer)[FIELDS[label]] == expected
