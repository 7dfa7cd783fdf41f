"""API bearer tokens with scopes; only the SHA-256 of each random token is stored."""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from threading import Lock

from adapters.eventstore.sql import SqlRunner

SCOPES: tuple[str, ...] = (
    "profiles:read", "profiles:write", "payment:write", "audit:read", "events:read"
)
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


class VerifiedTokens:
    """Tokens found in the store lately, by hash (never the token itself): at most `size`,
    each for `ttl` seconds. Unknown tokens are not remembered, so a new token works at once
    and random guesses cannot crowd out the known ones."""

    def __init__(
        self, size: int = 1024, ttl: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._entries: OrderedDict[str, tuple[float, Token]] = OrderedDict()
        self._size = size
        self._ttl = ttl
        self._clock = clock
        self._lock = Lock()

    def get(self, digest: str) -> Token | None:
        with self._lock:
            entry = self._entries.get(digest)
            if entry is None:
                return None
            if entry[0] <= self._clock():
                del self._entries[digest]
                return None
            self._entries.move_to_end(digest)
            return entry[1]

    def put(self, digest: str, token: Token) -> None:
        with self._lock:
            self._entries[digest] = (self._clock() + self._ttl, token)
            self._entries.move_to_end(digest)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)


class TokenStore:
    table = "api_tokens"

    def __init__(self, sql: SqlRunner, verified: VerifiedTokens | None = None) -> None:
        self._sql = sql
        self._ready = False
        self.verified = verified or VerifiedTokens()

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

    def recently_verified(self, token: str) -> Token | None:
        """The token if the store knew it within the last minute: no database read."""
        return self.verified.get(token_hash(token)) if _TOKEN.match(token) else None

    def authenticate(self, token: str) -> Token | None:
        if not _TOKEN.match(token):
            return None
        digest = token_hash(token)
        if (known := self.verified.get(digest)) is not None:
            return known
        self.setup()
        row = self._sql.fetchone(
            f"SELECT name, scopes FROM {self.table} WHERE token_hash = ?", (digest,)
        )
        if row is None:
            return None
        found = Token(name=str(row["name"]), scopes=frozenset(str(row["scopes"]).split()))
        self.verified.put(digest, found)
        return found

    def count(self) -> int:
        self.setup()
        row = self._sql.fetchone(f"SELECT COUNT(*) AS n FROM {self.table}")
        return int(row["n"]) if row else 0
