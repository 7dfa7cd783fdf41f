"""The behaviour contract, run on SQLite and on PostgreSQL by changing settings only."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest

from adapters.bootstrap import build
from domain.errors import (
    IdempotencyKeyReused,
    ProfileNotFound,
    RuleViolation,
    ValidationFailed,
    VersionConflict,
)
from tests.support import OTHER_STRONG_PASSWORD, STRONG_PASSWORD, ctx, registration

CONSENT = {"channel": "portal", "text_version": "2026-01", "language": "fr"}
CARD = {
    "holder_name": "Marie Tremblay",
    "number": "4111 1111 1111 1111",
    "exp_month": 8,
    "exp_year": 2029,
}


def test_registers_a_profile_and_reads_it_back(service):
    local = f"Marie.{uuid4().hex[:8]}"
    result = service.register(registration(email=f"{local}@Example.COM"), ctx())
    profile = service.get_profile(result.profile_id)
    assert result.version == 1
    assert result.events == ("ProfileRegistered",)
    assert profile.state["email"] == f"{local}@example.com"


def test_a_profile_lives_through_every_section_and_reads_back_from_a_fresh_service(
    service, settings, clock
):
    local = f"Marie.{uuid4().hex[:8]}"
    reg = service.register(registration(email=f"{local}@Example.COM"), ctx())
    pid = UUID(reg.profile_id)
    steps = [
        service.change_contact(
            pid,
            {"phone": "418 555 0199", "address": {"city": "Laval", "postal_code": "H7N 1A1"}},
            ctx(expected_version=1),
        ),
        service.change_additional_info(
            pid, {"company": "Acme", "vat_number": "FR 40 303 265 045"}, ctx()
        ),
        service.add_contact(
            pid, {"name": "Luc", "email": "luc@acme.ca", "roles": ["billing"]}, ctx()
        ),
    ]
    contact_id = steps[-1].contact_id
    steps += [
        service.change_preferences(
            pid,
            {"billing_contact_id": contact_id, "language": "en", "pdf_invoices": True},
            ctx(),
        ),
        service.change_password(
            pid,
            {"current_password": STRONG_PASSWORD, "new_password": OTHER_STRONG_PASSWORD},
            ctx(),
        ),
        service.register_card(pid, CARD, ctx()),
        service.register_card(pid, {**CARD, "number": "5555555555554444"}, ctx()),
        service.link_social(pid, "facebook", "https://www.facebook.com/marie.t", ctx()),
        service.subscribe_newsletters(pid, {"categories": ["all"], "consent": CONSENT}, ctx()),
    ]
    assert [s.version for s in steps] == list(range(2, 11))
    assert [e for s in steps for e in s.events] == [
        "ContactChanged",
        "AdditionalInfoChanged",
        "AccountContactAdded",
        "PreferencesChanged",
        "PasswordChanged",
        "CardRegistered",
        "CardReplaced",
        "SocialAccountLinked",
        "NewsletterSubscriptionsChanged",
    ]

    fresh = build(settings, clock=clock)
    try:
        profile = fresh.service.get_profile(pid)
        assert profile.version == 10
        assert profile.state["email"] == f"{local}@example.com"
        assert (profile.state["phone"], profile.state["address"]["city"]) == (
            "+14185550199",
            "Laval",
        )
        assert profile.state["additional_info"]["vat_number"] == "FR40303265045"
        assert profile.state["contacts"][contact_id]["roles"] == ["billing"]
        assert profile.state["preferences"]["billing_contact_id"] == contact_id
        assert fresh.service.hasher.verify(profile.state["password_hash"], OTHER_STRONG_PASSWORD)
        assert (profile.state["card"]["brand"], profile.state["card"]["last4"]) == (
            "mastercard",
            "4444",
        )
        assert fresh.service.vault.reveal(profile.state["card"]["token"]) == "5555555555554444"
        assert profile.state["social"] == {"facebook": "https://www.facebook.com/marie.t"}
        assert fresh.service.may_send(pid, "newsletter:tips").allowed
        assert [e.originator_version for e in fresh.service.events.get(pid)] == list(range(1, 11))
    finally:
        fresh.close()


def test_the_store_answers_refusals_with_their_codes(service, profile_id):
    refusals = [
        (lambda: service.change_contact(profile_id, {"last_name": "X"}, ctx()), "immutable_field"),
        (lambda: service.remove_contact(profile_id, "holder", ctx()), "cannot_remove_holder"),
        (lambda: service.remove_card(profile_id, True, ctx()), "no_card"),
        (
            lambda: service.register_card(
                profile_id, {**CARD, "number": "4111111111111112"}, ctx()
            ),
            "invalid_card_number",
        ),
        (
            lambda: service.change_preferences(profile_id, {"pdf_invoices": "yes"}, ctx()),
            "validation_error",
        ),
        (lambda: service.get_profile(uuid4()), "profile_not_found"),
    ]
    for command, code in refusals:
        with pytest.raises((RuleViolation, ValidationFailed, ProfileNotFound)) as caught:
            command()
        assert caught.value.code == code
    assert [e.originator_version for e in service.events.get(profile_id)] == [1]


def test_a_wrong_password_is_refused_and_recorded(service, profile_id):
    with pytest.raises(RuleViolation) as caught:
        service.change_password(
            profile_id,
            {"current_password": "nope nope nope", "new_password": OTHER_STRONG_PASSWORD},
            ctx(),
        )
    assert caught.value.code == "wrong_password"
    names = [type(e).__name__ for e in service.events.get(profile_id)]
    assert names == ["ProfileRegistered", "PasswordChangeRejected"]


def test_versions_and_idempotency_keys_behave_alike_on_every_store(service, profile_id):
    key = f"contract-{uuid4()}"
    first = service.change_preferences(
        profile_id, {"language": "en"}, ctx(expected_version=1, idempotency_key=key)
    )
    assert (
        service.change_preferences(
            profile_id, {"language": "en"}, ctx(expected_version=1, idempotency_key=key)
        )
        == first
    )
    with pytest.raises(IdempotencyKeyReused):
        service.change_preferences(profile_id, {"language": "fr"}, ctx(idempotency_key=key))
    with pytest.raises(VersionConflict):
        service.change_preferences(profile_id, {"language": "fr"}, ctx(expected_version=1))
    unchanged = service.change_preferences(profile_id, {"language": "en"}, ctx(expected_version=2))
    assert (unchanged.version, unchanged.events) == (2, ())
    assert len(list(service.events.get(profile_id))) == 2


def test_an_earlier_version_of_a_profile_can_be_read(service, profile_id):
    service.change_preferences(profile_id, {"language": "en"}, ctx())
    service.change_preferences(profile_id, {"language": "fr"}, ctx())
    assert service.get_profile(profile_id, version=2).state["preferences"]["language"] == "en"
    assert service.get_profile(profile_id).state["preferences"]["language"] == "fr"
