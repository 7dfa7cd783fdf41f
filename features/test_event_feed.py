"""Steps of event_feed.feature."""

from __future__ import annotations

import json
import re
from typing import Any

from pytest_bdd import given, parsers, scenarios, then, when

from features.drivers import Driver, Outcome
from features.support import Customer, nothing

scenarios("event_feed.feature")

CARD_NUMBER = re.compile(r"(?:\d[ -]?){12,}")


def hers(customer: Customer, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in events if e["subject"] == customer.profile_id]


def read_all(driver: Driver, after: int | None, limit: int = 1000) -> list[dict[str, Any]]:
    outcome = driver.events(after=after, limit=limit)
    assert not outcome.refused, outcome.message
    events: list[dict[str, Any]] = outcome.answer["events"]
    return events


@given("a service has read every event recorded so far", target_fixture="bookmark")
def bookmarked(driver: Driver) -> int:
    return driver.head()


@when("the service reads the events recorded since", target_fixture="outcome")
def reads_since(driver: Driver, customer: Customer, bookmark: int) -> Outcome:
    return Outcome(answer=hers(customer, read_all(driver, bookmark)))


@when("the service reads her events", target_fixture="outcome")
def reads_hers(driver: Driver, customer: Customer, scenario_start: int) -> Outcome:
    return Outcome(answer=hers(customer, read_all(driver, scenario_start)))


@when(
    parsers.parse("the service reads the events recorded since, {limit:d} at a time"),
    target_fixture="outcome",
)
def reads_pages(driver: Driver, customer: Customer, bookmark: int, limit: int) -> Outcome:
    pages: list[list[int]] = []
    after: int | None = bookmark
    while after is not None:
        answer = driver.events(after=after, limit=limit).answer
        pages.append([e["data"]["version"] for e in hers(customer, answer["events"])])
        after = answer["next_after"]
    return Outcome(answer=pages)


@then("the events are:")
def events_are(outcome: Outcome, datatable: list[list[str]]) -> None:
    header, *rows = datatable
    shown = [
        [str(event[h] if h == "type" else event["data"][h]) for h in header]
        for event in outcome.answer
    ]
    assert shown == rows


@then("each event is named by her profile and its version")
def named(outcome: Outcome, customer: Customer) -> None:
    for event in outcome.answer:
        assert event["id"] == f"{customer.profile_id}:{event['data']['version']}"
        assert (event["specversion"], event["source"]) == ("1.0", "/profiles")
        assert event["datacontenttype"] == "application/json"


@then("their positions only increase")
def positions_increase(outcome: Outcome) -> None:
    positions = [event["position"] for event in outcome.answer]
    assert positions == sorted(set(positions))


@then("each event carries the content of her audit entry")
def as_audited(driver: Driver, customer: Customer, outcome: Outcome) -> None:
    entries = driver.audit(customer.profile_id, limit=1000)
    assert [e["data"]["version"] for e in outcome.answer] == [e.version for e in entries]
    for event, entry in zip(outcome.answer, entries, strict=True):
        data = event["data"]
        assert (data["actor"], data["correlation_id"], data["section"]) == (
            entry.actor, entry.correlation_id, entry.section
        )
        assert {c["field"]: (c["before"], c["after"]) for c in data["changes"]} == entry.changes
        assert (event["type"], event["position"]) == (f"profile.{entry.name}.v1", entry.position)


@then(
    parsers.parse(
        "the event of version {version:d} shows the {field} changed from {before} to {after}"
    )
)
def event_shows(outcome: Outcome, version: int, field: str, before: str, after: str) -> None:
    [event] = [e for e in outcome.answer if e["data"]["version"] == version]
    changes = {c["field"]: (c["before"], c["after"]) for c in event["data"]["changes"]}
    assert changes[field] == (nothing(before), nothing(after))


@then("no card number appears in the events")
def no_card_number(outcome: Outcome, card_number: str) -> None:
    text = json.dumps(outcome.answer)
    assert card_number not in text and card_number.replace(" ", "") not in text
    changes = json.dumps([e["data"]["changes"] for e in outcome.answer])
    assert CARD_NUMBER.search(changes) is None, "no run of 12 digits or more in any change"


@then(parsers.parse("the pages hold the versions {first:d} and {second:d}, then {third:d}"))
def pages_hold(outcome: Outcome, first: int, second: int, third: int) -> None:
    assert [page for page in outcome.answer if page] == [[first, second], [third]]
