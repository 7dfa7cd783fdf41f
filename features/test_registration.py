"""Steps of registration.feature."""

from __future__ import annotations

from uuid import uuid4

from pytest_bdd import parsers, scenarios, then, when

from features.drivers import Command, Driver, Outcome, Request
from features.support import at_once, registration, yes

scenarios("registration.feature")

PREFERENCES = {
    "billing contact": "billing_contact_id",
    "communication channel": "communication_channel",
    "language": "language",
    "pdf invoices": "pdf_invoices",
    "domain suggestions": "domain_suggestions",
}


@when(
    parsers.parse("{first_name} {last_name} registers with the email {email}"),
    target_fixture="outcome",
)
def registers(driver: Driver, first_name: str, last_name: str, email: str) -> Outcome:
    data = registration(first_name, last_name, email)
    return driver.send(Command("register", None, data), Request(f"customer:{first_name.lower()}"))


@when(
    parsers.parse("{count:d} people register with the email {email} at the same moment"),
    target_fixture="outcome",
)
def register_at_once(driver: Driver, count: int, email: str) -> Outcome:
    def send(index: int) -> Outcome:
        data = registration("Racer", f"Number{index}", email)
        return driver.send(Command("register", None, data), Request(f"customer:racer-{index}"))

    return Outcome(answer=at_once([lambda i=i: send(i) for i in range(count)]))


@then(parsers.parse("the email {email} leads to her new profile"))
def leads_to_her(driver: Driver, outcome: Outcome, email: str) -> None:
    assert driver.holder_of(email).answer == {"profile_id": outcome.profile_id}


@when(
    parsers.parse("{first_name} {last_name} registers without a last name"),
    target_fixture="outcome",
)
def registers_without_last_name(driver: Driver, first_name: str, last_name: str) -> Outcome:
    data = registration(first_name, last_name, "marie@example.com")
    del data["last_name"]
    return driver.send(Command("register", None, data), Request(f"customer:{first_name.lower()}"))


@when(
    parsers.parse("someone changes the email of an unknown profile to {email}"),
    target_fixture="outcome",
)
def changes_unknown_profile(driver: Driver, email: str) -> Outcome:
    command = Command("change_contact", str(uuid4()), {"email": email})
    return driver.send(command, Request("service:billing"))


@then("her preferences are:")
def preferences_are(driver: Driver, outcome: Outcome, datatable: list[list[str]]) -> None:
    assert outcome.profile_id is not None
    preferences = driver.view(outcome.profile_id)["preferences"]
    for label, value in datatable:
        actual = preferences[PREFERENCES[label]]
        expected: object = yes(value) if isinstance(actual, bool) else value
        assert actual == expected, f"{label}: {actual!r} is not {expected!r}"


@then("she is the holder contact of her account")
def holder_contact(driver: Driver, outcome: Outcome) -> None:
    assert outcome.profile_id is not None
    view = driver.view(outcome.profile_id)
    holder = view["contacts"][0]
    assert holder["contact_id"] == "holder"
    assert holder["name"] == f"{view['first_name']} {view['last_name']}"
    assert holder["email"] == view["email"]
