"""Steps of history.feature: time travel over the events."""

from __future__ import annotations

from datetime import datetime
from uuid import uuid4

from pytest_bdd import given, parsers, scenarios, then, when

from domain.sections.credit_card import BRAND_NAMES
from features.drivers import Driver, Outcome
from features.support import Customer, act, done, register
from tests.support import FakeClock

scenarios("history.feature")

ON = r"on (?P<date>\S+) at (?P<time>\S+), "


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def set_clock(clock: FakeClock, date: str, time: str) -> None:
    clock.current = instant(f"{date}T{time}:00Z")


@given(
    parsers.re(
        ON + r"(?P<first_name>\S+) (?P<last_name>\S+) registered with the email (?P<email>\S+)"
    ),
    target_fixture="customer",
)
def registered_on(
    driver: Driver,
    clock: FakeClock,
    date: str,
    time: str,
    first_name: str,
    last_name: str,
    email: str,
) -> Customer:
    set_clock(clock, date, time)
    return register(driver, first_name, last_name, email)


@given(parsers.re(ON + r"she changed her email to (?P<email>\S+)"))
def changed_email_on(
    driver: Driver, customer: Customer, clock: FakeClock, date: str, time: str, email: str
) -> None:
    set_clock(clock, date, time)
    done(act(driver, customer, "change_contact", email=email))


@given(
    parsers.re(
        ON + r"she registered the card (?P<number>[\d ]+) expiring (?P<month>\d+)/(?P<year>\d+)"
    )
)
def registered_card_on(
    driver: Driver,
    customer: Customer,
    clock: FakeClock,
    date: str,
    time: str,
    number: str,
    month: str,
    year: str,
) -> None:
    set_clock(clock, date, time)
    holder = f"{customer.first_name} {customer.last_name}"
    args = {"holder_name": holder, "number": number, "exp_month": int(month), "exp_year": int(year)}
    done(act(driver, customer, "register_card", **args))


@when(
    parsers.parse("an auditor asks what her profile looked like at {at}"), target_fixture="outcome"
)
def asks_at(driver: Driver, customer: Customer, at: str) -> Outcome:
    return driver.profile_at(customer.profile_id, as_of=instant(at))


@when(
    parsers.parse("an auditor asks for version {version:d} of her profile"),
    target_fixture="outcome",
)
def asks_version(driver: Driver, customer: Customer, version: int) -> Outcome:
    return driver.profile_at(customer.profile_id, version=version)


@when(
    parsers.parse("an auditor asks for version {version:d} of an unknown profile"),
    target_fixture="outcome",
)
def asks_unknown(driver: Driver, version: int) -> Outcome:
    return driver.profile_at(str(uuid4()), version=version)


@then(parsers.parse("it was at version {version:d}, with the email {email} and {card}"))
def it_was(outcome: Outcome, version: int, email: str, card: str) -> None:
    assert not outcome.refused, outcome.message
    state = outcome.answer
    assert (state["version"], state["email"]) == (version, email)
    shown = state["card"]
    described = (
        "no card"
        if shown is None
        else f"a {BRAND_NAMES[shown['brand']]} card ending {shown['last4']}"
    )
    assert described == card


@then("the card is shown only by its brand, last 4 digits, expiry and holder name")
def card_summary_only(outcome: Outcome) -> None:
    assert set(outcome.answer["card"]) == {"brand", "last4", "exp_month", "exp_year", "holder_name"}


@then(
    parsers.parse(
        "the card number {number} appears nowhere in what the service shows of her profile"
    )
)
def number_nowhere(driver: Driver, customer: Customer, outcome: Outcome, number: str) -> None:
    shown = driver.disclosed(customer.profile_id) + repr(outcome.answer)
    assert number not in shown and number.replace(" ", "") not in shown
