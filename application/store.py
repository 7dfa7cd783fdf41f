"""The profiles' event store alone: what projections, auditors and commands read."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, ProjectorFunction
from eventsourcing.domain import Snapshot
from eventsourcing.persistence import Mapper, StoredEvent

from application.errors import store_errors
from application.ports import IdempotencyRecord, PersonalData, SideWrites
from application.profile_cache import project_profile
from domain.errors import ProfileNotFound
from domain.profile import Profile

# A snapshot every 8 events: loading a profile then replays at most 7 events after its
# snapshot (each costs about a tenth of a 1-event load on SQLite). Snapshots are written in
# the command's own statement; they add about 40% to the stored bytes.
SNAPSHOT_INTERVAL = 8


def as_uuid(profile_id: UUID | str) -> UUID:
    """The profile id as a UUID; one that is not a UUID names no profile (ProfileNotFound)."""
    try:
        return profile_id if isinstance(profile_id, UUID) else UUID(str(profile_id))
    except ValueError:
        raise ProfileNotFound(profile_id) from None


class ProfileEventStore(Application[UUID]):
    """The profiles' event store alone: what projections and auditors read."""

    name = "profiles"
    snapshotting_intervals: ClassVar[dict[type[Any], int]] = {Profile: SNAPSHOT_INTERVAL}
    snapshotting_projectors: ClassVar[dict[type[Any], ProjectorFunction[Any, Any]]] = {
        Profile: project_profile
    }

    def __init__(
        self, env: Mapping[str, str] | None = None, *, personal: PersonalData | None = None
    ) -> None:
        """`personal`: each profile's personal values encrypted under its own data key."""
        self.personal = personal
        super().__init__(env)

    def construct_mapper(self) -> Mapper[UUID]:
        mapper = super().construct_mapper()
        return mapper if self.personal is None else self.personal.protect(mapper)

    def record(
        self,
        events: Sequence[Any],
        profile: Profile,
        idempotency: IdempotencyRecord | None = None,
        side: SideWrites | None = None,
    ) -> None:
        """Record a command's events with its idempotency record, what it writes beside them
        and, when one is due, the profile's snapshot: one transaction (one round trip on
        PostgreSQL for the usual command). A forgotten profile has no snapshot."""
        snapshot: StoredEvent | None = None
        interval = self.snapshotting_intervals.get(Profile)
        due = any(e.originator_version % interval == 0 for e in events) if interval else False
        if self.snapshots is not None and due and not profile.erased:
            snapshot = self.mapper.to_stored_event(Snapshot.take(profile))
        stored = [self.mapper.to_stored_event(e) for e in events]
        self.recorder.insert_events(stored, idempotency=idempotency, snapshot=snapshot, side=side)

    def get_profile(self, profile_id: UUID | str, version: int | None = None) -> Profile:
        """The profile now or at `version`: ProfileNotFound only when no profile has that id."""
        uuid = as_uuid(profile_id)
        try:
            with store_errors(uuid):
                return self.repository.get(uuid, version=version, projector_func=project_profile)
        except AggregateNotFoundError:
            raise ProfileNotFound(profile_id) from None
