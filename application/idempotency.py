"""Idempotency keys: each caller's own, a keyed fingerprint per command, answers kept a while."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from application.context import CommandContext
from application.ports import (
    Clock,
    CommandResult,
    IdempotencyLedger,
    IdempotencyRecord,
    Outcome,
    Refusal,
)
from domain.errors import IdempotencyKeyReused, RuleViolation

DEFAULT_KEPT = timedelta(hours=24)
PURGE_EVERY = timedelta(minutes=10)


def refusal_of(error: RuleViolation) -> Refusal:
    return Refusal(error.code, error.message, error.field, error.feedback)


def refused(refusal: Refusal) -> RuleViolation:
    """The refusal again, as the first answer raised it."""
    return RuleViolation(refusal.code, refusal.message, refusal.field, feedback=refusal.feedback)


class Idempotency:
    """Fingerprints commands and answers a key seen before; forgets keys after `kept`."""

    def __init__(
        self,
        ledger: IdempotencyLedger,
        fingerprint_key: bytes,
        clock: Clock,
        kept: timedelta = DEFAULT_KEPT,
    ) -> None:
        self.ledger = ledger
        self.kept = kept
        self._key = fingerprint_key
        self._clock = clock
        self._purged_at: datetime | None = None
        self._purging = threading.Lock()

    def fingerprint(
        self, ctx: CommandContext, name: str, profile_id: UUID | None, args: Mapping[str, Any]
    ) -> str:
        """A keyed MAC of the command ("" without a key): secrets in `args` never become a
        plain, fast hash."""
        if ctx.idempotency_key is None:
            return ""
        payload = json.dumps([name, str(profile_id), args], sort_keys=True, default=str)
        return hmac.new(self._key, payload.encode(), hashlib.sha256).hexdigest()

    def record(self, ctx: CommandContext, fingerprint: str, outcome: Outcome) -> IdempotencyRecord:
        assert ctx.ledger_key is not None
        return IdempotencyRecord(ctx.ledger_key, fingerprint, outcome, self._clock.now())

    def replay(self, ctx: CommandContext, fingerprint: str) -> CommandResult | None:
        """The first answer to this caller's key: its result, or its refusal raised again;
        None when the key is new (or older than `kept`)."""
        if ctx.ledger_key is None:
            return None
        self._purge_when_due()
        found = self.ledger.find_idempotency_record(ctx.ledger_key)
        if found is None:
            return None
        if found.created_at < self._clock.now() - self.kept:
            self.purge()  # it, and every other key as old
            return None
        if not hmac.compare_digest(found.fingerprint, fingerprint):
            raise IdempotencyKeyReused
        if isinstance(found.result, Refusal):
            raise refused(found.result)
        return found.result

    def purge(self) -> int:
        now = self._clock.now()
        self._purged_at = now
        return self.ledger.purge_idempotency_records(now - self.kept)

    def _purge_when_due(self) -> None:
        due = self._purged_at is None or self._clock.now() - self._purged_at >= PURGE_EVERY
        if due and self._purging.acquire(blocking=False):
            try:
                self.purge()
            finally:
                self._purging.release()
