"""The composition root builds the service from settings: argon2id passwords, the configured
card brands and newsletter categories, and the SQLite store's vault key kept beside it."""

from __future__ import annotations

import base64
import os

import pytest

from adapters.bootstrap import build
from adapters.settings import Settings
from domain.errors import RuleViolation
from tests.support import STRONG_PASSWORD, ctx, registration, store_settings

CARD = {"holder_name": "Marie Tremblay", "exp_month": 8, "exp_year": 2029}
CONSENT = {"channel": "portal", "text_version": "2026-01", "language": "fr"}


def test_the_service_keeps_only_an_argon2id_hash_of_a_password(service):
    password = "éléphant 🐘 rose " * 7 + "fin"  # 122 code points, more than 72 bytes
    for chosen in (STRONG_PASSWORD, password):
        result = service.register(registration(password=chosen), ctx())
        password_hash = service.get_profile(result.profile_id).state["password_hash"]
        assert password_hash.startswith("$argon2id$")
        assert chosen not in password_hash
        assert service.hasher.verify(password_hash, chosen)
    assert not service.hasher.verify(password_hash, password[:72])  # all of it was hashed


def test_accepted_card_brands_come_from_the_settings(store, tmp_path, clock):
    container = build(
        store_settings(store, tmp_path, accepted_card_brands=("visa", "discover")), clock=clock
    )
    try:
        service = container.service
        profile_id = service.register(registration(), ctx()).profile_id
        discover = {**CARD, "number": "6011111111111117"}
        assert service.register_card(profile_id, discover, ctx()).events == ("CardRegistered",)
        with pytest.raises(RuleViolation) as caught:
            service.register_card(profile_id, {**CARD, "number": "5555555555554444"}, ctx())
        assert caught.value.code == "unsupported_card_brand"
    finally:
        container.close()


def test_newsletter_categories_come_from_the_settings(store, tmp_path, clock):
    container = build(
        store_settings(store, tmp_path, newsletter_categories=("promos", "news")), clock=clock
    )
    try:
        service = container.service
        profile_id = service.register(registration(), ctx()).profile_id
        every = {"categories": ["all"], "consent": CONSENT}
        service.subscribe_newsletters(profile_id, every, ctx())
        assert sorted(service.get_profile(profile_id).state["newsletters"]) == ["news", "promos"]
        with pytest.raises(RuleViolation):
            service.subscribe_newsletters(
                profile_id, {"categories": ["tips"], "consent": CONSENT}, ctx()
            )
    finally:
        container.close()


def test_a_sqlite_store_keeps_a_generated_vault_key_beside_the_database(tmp_path, monkeypatch):
    for name in [name for name in os.environ if name.startswith("PROFILE_")]:
        monkeypatch.delenv(name)
    settings = Settings(
        database_url=f"sqlite:///{tmp_path}/p.db", argon2_time_cost=1, argon2_memory_kib=1024
    )
    first = build(settings)
    first.close()
    key_file = tmp_path / "p.db.vault-key"
    generated = key_file.read_text()
    assert len(base64.b64decode(generated)) == 32
    assert key_file.stat().st_mode & 0o077 == 0
    build(settings).close()
    assert key_file.read_text() == generated
