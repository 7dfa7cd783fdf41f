"""Steps of erasure.feature (privacy.md, "Erasure")."""

from __future__ import annotations

import json
from datetime import timedelta

from pytest_bdd import parsers, scenarios, then, when

from features.drivers import Command, Driver, Outcome, Request
from features.steps.past_events import basis_of
from features.support import Customer, act, registration, words
from tests.support import FakeClock

scenarios("erasure.feature")

OFFICER = Request("support:privacy-officer")
CONSENT = {"channel": "portal", "text_version": "v3", "language": "fr"}
CHANGES_PHONE = "changes her phone to "


@when(
    parsers.parse("a privacy officer erases her profile because {reason}"),
    target_fixture="outcome",
)
def erases(driver: Driver, customer: Customer, reason: str) -> Outcome:
    return act(driver, customer, "erase", OFFICER, basis=basis_of(reason))


@when("an auditor reads her audit trail", target_fixture="outcome")
def reads_audit(driver: Driver, customer: Customer) -> Outcome:
    return Outcome(answer=driver.audit(customer.profile_id, limit=1000))


@when(parsers.parse("an auditor asks for her profile {when}"), target_fixture="outcome")
def asks_for_profile(driver: Driver, customer: Customer, clock: FakeClock, when: str) -> Outcome:
    if when == "now":
        return driver.profile(customer.profile_id)
    if when == "at version 1":
        return driver.profile_at(customer.profile_id, version=1)
    return driver.profile_at(customer.profile_id, as_of=clock.current - timedelta(seconds=1))


@when(parsers.parse("she {does}"), target_fixture="outcome")
def does(driver: Driver, customer: Customer, does: str) -> Outcome:
    if does.startswith(CHANGES_PHONE):
        return act(driver, customer, "change_contact", phone=does.removeprefix(CHANGES_PHONE))
    if does == "subscribes to news":
        return act(driver, customer, "subscribe_newsletters", categories=["news"], consent=CONSENT)
    assert does == "is erased once more"
    return act(driver, customer, "erase", OFFICER, basis="customer_request")


@when(parsers.parse("the mailer asks whether it may send her {kind}"), target_fixture="outcome")
def asks_may_send(driver: Driver, customer: Customer, kind: str) -> Outcome:
    return driver.may_send(customer.profile_id, kind)


@when("an auditor reads her consent ledger", target_fixture="outcome")
def reads_consents(driver: Driver, customer: Customer) -> Outcome:
    return driver.consents(customer.profile_id)


@when(
    parsers.parse("{first_name} {last_name} registers with the email {email}"),
    target_fixture="outcome",
)
def registers(driver: Driver, first_name: str, last_name: str, email: str) -> Outcome:
    data = registration(first_name, last_name, email)
    return driver.send(Command("register", None, data), Request(f"customer:{first_name.lower()}"))


@then("her profile answers that it was erased")
def answers_erased(driver: Driver, customer: Customer) -> None:
    assert driver.profile(customer.profile_id).code == "profile_erased"


@then("nothing of her is left to read in any view, audit entry, past state or consent")
def nothing_left(driver: Driver, customer: Customer) -> None:
    shown = driver.disclosed(customer.profile_id)
    values = [
        customer.first_name, customer.last_name, customer.email, "514 555", "5145550",
        "Sainte-Catherine", "Montréal", "Montr\\u00e9al", "H3B 1K9", "4111", "1111 12/2030",
    ]
    found = [value for value in values if value in shown]
    assert found == [], f"still readable: {found}"
    assert "[erased]" in shown


@then(parsers.parse("her audit trail ends with ProfileErased in the section {section}"))
def audit_ends_with_erasure(driver: Driver, customer: Customer, section: str) -> None:
    last = driver.audit(customer.profile_id, limit=1000)[-1]
    assert (last.name, last.section) == ("ProfileErased", section)


@then(parsers.parse("it lists {names}"))
def lists(outcome: Outcome, names: str) -> None:
    assert [entry.name for entry in outcome.answer] == words(names)


@then('every change in it reads "[erased]" before and after')
def every_change_erased(outcome: Outcome) -> None:
    changes = [change for entry in outcome.answer for change in entry.changes.values()]
    assert changes and all(change == ("[erased]", "[erased]") for change in changes)
    fields = {field for entry in outcome.answer for field in entry.changes}
    assert {"first_name", "email", "phone"} <= fields  # what changed is still said


@then("each entry still tells when, by whom and through which request")
def skeleton_kept(outcome: Outcome, customer: Customer) -> None:
    for entry in outcome.answer:
        assert entry.at and entry.correlation_id and entry.position
        assert entry.actor in (customer.actor, OFFICER.actor)


@then(parsers.parse('the answer is no, because "{reason}"'))
def answer_no(outcome: Outcome, reason: str) -> None:
    assert outcome.answer == {"allowed": False, "reason": reason}


@then(parsers.parse("the audience of {category} does not include her"))
def not_in_audience(driver: Driver, customer: Customer, category: str) -> None:
    assert customer.profile_id not in driver.audience(category)


@then("each consent keeps only its purpose, state, instant and version")
def consents_skeleton(outcome: Outcome) -> None:
    consents = outcome.answer["consents"]
    assert consents
    for record in consents:
        kept = {name for name, value in record.items() if value is not None}
        assert kept == {"purpose", "state", "at", "version"}, json.dumps(record)
