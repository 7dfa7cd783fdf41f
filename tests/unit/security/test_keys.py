"""Keys: one HKDF label per purpose, a key id that reveals nothing, key files made atomically."""

from __future__ import annotations

import base64
import os
import threading
from pathlib import Path

import pytest

from adapters.security.keys import (
    DATA_KEYS,
    FINGERPRINTS,
    IDEMPOTENCY,
    VAULT,
    derive_key,
    key_id,
    legacy_key,
)
from adapters.settings import ConfigurationError, key_file

MASTER = bytes(range(32))


def test_each_purpose_has_a_key_of_its_own_from_the_master_key():
    keys = [
        derive_key(MASTER, label)
        for label in (VAULT, FINGERPRINTS, IDEMPOTENCY, DATA_KEYS)
    ]
    assert len(set(keys)) == 4 and all(len(key) == 32 for key in keys)
    assert derive_key(MASTER, VAULT) == derive_key(MASTER, VAULT)
    assert derive_key(bytes(32), VAULT) != derive_key(MASTER, VAULT)
    assert legacy_key(MASTER, VAULT) != derive_key(MASTER, VAULT)  # HKDF, not the old HMAC


def test_a_key_id_names_a_master_key_without_revealing_it():
    assert key_id(MASTER) == key_id(MASTER) and len(key_id(MASTER)) == 16
    assert key_id(MASTER) != key_id(bytes(32))
    assert key_id(MASTER) not in MASTER.hex()


def test_a_key_file_is_made_once_and_read_back_by_every_process(tmp_path: Path):
    path = tmp_path / "store.db.vault-key"
    found: list[bytes] = []
    threads = [threading.Thread(target=lambda: found.append(key_file(path))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(found)) == 1 and len(found[0]) == 32
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no partial file left


@pytest.mark.parametrize("content", ["", "not base64!", base64.b64encode(os.urandom(16)).decode()])
def test_a_key_file_that_does_not_hold_32_bytes_is_refused(tmp_path: Path, content: str):
    path = tmp_path / "store.db.vault-key"
    path.write_text(content)
    with pytest.raises(ConfigurationError, match="32 bytes"):
        key_file(path)
