"""The command machinery: versions, idempotency keys, contexts and library errors."""

from __future__ import annotations

from datetime import UTC
from uuid import UUID, uuid4

import pytest

from application.context import CommandContext
from application.ports import SystemClock
from application.service import ProfileService
from application.store import ProfileEventStore
from domain.errors import (
    IdempotencyKeyReused,
    ProfileNotFound,
    RuleViolation,
    VersionConflict,
)
from domain.events import Meta
from tests.support import OTHER_STRONG_PASSWORD, STRONG_PASSWORD, ctx, registration


@pytest.fixture
def store() -> str:
    return "sqlite"


def meta() -> Meta:
    return Meta("customer:other", "c", None, SystemClock().now())


def key() -> str:
    return f"key-{uuid4()}"


def count(service, profile_id) -> int:
    return len(list(service.events.get(UUID(str(profile_id)))))


def test_the_command_service_and_the_read_only_store_share_one_store_name():
    assert ProfileService.name == ProfileEventStore.name == "profiles"


@pytest.mark.parametrize("profile_id", [uuid4(), str(uuid4()), "not-a-uuid"])
def test_commands_and_queries_on_an_unknown_profile_are_profile_not_found(service, profile_id):
    with pytest.raises(ProfileNotFound) as caught:
        service.change_preferences(profile_id, {"language": "en"}, ctx())
    assert caught.value.code == "profile_not_found"
    with pytest.raises(ProfileNotFound):
        service.get_profile(profile_id)
    with pytest.raises(ProfileNotFound):
        service.may_send(profile_id, "invoice")


def test_a_command_applies_at_the_expected_version(service, profile_id):
    result = service.change_preferences(
        profile_id, {"language": "en"}, ctx(expected_version=1)
    )
    assert result.version == 2


def test_a_stale_expected_version_is_a_version_conflict_and_records_nothing(service, profile_id):
    service.change_preferences(profile_id, {"language": "en"}, ctx())
    with pytest.raises(VersionConflict) as caught:
        service.change_preferences(profile_id, {"pdf_invoices": True}, ctx(expected_version=1))
    assert caught.value.code == "version_conflict"
    assert (caught.value.expected, caught.value.actual) == (1, 2)
    assert count(service, profile_id) == 2


def test_a_concurrent_write_found_at_save_time_is_a_version_conflict(
    service, profile_id, monkeypatch
):
    other = service.get_profile(profile_id)  # another writer, a step ahead at each save
    insert = service.recorder.insert_events

    def racing_insert(events, **kwargs):
        other.link_social("twitter", f"https://x.com/other{other.version}", meta())
        insert([service.mapper.to_stored_event(e) for e in other.collect_events()])
        return insert(events, **kwargs)

    monkeypatch.setattr(service.recorder, "insert_events", racing_insert)
    with pytest.raises(VersionConflict) as caught:
        service.change_preferences(profile_id, {"language": "en"}, ctx())
    # Once on the cached profile, once more on the one read again: then it gives up.
    assert (caught.value.expected, caught.value.actual) == (None, 3)
    assert count(service, profile_id) == 3


def test_a_command_that_changes_nothing_succeeds_with_the_version_unchanged(service, profile_id):
    result = service.change_preferences(profile_id, {"language": "fr"}, ctx(expected_version=1))
    assert (result.version, result.events) == (1, ())
    assert count(service, profile_id) == 1


def test_the_same_key_and_command_returns_the_first_result_and_records_nothing(
    service, profile_id
):
    k, luc = key(), {"name": "Luc", "email": "l@x.ca"}
    first = service.add_contact(profile_id, luc, ctx(idempotency_key=k))
    again = service.add_contact(profile_id, luc, ctx(idempotency_key=k))
    assert again == first
    assert again.contact_id == first.contact_id
    assert count(service, profile_id) == 2
    assert len(service.get_profile(profile_id).state["contacts"]) == 1


def test_a_replay_recognises_the_profile_id_however_it_is_spelled(service, profile_id):
    k = key()
    first = service.change_preferences(profile_id, {"language": "en"}, ctx(idempotency_key=k))
    again = service.change_preferences(
        str(profile_id).upper(), {"language": "en"}, ctx(idempotency_key=k)
    )
    assert again == first


def test_a_replay_ignores_a_now_stale_expected_version(service, profile_id):
    k = key()
    first = service.change_preferences(
        profile_id, {"language": "en"}, ctx(expected_version=1, idempotency_key=k)
    )
    again = service.change_preferences(
        profile_id, {"language": "en"}, ctx(expected_version=1, idempotency_key=k)
    )
    assert again == first


