"""API bearer tokens with scopes and actor kinds; only the SHA-256 of each token is stored."""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from threading import Lock
from typing import Any

from eventsourcing.persistence import IntegrityError

from adapters.eventstore.sql import SqlRunner
from application.context import ACTOR_KINDS

SCOPES: tuple[str, ...] = (
    "profiles:read",
    "profiles:write",
    "payment:write",
    "audit:read",
    "events:read",
    "privacy:erase",
)
TOKEN_PREFIX = "ps_"
# A revoked token is refused by every process within 2 s (api.md): verified ones are
# remembered for less than that.
REMEMBERED_SECONDS = 1.0
LAST_USED_EVERY = timedelta(minutes=1)  # how often a token's last use is written, at most
_NAME = re.compile(r"^[A-Za-z0-9._@+\-]{1,100}$")
_TOKEN = re.compile(r"^ps_[A-Za-z0-9_\-]{20,100}$")


class TokenError(ValueError):
    """A token cannot be created or revoked as asked (bad or taken name, unknown scope…)."""


@dataclass(frozen=True)
class Token:
    name: str
    scopes: frozenset[str]
    actor_kinds: frozenset[str] = frozenset()  # the kinds it may act for; empty: any

    @property
    def actor(self) -> str:
        return f"service:{self.name}"

    def may_act_as(self, actor: str) -> bool:
        return actor == self.actor or not self.actor_kinds or (
            actor.partition(":")[0] in self.actor_kinds
        )


@dataclass(frozen=True)
class TokenInfo:
    """What `tokens list` shows of a token: never the token itself, nor its hash."""

    name: str
    scopes: tuple[str, ...]
    actor_kinds: tuple[str, ...]
    created_at: str
    last_used_at: str | None


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


def check_actor_kinds(kinds: Iterable[str]) -> frozenset[str]:
    chosen = frozenset(kinds)
    unknown = sorted(chosen - set(ACTOR_KINDS))
    if unknown:
        raise TokenError(f"unknown actor kind {unknown[0]!r}; known: {', '.join(ACTOR_KINDS)}")
    return chosen


class VerifiedTokens:
    """Tokens found in the store lately, by hash (never the token itself): at most `size`,
    each for `ttl` seconds. Unknown tokens are not remembered, so a new token works at once
    and random guesses cannot crowd out the known ones."""

    def __init__(
        self,
        size: int = 1024,
        ttl: float = REMEMBERED_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._entries: OrderedDict[str, tuple[float, Token]] = OrderedDict()
        self._size = size
        self._ttl = ttl
        self._clock = clock
        self._lock = Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

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
        self.sql = sql
        self._ready = False
        self.verified = verified if verified is not None else VerifiedTokens()

    def setup(self) -> None:
        if self._ready:
            return
        try:
            self.sql.execute(
                f"CREATE TABLE IF NOT EXISTS {self.table} ("
                "token_hash TEXT PRIMARY KEY, name TEXT NOT NULL, "
                "scopes TEXT NOT NULL, created_at TEXT NOT NULL)"
            )
        except Exception:
            # Two processes may create the table at once on PostgreSQL; one of them fails.
            self.sql.fetchone(f"SELECT COUNT(*) AS n FROM {self.table}")
        self.sql.add_column(self.table, "actor_kinds", "TEXT NOT NULL DEFAULT ''")
        self.sql.add_column(self.table, "last_used_at", "TEXT")
        with suppress(IntegrityError):  # names repeated before they had to be unique: `create`
            self.sql.execute(  # checks them; revoking a repeated name revokes every one
                f"CREATE UNIQUE INDEX IF NOT EXISTS {self.table}_by_name ON {self.table} (name)"
            )
        self._ready = True

    def create(
        self, name: str, scopes: Iterable[str], actor_kinds: Iterable[str] = ()
    ) -> str:
        """Store a new token's hash and return the token itself (shown once, never kept)."""
        if not _NAME.match(name):
            raise TokenError(
                "a token name is 1 to 100 letters, digits or . _ @ + - (it becomes the actor "
                "service:<name>)"
            )
        chosen, kinds = check_scopes(scopes), check_actor_kinds(actor_kinds)
        self.setup()
        if self._row_named(name) is not None:
            raise TokenError(f"a token named {name!r} exists; revoke it first or pick another")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        self.sql.execute(
            f"INSERT INTO {self.table} (token_hash, name, scopes, created_at, actor_kinds) "
            "VALUES (?, ?, ?, ?, ?)",
            (token_hash(token), name, " ".join(sorted(chosen)), _now().isoformat(),
             " ".join(sorted(kinds))),
        )
        return token

    def revoke(self, name: str) -> None:
        """Forget the token named so; every process refuses it within 2 seconds."""
        self.setup()
        if self._row_named(name) is None:
            raise TokenError(f"no token is named {name!r}")
        self.sql.execute(f"DELETE FROM {self.table} WHERE name = ?", (name,))

    def list(self) -> list[TokenInfo]:
        self.setup()
        rows = self.sql.fetchall(
            f"SELECT name, scopes, actor_kinds, created_at, last_used_at FROM {self.table} "
            "ORDER BY name"
        )
        return [
            TokenInfo(
                name=str(row["name"]),
                scopes=tuple(str(row["scopes"]).split()),
                actor_kinds=tuple(str(row["actor_kinds"] or "").split()),
                created_at=str(row["created_at"]),
                last_used_at=row["last_used_at"],
            )
            for row in rows
        ]

    def recently_verified(self, token: str) -> Token | None:
        """The token if the store knew it within the last second: no database read."""
        return self.verified.get(token_hash(token)) if _TOKEN.match(token) else None

    def authenticate(self, token: str) -> Token | None:
        if not _TOKEN.match(token):
            return None
        digest = token_hash(token)
        if (known := self.verified.get(digest)) is not None:
            return known
        self.setup()
        row = self.sql.fetchone(
            f"SELECT name, scopes, actor_kinds, last_used_at FROM {self.table} "
            "WHERE token_hash = ?",
            (digest,),
        )
        if row is None:
            return None
        found = Token(
            name=str(row["name"]),
            scopes=frozenset(str(row["scopes"]).split()),
            actor_kinds=frozenset(str(row["actor_kinds"] or "").split()),
        )
        with suppress(Exception):  # best effort: a busy store must not refuse a known token
            self._note_use(digest, row)
        self.verified.put(digest, found)
        return found

    def count(self) -> int:
        self.setup()
        row = self.sql.fetchone(f"SELECT COUNT(*) AS n FROM {self.table}")
        return int(row["n"]) if row else 0

    def _row_named(self, name: str) -> dict[str, Any] | None:
        return self.sql.fetchone(f"SELECT name FROM {self.table} WHERE name = ?", (name,))

    def _note_use(self, digest: str, row: dict[str, Any]) -> None:
        now = _now()
        last = row["last_used_at"]
        if last is not None and datetime.fromisoformat(last) > now - LAST_USED_EVERY:
            return
        self.sql.execute(
            f"UPDATE {self.table} SET last_used_at = ? WHERE token_hash = ?",
            (now.isoformat(), digest),
        )


def _now() -> datetime:
    return datetime.now(UTC)
