"""`keys rotate`: every data key and card-vault entry re-wrapped under a new master key while
the service runs; afterwards the old master key is no longer needed (privacy.md, "Keys")."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from adapters.eventstore.ledger import KEYS_TABLE, ROTATIONS_TABLE, VAULT_TABLE
from adapters.eventstore.sql import SqlRunner
from adapters.security.datakeys import wrap_context
from adapters.security.keyring import HANDOVER, LOOK_EVERY, Keyring, handover_context
from adapters.security.keys import VAULT, derive_key, key_id, legacy_key

PAGE = 500
HANDOVER_WAIT = 3 * LOOK_EVERY  # time for every running process to learn the new key


class RotationRefused(ValueError):
    """The rotation cannot be done as asked (one line)."""


@dataclass(frozen=True)
class Rotated:
    key_id: str
    data_keys: int
    vault_entries: int


def rotate(
    sql: SqlRunner,
    keyring: Keyring,
    new_master: bytes,
    wait: Callable[[float], None] = time.sleep,
) -> Rotated:
    """Hand the new key over (running processes learn it and write under it), re-wrap what
    was written under any other key, then withdraw the handover (the row stays, empty, to tell
    a process started with the old key that it is stale)."""
    old = keyring.started_with
    new = key_id(new_master)
    if new == old:
        raise RotationRefused("the new key is the one in use (PROFILE_VAULT_KEY)")
    if (successor := keyring.stale) is not None:
        raise RotationRefused(f"PROFILE_VAULT_KEY was already rotated to {successor}")
    nonce = os.urandom(12)
    handed = AESGCM(derive_key(keyring.master(old), HANDOVER)).encrypt(
        nonce, new_master, handover_context(new, old)
    )
    sql.execute(f"DELETE FROM {ROTATIONS_TABLE} WHERE key_id = ?", (new,))
    sql.execute(
        f"INSERT INTO {ROTATIONS_TABLE} (key_id, old_key_id, nonce, wrapped) VALUES (?, ?, ?, ?)",
        (new, old, nonce, handed),
    )
    keyring.learn(new_master)
    wait(HANDOVER_WAIT)
    data_keys = vault_entries = 0
    while True:
        moved = _rewrap_data_keys(sql, keyring, new), _reseal_vault(sql, keyring, new)
        data_keys, vault_entries = data_keys + moved[0], vault_entries + moved[1]
        if moved == (0, 0):
            break
    sql.execute(  # withdrawn: a process that missed it refuses to write under the old key
        f"UPDATE {ROTATIONS_TABLE} SET nonce = ?, wrapped = ? WHERE key_id = ?", (b"", b"", new)
    )
    return Rotated(new, data_keys, vault_entries)


def _rewrap_data_keys(sql: SqlRunner, keyring: Keyring, new: str) -> int:
    moved = 0
    while rows := sql.fetchall(
        f"SELECT profile_id, key_id, nonce, wrapped FROM {KEYS_TABLE} WHERE key_id <> ? LIMIT ?",
        (new, PAGE),
    ):
        for row in rows:
            profile_id, kid = UUID(str(row["profile_id"])), str(row["key_id"])
            key = AESGCM(keyring.wrapping_key(kid)).decrypt(
                bytes(row["nonce"]), bytes(row["wrapped"]), wrap_context(profile_id, kid)
            )
            nonce = os.urandom(12)
            wrapped = AESGCM(keyring.wrapping_key(new)).encrypt(
                nonce, key, wrap_context(profile_id, new)
            )
            sql.execute(  # only if nobody changed it meanwhile (an erasure deletes it)
                f"UPDATE {KEYS_TABLE} SET key_id = ?, nonce = ?, wrapped = ? "
                "WHERE profile_id = ? AND key_id = ?",
                (new, nonce, wrapped, str(profile_id), kid),
            )
            moved += 1
    return moved


def _reseal_vault(sql: SqlRunner, keyring: Keyring, new: str) -> int:
    legacy = AESGCM(legacy_key(keyring.master(keyring.started_with), VAULT))
    moved = 0
    while rows := sql.fetchall(
        f"SELECT token, nonce, ciphertext, key_id FROM {VAULT_TABLE} "
        "WHERE key_id IS NULL OR key_id <> ? LIMIT ?",
        (new, PAGE),
    ):
        for row in rows:
            token, kid = str(row["token"]), row["key_id"]
            aes = legacy if kid is None else AESGCM(keyring.vault_key(str(kid)))
            number = aes.decrypt(bytes(row["nonce"]), bytes(row["ciphertext"]), token.encode())
            nonce = os.urandom(12)
            sealed = AESGCM(keyring.vault_key(new)).encrypt(nonce, number, token.encode())
            sql.execute(
                f"UPDATE {VAULT_TABLE} SET key_id = ?, nonce = ?, ciphertext = ? "
                "WHERE token = ? AND nonce = ?",
                (new, nonce, sealed, token, bytes(row["nonce"])),
            )
            moved += 1
    return moved
