"""Erasure on both stores: a rebuild gives the same erased views, an earlier command replayed
with its key stays harmless, the key is gone, other profiles are untouched."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest

from application.history import History
from domain.errors import ProfileWasErased
from tests.integration.readside_support import head, private_readside, snapshot
from tests.support import ctx, registration

CONSENT = {"channel": "api", "text_version": "v2", "language": "en"}


def a_life(service) -> tuple[UUID, str]:
    """A profile through most sections; the idempotency key of its contact change."""
    profile_id = UUID(service.register(registration(), ctx()).profile_id)
    key = f"erasure-{uuid4()}"
    service.change_contact(profile_id, {"phone": "+1 514 555 0177"}, ctx(idempotency_key=key))
    service.change_additional_info(profile_id, {"company": "Acme", "job_title": "CTO"}, ctx())
    service.add_contact(profile_id, {"name": "Ann Lee", "email": "ann@example.com"}, ctx())
    service.register_card(
        profile_id,
        {"holder_name": "Marie T", "number": "4111111111111111", "exp_month": 8,
         "exp_year": 2031},
        ctx(),
    )
    service.subscribe_newsletters(profile_id, {"categories": ["news"], "consent": CONSENT}, ctx())
    return profile_id, key


def test_a_rebuild_after_erasure_gives_the_same_erased_views(container, service):
    with private_readside(container, start_after=head(container)) as live:
        her, _ = a_life(service)
        other, _ = a_life(service)
        service.erase(her, "customer_request", ctx())
        live.wait_for_position(head(container), timeout=30)
        before = snapshot(live, [her, other])
        assert live.rebuild() > 0
        after = snapshot(live, [her, other])
    assert after == before
    assert before["profiles"][str(her)]["erased"] is True
    assert before["communications"][str(her)].erased
    assert str(her) not in before["audiences"]["news"] and str(other) in before["audiences"]["news"]
    entries = before["audit"][str(her)]
    assert entries[-1]["event"] == "ProfileErased" and entries[-1]["section"] == "privacy"
    assert all(c["before"] == c["after"] == "[erased]" for e in entries for c in e["changes"])
    assert "Acme" in str(before["audit"][str(other)])


def test_an_earlier_command_replayed_with_its_key_after_erasure_is_harmless(service):
    her, key = a_life(service)
    first = service.events.get(her)
    service.erase(her, "legal_obligation", ctx())
    head_before = service.recorder.max_notification_id()
    replayed = service.change_contact(her, {"phone": "+1 514 555 0177"}, ctx(idempotency_key=key))
    assert replayed.version == 2 and replayed.events == ("ContactChanged",)
    assert service.recorder.max_notification_id() == head_before
    assert "514" not in repr(replayed)
    with pytest.raises(ProfileWasErased):
        service.change_contact(her, {"phone": "+1 514 555 0123"}, ctx())
    assert len(list(first)) > 0


def test_time_travel_to_before_the_erasure_is_refused(service):
    her, _ = a_life(service)
    service.erase(her, "customer_request", ctx())
    history = History(service)
    for asked in ({"version": 1}, {"version": 3}, {}):
        with pytest.raises(ProfileWasErased):
            history.profile_at(her, **asked)
    assert all(
        value in (None, "[erased]") or name in ("categories", "renewed", "roles", "basis")
        for event in history.events(her)
        for name, value in event["fields"].items()
        if not isinstance(value, dict)
    )


def test_the_data_key_snapshots_vault_entry_and_claim_are_destroyed(container, service):
    her, _ = a_life(service)
    for _ in range(8):  # a snapshot is due
        service.change_preferences(her, {"pdf_invoices": True}, ctx())
        service.change_preferences(her, {"pdf_invoices": False}, ctx())
    email = service.get_profile(her).state["email"]
    token = service.get_profile(her).state["card"]["token"]
    assert service.snapshots is not None and list(service.snapshots.get(her))
    service.erase(her, "customer_request", ctx())
    sql = container.sql
    assert sql.fetchone("SELECT * FROM profile_keys WHERE profile_id = ?", (str(her),)) is None
    assert sql.fetchone("SELECT * FROM card_vault WHERE token = ?", (token,)) is None
    assert sql.fetchone("SELECT * FROM email_claims WHERE profile_id = ?", (str(her),)) is None
    assert list(service.snapshots.get(her)) == []
    assert service.vault.reveal(token) is None
    again = UUID(service.register(registration(email=email), ctx()).profile_id)
    assert service.profile_holding(email) == again
