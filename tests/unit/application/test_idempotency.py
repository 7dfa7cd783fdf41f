"""Idempotency keys: the same key and command answer the first result (or refusal) again and
record nothing; the same key with another command is refused."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest

from domain.errors import IdempotencyKeyReused, RuleViolation
from tests.support import OTHER_STRONG_PASSWORD, STRONG_PASSWORD, ctx, registration


def key() -> str:
    return f"key-{uuid4()}"


def count(service, profile_id) -> int:
    return len(list(service.events.get(UUID(str(profile_id)))))


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


def test_an_idempotency_record_holds_the_commands_result_and_no_password(service, profile_id):
    k = key()
    result = service.change_password(
        profile_id,
        {"current_password": STRONG_PASSWORD, "new_password": OTHER_STRONG_PASSWORD},
        ctx(idempotency_key=k),
    )
    record = service.ledger.find_idempotency_record(ctx(idempotency_key=k).ledger_key)
    assert record is not None and record.result == result
    assert OTHER_STRONG_PASSWORD not in repr(record) and STRONG_PASSWORD not in repr(record)
