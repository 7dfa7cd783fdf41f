"""Property: after any commands, views = aggregate = events, and rebuilt = built as they came."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from uuid import UUID

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from application.history import History, profile_state
from application.service import ProfileService
from domain.errors import DomainError
from tests.integration.readside_support import head, private_readside, snapshot
from tests.support import OTHER_STRONG_PASSWORD, STRONG_PASSWORD, ctx, registration

CARDS = ("4242424242424242", "5555555555554444")
URLS = {"linkedin": "https://www.linkedin.com/in/marie-{n}", "signal": "https://signal.me/#p/m{n}"}
CATEGORIES = ("news", "offers", "product_updates", "tips")
KINDS = (*(f"newsletter:{c}" for c in CATEGORIES), "domain_suggestion", "invoice")
Service = ProfileService


def pick(items: list[str], n: int) -> str:
    return items[n % len(items)]


def contact_ids(s: Service, p: UUID) -> list[str]:
    return ["holder", *s.get_profile(p).state["contacts"]]


def change_contact(s: Service, p: UUID, n: int) -> None:
    patches = [
        {"email": f"m{n}@example.com"},
        {"address": {"city": f"City {n}", "line2": f"Suite {n}" if n % 2 else None}},
        {"phone": None},
        {"phone": f"514 555 01{n:02d}"},
    ]
    s.change_contact(p, patches[n % 4], ctx())


def change_info(s: Service, p: UUID, n: int) -> None:
    patches = [{"company": f"Co {n}"}, {"job_title": None}, {"website": f"https://ex{n}.com"}]
    s.change_additional_info(p, patches[n % 3], ctx())


def contacts(s: Service, p: UUID, n: int) -> None:
    others = contact_ids(s, p)[1:]
    if n % 3 == 0 and others:
        s.remove_contact(p, pick(others, n), ctx())
    else:
        contact = {"name": f"Contact {n}", "email": f"c{n}@example.com", "roles": ["whois"]}
        s.add_contact(p, contact, ctx())


def preferences(s: Service, p: UUID, n: int) -> None:
    patches = [
        {"pdf_invoices": n % 2 == 0},
        {"domain_suggestions": n % 2 == 1},
        {"language": ("fr", "en")[n % 2]},
        {"communication_channel": ("sms", "email")[n % 2]},
        {"billing_contact_id": pick(contact_ids(s, p), n)},
    ]
    s.change_preferences(p, patches[n % 5], ctx())


def password(s: Service, p: UUID, n: int) -> None:
    passwords = (STRONG_PASSWORD, OTHER_STRONG_PASSWORD)
    current = next(
        w for w in passwords if s.hasher.verify(s.get_profile(p).state["password_hash"], w)
    )
    new = passwords[1 - passwords.index(current)]
    given_current = current if n % 3 else "not the password at all"  # then it is recorded
    s.change_password(p, {"current_password": given_current, "new_password": new}, ctx())


def card(s: Service, p: UUID, n: int) -> None:
    if n % 3 == 0:
        s.remove_card(p, True, ctx())
    else:
        number = CARDS[n % 2]
        s.register_card(
            p,
            {
                "holder_name": f"Holder {n}",
                "number": number,
                "exp_month": 1 + n % 12,
                "exp_year": 2031,
            },
            ctx(),
        )


def social(s: Service, p: UUID, n: int) -> None:
    linked = list(s.get_profile(p).state["social"])
    if n % 3 == 0 and linked:
        s.unlink_social(p, pick(linked, n), ctx())
    else:
        network = pick(list(URLS), n)
        s.link_social(p, network, URLS[network].format(n=n), ctx())


def newsletters(s: Service, p: UUID, n: int) -> None:
    if n % 3 == 0 and s.get_profile(p).state["newsletters"]:
        s.unsubscribe_newsletters(p, ctx())
    else:
        consent = {"channel": "api", "text_version": f"v{n}", "language": "en"}
        categories = list(CATEGORIES[n % 4 :]) if n % 5 else ["all"]
        s.subscribe_newsletters(p, {"categories": categories, "consent": consent}, ctx())


COMMANDS: dict[str, Callable[[Service, UUID, int], None]] = {
    f.__name__: f
    for f in (
        change_contact,
        change_info,
        contacts,
        preferences,
        password,
        card,
        social,
        newsletters,
    )
}
STEPS = st.lists(
    st.tuples(st.sampled_from(sorted(COMMANDS)), st.integers(0, 11)), min_size=6, max_size=24
)



@pytest.fixture
def rebuilt(container):
    with private_readside(container, start=False, start_after=head(container)) as stopped:
        yield stopped


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=STEPS)
def test_views_equal_the_aggregate_and_the_events_after_any_commands(
    container, service, readside, rebuilt, steps
):
    start = head(container)
    profile_id = UUID(service.register(registration(), ctx()).profile_id)
    for name, n in steps:
        with suppress(DomainError):  # a refusal is part of the story (wrong passwords are kept)
            COMMANDS[name](service, profile_id, n)
    profile = service.get_profile(profile_id)
    assert readside.wait_for_version(profile_id, profile.version, timeout=10)

    assert readside.profiles.get(profile_id) == profile_state(profile)
    events = History(service).events(profile_id)
    entries = readside.audit.entries(profile_id=profile_id, limit=1000)
    assert [
        (e["version"], e["event"], e["at"], e["actor"], e["correlation_id"]) for e in entries
    ] == [(e["version"], e["name"], e["at"], e["actor"], e["correlation_id"]) for e in events]
    for kind in KINDS:
        assert readside.may_send(profile_id, kind) == service.may_send(profile_id, kind)

    rebuilt.start_after = start  # replay only this example's events
    rebuilt.rebuild()
    assert snapshot(rebuilt, [profile_id]) == snapshot(readside, [profile_id])
