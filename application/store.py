"""The profiles' event store alone: what projections, auditors and commands read."""

from __future__ import annotations

from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, ProjectorFunction

from application.errors import store_errors
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

    def get_profile(self, profile_id: UUID | str, version: int | None = None) -> Profile:
        """The profile now or at `version`: ProfileNotFound only when no profile has that id."""
        uuid = as_uuid(profile_id)
        try:
            with store_errors(uuid):
                return self.repository.get(uuid, version=version, projector_func=project_profile)
        except AggregateNotFoundError:
            raise ProfileNotFound(profile_id) from None
