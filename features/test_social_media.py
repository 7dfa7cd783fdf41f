"""Steps of social_media.feature (section F)."""

from __future__ import annotations

from pytest_bdd import parsers, scenarios, then, when

from features.drivers import Driver, Outcome
from features.support import Customer, act

scenarios("social_media.feature")


@when(parsers.parse("she links her {network} account {url}"), target_fixture="outcome")
def links(driver: Driver, customer: Customer, network: str, url: str) -> Outcome:
    return act(driver, customer, "link_social", network=network, url=url)


@when(parsers.parse("she unlinks her {network} account"), target_fixture="outcome")
def unlinks(driver: Driver, customer: Customer, network: str) -> Outcome:
    return act(driver, customer, "unlink_social", network=network)


@then(parsers.parse("her {network} link is {url}"))
def link_is(driver: Driver, customer: Customer, network: str, url: str) -> None:
    assert driver.view(customer.profile_id)["social"][network] == url


@then(parsers.parse("she has no {network} link"))
def no_link(driver: Driver, customer: Customer, network: str) -> None:
    assert network not in driver.view(customer.profile_id)["social"]
