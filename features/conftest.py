"""The features' fixtures (a store and driver per run, a clock per scenario) and shared steps.

The store is shared by every scenario of a run (building the HTTP app once keeps the HTTP run
fast); each scenario registers its own profiles and reads only what it recorded itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import suppress

import pytest
from eventsourcing.utils import get_topic
from pytest_bdd import given, parsers, then

from adapters.bootstrap import Container, build
from application.context import CommandContext
from domain.errors import ProfileWasErased
from domain.events import ProfileRegistered
from features.drivers import Driver, Outcome, Recorded
from features.support import Customer, register, words
from tests.support import FakeClock, store_settings

START = FakeClock().current


@pytest.fixture(scope="session")
def shared_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def clock(shared_clock: FakeClock) -> FakeClock:
    """The clock, back at 2026-03-01 12:00 UTC when a scenario starts; steps move it."""
    shared_clock.current = START
    return shared_clock


@pytest.fixture(scope="session")
def container(
    tmp_path_factory: pytest.TempPathFactory, shared_clock: FakeClock
) -> Iterator[Container]:
    built = build(store_settings("sqlite", tmp_path_factory.mktemp("features")), clock=shared_clock)
    yield built
    built.close()


@pytest.fixture(scope="session")
def driver(request: pytest.FixtureRequest, container: Container) -> Iterator[Driver]:
    chosen: Driver
    if request.config.getoption("--driver") == "http":
        from features.http_driver import HttpDriver

        chosen = HttpDriver(container)
    else:
        from features.app_driver import AppDriver

        chosen = AppDriver(container)
    yield chosen
    chosen.close()


@pytest.fixture(autouse=True)
def scenario_start(driver: Driver, clock: FakeClock, container: Container) -> Iterator[int]:
    """The position of the last event recorded before the scenario (and the clock reset).

    Afterwards the people the scenario registered are forgotten, so that their e-mail
    addresses are free for the next scenario (an address belongs to one profile at a time)."""
    start = driver.head()
    yield start
    registered = container.service.recorder.select_notifications(
        start=start, limit=10_000, inclusive_of_start=False, topics=[get_topic(ProfileRegistered)]
    )
    for notification in registered:
        with suppress(ProfileWasErased):
            container.service.erase(
                notification.originator_id, "retention_expired", CommandContext.system()
            )


def recorded_under(driver: Driver, outcome: Outcome, scenario_start: int) -> list[Recorded]:
    """Every audit entry, in any profile, caused by the request of the outcome."""
    entries = driver.audit(None, after=scenario_start, limit=1000)
    return [e for e in entries if e.correlation_id == outcome.correlation_id]


# Past events everyone needs


@given(
    parsers.re(r"(?P<first_name>\S+) (?P<last_name>\S+) registered with the email (?P<email>\S+)$"),
    target_fixture="customer",
)
def registered(driver: Driver, first_name: str, last_name: str, email: str) -> Customer:
    return register(driver, first_name, last_name, email)


# Outcomes


@then("the command is accepted")
def accepted(outcome: Outcome) -> None:
    assert not outcome.refused, f"refused with {outcome.code}: {outcome.message}"


@then(parsers.parse("the command is accepted at version {version:d}"))
def accepted_at(outcome: Outcome, version: int) -> None:
    accepted(outcome)
    assert outcome.version == version


@then(parsers.re(r"the (?:command|question) is refused with (?P<code>[a-z_]+)"))
def refused(outcome: Outcome, code: str) -> None:
    assert outcome.code == code, f"expected {code}, got {outcome.code or 'acceptance'}"
    assert outcome.message, "a refusal explains itself"


@then(
    parsers.re(
        r"the (?:command|question) is refused with (?P<code>[a-z_]+) on (?P<field>[a-z0-9_.]+)"
    )
)
def refused_on(outcome: Outcome, code: str, field: str) -> None:
    refused(outcome, code)
    named = [f for f in outcome.fields if f == field or f.startswith(f"{field}.")]
    assert named, f"the refusal names {outcome.fields}, not {field}"


@then(
    parsers.re(r"one is accepted and (?P<count>\d+) (?:is|are) refused with (?P<code>[a-z_]+) "
               r"on (?P<field>[a-z_.]+)"),
    converters={"count": int},
)
def one_of_the_racers_wins(
    driver: Driver, outcome: Outcome, scenario_start: int, count: int, code: str, field: str
) -> None:
    racers: list[Outcome] = outcome.answer
    assert [o.refused for o in racers].count(False) == 1, [o.code for o in racers]
    losers = [o for o in racers if o.refused]
    assert len(losers) == count
    for loser in losers:
        refused_on(loser, code, field)
        no_event(driver, loser, scenario_start)


@then(parsers.parse("the email {email} leads to the accepted profile"))
def leads_to_the_winner(driver: Driver, outcome: Outcome, email: str) -> None:
    winner = next(o for o in outcome.answer if not o.refused)
    assert driver.holder_of(email).answer == {"profile_id": winner.profile_id}


@then(parsers.parse("the events recorded are {names}"))
def events_recorded(driver: Driver, outcome: Outcome, scenario_start: int, names: str) -> None:
    expected = words(names)
    if not outcome.refused:
        assert list(outcome.events) == expected
    assert [e.name for e in recorded_under(driver, outcome, scenario_start)] == expected


@then("no event is recorded")
def no_event(driver: Driver, outcome: Outcome, scenario_start: int) -> None:
    assert recorded_under(driver, outcome, scenario_start) == []


@then(
    parsers.re(r"her profile is (still )?at version (?P<version>\d+)"), converters={"version": int}
)
def at_version(driver: Driver, customer: Customer, version: int) -> None:
    assert driver.view(customer.profile_id)["version"] == version
