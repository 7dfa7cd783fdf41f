"""The command side's profile cache: LRU-bounded, with a lock per stripe of profile ids."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import suppress
from threading import Lock
from typing import Any, cast
from uuid import UUID

from eventsourcing.application import LRUCache
from eventsourcing.domain import CanMutateAggregate, DomainEventProtocol

from domain.profile import Profile

NewEvents = Callable[[UUID, int], Iterable[DomainEventProtocol[Any]]]


def project_profile(
    profile: Profile | None, events: Iterable[DomainEventProtocol[Any]]
) -> Profile | None:
    """The library's projector without its per-event runtime protocol check (slow)."""
    for event in events:
        profile = cast(CanMutateAggregate[UUID], event).mutate(profile)
    if isinstance(profile, Profile):
        profile.settle()
    return profile


class ProfileCache:
    """Profiles kept between commands; `maxsize` None or 0 keeps none.

    Whoever reads or changes a cached profile holds `lock(profile_id)` meanwhile.
    """

    def __init__(
        self,
        maxsize: int | None,
        load: Callable[[UUID], Profile],
        new_events: NewEvents,
        stripes: int = 1024,
    ) -> None:
        self._profiles: LRUCache[UUID, Profile] | None = LRUCache(maxsize) if maxsize else None
        self._load = load
        self._new_events = new_events
        self._locks = tuple(Lock() for _ in range(stripes))

    def lock(self, profile_id: UUID) -> Lock:
        return self._locks[profile_id.int % len(self._locks)]

    def get(self, profile_id: UUID) -> Profile | None:
        if self._profiles is not None:
            with suppress(KeyError):
                return self._profiles.get(profile_id)
        return None

    def put(self, profile: Profile) -> None:
        if self._profiles is not None:
            self._profiles.put(profile.id, profile)

    def evict(self, profile_id: UUID) -> None:
        if self._profiles is not None:
            with suppress(KeyError):
                self._profiles.get(profile_id, evict=True)

    def checkout(self, profile_id: UUID) -> tuple[Profile, bool]:
        """The cached profile, or one just read (and cached); True if just read."""
        cached = self.get(profile_id)
        if cached is not None:
            return cached, False
        profile = self._load(profile_id)
        self.put(profile)
        return profile, True

    def reload(self, profile_id: UUID) -> Profile:
        self.evict(profile_id)
        return self.checkout(profile_id)[0]

    def fast_forward(self, profile: Profile) -> Profile:
        """The profile with the events recorded since its version applied (in place)."""
        new_events = self._new_events(profile.id, profile.version)
        return cast(Profile, project_profile(profile, new_events))
