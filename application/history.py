"""Time travel: a profile as it was at a version or an instant, and its events, masked."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from application.errors import store_errors
from application.store import ProfileEventStore, as_uuid
from domain import events as ev
from domain.disclosure import profile_record, shown_fields
from domain.errors import ProfileNotFound, ProfileWasErased, VersionNotFound
from domain.profile import Profile
from domain.sections.newsletters import consent_records
from domain.state import ERASED


def profile_state(profile: Profile) -> dict[str, Any]:
    """The read side's record of a profile, shaped from the aggregate's state."""
    return profile_record(profile.state)


class History:
    """Answers from the events themselves, never from a projection."""

    def __init__(self, store: ProfileEventStore) -> None:
        self.store = store

    def _events(self, profile_id: UUID | str) -> list[ev.ProfileEvent]:
        uuid = as_uuid(profile_id)
        with store_errors(uuid):
            found = list(self.store.events.get(uuid))
        if not found:
            raise ProfileNotFound(profile_id)
        return [e for e in found if isinstance(e, ev.ProfileEvent)]

    def profile_at(
        self,
        profile_id: UUID | str,
        *,
        version: int | None = None,
        as_of: datetime | None = None,
    ) -> dict[str, Any]:
        if version is not None and as_of is not None:
            raise ValueError("Give a version or an instant, not both.")
        if (erased := self.store.get_profile(profile_id)).erased:
            raise ProfileWasErased(erased.id)  # now and at every moment before
        if as_of is not None:
            instant = as_of if as_of.tzinfo is not None else as_of.replace(tzinfo=UTC)
            earlier = [e for e in self._events(profile_id) if e.timestamp <= instant]
            if not earlier:
                raise VersionNotFound(profile_id, f"at {instant.isoformat()} (not yet registered)")
            version = earlier[-1].originator_version
        current = self.store.get_profile(profile_id)
        if version is None or version == current.version:
            return profile_state(current)
        if not 1 <= version <= current.version:
            raise VersionNotFound(profile_id, f"at version {version} (last is {current.version})")
        return profile_state(self.store.get_profile(profile_id, version=version))

    def consents(self, profile_id: UUID | str) -> list[dict[str, Any]]:
        """The profile's consent ledger, oldest first (once erased: what, when, which version)."""
        events = self._events(profile_id)
        records = consent_records(events)
        if isinstance(events[-1], ev.ProfileErased):
            kept = ("purpose", "state", "at", "version")
            return [{name: record[name] for name in kept} for record in records]
        return records

    def events(self, profile_id: UUID | str) -> list[dict[str, Any]]:
        """The events with what of them may be shown (once erased: the field names alone)."""
        events = self._events(profile_id)
        erased = isinstance(events[-1], ev.ProfileErased)
        return [
            {
                "name": type(event).__name__,
                "version": event.originator_version,
                "at": event.timestamp.isoformat(),
                "actor": event.actor,
                "caller": event.caller,
                "correlation_id": event.correlation_id,
                "idempotency_key": event.idempotency_key,
                "fields": skeleton(shown_fields(event))
                if erased and not isinstance(event, ev.ProfileErased)
                else shown_fields(event),
            }
            for event in events
        ]


def skeleton(fields: dict[str, Any]) -> dict[str, Any]:
    """Fields with every value erased: the names, nested ones too, stay."""
    return {
        name: skeleton(value) if isinstance(value, dict) else erased_value(value)
        for name, value in fields.items()
    }


def erased_value(value: Any) -> Any:  # noqa: ANN401
    return None if value is None else ERASED
