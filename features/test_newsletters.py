"""Steps of newsletters.feature (section G)."""

from __future__ import annotations

from datetime import datetime

from pytest_bdd import given, parsers, scenarios, then, when

from features.drivers import Driver, Outcome, Request
from features.steps.past_events import subscription
from features.support import Customer, act, done, words, yes

scenarios("newsletters.feature")


@given(parsers.parse("she {choice} domain suggestions in her preferences"))
def chose_suggestions(driver: Driver, customer: Customer, choice: str) -> None:
    done(act(driver, customer, "change_preferences", domain_suggestions=choice == "accepted"))


@when(
    parsers.parse(
        "she subscribes to {categories} through the {channel}, "
        "having read version {version} of the consent text in {language}"
    ),
    target_fixture="outcome",
)
def subscribes(
    driver: Driver, customer: Customer, categories: str, channel: str, version: str, language: str
) -> Outcome:
    return act(
        driver,
        customer,
        "subscribe_newsletters",
        **subscription(categories, channel, version, language),
    )


@when(
    parsers.parse(
        "support agent {agent} subscribes her to {categories}, "
        "consent given through {channel} with text {version} in {language}"
    ),
    target_fixture="outcome",
)
def support_subscribes(
    driver: Driver,
    customer: Customer,
    agent: str,
    categories: str,
    channel: str,
    version: str,
    language: str,
) -> Outcome:
    request = Request(f"support:{agent}")
    args = subscription(categories, channel, version, language)
    return act(driver, customer, "subscribe_newsletters", request, **args)


@when("she unsubscribes from the newsletters", target_fixture="outcome")
def unsubscribes(driver: Driver, customer: Customer) -> Outcome:
    return act(driver, customer, "unsubscribe_newsletters")


@when(parsers.parse("the mailer asks whether it may send her {kind}"), target_fixture="outcome")
def asks_may_send(driver: Driver, customer: Customer, kind: str) -> Outcome:
    return driver.may_send(customer.profile_id, kind)


@then(parsers.parse("she receives {categories}"))
def receives(driver: Driver, customer: Customer, categories: str) -> None:
    newsletters = driver.view(customer.profile_id)["newsletters"]
    expected = [] if categories == "no newsletter" else sorted(words(categories))
    assert sorted(newsletters["categories"]) == expected
    if not expected:
        assert newsletters["unsubscribed_at"] is not None


@then(
    parsers.parse(
        "her consent to {category} records: at {at}, by {actor}, via {channel}, "
        "text {version}, in {language}"
    )
)
def consent_records(
    driver: Driver,
    customer: Customer,
    category: str,
    at: str,
    actor: str,
    channel: str,
    version: str,
    language: str,
) -> None:
    consent = driver.view(customer.profile_id)["newsletters"]["consents"][category]
    expected = {"actor": actor, "channel": channel, "text_version": version, "language": language}
    assert {k: consent[k] for k in expected} == expected
    assert datetime.fromisoformat(consent["at"]) == datetime.fromisoformat(at)


@then(parsers.parse('the answer is {answer}, because "{reason}"'))
def answer_is(outcome: Outcome, answer: str, reason: str) -> None:
    assert not outcome.refused, outcome.message
    assert outcome.answer["allowed"] is yes(answer)
    assert reason in outcome.answer["reason"]


@given(parsers.parse("he subscribed to {categories}"))
def he_subscribed(driver: Driver, other_customer: Customer, categories: str) -> None:
    done(act(driver, other_customer, "subscribe_newsletters", **subscription(categories)))


@when(parsers.parse("the mailer asks for the audience of {category}"), target_fixture="outcome")
def asks_audience(driver: Driver, category: str) -> Outcome:
    return Outcome(answer=driver.audience(category))


@then(
    parsers.re(
        r"the audience (?P<verdict>includes|does not include) "
        r"(?P<first_name>\S+) (?P<last_name>\S+)"
    )
)
def audience_has(
    outcome: Outcome,
    customer: Customer,
    other_customer: Customer,
    verdict: str,
    first_name: str,
    last_name: str,
) -> None:
    [person] = [c for c in (customer, other_customer) if c.first_name == first_name]
    assert (person.profile_id in outcome.answer) is (verdict == "includes")


@when("an auditor reads her consent ledger", target_fixture="outcome")
def reads_consent_ledger(driver: Driver, customer: Customer) -> Outcome:
    return driver.consents(customer.profile_id)


@then("the ledger lists, oldest first:")
def ledger_lists(outcome: Outcome, customer: Customer, datatable: list[list[str]]) -> None:
    header, *rows = datatable
    assert header == ["purpose", "state", "version", "text"]
    listed = [
        [r["purpose"], r["state"], str(r["version"]), r["text_version"] or ""]
        for r in outcome.answer["consents"]
    ]
    assert listed == rows
    for record in outcome.answer["consents"]:
        assert record["actor"] == customer.actor and record["at"]
