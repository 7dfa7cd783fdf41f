"""The machinery every command shares: load, guard, record, idempotency."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC
from typing import Any, ClassVar, TypeVar, cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError

from application.context import CommandContext
from application.ports import (
    CardVault,
    Clock,
    CommandResult,
    IdempotencyLedger,
    IdempotencyRecord,
    PasswordHasher,
    SystemClock,
)
from domain.errors import DomainError, IdempotencyKeyReused, ProfileNotFound, VersionConflict
from domain.events import Meta, ProfileEvent
from domain.newsletter import DEFAULT_CATEGORIES
from domain.profile import Profile

T = TypeVar("T")


def as_uuid(profile_id: UUID | str) -> UUID:
    return profile_id if isinstance(profile_id, UUID) else UUID(str(profile_id))


class ProfileEventStore(Application[UUID]):
    """The profiles' event store alone: what projections and auditors read."""

    name = "profiles"
    snapshotting_intervals: ClassVar[dict[type[Any], int]] = {Profile: 50}

    def get_profile(self, profile_id: UUID | str, version: int | None = None) -> Profile:
        try:
            return cast(Profile, self.repository.get(as_uuid(profile_id), version=version))
        except (AggregateNotFoundError, ValueError):
            raise ProfileNotFound(profile_id) from None


class CommandApplication(ProfileEventStore):
    """Runs commands against the profiles' event store, with versions and idempotency."""

    name = "profiles"  # the same store as ProfileEventStore (PostgreSQL table prefix)

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        *,
        hasher: PasswordHasher,
        fingerprint_key: bytes,
        clock: Clock | None = None,
        newsletter_categories: Sequence[str] = DEFAULT_CATEGORIES,
        accepted_card_brands: Sequence[str] = ("visa", "mastercard", "amex"),
    ) -> None:
        super().__init__(env)
        self.hasher = hasher
        self._vault: CardVault | None = None
        self.clock = clock or SystemClock()
        self.categories = tuple(newsletter_categories)
        self.accepted_brands = tuple(accepted_card_brands)
        self._fingerprint_key = fingerprint_key
        if not isinstance(self.recorder, IdempotencyLedger):
            msg = "The application recorder must also be an IdempotencyLedger."
            raise TypeError(msg)
        self.ledger: IdempotencyLedger = self.recorder

    def use_vault(self, vault: CardVault) -> None:
        """Plug in the card vault (it may live in this application's own datastore)."""
        self._vault = vault

    @property
    def vault(self) -> CardVault:
        if self._vault is None:
            msg = "No card vault configured."
            raise RuntimeError(msg)
        return self._vault

    # The machinery every command shares
    def _command(
        self,
        name: str,
        profile_id: UUID,
        ctx: CommandContext,
        args: Mapping[str, Any],
        act: Callable[[Profile, Meta], T],
    ) -> CommandResult:
        try:
            profile_id = as_uuid(profile_id)  # one spelling of the id for the fingerprint
        except ValueError:
            raise ProfileNotFound(profile_id) from None
        fingerprint = self._fingerprint(name, profile_id, args)
        if (replayed := self._replay(ctx, fingerprint)) is not None:
            return replayed
        profile = self.get_profile(profile_id)
        if ctx.expected_version is not None and profile.version != ctx.expected_version:
            raise VersionConflict(ctx.expected_version, profile.version)
        try:
            outcome = act(profile, self._meta(ctx))
        except DomainError:
            if profile.pending_events and all(
                isinstance(e, ProfileEvent) and e.recorded_when_refused
                for e in profile.pending_events
            ):
                self._commit(profile, ctx, None)
            raise
        return self._commit(
            profile, ctx, fingerprint, contact_id=outcome if isinstance(outcome, str) else None
        )

    def _commit(
        self,
        profile: Profile,
        ctx: CommandContext,
        fingerprint: str | None,
        contact_id: str | None = None,
    ) -> CommandResult:
        result = CommandResult(
            profile_id=str(profile.id),
            version=profile.version,
            events=tuple(type(e).__name__ for e in profile.pending_events),
            contact_id=contact_id,
        )
        record = (
            IdempotencyRecord(ctx.idempotency_key, fingerprint, result, self.clock.now())
            if ctx.idempotency_key and fingerprint
            else None
        )
        if not result.events and record is None:
            return result
        try:
            self.save(profile, idempotency=record)
        except IntegrityError:
            if fingerprint and (replayed := self._replay(ctx, fingerprint)) is not None:
                return replayed
            raise VersionConflict(ctx.expected_version, self._head(profile.id)) from None
        return result

    def _head(self, profile_id: UUID) -> int | None:
        """The version of the last recorded event of a profile."""
        last = self.recorder.select_events(profile_id, desc=True, limit=1)
        return last[0].originator_version if last else None

    def _replay(self, ctx: CommandContext, fingerprint: str) -> CommandResult | None:
        if ctx.idempotency_key is None:
            return None
        record = self.ledger.find_idempotency_record(ctx.idempotency_key)
        if record is None:
            return None
        if not hmac.compare_digest(record.fingerprint, fingerprint):
            raise IdempotencyKeyReused
        return record.result

    def _fingerprint(self, name: str, profile_id: UUID | None, args: Mapping[str, Any]) -> str:
        """A keyed MAC of the command: secrets in `args` never become a plain, fast hash."""
        payload = json.dumps([name, str(profile_id), args], sort_keys=True, default=str)
        return hmac.new(self._fingerprint_key, payload.encode(), hashlib.sha256).hexdigest()

    def _meta(self, ctx: CommandContext) -> Meta:
        now = self.clock.now().astimezone(UTC)
        return Meta(ctx.actor, ctx.correlation_id, ctx.idempotency_key, now)
