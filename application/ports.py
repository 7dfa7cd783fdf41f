"""Ports the application needs from the outside world, as small abstract classes."""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Mapper


class Clock(ABC):
    """Tells the current time (UTC); tests move it by hand."""

    @abstractmethod
    def now(self) -> datetime: ...


class SystemClock(Clock):
    def now(self) -> datetime:
        return datetime.now(UTC)


class PasswordHasher(ABC):
    """Turns a password into a one-way hash and checks a password against one."""

    @abstractmethod
    def hash(self, password: str) -> str: ...

    @abstractmethod
    def verify(self, password_hash: str, password: str) -> bool: ...


@dataclass(frozen=True)
class SealedNumber:
    """A card number encrypted for the vault under a new token: nothing of it in clear."""

    token: str
    nonce: bytes
    ciphertext: bytes
    key_id: str  # of the key it is encrypted under

    def __repr__(self) -> str:
        return f"SealedNumber(token={self.token!r}, key_id={self.key_id!r})"


@dataclass(frozen=True)
class VaultWrites:
    """What a command changes in the card vault, recorded in the command's own transaction:
    numbers kept only if the command is, numbers forgotten with the card they belonged to."""

    add: tuple[SealedNumber, ...] = ()
    remove: tuple[str, ...] = ()  # the tokens whose numbers are deleted

    def __bool__(self) -> bool:
        return bool(self.add or self.remove)


@dataclass(frozen=True)
class WrappedKey:
    """A profile's data key as stored: wrapped by a key of the master key's, named by its id."""

    profile_id: UUID
    key_id: str
    nonce: bytes
    wrapped: bytes

    def __repr__(self) -> str:
        return f"WrappedKey(profile_id={self.profile_id}, key_id={self.key_id!r})"


@dataclass(frozen=True)
class SideWrites:
    """What a command writes beside its events, in their transaction (see application.writes)."""

    vault: VaultWrites = field(default_factory=VaultWrites)
    new_key: WrappedKey | None = None  # a new profile's data key
    claims: tuple[str, ...] = ()  # e-mail addresses (as compared) the profile now holds
    releases: tuple[str, ...] = ()  # those it no longer holds
    erase: UUID | None = None  # a forgotten profile: its key and snapshots destroyed

    def __bool__(self) -> bool:
        return bool(self.vault or self.new_key or self.claims or self.releases or self.erase)


class EmailTaken(Exception):
    """Another profile holds this e-mail address (raised by the recorder, in the transaction)."""


class PersonalData(ABC):
    """Each profile's personal values encrypted under a data key of its own (privacy.md)."""

    @abstractmethod
    def protect(self, mapper: Mapper[UUID]) -> Mapper[UUID]:
        """The event store's mapper, encrypting and decrypting the personal values."""

    @abstractmethod
    def new_key(self, profile_id: UUID) -> WrappedKey:
        """A data key for a new profile: usable at once, stored with its registration."""

    @abstractmethod
    def forget(self, profile_id: UUID) -> None:
        """Keep no copy of a destroyed key (after erasure, or a registration not recorded)."""


class EmailDirectory(ABC):
    """Which profile holds an e-mail address (as `email_key` spells it)."""

    @abstractmethod
    def email_owner(self, key: str) -> UUID | None: ...


class CardVault(ABC):
    """Keeps full card numbers out of the service: a number in, a token out."""

    @abstractmethod
    def seal(self, number: str) -> SealedNumber:
        """Encrypt `number` under a new token; it is kept once a command records it."""

    @abstractmethod
    def reveal(self, token: str) -> str | None:
        """The full number behind a token (for the payment processor), None if forgotten."""

    @abstractmethod
    def fingerprint(self, number: str) -> str:
        """A stable, non-reversible digest: the same number gives the same fingerprint."""


@dataclass(frozen=True)
class CommandResult:
    profile_id: str
    version: int
    events: tuple[str, ...]
    contact_id: str | None = None

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> CommandResult:
        data: dict[str, Any] = json.loads(text)
        data["events"] = tuple(data["events"])
        return cls(**data)


@dataclass(frozen=True)
class Refusal:
    """A command's refusal by a rule, kept so that a retry with its key is refused alike."""

    code: str
    message: str
    field: str | None = None
    feedback: tuple[str, ...] = ()

    def to_json(self) -> str:
        return json.dumps({"refusal": {**asdict(self), "feedback": list(self.feedback)}})


Outcome = CommandResult | Refusal


def outcome_from_json(text: str) -> Outcome:
    data: dict[str, Any] = json.loads(text)
    if "refusal" in data:
        refusal = data["refusal"]
        return Refusal(
            refusal["code"], refusal["message"], refusal["field"], tuple(refusal["feedback"])
        )
    return CommandResult.from_json(text)


@dataclass(frozen=True)
class IdempotencyRecord:
    key: str  # the caller's key, scoped by the caller (`CommandContext.ledger_key`)
    fingerprint: str
    result: Outcome
    created_at: datetime = field(compare=False)


class IdempotencyLedger(ABC):
    """Remembers idempotency keys; the recorder writes them with the command's events.

    Passing `idempotency=IdempotencyRecord(...)` to the recorder's `insert_events`
    writes the record in the same transaction as the events.
    """

    @abstractmethod
    def find_idempotency_record(self, key: str) -> IdempotencyRecord | None: ...

    @abstractmethod
    def purge_idempotency_records(self, before: datetime) -> int:
        """Forget the records created before `before`; how many were."""
