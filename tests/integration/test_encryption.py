"""Encryption at rest: stored events with PROFILE_EVENTS_KEY, card numbers in the vault."""

from __future__ import annotations

import base64
import os
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from cryptography.exceptions import InvalidTag

from adapters.bootstrap import Container, build
from adapters.settings import Settings
from tests.support import ctx, registration, store_settings

EVENTS_KEY = base64.b64encode(os.urandom(32)).decode()
NUMBER = "378282246310005"


@pytest.fixture
def private_settings(store: str, tmp_path: Path, private_url: str) -> Settings:
    """Encrypted events go to a store of their own, never to the shared tables."""
    base = store_settings(store, tmp_path, events_key=EVENTS_KEY)
    return Settings(**{**base.model_dump(), "database_url": private_url})


def raw_states(container: Container, table: str) -> list[bytes]:
    return [bytes(row["state"]) for row in container.sql.dump(table)]


def test_with_an_events_key_stored_events_and_snapshots_are_unreadable_but_the_app_reads_them(
    private_settings, clock
):
    email = f"secret.{uuid4().hex[:8]}@example.com"
    container = build(private_settings, clock=clock)
    try:
        service = container.service
        pid = UUID(service.register(registration(email=email), ctx()).profile_id)
        service.change_contact(pid, {"address": {"city": "Gatineau", "postal_code": "J8T 1A1"}},
                               ctx())
        service.take_snapshot(pid)
        events_table = service.recorder.events_table_name
        snapshots_table = service.snapshots.recorder.events_table_name
        for table in (events_table, snapshots_table):
            states = raw_states(container, table)
            assert states
            for state in states:
                assert email.encode() not in state
                assert b"Gatineau" not in state
                assert b"first_name" not in state and b"city" not in state
        decrypted = [service.mapper.cipher.decrypt(s) for s in raw_states(container, events_table)]
        assert any(b"first_name" in d for d in decrypted)  # the field names under the events key
        assert not any(email.encode() in d for d in decrypted)  # the values under the profile's
    finally:
        container.close()

    again = build(private_settings, clock=clock)
    try:
        profile = again.service.get_profile(pid)
        assert (profile.state["email"], profile.state["address"]["city"]) == (email, "Gatineau")
    finally:
        again.close()


def test_without_an_events_key_the_events_are_json_with_personal_values_sealed(
    service, container, profile_id
):
    (stored,) = service.recorder.select_events(profile_id)
    assert service.mapper.cipher is None
    state = stored.state.replace(b" ", b"")
    assert b'"first_name":{"pii":' in state and b'"language":"fr"' in state
    assert b"Marie" not in state and b"Tremblay" not in state and b"Montr" not in state
    assert service.get_profile(profile_id).state["first_name"] == "Marie"


def test_the_vault_keeps_card_numbers_encrypted_in_a_table_of_its_own(
    service, container, profile_id
):
    service.register_card(
        profile_id,
        {"holder_name": "Marie", "number": NUMBER, "exp_month": 1, "exp_year": 2031},
        ctx(),
    )
    token = service.get_profile(profile_id).state["card"]["token"]
    row = container.sql.fetchone("SELECT * FROM card_vault WHERE token = ?", (token,))
    assert row is not None
    assert NUMBER.encode() not in bytes(row["ciphertext"])
    assert service.vault.reveal(token) == NUMBER
    assert service.vault.reveal("tok_unknown") is None
    other = "tok_" + uuid4().hex
    container.sql.execute(
        "INSERT INTO card_vault (token, nonce, ciphertext, key_id) VALUES (?, ?, ?, ?)",
        (other, bytes(row["nonce"]), bytes(row["ciphertext"]), row["key_id"]),
    )
    with pytest.raises(InvalidTag):  # the ciphertext is bound to its token
        service.vault.reveal(other)


def test_the_vault_fingerprints_a_number_alike_every_time_and_never_shows_it(service):
    fingerprint = service.vault.fingerprint(NUMBER)
    assert service.vault.fingerprint(NUMBER) == fingerprint
    assert service.vault.fingerprint("4111111111111111") != fingerprint
    assert NUMBER not in fingerprint
    first, second = service.vault.seal(NUMBER), service.vault.seal(NUMBER)
    assert first.token != second.token and NUMBER not in first.token  # a token of its own
    assert NUMBER.encode() not in first.ciphertext and NUMBER not in repr(first)
