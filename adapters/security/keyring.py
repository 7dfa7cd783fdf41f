"""The master keys this process knows, by key id: the one it was started with, and a new one
that a rotation under way hands over (privacy.md, "Keys")."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from adapters.eventstore.ledger import ROTATIONS_TABLE
from adapters.eventstore.sql import SqlRunner
from adapters.security.keys import DATA_KEYS, VAULT, derive_key, key_id

HANDOVER = "key-rotation"  # the purpose of the key that hands a new master key over
LOOK_EVERY = 1.0  # seconds between two looks for a rotation under way


class StaleKey(RuntimeError):
    """The master key this process writes under was rotated away, and it missed the handover."""

    def __init__(self, kid: str, successor: str) -> None:
        super().__init__(
            f"master key {kid} was rotated to {successor}: restart this process with the new "
            "PROFILE_VAULT_KEY (it writes nothing under the old one)"
        )


class UnknownKey(ValueError):
    """Something is wrapped under a master key this process does not know."""

    def __init__(self, kid: str) -> None:
        super().__init__(
            f"encrypted under master key {kid}, which this process does not hold "
            "(was PROFILE_VAULT_KEY rotated? start it with the new key)"
        )


def handover_context(kid: str, old_kid: str) -> bytes:
    return f"{kid}|{old_kid}".encode()


class Keyring:
    """`newest` wraps what is written now; every key known unwraps what was written. Once
    attached to the store it looks, every second at most, for a new master key handed over by
    `keys rotate`, and writes under it from then on."""

    def __init__(self, master: bytes, clock: Callable[[], float] = time.monotonic) -> None:
        self._lock = threading.Lock()
        self._masters: dict[str, bytes] = {}
        self._sql: SqlRunner | None = None
        self._clock = clock
        self._looked = 0.0
        self._successor: str | None = None
        self.started_with = self.learn(master)

    def attach(self, sql: SqlRunner) -> None:
        self._sql = sql

    @property
    def newest(self) -> str:
        self._look()
        with self._lock:
            if self._successor is not None:
                raise StaleKey(self._newest, self._successor)
            return self._newest

    @property
    def stale(self) -> str | None:
        """The key that replaced this process's newest one, if it missed the handover."""
        self._look(now=True)
        return self._successor

    def learn(self, master: bytes) -> str:
        """Know this master key too, and write under it from now on; its id."""
        kid = key_id(master)
        with self._lock:
            self._masters[kid] = master
            self._newest = kid
        return kid

    def known(self) -> tuple[str, ...]:
        with self._lock:
            return tuple(self._masters)

    def master(self, kid: str) -> bytes:
        with self._lock:
            found = self._masters.get(kid)
        if found is None:
            self._look(now=True)
            with self._lock:
                found = self._masters.get(kid)
        if found is None:
            raise UnknownKey(kid)
        return found

    def wrapping_key(self, kid: str) -> bytes:
        """The key that wraps data keys under master key `kid`."""
        return derive_key(self.master(kid), DATA_KEYS)

    def vault_key(self, kid: str) -> bytes:
        """The key that encrypts the card vault's numbers under master key `kid`."""
        return derive_key(self.master(kid), VAULT)

    def _look(self, now: bool = False) -> None:
        """Learn a master key handed over under one this process knows."""
        if self._sql is None or (not now and self._clock() < self._looked + LOOK_EVERY):
            return
        self._looked = self._clock()
        try:
            rows = self._sql.fetchall(f"SELECT * FROM {ROTATIONS_TABLE}")
        except Exception:  # no table yet, or a busy store: look again later
            return
        successor = None
        for row in rows:
            kid, old, wrapped = str(row["key_id"]), str(row["old_key_id"]), bytes(row["wrapped"])
            with self._lock:
                known, under, newest = kid in self._masters, self._masters.get(old), self._newest
            if known or under is None:
                continue
            if not wrapped:  # the rotation is over and its handover withdrawn: too late
                successor = kid if old == newest else successor
                continue
            self.learn(AESGCM(derive_key(under, HANDOVER)).decrypt(
                bytes(row["nonce"]), wrapped, handover_context(kid, old)
            ))
        with self._lock:
            self._successor = successor if successor not in self._masters else None
