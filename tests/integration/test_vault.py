"""The card vault: a number kept only with the command that records it, forgotten with its card,
encrypted under a key id; entries written before key ids still read."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.persistence import IntegrityError

from adapters.security.keys import VAULT, key_id, legacy_key, vault_master_key
from application.ports import VaultWrites
from domain.events import Meta
from domain.inputs import PreferencesPatch
from tests.support import ctx

VISA, MASTERCARD = "4111111111111111", "5555555555554444"


def card(number: str, year: int = 2031) -> dict[str, object]:
    return {"holder_name": "Marie Tremblay", "number": number, "exp_month": 8, "exp_year": year}


def vault_tokens(container) -> set[str]:
    return {row["token"] for row in container.sql.fetchall("SELECT token FROM card_vault")}


def token_of(service, profile_id) -> str:
    return service.get_profile(profile_id).state["card"]["token"]


def test_a_replaced_or_removed_card_leaves_no_number_in_the_vault(container, service, profile_id):
    service.register_card(profile_id, card(VISA), ctx())
    first = token_of(service, profile_id)
    service.register_card(profile_id, card(MASTERCARD), ctx())
    second = token_of(service, profile_id)
    tokens = vault_tokens(container)
    assert second in tokens and first not in tokens
    assert service.vault.reveal(first) is None
    service.remove_card(profile_id, True, ctx())
    assert second not in vault_tokens(container)


def test_the_same_card_again_or_a_refused_one_keeps_nothing_new(container, service, profile_id):
    service.register_card(profile_id, card(VISA), ctx())
    before = vault_tokens(container)
    service.register_card(profile_id, card(VISA), ctx())  # the same card: no event
    try:
        service.register_card(profile_id, card(MASTERCARD, year=2001), ctx())  # expired
    except Exception as refused:
        assert getattr(refused, "code", None) == "card_expired"
    assert vault_tokens(container) == before


def test_a_command_tried_again_after_losing_a_race_keeps_one_number(
    container, service, profile_id, monkeypatch
):
    insert = service.recorder.insert_events
    other = service.get_profile(profile_id)  # another writer's copy of the profile
    raced: list[bool] = []

    def losing_once(events, **kwargs):
        if not raced:  # the other writer takes the version first, once
            raced.append(True)
            other.change_preferences(_patch(), _meta())
            insert([service.mapper.to_stored_event(e) for e in other.collect_events()])
        return insert(events, **kwargs)

    before = vault_tokens(container)
    monkeypatch.setattr(service.recorder, "insert_events", losing_once)
    service.register_card(profile_id, card(VISA), ctx())
    monkeypatch.undo()
    assert raced
    assert vault_tokens(container) - before == {token_of(service, profile_id)}


def test_the_vault_keeps_the_key_id_and_reads_entries_written_before_key_ids(
    container, service, profile_id
):
    service.register_card(profile_id, card(VISA), ctx())
    token = token_of(service, profile_id)
    master = vault_master_key(container.settings)
    row = container.sql.fetchone("SELECT key_id FROM card_vault WHERE token = ?", (token,))
    assert row is not None and row["key_id"] == key_id(master)
    old, nonce = "tok_old", os.urandom(12)
    sealed = AESGCM(legacy_key(master, VAULT)).encrypt(nonce, MASTERCARD.encode(), old.encode())
    container.sql.execute(
        "INSERT INTO card_vault (token, nonce, ciphertext) VALUES (?, ?, ?)", (old, nonce, sealed)
    )
    try:
        assert service.vault.reveal(old) == MASTERCARD
    finally:
        container.sql.execute("DELETE FROM card_vault WHERE token = ?", (old,))


def test_a_vault_write_is_in_the_events_transaction(container, service, profile_id):
    sealed = service.vault.seal(VISA)
    (registered,) = service.recorder.select_events(profile_id, limit=1)  # version 1, taken
    with pytest.raises(IntegrityError):
        service.recorder.insert_events([registered], vault=VaultWrites(add=(sealed,)))
    assert sealed.token not in vault_tokens(container)


def _patch() -> PreferencesPatch:
    return PreferencesPatch(pdf_invoices=True)


def _meta() -> Meta:
    return Meta("customer:1", "c", None, datetime.now(UTC))
