"""The features' fixtures (a fresh SQLite store and a driver per scenario) and shared steps."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_bdd import given, parsers, then

from adapters.bootstrap import Container, build
from features.drivers import Driver, Outcome, Recorded
from features.support import Customer, register, words
from tests.support import FakeClock, store_settings


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def container(tmp_path: Path, clock: FakeClock) -> Iterator[Container]:
    built = build(store_settings("sqlite", tmp_path), clock=clock)
    yield built
    built.close()


@pytest.fixture
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


def recorded_under(driver: Driver, outcome: Outcome) -> list[Recorded]:
    """Every audit entry, in any profile, caused by the request of the outcome."""
    return [e for e in driver.audit(None, limit=1000) if e.correlation_id == outcome.correlation_id]


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


@then(parsers.re(r"the (?:command|question) is refused with (?P<code>[a-z_]+) on (?P<field>[a-z_.]+)"))
def refused_on(outcome: Outcome, code: str, field: str) -> None:
    refused(outcome, code)
    named = [f for f in outcome.fields if f == field or f.startswith(f"{field}.")]
    assert named, f"the refusal names {outcome.fields}, not {field}"


@then(parsers.parse("the events recorded are {names}"))
def events_recorded(driver: Driver, outcome: Outcome, names: str) -> None:
    expected = words(names)
    if not outcome.refused:
        assert list(outcome.events) == expected
    assert [e.name for e in recorded_under(driver, outcome)] == expected


@then("no event is recorded")
def no_event(driver: Driver, outcome: Outcome) -> None:
    assert recorded_under(driver, outcome) == []


@then(parsers.re(r"her profile is (still )?at version (?P<version>\d+)"), converters={"version": int})
def at_version(driver: Driver, customer: Customer, version: int) -> None:
    assert driver.view(customer.profile_id)["version"] == version
