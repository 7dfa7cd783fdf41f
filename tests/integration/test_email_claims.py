"""One e-mail address, one profile, on both stores: racing writers, the reservations rebuilt from
the log, and a store recorded before the rule whose shared addresses are reported."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import closing
from uuid import UUID

import pytest

from adapters.bootstrap import build
from adapters.logging import configure_logging
from adapters.settings import Settings
from domain.errors import ProfileNotFound, RuleViolation
from tests.support import (
    TEST_VAULT_KEY,
    at_once,
    ctx,
    private_postgres_url,
    registration,
    store_settings,
)
from tests.support import unique_email as an_email

THREADS = 8


@pytest.fixture
def own_settings(store: str, tmp_path) -> Iterator[Settings]:
    """A store of the test's own: its claims' table is compared whole."""
    if store == "postgres":
        with private_postgres_url() as url:
            yield Settings(database_url=url, vault_key=TEST_VAULT_KEY, argon2_time_cost=1,
                           argon2_memory_kib=1024)
        return
    yield store_settings("sqlite", tmp_path)


def refusals(outcomes: list[object]) -> list[str]:
    return [o.code for o in outcomes if isinstance(o, RuleViolation)]


def claims(container) -> list[tuple[str, str]]:
    return sorted((r["email"], r["profile_id"]) for r in container.sql.dump("email_claims"))


def test_of_eight_registrations_racing_with_one_email_exactly_one_is_recorded(container):
    service, email = container.service, an_email("racer")
    head = service.recorder.max_notification_id() or 0
    outcomes = at_once([
        lambda i=i: service.register(registration(email=email), ctx(f"customer:racer-{i}"))
        for i in range(THREADS)
    ])
    winners = [o for o in outcomes if not isinstance(o, Exception)]
    assert len(winners) == 1, outcomes
    assert refusals(outcomes) == ["email_taken"] * (THREADS - 1)
    recorded = service.recorder.select_notifications(
        start=head, limit=100, inclusive_of_start=False
    )  # (counted: PostgreSQL's ids may skip those of transactions rolled back before)
    assert [n.originator_id for n in recorded] == [UUID(winners[0].profile_id)]
    assert service.profile_holding(email.upper()) == UUID(winners[0].profile_id)


def test_of_eight_profiles_racing_to_one_email_one_holds_it(container):
    """Two containers on the store: writers with connections of their own, as two servers."""
    other = build(container.settings, several_servers=True)
    services = [container.service, other.service]
    try:
        profiles = [
            UUID(services[0].register(registration(), ctx()).profile_id) for _ in range(THREADS)
        ]
        email = an_email("wanted")
        outcomes = at_once([
            lambda i=i, p=p: services[i % len(services)].change_contact(p, {"email": email}, ctx())
            for i, p in enumerate(profiles)
        ])
    finally:
        other.close()
    winners = [o for o in outcomes if not isinstance(o, Exception)]
    assert len(winners) == 1, outcomes
    assert refusals(outcomes) == ["email_taken"] * (THREADS - 1)
    holder = container.service.profile_holding(email)
    assert str(holder) == winners[0].profile_id
    kept = [p for p in profiles if p != holder]
    assert all(container.service.get_profile(p).state["email"] != email for p in kept)


def test_a_rebuild_from_the_log_gives_the_same_reservations(own_settings):
    with closing(build(own_settings)) as container:
        service = container.service
        ids = [UUID(service.register(registration(), ctx()).profile_id) for _ in range(6)]
        service.change_contact(ids[0], {"email": an_email("moved")}, ctx())
        first = service.get_profile(ids[1]).state["email"]
        service.change_contact(ids[1], {"email": first.upper()}, ctx())  # the same address
        freed = service.get_profile(ids[2]).state["email"]
        service.change_contact(ids[2], {"email": an_email("away")}, ctx())
        service.register(registration(email=freed), ctx())  # taken again by another
        service.erase(ids[3], "customer_request", ctx())
        before = claims(container)
        rebuilt = container.rebuild_email_claims()
        after = claims(container)
    assert after == before
    assert rebuilt.claims == len(before) == 6 and rebuilt.shared == []
    assert str(ids[3]) not in {profile for _, profile in before}


def test_a_store_recorded_before_the_rule_has_its_shared_addresses_reported(
    own_settings, caplog
):
    email = an_email("shared")
    with closing(build(own_settings)) as container:  # what a version without the rule recorded
        first = UUID(container.service.register(registration(email=email), ctx()).profile_id)
        container.sql.execute("DELETE FROM email_claims")
        second = UUID(
            container.service.register(registration(email=email.upper()), ctx()).profile_id
        )
        container.sql.execute("DELETE FROM email_claims")
        container.sql.execute("DELETE FROM email_claims_built")
    configure_logging("json")
    caplog.set_level(logging.WARNING, logger="profile_service.emails")
    with closing(build(own_settings)) as container:  # the rule enforced for the first time
        said = [r.msg for r in caplog.records if r.name == "profile_service.emails"]
        assert [(s["event"], s["holder"], s["others"]) for s in said] == [
            ("email_shared", str(first), [str(second)])
        ]
        service = container.service
        assert service.profile_holding(email) == first
        with pytest.raises(RuleViolation) as refused:
            service.register(registration(email=email), ctx())
        assert refused.value.code == "email_taken"
        service.change_contact(second, {"email": an_email("settled")}, ctx())  # the operator
        assert container.rebuild_email_claims().shared == []
        service.erase(first, "customer_request", ctx())
        with pytest.raises(ProfileNotFound):
            service.profile_holding(email)
