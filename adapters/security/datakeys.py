"""Each profile's data key (AES-256-GCM): made at registration, stored wrapped under the master
key's wrapping key with its key id, unwrapped into a bounded memory, destroyed at erasure."""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from uuid import UUID

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.persistence import Mapper

from adapters.eventstore.ledger import KEYS_TABLE
from adapters.eventstore.sql import SqlRunner
from adapters.security.keyring import Keyring
from adapters.security.personal import PersonalMapper
from application.ports import PersonalData, WrappedKey

KEPT = 10_000  # unwrapped keys kept in memory at most
KEPT_SECONDS = 300.0  # how long one is trusted before it is read again (another process erased?)
ABSENT_SECONDS = 5.0  # how long "no key" is believed (`keys migrate` may be giving it one)
_ABSENT = None  # remembered: the profile has no key (erased, or recorded before keys)


def wrap_context(profile_id: UUID, kid: str) -> bytes:
    """What a wrapped key is bound to: its profile and its master key's id."""
    return f"{profile_id}|{kid}".encode()


class DataKeys(PersonalData):
    """The data keys of the profiles; `protect` gives the event store a mapper using them."""

    def __init__(
        self, keyring: Keyring, kept: int = KEPT, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.keyring = keyring
        self._sql: SqlRunner | None = None
        self._kept = kept
        self._clock = clock
        self._keys: OrderedDict[UUID, tuple[float, AESGCM | None]] = OrderedDict()
        self._lock = threading.Lock()

    def attach(self, sql: SqlRunner) -> None:
        """Read the wrapped keys through `sql` (the event store's own datastore)."""
        self._sql = sql

    def protect(self, mapper: Mapper[UUID]) -> Mapper[UUID]:
        return PersonalMapper(mapper, self.cipher_of)

    def new_key(self, profile_id: UUID) -> WrappedKey:
        key = AESGCM.generate_key(bit_length=256)
        kid, nonce = self.keyring.newest, os.urandom(12)
        wrapped = AESGCM(self.keyring.wrapping_key(kid)).encrypt(
            nonce, key, wrap_context(profile_id, kid)
        )
        self._remember(profile_id, AESGCM(key))
        return WrappedKey(profile_id, kid, nonce, wrapped)

    def forget(self, profile_id: UUID) -> None:
        with self._lock:
            self._keys.pop(profile_id, None)

    def cipher_of(self, profile_id: UUID) -> AESGCM | None:
        """The profile's data key, ready to use; None if it has none (erased, or recorded
        before keys)."""
        now = self._clock()
        with self._lock:
            found = self._keys.get(profile_id)
            if found is not None and found[0] > now:
                self._keys.move_to_end(profile_id)
                return found[1]
        key = self._read(profile_id)
        cipher = AESGCM(key) if key is not None else _ABSENT
        self._remember(profile_id, cipher)
        return cipher

    def _read(self, profile_id: UUID) -> bytes | None:
        if self._sql is None:
            raise RuntimeError("DataKeys.attach() was not called")
        row = self._sql.fetchone(
            f"SELECT key_id, nonce, wrapped FROM {KEYS_TABLE} WHERE profile_id = ?",
            (str(profile_id),),
        )
        if row is None:
            return None
        kid = str(row["key_id"])
        return AESGCM(self.keyring.wrapping_key(kid)).decrypt(
            bytes(row["nonce"]), bytes(row["wrapped"]), wrap_context(profile_id, kid)
        )

    def _remember(self, profile_id: UUID, cipher: AESGCM | None) -> None:
        kept = KEPT_SECONDS if cipher is not None else ABSENT_SECONDS
        with self._lock:
            self._keys[profile_id] = (self._clock() + kept, cipher)
            self._keys.move_to_end(profile_id)
            while len(self._keys) > self._kept:
                self._keys.popitem(last=False)
