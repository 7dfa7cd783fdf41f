"""Idempotency keys on both stores: written with the events, safe under concurrency."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from uuid import uuid4

import pytest

from domain.errors import IdempotencyKeyReused, RuleViolation, VersionConflict
from domain.events import Meta
from tests.support import OTHER_STRONG_PASSWORD, STRONG_PASSWORD, ctx, registration

THREADS = 6


def test_a_key_is_kept_only_when_its_events_are_recorded(service, profile_id, monkeypatch):
    key = f"atomic-{uuid4()}"
    other = service.get_profile(profile_id)  # another writer, a step ahead at each save
    insert = service.recorder.insert_events

    def racing_insert(events, **kwargs):
        meta = Meta("customer:other", "c", None, datetime.now(UTC))
        other.link_social("twitter", f"https://x.com/other{other.version}", meta)
        insert([service.mapper.to_stored_event(e) for e in other.collect_events()])
        return insert(events, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(service.recorder, "insert_events", racing_insert)
        with pytest.raises(VersionConflict):
            service.change_preferences(profile_id, {"language": "en"}, ctx(idempotency_key=key))
    assert service.ledger.find_idempotency_record(ctx(idempotency_key=key).ledger_key) is None
    result = service.change_preferences(profile_id, {"language": "en"}, ctx(idempotency_key=key))
    assert result.version == 4
    record = service.ledger.find_idempotency_record(ctx(idempotency_key=key).ledger_key)
    assert record is not None and record.result == result


def test_concurrent_retries_with_one_key_record_the_command_once(service, profile_id):
    key = f"retry-{uuid4()}"
    barrier = threading.Barrier(THREADS)
    outcomes: list[object] = [None] * THREADS

    def run(index: int) -> None:
        barrier.wait()
        try:
            outcomes[index] = service.add_contact(
                profile_id, {"name": "Luc", "email": "luc@example.com"}, ctx(idempotency_key=key)
            )
        except Exception as error:
            outcomes[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # A retry that loses the race at save time finds the winner's key and answers with it.
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert len({(o.version, o.contact_id) for o in outcomes}) == 1
    assert len(service.get_profile(profile_id).state["contacts"]) == 1
    assert [e.originator_version for e in service.events.get(profile_id)] == [1, 2]


def test_a_key_belongs_to_one_command_on_one_profile(service, profile_id):
    key = f"owner-{uuid4()}"
    service.unsubscribe_newsletters(profile_id, ctx(idempotency_key=key))  # changes nothing
    with pytest.raises(IdempotencyKeyReused):
        service.link_social(profile_id, "twitter", "https://x.com/marie", ctx(idempotency_key=key))
    again = service.unsubscribe_newsletters(profile_id, ctx(idempotency_key=key))
    assert (again.version, again.events) == (1, ())


def test_two_callers_using_one_key_never_see_each_others_answers(service, profile_id):
    key = f"shared-{uuid4()}"
    billing = service.add_contact(
        profile_id,
        {"name": "Luc", "email": "luc@example.com"},
        ctx(caller="billing", idempotency_key=key),
    )
    crm = service.add_contact(
        profile_id,
        {"name": "Ann", "email": "ann@example.com"},
        ctx(caller="crm", idempotency_key=key),
    )
    assert crm.version == billing.version + 1 and crm.contact_id != billing.contact_id
    again = service.add_contact(
        profile_id,
        {"name": "Luc", "email": "luc@example.com"},
        ctx(caller="billing", idempotency_key=key),
    )
    assert again == billing


def test_a_wrong_password_retried_with_one_key_is_one_rejection(service, profile_id):
    key = f"retry-{uuid4()}"
    change = {"current_password": "not the password at all", "new_password": OTHER_STRONG_PASSWORD}
    refusals = []
    for _ in range(3):
        with pytest.raises(RuleViolation) as refused:
            service.change_password(profile_id, change, ctx(caller="portal", idempotency_key=key))
        refusals.append((refused.value.code, refused.value.message, refused.value.field))
    names = [type(e).__name__ for e in service.events.get(profile_id)]
    assert names == ["ProfileRegistered", "PasswordChangeRejected"]
    assert refusals == [("wrong_password", refusals[0][1], "current_password")] * 3


def test_a_refused_registration_retried_with_its_key_is_refused_alike_and_records_nothing(
    service,
):
    key = f"register-{uuid4()}"
    data = registration(
        address={"line1": "1 rue", "city": "Paris", "postal_code": "X", "country": "FR"}
    )
    head = service.recorder.max_notification_id()
    for _ in range(2):
        with pytest.raises(RuleViolation, match="postal code"):
            service.register(data, ctx(caller="portal", idempotency_key=key))
    assert service.recorder.max_notification_id() == head


def test_keys_are_forgotten_after_the_hours_they_are_kept(service, profile_id, clock):
    key = f"old-{uuid4()}"
    caller = ctx(caller="portal", idempotency_key=key)
    service.change_preferences(profile_id, {"language": "en"}, caller)
    clock.advance(hours=service.idempotency.kept.total_seconds() / 3600 - 1)
    with pytest.raises(IdempotencyKeyReused):
        service.change_preferences(profile_id, {"language": "fr"}, caller)
    clock.advance(hours=2)
    result = service.change_preferences(profile_id, {"language": "fr"}, caller)
    assert result.events == ("PreferencesChanged",)
    clock.advance(hours=service.idempotency.kept.total_seconds() / 3600 + 1)
    assert service.idempotency.purge() >= 1
    assert service.ledger.find_idempotency_record(caller.ledger_key) is None


def test_idempotency_records_hold_no_password(service, container, profile_id):
    key = f"secret-{uuid4()}"
    service.change_password(
        profile_id,
        {"current_password": STRONG_PASSWORD, "new_password": OTHER_STRONG_PASSWORD},
        ctx(idempotency_key=key),
    )
    rows = container.sql.dump("idempotency_keys")
    text = repr(rows)
    assert key in text
    assert OTHER_STRONG_PASSWORD not in text and STRONG_PASSWORD not in text
