"""The card vault (AES-GCM in a table of its own) and the argon2id password hasher."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets

from argon2 import PasswordHasher as Argon2
from argon2 import Type
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from adapters.sql import SqlRunner
from application.ports import CardVault, PasswordHasher


def derive_key(master: bytes, purpose: str) -> bytes:
    return hmac.new(master, purpose.encode(), hashlib.sha256).digest()


class Argon2idHasher(PasswordHasher):
    def __init__(
        self, time_cost: int = 3, memory_cost_kib: int = 65536, parallelism: int = 4
    ) -> None:
        self._argon2 = Argon2(
            time_cost=time_cost,
            memory_cost=memory_cost_kib,
            parallelism=parallelism,
            type=Type.ID,
        )

    def hash(self, password: str) -> str:
        return self._argon2.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._argon2.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False


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