@pytest.mark.parametrize(
    "other",
    [
        lambda s, p, c: s.change_preferences(p, {"language": "fr"}, c),
        lambda s, p, c: s.change_preferences(p, {"pdf_invoices": True}, c),
        lambda s, p, c: s.unsubscribe_newsletters(p, c),
        lambda s, p, c: s.change_preferences(
            s.register(registration(), ctx()).profile_id, {"language": "en"}, c
        ),
    ],
)
def test_the_same_key_with_another_command_is_idempotency_key_reused(
    service, profile_id, other
):
    k = key()
    service.change_preferences(profile_id, {"language": "en"}, ctx(idempotency_key=k))
    with pytest.raises(IdempotencyKeyReused) as caught:
        other(service, profile_id, ctx(idempotency_key=k))
    assert caught.value.code == "idempotency_key_reused"


def test_a_command_that_changed_nothing_still_keeps_its_idempotency_key(service, profile_id):
    k = key()
    first = service.change_preferences(profile_id, {"language": "fr"}, ctx(idempotency_key=k))
    service.change_preferences(profile_id, {"language": "en"}, ctx())
    again = service.change_preferences(profile_id, {"language": "fr"}, ctx(idempotency_key=k))
    assert again == first  # the first answer, not a new change back to fr
    assert service.get_profile(profile_id).state["preferences"]["language"] == "en"


def test_a_refused_command_is_refused_alike_when_retried_with_its_key(service, profile_id):
    k = key()
    with pytest.raises(RuleViolation) as first:
        service.change_preferences(profile_id, {"language": "de"}, ctx(idempotency_key=k))
    with pytest.raises(RuleViolation) as again:
        service.change_preferences(profile_id, {"language": "de"}, ctx(idempotency_key=k))
    assert (again.value.code, again.value.message, again.value.field) == (
        first.value.code, first.value.message, first.value.field
    )
    with pytest.raises(IdempotencyKeyReused):
        service.change_preferences(profile_id, {"language": "en"}, ctx(idempotency_key=k))
    assert service.get_profile(profile_id).version == 1


def test_a_registration_replayed_with_its_key_returns_the_same_profile(service):
    k = key()
    data = registration()
    first = service.register(data, ctx(idempotency_key=k))
    again = service.register(data, ctx(idempotency_key=k))
    assert again == first
    with pytest.raises(IdempotencyKeyReused):
        service.register(registration(), ctx(idempotency_key=k))


def test_refuses_a_key_reused_for_a_password_change_to_another_password(service, profile_id):
    k = key()
    first = {"current_password": STRONG_PASSWORD, "new_password": OTHER_STRONG_PASSWORD}
    service.change_password(profile_id, first, ctx(idempotency_key=k))
    assert service.change_password(profile_id, first, ctx(idempotency_key=k)).version == 2
    with pytest.raises(IdempotencyKeyReused):
        service.change_password(
            profile_id,
            {"current_password": STRONG_PASSWORD, "new_password": "Another 9 wholly new phrase!"},
            ctx(idempotency_key=k),
        )


def test_idempotency_records_hold_no_password(service, container, profile_id):
    k = key()
    service.change_password(
        profile_id,
        {"current_password": STRONG_PASSWORD, "new_password": OTHER_STRONG_PASSWORD},
        ctx(idempotency_key=k),
    )
    rows = container.sql.dump("idempotency_keys")
    text = repr(rows)
    assert k in text
    assert OTHER_STRONG_PASSWORD not in text and STRONG_PASSWORD not in text


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"actor": "customer"}, "actor"),
        ({"actor": "robot:1"}, "actor"),
        ({"actor": "customer:"}, "actor"),
        ({"actor": "customer:1", "idempotency_key": ""}, "idempotency_key"),
        ({"actor": "customer:1", "idempotency_key": "with space"}, "idempotency_key"),
        ({"actor": "customer:1", "idempotency_key": "k" * 201}, "idempotency_key"),
    ],
)
def test_refuses_a_malformed_command_context(kwargs, field):
    with pytest.raises(RuleViolation) as caught:
        CommandContext(correlation_id="c", **kwargs)
    assert (caught.value.code, caught.value.field) == ("validation_error", field)


@pytest.mark.parametrize("kind", ["customer", "support", "service", "system"])
def test_accepts_every_actor_kind(kind):
    assert CommandContext(actor=f"{kind}:abc-1", correlation_id="c").actor == f"{kind}:abc-1"


def test_the_system_clock_tells_utc_time():
    assert SystemClock().now().tzinfo is UTC
