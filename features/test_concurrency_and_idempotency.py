"""Steps of concurrency_and_idempotency.feature."""

from __future__ import annotations

from pytest_bdd import given, parsers, scenarios, then, when

from features.drivers import Driver, Outcome, Request
from features.support import Customer, act, at_once, done, words
from tests.support import FakeClock

scenarios("concurrency_and_idempotency.feature")

BILLING = "service:billing"


def keyed(customer: Customer, key: str) -> Request:
    """The billing service's request under `key` (made unique to her profile in this store)."""
    return Request(BILLING, idempotency_key=f"{key}:{customer.profile_id}")


@given(
    parsers.parse("the billing service changed her phone to {phone} with the idempotency key {key}")
)
def billing_changed_with_key(driver: Driver, customer: Customer, phone: str, key: str) -> None:
    done(act(driver, customer, "change_contact", keyed(customer, key), phone=phone))


@given(parsers.parse("{hours:d} hours have passed"))
def hours_passed(clock: FakeClock, hours: int) -> None:
    clock.advance(hours=hours)


@when(
    parsers.parse(
        "the billing service changes her phone to {phone}, expecting version {version:d}"
    ),
    target_fixture="outcome",
)
def billing_changes_expecting(
    driver: Driver, customer: Customer, phone: str, version: int
) -> Outcome:
    return act(
        driver,
        customer,
        "change_contact",
        Request(BILLING, expected_version=version),
        phone=phone,
    )


@when(
    parsers.parse(
        "the billing service changes her phone to {phone} with the idempotency key {key}"
    ),
    target_fixture="outcome",
)
def billing_changes_with_key(driver: Driver, customer: Customer, phone: str, key: str) -> Outcome:
    return act(driver, customer, "change_contact", keyed(customer, key), phone=phone)


@when(
    parsers.parse(
        "{count:d} services change her phone at the same moment, none expecting a version"
    ),
    target_fixture="outcome",
)
def race(driver: Driver, customer: Customer, count: int) -> Outcome:
    def write(index: int) -> Outcome:
        request = Request(f"service:writer-{index}")
        return act(driver, customer, "change_contact", request, phone=f"514 555 019{index}")

    return Outcome(answer=at_once([lambda i=i: write(i) for i in range(1, count + 1)]))


@then(parsers.parse("it gets the first response again: version {version:d} with {events}"))
def first_response(outcome: Outcome, version: int, events: str) -> None:
    assert not outcome.refused, outcome.message
    assert (outcome.version, list(outcome.events)) == (version, words(events))


@then("each command is either accepted or refused with version_conflict")
def accepted_or_conflict(outcome: Outcome) -> None:
    assert all(o.code in (None, "version_conflict") for o in outcome.answer), [
        o.code for o in outcome.answer
    ]


@then("at least one is accepted")
def one_accepted(outcome: Outcome) -> None:
    assert any(not o.refused for o in outcome.answer)


@then("her recorded versions run from 1 without gaps, one per accepted command")
def no_gaps(driver: Driver, customer: Customer, outcome: Outcome) -> None:
    accepted = [o for o in outcome.answer if not o.refused]
    versions = [e.version for e in driver.audit(customer.profile_id)]
    assert versions == list(range(1, len(accepted) + 2))
    assert sorted(o.version for o in accepted) == versions[1:]
