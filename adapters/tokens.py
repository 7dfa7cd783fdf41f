"""API bearer tokens with scopes; only the SHA-256 of each random token is stored."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from adapters.sql import SqlRunner

SCOPES: tuple[str, ...] = ("profiles:read", "profiles:write", "payment:write", "audit:read")
TOKEN_PREFIX = "ps_"
_NAME = re.compile(r"^[A-Za-z0-9._@+\-]{1,100}$")
_TOKEN = re.compile(r"^ps_[A-Za-z0-9_\-]{20,100}$")


class TokenError(ValueError):
    """A token cannot be created as asked (bad name or unknown scope)."""


@dataclass(frozen=True)
class Token:
    name: str
    scopes: frozenset[str]

    @property
    def actor(self) -> str:
        return f"service:{self.name}"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_scopes(scopes: Iterable[str]) -> frozenset[str]:
    chosen = frozenset(scopes)
    if not chosen:
        raise TokenError(f"give at least one scope among {', '.join(SCOPES)}")
    unknown = sorted(chosen - set(SCOPES))
    if unknown:
        raise TokenError(f"unknown scope {unknown[0]!r}; known: {', '.join(SCOPES)}")
    return chosen


class TokenStore:
    table = "api_tokens"

    def __init__(self, sql: SqlRunner) -> None:
        self._sql = sql
        self._ready = False

    def setup(self) -> None:
        if self._ready:
            return
        statement = (
            f"CREATE TABLE IF NOT EXISTS {self.table} ("
            "token_hash TEXT PRIMARY KEY, name TEXT NOT NULL, "
            "scopes TEXT NOT NULL, created_at TEXT NOT NULL)"
        )
        try:
            self._sql.execute(statement)
        except Exception:
            # Two processes may create the table at once on PostgreSQL; one of them fails.
            self._sql.fetchone(f"SELECT COUNT(*) AS n FROM {self.table}")
        self._ready = True

    def create(self, name: str, scopes: Iterable[str]) -> str:
        """Store a new token's hash and return the token itself (shown once, never kept)."""
        if not _NAME.match(name):
            raise TokenError(
                "a token name is 1 to 100 letters, digits or . _ @ + - (it becomes the actor "
                "service:<name>)"
            )
        chosen = check_scopes(scopes)
        self.setup()
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        self._sql.execute(
            f"INSERT INTO {self.table} (token_hash, name, scopes, created_at) VALUES (?, ?, ?, ?)",
            (token_hash(token), name, " ".join(sorted(chosen)), datetime.now(UTC).isoformat()),
        )
        return token

    def authenticate(self, token: str) -> Token | None:
        if not _TOKEN.match(token):
            return None
        self.setup()
        row = self._sql.fetchone(
            f"SELECT name, scopes FROM {self.table} WHERE token_hash = ?", (token_hash(token),)
        )
        if row is None:
            return None
        return Token(name=str(row["name"]), scopes=frozenset(str(row["scopes"]).split()))

    def count(self) -> int:
        self.setup()
        row = self._sql.fetchone(f"SELECT COUNT(*) AS n FROM {self.table}")
        return int(row["n"]) if row else 0
