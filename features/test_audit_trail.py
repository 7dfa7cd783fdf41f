"""Steps of audit_trail.feature."""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from typing import Any

from pytest_bdd import given, parsers, scenarios, then, when

from features.drivers import Driver, Outcome, Recorded, Request
from features.support import STRONG_PASSWORD, Customer, act, done, nothing

scenarios("audit_trail.feature")

CARD_NUMBER = re.compile(r"(?:\d[ -]?){12,}")


def entries_of(driver: Driver, customer: Customer, outcome: Outcome) -> list[Recorded]:
    if isinstance(outcome.answer, list):
        return outcome.answer
    return driver.audit(customer.profile_id)


def trail_text(driver: Driver, customer: Customer) -> str:
    return json.dumps([asdict(e) for e in driver.audit(customer.profile_id, limit=1000)])


@given(parsers.parse("support agent {agent} changed her phone to {phone}"))
def support_changed_phone(driver: Driver, customer: Customer, agent: str, phone: str) -> None:
    done(act(driver, customer, "change_contact", Request(f"support:{agent}"), phone=phone))


@given("she gave a wrong current password once")
def wrong_once(driver: Driver, customer: Customer) -> None:
    args = {"current_password": "not my password 123", "new_password": STRONG_PASSWORD + "!"}
    assert act(driver, customer, "change_password", **args).code == "wrong_password"


@when("an auditor reads her audit trail", target_fixture="outcome")
def reads_trail(driver: Driver, customer: Customer) -> Outcome:
    return Outcome(answer=driver.audit(customer.profile_id))


@when(
    parsers.parse("an auditor reads her audit trail for the section {section}"),
    target_fixture="outcome",
)
def reads_section(driver: Driver, customer: Customer, section: str) -> Outcome:
    return Outcome(answer=driver.audit(customer.profile_id, section=section))


@when(
    parsers.parse("an auditor reads {limit:d} entries of her audit trail after her first entry"),
    target_fixture="outcome",
)
def reads_page(driver: Driver, customer: Customer, limit: int) -> Outcome:
    first = driver.audit(customer.profile_id, limit=1)[0]
    return Outcome(answer=driver.audit(customer.profile_id, after=first.position, limit=limit))


@given("an auditor has read every audit entry recorded so far", target_fixture="bookmark")
def bookmarked(driver: Driver) -> int:
    return driver.head()


@when("the auditor reads every profile's entries recorded since", target_fixture="outcome")
def follows_all(driver: Driver, bookmark: int) -> Outcome:
    return Outcome(answer=driver.audit(None, after=bookmark))


@when(
    parsers.parse(
        "support agent {agent} changes her phone to {phone} in the request {correlation_id}"
    ),
    target_fixture="outcome",
)
def support_changes_phone(
    driver: Driver, customer: Customer, agent: str, phone: str, correlation_id: str
) -> Outcome:
    request = Request(f"support:{agent}", correlation_id=correlation_id)
    return act(driver, customer, "change_contact", request, phone=phone)


@when(parsers.parse("she changes her email to {email}"), target_fixture="outcome")
def changes_email(driver: Driver, customer: Customer, email: str) -> Outcome:
    return act(driver, customer, "change_contact", email=email)


@then("the entries are:")
def entries_are(outcome: Outcome, datatable: list[list[str]]) -> None:
    header, *rows = datatable
    shown = [
        [str(getattr(e, "name" if h == "event" else h)) for h in header] for e in outcome.answer
    ]
    assert shown == rows


@then("the entries are, across profiles:")
def entries_across(
    outcome: Outcome, customer: Customer, other_customer: Customer, datatable: list[list[str]]
) -> None:
    names = {c.profile_id: f"{c.first_name} {c.last_name}" for c in (customer, other_customer)}
    shown = [[names[e.profile_id], str(e.version), e.name] for e in outcome.answer]
    assert shown == datatable[1:]


@then(
    parsers.parse(
        "the entry of version {version:d} shows the {field} changed from {before} to {after}"
    )
)
def entry_shows(
    driver: Driver,
    customer: Customer,
    outcome: Outcome,
    version: int,
    field: str,
    before: str,
    after: str,
) -> None:
    [entry] = [e for e in entries_of(driver, customer, outcome) if e.version == version]
    assert entry.changes[field] == (nothing(before), nothing(after))


@then(
    parsers.parse(
        "her audit trail ends with {event} by {actor} at {at} in the request {correlation_id}"
    )
)
def trail_ends_with(
    driver: Driver, customer: Customer, event: str, actor: str, at: str, correlation_id: str
) -> None:
    last = driver.audit(customer.profile_id)[-1]
    assert (last.name, last.actor, last.at, last.correlation_id) == (
        event,
        actor,
        at,
        correlation_id,
    )


@then("no password or password hash appears in her audit trail")
def no_password(driver: Driver, customer: Customer) -> None:
    text = trail_text(driver, customer)
    for secret in (STRONG_PASSWORD, customer.password, "not my password 123", "$argon2"):
        assert secret not in text


@then("no card number appears in her audit trail")
def no_card_number(driver: Driver, customer: Customer, card_number: str) -> None:
    text = trail_text(driver, customer)
    assert card_number not in text and card_number.replace(" ", "") not in text
    changes = json.dumps([e.changes for e in driver.audit(customer.profile_id, limit=1000)])
    assert CARD_NUMBER.search(changes) is None, "no run of 12 digits or more in any change"


@then(parsers.re(r"her audit trail has (?P<count>\d+) entr(y|ies)"), converters={"count": int})
def trail_has(driver: Driver, customer: Customer, count: int) -> None:
    assert len(driver.audit(customer.profile_id)) == count


@then("their positions only increase")
def positions_increase(outcome: Outcome) -> None:
    positions: list[Any] = [e.position for e in outcome.answer]
    assert positions == sorted(positions) and len(set(positions)) == len(positions)
