"""The command side's profile cache: commands skip re-reading the store, yet never act on a
stale state when another process (another service on the same in-memory store) wrote."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import suppress
from uuid import UUID

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from application.service import ProfileService
from application.store import ProfileEventStore
from domain.errors import DomainError, RuleViolation, VersionConflict
from tests.doubles import memory_service
from tests.support import STRONG_PASSWORD, ctx, registration


@pytest.fixture
def other(store_name, clock) -> Iterator[ProfileService]:
    """Another process writing to the same store."""
    built = memory_service(clock, store_name=store_name)
    yield built
    built.close()


def aggregate(profile) -> tuple:
    """Everything a Profile is, through its public attributes."""
    return (
        profile.id, profile.version, profile.created_on, profile.modified_on, profile.state,
        profile.pending_events,
    )


def versions(service, profile_id: UUID) -> list[int]:
    return [e.originator_version for e in service.events.get(profile_id)]


def count_inserts(service, monkeypatch) -> list[int]:
    calls: list[int] = []
    insert = service.recorder.insert_events

    def counted(events, **kwargs):
        calls.append(len(events))
        return insert(events, **kwargs)

    monkeypatch.setattr(service.recorder, "insert_events", counted)
    return calls


def test_a_command_after_its_own_write_reads_nothing_from_the_store(
    service, profile_id, monkeypatch
):
    service.change_preferences(profile_id, {"language": "en"}, ctx())
    reads: list[UUID] = []
    select = service.recorder.select_events
    monkeypatch.setattr(
        service.recorder, "select_events", lambda oid, **kw: reads.append(oid) or select(oid, **kw)
    )
    result = service.link_social(profile_id, "twitter", "https://x.com/marie", ctx())
    assert (result.version, reads) == (3, [])


def test_a_command_after_another_process_wrote_applies_to_the_current_state(
    service, other, profile_id, monkeypatch
):
    service.change_preferences(profile_id, {"language": "en"}, ctx())
    other.link_social(profile_id, "twitter", "https://x.com/marie", ctx())
    inserts = count_inserts(service, monkeypatch)
    result = service.change_preferences(profile_id, {"pdf_invoices": True}, ctx())
    assert result.version == 4
    assert inserts == [1, 1]  # refused at the stale version, then recorded at the current one
    assert versions(service, profile_id) == [1, 2, 3, 4]
    profile = service.get_profile(profile_id)
    assert profile.state["social"] == {"twitter": "https://x.com/marie"}
    assert profile.state["preferences"]["pdf_invoices"] is True


def test_a_command_that_changes_nothing_answers_the_version_another_process_reached(
    service, other, profile_id
):
    other.link_social(profile_id, "twitter", "https://x.com/marie", ctx())
    result = service.change_preferences(profile_id, {"language": "fr"}, ctx())
    assert (result.version, result.events) == (2, ())


def test_a_refusal_is_judged_on_the_current_state(service, other, profile_id):
    added = other.add_contact(profile_id, {"name": "Luc", "email": "luc@example.com"}, ctx())
    assert added.contact_id is not None
    result = service.remove_contact(profile_id, added.contact_id, ctx())
    assert result.version == 3
    with pytest.raises(RuleViolation) as caught:
        service.remove_contact(profile_id, added.contact_id, ctx())
    assert caught.value.code == "unknown_contact"


def test_an_expected_version_is_compared_with_the_current_state(service, other, profile_id):
    other.change_preferences(profile_id, {"language": "en"}, ctx())
    result = service.change_preferences(profile_id, {"pdf_invoices": True}, ctx(expected_version=2))
    assert result.version == 3
    other.change_preferences(profile_id, {"language": "fr"}, ctx())
    with pytest.raises(VersionConflict) as caught:
        service.change_preferences(profile_id, {"pdf_invoices": False}, ctx(expected_version=3))
    assert (caught.value.expected, caught.value.actual) == (3, 4)


def test_a_query_sees_what_another_process_wrote(service, other, profile_id):
    service.change_preferences(profile_id, {"language": "en"}, ctx())
    other.link_social(profile_id, "twitter", "https://x.com/marie", ctx())
    assert service.get_profile(profile_id).state["social"] == {"twitter": "https://x.com/marie"}


def test_a_profile_read_by_a_query_is_a_copy_the_caller_may_change(service, profile_id):
    copy = service.get_profile(profile_id)
    copy.state["social"]["twitter"] = "https://x.com/not-recorded"
    assert service.get_profile(profile_id).state["social"] == {}
    assert service.link_social(profile_id, "twitter", "https://x.com/m", ctx()).version == 2


def test_a_command_that_fails_after_changing_the_profile_leaves_no_trace(
    service, profile_id, monkeypatch
):
    with monkeypatch.context() as patch:
        patch.setattr(service.recorder, "insert_events", lambda *a, **k: 1 / 0)
        with pytest.raises(ZeroDivisionError):
            service.link_social(profile_id, "twitter", "https://x.com/lost", ctx())
    assert service.get_profile(profile_id).state["social"] == {}
    result = service.change_preferences(profile_id, {"language": "en"}, ctx())
    assert result.version == 2
    assert versions(service, profile_id) == [1, 2]


def test_a_refused_password_change_is_recorded_and_the_next_command_follows_it(
    service, other, profile_id
):
    other.change_preferences(profile_id, {"language": "en"}, ctx())
    change = {"current_password": "wrong password 123", "new_password": STRONG_PASSWORD + "!"}
    with pytest.raises(RuleViolation) as caught:
        service.change_password(profile_id, change, ctx())
    assert caught.value.code == "wrong_password"
    assert versions(service, profile_id) == [1, 2, 3]
    assert service.change_preferences(profile_id, {"pdf_invoices": True}, ctx()).version == 4
    assert len(service.get_profile(profile_id).state["rejected_attempts"]) == 1


def test_one_of_several_servers_reads_before_it_writes(store_name, clock, other, monkeypatch):
    service = memory_service(clock, store_name=store_name, read_before_write=True)
    try:
        profile_id = UUID(service.register(registration(), ctx()).profile_id)
        service.change_preferences(profile_id, {"language": "en"}, ctx())
        other.link_social(profile_id, "twitter", "https://x.com/marie", ctx())
        inserts = count_inserts(service, monkeypatch)
        result = service.change_preferences(profile_id, {"pdf_invoices": True}, ctx())
        assert result.version == 4
        assert inserts == [1]  # brought up to date first: no refused write
    finally:
        service.close()


STEPS = [
    lambda s, p, n: s.change_preferences(p, {"language": ("fr", "en")[n % 2]}, ctx()),
    lambda s, p, n: s.add_contact(p, {"name": f"C {n}", "email": f"c{n}@example.com"}, ctx()),
    lambda s, p, n: s.remove_contact(
        p, next(iter(s.get_profile(p).state["contacts"]), "none"), ctx()
    ),
    lambda s, p, n: s.link_social(p, "linkedin", f"https://www.linkedin.com/in/m-{n}", ctx()),
    lambda s, p, n: s.unlink_social(p, "linkedin", ctx()),
    lambda s, p, n: s.change_password(
        p,
        {
            "current_password": "not it" if n % 2 else STRONG_PASSWORD,
            "new_password": STRONG_PASSWORD,
        },
        ctx(),
    ),
    lambda s, p, n: s.subscribe_newsletters(
        p,
        {
            "categories": ["news"],
            "consent": {"channel": "api", "text_version": f"v{n}", "language": "en"},
        },
        ctx(),
    ),
    lambda s, p, n: s.change_contact(p, {"address": {"city": f"City {n}"}}, ctx()),
]


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    steps=st.lists(
        st.tuples(st.integers(0, len(STEPS) - 1), st.integers(0, 9)), min_size=5, max_size=30
    )
)
def test_the_cached_profile_is_the_one_its_events_rebuild(service, steps):
    """Commands change the cached profile in place (no copy): it must stay equal to the
    profile rebuilt from the store, refusals and snapshots included."""
    profile_id = UUID(service.register(registration(), ctx()).profile_id)
    for index, n in steps:
        with suppress(DomainError):
            STEPS[index](service, profile_id, n)
    cached = service.get_profile(profile_id)
    rebuilt = ProfileEventStore.get_profile(service, profile_id)
    assert aggregate(cached) == aggregate(rebuilt)
