"""The people of the features, and the small helpers their steps share."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from features.drivers import Command, Driver, Outcome, Request
from tests.support import at_once as race_in_threads

STRONG_PASSWORD = "correct horse battery staple 42"
HOME = {
    "line1": "1200 rue Sainte-Catherine",
    "city": "Montréal",
    "region": "QC",
    "postal_code": "H3B 1K9",
    "country": "CA",
}


@dataclass(frozen=True)
class Customer:
    """Someone who registered: her names, e-mail, current password and profile id."""

    first_name: str
    last_name: str
    email: str
    profile_id: str
    password: str = STRONG_PASSWORD

    @property
    def actor(self) -> str:
        return f"customer:{self.first_name.lower()}"

    def with_password(self, password: str) -> Customer:
        return replace(self, password=password)


def registration(first_name: str, last_name: str, email: str, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "first_name": first_name,
        "last_name": last_name,
        "email": email,
        "phone": "514 555 0123",
        "address": dict(HOME),
        "language": "fr",
        "password": STRONG_PASSWORD,
    }
    data.update(overrides)
    return data


def register(
    driver: Driver, first_name: str, last_name: str, email: str, **overrides: Any
) -> Customer:
    actor = f"customer:{first_name.lower()}"
    data = registration(first_name, last_name, email, **overrides)
    outcome = driver.send(Command("register", None, data), Request(actor))
    assert not outcome.refused, f"registration refused: {outcome.code} {outcome.message}"
    assert outcome.profile_id is not None
    return Customer(first_name, last_name, email, outcome.profile_id, data["password"])


def act(
    driver: Driver, customer: Customer, command: str, via: Request | None = None, /, **args: Any
) -> Outcome:
    """Send a command on the customer's behalf (or under the given request)."""
    return driver.send(Command(command, customer.profile_id, args), via or Request(customer.actor))


def done(outcome: Outcome) -> Outcome:
    """A Given's command must have been accepted: a refused past event is a broken feature."""
    assert not outcome.refused, f"the Given was refused: {outcome.code} {outcome.message}"
    return outcome


def words(text: str) -> list[str]:
    """'news, offers and tips' -> ['news', 'offers', 'tips']; quotes are dropped."""
    return [w.strip().strip('"') for w in re.split(r",|\band\b", text) if w.strip()]


def nothing(text: str) -> str | None:
    """'nothing', 'none', 'empty' and '' read as None."""
    return None if text.strip().lower() in ("", "nothing", "none", "empty", "null") else text


def yes(text: str) -> bool:
    return text.strip().lower() in ("yes", "true", "on")


def at_once(sends: list[Callable[[], Outcome]]) -> list[Outcome]:
    """Send from threads released together (writers racing): each one's outcome, in order."""
    outcomes = race_in_threads(sends)
    raised = [o for o in outcomes if not isinstance(o, Outcome)]
    assert not raised, f"a racing command raised instead of answering: {raised}"
    return [o for o in outcomes if isinstance(o, Outcome)]
