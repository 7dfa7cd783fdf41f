"""The master keys this process knows, by key id: the one it was started with, and a new one a
rotation under way has handed over (privacy.md, "Keys")."""

from __future__ import annotations

import threading

from adapters.security.keys import DATA_KEYS, VAULT, derive_key, key_id


class UnknownKey(ValueError):
    """Something is wrapped under a master key this process does not know."""

    def __init__(self, kid: str) -> None:
        super().__init__(
            f"encrypted under master key {kid}, which this process does not hold "
            "(was PROFILE_VAULT_KEY rotated? start it with the new key)"
        )


class Keyring:
    """`newest` wraps what is written now; every key known unwraps what was written."""

    def __init__(self, master: bytes) -> None:
        self._lock = threading.Lock()
        self._masters: dict[str, bytes] = {}
        self.started_with = self.learn(master)

    @property
    def newest(self) -> str:
        with self._lock:
            return self._newest

    def learn(self, master: bytes) -> str:
        """Know this master key too, and write under it from now on; its id."""
        kid = key_id(master)
        with self._lock:
            self._masters[kid] = master
            self._newest = kid
        return kid

    def forget(self, kid: str) -> None:
        """No longer know a master key (the one a rotation retired)."""
        with self._lock:
            if kid != self._newest:
                self._masters.pop(kid, None)

    def known(self) -> tuple[str, ...]:
        with self._lock:
            return tuple(self._masters)

    def master(self, kid: str) -> bytes:
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
