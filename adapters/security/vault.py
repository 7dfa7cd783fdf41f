"""The card vault: full card numbers, AES-GCM encrypted, in a table of their own."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from adapters.eventstore.sql import SqlRunner
from adapters.security.keys import derive_key
from application.ports import CardVault


class SqlCardVault(CardVault):
    table = "card_vault"

    def __init__(self, sql: SqlRunner, master_key: bytes) -> None:
        self._sql = sql
        self._aes = AESGCM(derive_key(master_key, "card-vault"))
        self._fingerprint_key = derive_key(master_key, "card-fingerprint")
        sql.execute(
            f"CREATE TABLE IF NOT EXISTS {self.table} ("
            f"token TEXT PRIMARY KEY, nonce {sql.blob()} NOT NULL, "
            f"ciphertext {sql.blob()} NOT NULL)"
        )

    def store(self, number: str) -> str:
        token = "tok_" + secrets.token_urlsafe(18)
        nonce = os.urandom(12)
        ciphertext = self._aes.encrypt(nonce, number.encode(), token.encode())
        self._sql.execute(
            f"INSERT INTO {self.table} (token, nonce, ciphertext) VALUES (?, ?, ?)",
            (token, nonce, ciphertext),
        )
        return token

    def reveal(self, token: str) -> str | None:
        """For the payment processor's adapter: the full number behind a token."""
        row = self._sql.fetchone(f"SELECT * FROM {self.table} WHERE token = ?", (token,))
        if row is None:
            return None
        plain = self._aes.decrypt(bytes(row["nonce"]), bytes(row["ciphertext"]), token.encode())
        return plain.decode()

    def fingerprint(self, number: str) -> str:
        return hmac.new(self._fingerprint_key, number.encode(), hashlib.sha256).hexdigest()[:32]
