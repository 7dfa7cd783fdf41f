"""Who issues a command, on whose behalf, and under which guarantees."""

from __future__ import annotations

import re
from dataclasses import dataclass
from uuid import uuid4

from domain.errors import RuleViolation

ACTOR_KINDS = ("customer", "support", "service", "system")
_ACTOR = re.compile(r"^(customer|support|service|system):[A-Za-z0-9._@+\-]{1,100}$")
_KEY = re.compile(r"^[\x21-\x7e]{1,200}$")


def check_actor(actor: str) -> str:
    if not _ACTOR.match(actor):
        raise RuleViolation(
            "validation_error",
            f"The actor is '<kind>:<id>' with kind one of {', '.join(ACTOR_KINDS)}.",
            "actor",
        )
    return actor


@dataclass(frozen=True)
class CommandContext:
    actor: str
    correlation_id: str
    expected_version: int | None = None
    idempotency_key: str | None = None
    caller: str | None = None  # the API token's name (None: the service itself, e.g. the CLI)

    def __post_init__(self) -> None:
        check_actor(self.actor)
        if self.idempotency_key is not None and not _KEY.match(self.idempotency_key):
            raise RuleViolation(
                "validation_error",
                "An idempotency key is 1 to 200 printable ASCII characters.",
                "idempotency_key",
            )

    @property
    def ledger_key(self) -> str | None:
        """The idempotency key as kept: each caller's keys apart from every other caller's."""
        if self.idempotency_key is None:
            return None
        return f"{self.caller or '-'} {self.idempotency_key}"

    @classmethod
    def system(cls, actor: str = "system:profile-service") -> CommandContext:
        return cls(actor=actor, correlation_id=str(uuid4()))
