"""The machinery every command shares: load, guard, record, idempotency."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from copy import deepcopy
from datetime import UTC, timedelta
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import (
    Repository,
)
from eventsourcing.persistence import IntegrityError

from application.context import CommandContext
from application.errors import store_errors
from application.idempotency import DEFAULT_KEPT, Idempotency, refusal_of
from application.ports import (
    CardVault,
    Clock,
    CommandResult,
    EmailTaken,
    IdempotencyLedger,
    PasswordHasher,
    PersonalData,
    Refusal,
    SystemClock,
)
from application.profile_cache import ProfileCache
from application.store import ProfileEventStore, as_uuid
from application.writes import NOTHING, Prepared, writes_beside
from domain.errors import DomainError, RuleViolation, VersionConflict
from domain.events import Meta, ProfileEvent
from domain.profile import Profile
from domain.sections.newsletters import DEFAULT_CATEGORIES
from domain.state import ProfileState

T = TypeVar("T")


class _Unsettled(Exception):
    """An outcome reached on a cached profile that no write confirmed as current."""

    def __init__(self, refusal: Exception | None = None, *, touched: bool = False) -> None:
        super().__init__()
        self.refusal = refusal  # None: a command that changed nothing; run it again
        self.touched = touched  # the profile took events that were not recorded


class CommandApplication(ProfileEventStore):
    """Runs commands against the profiles' event store, with versions and idempotency.

    Commands work on cached profiles without re-reading the store first: a cached
    profile may be stale if another process wrote since, but an event is recorded only at
    the version after the one it was decided on (the store's unique key), so a write that
    succeeds proves the decision was made on the current state. Any other outcome (a
    refusal, nothing to change, a version conflict, a failed write) is checked against the
    store and, if the profile had moved on, the command runs once more on the current state.
    """

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
        read_before_write: bool = False,
        idempotency_kept: timedelta = DEFAULT_KEPT,
        personal: PersonalData | None = None,
    ) -> None:
        """`read_before_write`: bring a cached profile up to date before each command (one
        read), for when other processes often write the same profiles (several servers)."""
        super().__init__(env, personal=personal)
        self._read_before_write = read_before_write
        self.hasher = hasher
        self._vault: CardVault | None = None
        self.clock = clock or SystemClock()
        self.categories = tuple(newsletter_categories)
        self.accepted_brands = tuple(accepted_card_brands)
        if not isinstance(self.recorder, IdempotencyLedger):
            msg = "The application recorder must also be an IdempotencyLedger."
            raise TypeError(msg)
        self.ledger: IdempotencyLedger = self.recorder
        self.idempotency = Idempotency(self.ledger, fingerprint_key, self.clock, idempotency_kept)
        size = self.env.get(self.AGGREGATE_CACHE_MAXSIZE)
        self._cache = ProfileCache(
            int(size) if size else None,
            load=lambda profile_id: ProfileEventStore.get_profile(self, profile_id),
            new_events=lambda profile_id, version: self.events.get(profile_id, gt=version),
        )

    def construct_repository(self) -> Repository[UUID]:
        """Without the library's cache: commands keep their own (see _command)."""
        return Repository(event_store=self.events, snapshot_store=self.snapshots)

    def use_vault(self, vault: CardVault) -> None:
        """Plug in the card vault (it may live in this application's own datastore)."""
        self._vault = vault

    @property
    def vault(self) -> CardVault:
        if self._vault is None:
            msg = "No card vault configured."
            raise RuntimeError(msg)
        return self._vault

    def get_profile(self, profile_id: UUID | str, version: int | None = None) -> Profile:
        """A copy of the current profile (the cached one brought up to date), or as it was."""
        if version is not None:
            return super().get_profile(profile_id, version)
        profile_id = as_uuid(profile_id)
        with self._cache.lock(profile_id):
            cached = self._cache.get(profile_id)
            if cached is None:
                return super().get_profile(profile_id)
            try:
                with store_errors(profile_id):
                    return deepcopy(self._cache.fast_forward(cached))
            except BaseException:
                self._cache.evict(profile_id)
                raise

    # The machinery every command shares
    def _command(
        self,
        name: str,
        profile_id: UUID,
        ctx: CommandContext,
        args: Mapping[str, Any],
        act: Callable[[Profile, Meta], T],
        prepared: Prepared = NOTHING,
    ) -> CommandResult:
        """Run `act` on the profile and record what it decided (with what was `prepared` for
        it, such as a card number sealed for the vault, kept only if the events use it)."""
        profile_id = as_uuid(profile_id)  # one spelling of the id for the fingerprint
        with store_errors(profile_id):
            return self._run(name, profile_id, ctx, args, act, prepared)

    def _run(
        self,
        name: str,
        profile_id: UUID,
        ctx: CommandContext,
        args: Mapping[str, Any],
        act: Callable[[Profile, Meta], T],
        prepared: Prepared,
    ) -> CommandResult:
        fingerprint = self.idempotency.fingerprint(ctx, name, profile_id, args)
        if (replayed := self.idempotency.replay(ctx, fingerprint)) is not None:
            return replayed
        with self._cache.lock(profile_id):
            try:
                profile, current = self._checkout(profile_id)
                try:
                    return self._attempt(profile, current, ctx, fingerprint, act, prepared)
                except _Unsettled as unsettled:
                    seen = profile.version
                    if unsettled.touched:
                        profile = self._cache.reload(profile_id)
                    else:
                        profile = self._cache.fast_forward(profile)
                        if profile.version == seen and unsettled.refusal is not None:
                            raise self._settled(ctx, fingerprint, unsettled.refusal) from None
                    return self._attempt(profile, True, ctx, fingerprint, act, prepared)
            except BaseException:
                self._cache.evict(profile_id)  # never keep a profile a failed command touched
                raise

    def _attempt(
        self,
        profile: Profile,
        current: bool,
        ctx: CommandContext,
        fingerprint: str,
        act: Callable[[Profile, Meta], T],
        prepared: Prepared = NOTHING,
    ) -> CommandResult:
        """One run of the command; `current`: the profile was just read from the store."""
        if ctx.expected_version is not None and profile.version != ctx.expected_version:
            conflict = VersionConflict(ctx.expected_version, profile.version)
            raise conflict if current else _Unsettled(conflict)
        before = profile.state
        try:
            profile.check_not_erased()
            outcome = act(profile, self._meta(ctx))
        except DomainError as refusal:
            pending = profile.pending_events
            if pending and all(
                isinstance(e, ProfileEvent) and e.recorded_when_refused for e in pending
            ):
                kept = refusal_of(refusal) if isinstance(refusal, RuleViolation) else None
                self._commit(
                    profile, ctx, fingerprint, current=current, refusal=kept, before=before
                )
            elif not current:
                raise _Unsettled(refusal, touched=bool(pending)) from None
            else:
                raise self._settled(ctx, fingerprint, refusal) from None
            raise
        if not current and not profile.pending_events:
            raise _Unsettled()
        return self._commit(
            profile,
            ctx,
            fingerprint,
            contact_id=outcome if isinstance(outcome, str) else None,
            current=current,
            prepared=prepared,
            before=before,
        )

    def _commit(
        self,
        profile: Profile,
        ctx: CommandContext,
        fingerprint: str | None,
        contact_id: str | None = None,
        *,
        current: bool = True,
        refusal: Refusal | None = None,
        prepared: Prepared = NOTHING,
        before: ProfileState | None = None,
    ) -> CommandResult:
        """Record the profile's new events with the key's record: the result, or the refusal
        that the events (PasswordChangeRejected) came with."""
        result = CommandResult(
            profile_id=str(profile.id),
            version=profile.version,
            events=tuple(type(e).__name__ for e in profile.pending_events),
            contact_id=contact_id,
        )
        record = (
            self.idempotency.record(ctx, fingerprint, refusal or result)
            if ctx.idempotency_key and fingerprint
            else None
        )
        if not result.events and record is None:
            return result
        try:
            events = profile.collect_events()
            self.record(events, profile, record, writes_beside(before, events, prepared) or None)
        except EmailTaken:
            self._cache.evict(profile.id)
            raise RuleViolation(
                "email_taken", "Another profile holds this e-mail address.", "email"
            ) from None
        except IntegrityError:
            self._cache.evict(profile.id)  # it holds events that were not recorded
            if fingerprint and (replayed := self.idempotency.replay(ctx, fingerprint)) is not None:
                return replayed
            if not current:
                raise _Unsettled(touched=True) from None
            raise VersionConflict(ctx.expected_version, self._head(profile.id)) from None
        if result.version == len(result.events):  # a new profile (others came from the cache)
            self._cache.put(profile)
        return result

    def _checkout(self, profile_id: UUID) -> tuple[Profile, bool]:
        profile, current = self._cache.checkout(profile_id)
        if self._read_before_write and not current:
            return self._cache.fast_forward(profile), True
        return profile, current

    def _head(self, profile_id: UUID) -> int | None:
        """The version of the last recorded event of a profile."""
        last = self.recorder.select_events(profile_id, desc=True, limit=1)
        return last[0].originator_version if last else None

    def _settled(self, ctx: CommandContext, fingerprint: str, refusal: Exception) -> Exception:
        """A refusal decided on the current state: kept under the caller's key, if any."""
        if isinstance(refusal, RuleViolation) and ctx.idempotency_key and fingerprint:
            record = self.idempotency.record(ctx, fingerprint, refusal_of(refusal))
            try:
                self.recorder.insert_events([], idempotency=record)
            except IntegrityError:  # the same key, answered meanwhile by a concurrent retry
                self.idempotency.replay(ctx, fingerprint)
        return refusal

    def _meta(self, ctx: CommandContext) -> Meta:
        now = self.clock.now().astimezone(UTC)
        return Meta(ctx.actor, ctx.correlation_id, ctx.idempotency_key, now, ctx.caller)
