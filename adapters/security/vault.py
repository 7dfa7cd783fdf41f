"""The card vault: full card numbers, AES-GCM encrypted under a key id, in a table of their own."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from adapters.eventstore.ledger import VAULT_TABLE
from adapters.eventstore.sql import SqlRunner
from adapters.security.keyring import Keyring
from adapters.security.keys import FINGERPRINTS, VAULT, derive_key, legacy_key
from application.ports import CardVault, SealedNumber

FINGERPRINT_HEX = 32


class SqlCardVault(CardVault):
    """Numbers are written and deleted by the recorder, in the command's transaction (see
    `VaultWrites`); the vault seals them, reads them back and fingerprints them."""

    table = VAULT_TABLE

    def __init__(self, sql: SqlRunner, keyring: Keyring, master_key: bytes) -> None:
        """`master_key`: the one this process started with (fingerprints, rows without a key
        id); `keyring`: every master key it knows, by id."""
        self._sql = sql
        self.keyring = keyring
        self._legacy = AESGCM(legacy_key(master_key, VAULT))  # rows written without a key id
        self._fingerprint_key = derive_key(master_key, FINGERPRINTS)
        sql.add_column(self.table, "key_id", "TEXT")  # tables made before key ids

    def seal(self, number: str) -> SealedNumber:
        token = "tok_" + secrets.token_urlsafe(18)
        nonce, kid = os.urandom(12), self.keyring.newest
        ciphertext = AESGCM(self.keyring.vault_key(kid)).encrypt(
            nonce, number.encode(), token.encode()
        )
        return SealedNumber(token, nonce, ciphertext, kid)

    def reveal(self, token: str) -> str | None:
        """For the payment processor's adapter: the full number behind a token."""
        row = self._sql.fetchone(
            f"SELECT nonce, ciphertext, key_id FROM {self.table} WHERE token = ?", (token,)
        )
        if row is None:
            return None
        kid = row["key_id"]
        aes = self._legacy if kid is None else AESGCM(self.keyring.vault_key(kid))
        plain = aes.decrypt(bytes(row["nonce"]), bytes(row["ciphertext"]), token.encode())
        return plain.decode()

    def fingerprint(self, number: str) -> str:
        digest = hmac.new(self._fingerprint_key, number.encode(), hashlib.sha256)
        return digest.hexdigest()[:FINGERPRINT_HEX]
