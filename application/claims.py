"""Who holds each e-mail address, derived from the events: what the reservations must be."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from uuid import UUID

from domain import events as ev
from domain.sections.contact_information import email_key

CLAIMING_EVENTS = (ev.ProfileRegistered, ev.ContactChanged, ev.ProfileErased)


@dataclass(frozen=True)
class SharedEmail:
    """Profiles whose current e-mail address is the same (a store from before the rule): the
    first to take it holds it, the others are named for an operator to settle."""

    holder: UUID
    others: tuple[UUID, ...]


class EmailHolders:
    """Each profile's current address (as compared) and since which event, replayed in order."""

    def __init__(self) -> None:
        self._current: dict[UUID, tuple[str, int]] = {}

    def apply(self, event: object, position: int) -> None:
        if isinstance(event, ev.ProfileRegistered):
            self._take(event.originator_id, event.email, position)
        elif isinstance(event, ev.ContactChanged) and "email" in event.changes:
            self._take(event.originator_id, str(event.changes["email"]), position)
        elif isinstance(event, ev.ProfileErased):
            self._current.pop(event.originator_id, None)

    def _take(self, profile_id: UUID, email: str, position: int) -> None:
        key = email_key(email)
        held = self._current.get(profile_id)
        if held is None or held[0] != key:
            self._current[profile_id] = (key, position)

    def _by_address(self) -> dict[str, list[UUID]]:
        """Each address's profiles, the first to take it first."""
        ordered = sorted(self._current.items(), key=lambda item: item[1][1])
        profiles: defaultdict[str, list[UUID]] = defaultdict(list)
        for profile_id, (key, _) in ordered:
            profiles[key].append(profile_id)
        return profiles

    def claims(self) -> dict[str, UUID]:
        """The reservations: each address held by the first profile that took it."""
        return {key: holders[0] for key, holders in self._by_address().items()}

    def shared(self) -> list[SharedEmail]:
        return [
            SharedEmail(holders[0], tuple(holders[1:]))
            for holders in self._by_address().values()
            if len(holders) > 1
        ]
