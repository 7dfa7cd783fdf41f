"""Keys on both stores: a master-key rotation while the service runs, after which the old key is
not needed; profiles recorded before per-profile keys migrated under keys of their own."""

from __future__ import annotations

import base64
import os
import threading
from pathlib import Path
from uuid import UUID

import pytest

from adapters.bootstrap import Container, build
from adapters.security.keyring import StaleKey
from adapters.security.keys import IDEMPOTENCY, derive_key
from adapters.security.migration import migrate
from adapters.security.rotation import RotationRefused, rotate
from adapters.settings import Settings
from application.errors import EventsUnreadable
from application.service import ProfileService
from tests.doubles import FakeHasher
from tests.support import FakeClock, ctx, registration, store_settings

CARD = {"holder_name": "Marie T", "number": "4111111111111111", "exp_month": 8, "exp_year": 2031}


def key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


@pytest.fixture
def keyed(store: str, tmp_path: Path, private_url: str):
    """Settings under a given master key, on a store of this test's own."""

    def settings_with(master: str) -> Settings:
        base = store_settings(store, tmp_path, vault_key=master)
        return Settings(**{**base.model_dump(), "database_url": private_url})

    return settings_with


def with_card(container: Container) -> UUID:
    profile_id = UUID(container.service.register(registration(), ctx()).profile_id)
    container.service.register_card(profile_id, CARD, ctx())
    return profile_id


@pytest.mark.slow
def test_a_rotation_while_serving_leaves_everything_readable_with_the_new_key_alone(keyed):
    old, new = key(), key()
    serving = build(keyed(old), clock=FakeClock())
    before = [with_card(serving) for _ in range(5)]
    during: list[UUID] = []
    stop = threading.Event()

    def keep_serving() -> None:  # registrations and cards keep coming during the rotation
        while not stop.is_set():
            during.append(with_card(serving))

    writer = threading.Thread(target=keep_serving)
    writer.start()
    rotating = build(keyed(old), clock=FakeClock())
    try:
        done = rotate(rotating.sql, rotating.keyring, base64.b64decode(new))
    finally:
        stop.set()
        writer.join()
        rotating.close()
    after = with_card(serving)  # the running service goes on, under the new key
    serving.close()
    assert done.data_keys >= len(before) and done.vault_entries >= len(before)
    assert during, "commands went on during the rotation"
    fresh = build(keyed(new), clock=FakeClock())
    try:
        for profile_id in [*before, *during, after]:
            profile = fresh.service.get_profile(profile_id)
            assert profile.state["first_name"] == "Marie"
            assert fresh.service.vault.reveal(profile.state["card"]["token"]) == CARD["number"]
        view = fresh.read_side()
        assert view.rebuild() > 0
        assert view.profiles.get(after)["first_name"] == "Marie"
        kids = {row["key_id"] for row in fresh.sql.fetchall("SELECT key_id FROM profile_keys")}
        assert kids == {fresh.keyring.started_with}
    finally:
        fresh.close()
    stale = build(keyed(old), clock=FakeClock())
    try:
        with pytest.raises(EventsUnreadable):
            stale.service.get_profile(before[0])
    finally:
        stale.close()


def test_a_process_that_missed_the_handover_writes_nothing_under_the_old_key(keyed):
    old = key()
    idle = build(keyed(old), clock=FakeClock())
    rotating = build(keyed(old), clock=FakeClock())
    try:
        profile_id = with_card(idle)
        done = rotate(rotating.sql, rotating.keyring, base64.b64decode(key()), wait=lambda _: None)
        assert idle.keyring.stale == done.key_id  # what /readyz and the next write find out
        with pytest.raises(StaleKey, match="restart this process with the new PROFILE_VAULT_KEY"):
            idle.service.register(registration(), ctx())
        with pytest.raises(RotationRefused, match="already rotated"):
            rotate(idle.sql, idle.keyring, base64.b64decode(key()))
        with pytest.raises(EventsUnreadable):
            build(keyed(old), clock=FakeClock()).service.get_profile(profile_id)
    finally:
        idle.close()
        rotating.close()


def test_rotating_to_the_key_in_use_is_refused(keyed):
    master = key()
    container = build(keyed(master), clock=FakeClock())
    try:
        with pytest.raises(RotationRefused, match="in use"):
            rotate(container.sql, container.keyring, base64.b64decode(master))
    finally:
        container.close()


def test_profiles_recorded_before_data_keys_are_migrated_and_then_shredded_by_erasure(keyed):
    settings = keyed(key())
    container = build(settings, clock=FakeClock())
    legacy = ProfileService(  # as the service recorded them before per-profile keys
        settings.eventsourcing_env(), hasher=FakeHasher(), fingerprint_key=derive_key(
            base64.b64decode(settings.vault_key.get_secret_value()), IDEMPOTENCY
        ),
    )
    try:
        data = registration()
        old = UUID(legacy.register(data, ctx()).profile_id)
        legacy.change_contact(old, {"phone": "+1 514 555 0177"}, ctx())
        events = container.service.recorder.events_table_name
        clear = [bytes(row["state"]) for row in container.sql.dump(events)]
        assert any(data["email"].encode() in state for state in clear)
        done = migrate(container.service, container.sql, container.data_keys, wait=lambda _: None)
        assert (done.profiles, done.events) == (1, 2)
        states = [bytes(row["state"]) for row in container.sql.dump(events)]
        assert not any(data["email"].encode() in state for state in states)
        assert container.service.get_profile(old).state["email"] == data["email"]
        assert migrate(container.service, container.sql, container.data_keys).profiles == 0
        container.service.erase(old, "customer_request", ctx())
        assert container.service.events.get(old)  # the events are kept…
        first = next(iter(container.service.events.get(old)))
        assert "[erased]" in str(vars(first))  # …shredded
    finally:
        legacy.close()
        container.close()
