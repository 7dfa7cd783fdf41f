"""Steps of password.feature (section D)."""

from __future__ import annotations

from pytest_bdd import given, parsers, scenarios, then, when

from features.drivers import Driver, Outcome
from features.support import Customer, act, done
from tests.support import FakeClock

scenarios("password.feature")

NEW_PASSWORD = "Velvet otters juggle 7 quiet lanterns"
WRONG_PASSWORD = "not my password 123"


def passphrase(length: int) -> str:
    words = "otters juggle quiet lanterns under violet harbour skies while herons sing "
    return (words * (length // len(words) + 1))[:length]


def change(driver: Driver, customer: Customer, new: str, current: str | None = None) -> Outcome:
    current = customer.password if current is None else current
    return act(driver, customer, "change_password", current_password=current, new_password=new)


def wrong_attempts(driver: Driver, customer: Customer, clock: FakeClock, times: int) -> None:
    for _ in range(times):
        outcome = change(driver, customer, NEW_PASSWORD, WRONG_PASSWORD)
        assert outcome.code == "wrong_password"
        clock.advance(minutes=2)


@given(
    parsers.parse("she changed her password to a passphrase of {length:d} characters"),
    target_fixture="customer",
)
def changed_to_passphrase(driver: Driver, customer: Customer, length: int) -> Customer:
    done(change(driver, customer, passphrase(length)))
    return customer.with_password(passphrase(length))


@given(parsers.parse("she gave a wrong current password {times:d} times in the last 10 minutes"))
def wrong_recently(driver: Driver, customer: Customer, clock: FakeClock, times: int) -> None:
    wrong_attempts(driver, customer, clock, times)


@given(
    parsers.parse(
        "she gave a wrong current password {times:d} times, the last one {minutes:d} minutes ago"
    )
)
def wrong_long_ago(
    driver: Driver, customer: Customer, clock: FakeClock, times: int, minutes: int
) -> None:
    wrong_attempts(driver, customer, clock, times)
    clock.advance(minutes=minutes - 2)


@when(parsers.parse('she changes her password to "{new}"'), target_fixture="outcome")
def changes(driver: Driver, customer: Customer, new: str) -> Outcome:
    return change(driver, customer, new)


@when(
    parsers.parse('she changes her password to "{new}" giving "{current}" as her current password'),
    target_fixture="outcome",
)
def changes_giving(driver: Driver, customer: Customer, new: str, current: str) -> Outcome:
    return change(driver, customer, new, current)


@when(
    parsers.parse("she changes her password to a passphrase of {length:d} characters"),
    target_fixture="outcome",
)
def changes_to_passphrase(driver: Driver, customer: Customer, length: int) -> Outcome:
    return change(driver, customer, passphrase(length))


@when(
    "she changes her password giving that passphrase without its last character "
    "as her current password",
    target_fixture="outcome",
)
def changes_giving_truncated(driver: Driver, customer: Customer) -> Outcome:
    return change(driver, customer, NEW_PASSWORD, customer.password[:-1])


@when(
    parsers.parse(
        'a service checks the strength of "{password}" for {first_name} {last_name}, {email}'
    ),
    target_fixture="outcome",
)
def checks_strength(
    driver: Driver, password: str, first_name: str, last_name: str, email: str
) -> Outcome:
    return driver.password_strength(password, [first_name, last_name, email])


@when("a service asks for a generated password", target_fixture="outcome")
def asks_generated(driver: Driver) -> Outcome:
    return driver.generate_password()


@then("the refusal tells her how to make it stronger")
def tells_how(outcome: Outcome) -> None:
    assert outcome.feedback, "weak_password comes with the estimator's feedback"


@then("neither password appears in any recorded event or audit entry")
def no_password_disclosed(driver: Driver, customer: Customer) -> None:
    shown = driver.disclosed(customer.profile_id)
    for secret in (customer.password, NEW_PASSWORD, WRONG_PASSWORD, "$argon2"):
        assert secret not in shown


@then(parsers.parse("the score is {score:d} out of 4 and the password {verdict} strong"))
def score_is(outcome: Outcome, score: int, verdict: str) -> None:
    assert outcome.answer["score"] == score
    assert outcome.answer["strong"] is (verdict == "is")


@then(parsers.parse("it gets a password of {length:d} characters"))
def gets_password(outcome: Outcome, length: int) -> None:
    assert len(outcome.answer["password"]) == length


@then("the strength check calls it strong")
def calls_it_strong(driver: Driver, outcome: Outcome) -> None:
    assert driver.password_strength(outcome.answer["password"], []).answer["strong"] is True
