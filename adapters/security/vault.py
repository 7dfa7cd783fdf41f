"""The card vault: full card numbers, AES-GCM encrypted under a key id, in a table of their own."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from adapters.eventstore.ledger import VAULT_TABLE
from adapters.eventstore.sql import SqlRunner
from adapters.security.keys import FINGERPRINTS, VAULT, derive_key, key_id, legacy_key
from application.ports import CardVault, SealedNumber

FINGERPRINT_HEX = 32


class SqlCardVault(CardVault):
    """Numbers are written and deleted by the recorder, in the command's transaction (see
    `VaultWrites`); the vault seals them, reads them back and fingerprints them."""

    table = VAULT_TABLE

    def __init__(self, sql: SqlRunner, master_key: bytes) -> None:
        self._sql = sql
        self.key_id = key_id(master_key)
        self._aes = AESGCM(derive_key(master_key, VAULT))
        self._legacy = AESGCM(legacy_key(master_key, VAULT))  # rows written without a key id
        self._fingerprint_key = derive_key(master_key, FINGERPRINTS)
        sql.add_column(self.table, "key_id", "TEXT")  # tables made before key ids

    def seal(self, number: str) -> SealedNumber:
        token = "tok_" + secrets.token_urlsafe(18)
        nonce = os.urandom(12)
        ciphertext = self._aes.encrypt(nonce, number.encode(), token.encode())
        return SealedNumber(token, nonce, ciphertext, self.key_id)

    def reveal(self, token: str) -> str | None:
        """For the payment processor's adapter: the full number behind a token."""
        row = self._sql.fetchone(
            f"SELECT nonce, ciphertext, key_id FROM {self.table} WHERE token = ?", (token,)
        )
        if row is None:
            return None
        aes = self._legacy if row["key_id"] is None else self._aes
        if row["key_id"] not in (None, self.key_id):
            raise ValueError(f"card vault entry under another key ({row['key_id']})")
        plain = aes.decrypt(bytes(row["nonce"]), bytes(row["ciphertext"]), token.encode())
        return plain.decode()

    def fingerprint(self, number: str) -> str:
        digest = hmac.new(self._fingerprint_key, number.encode(), hashlib.sha256)
        return digest.hexdigest()[:FINGERPRINT_HEX]
