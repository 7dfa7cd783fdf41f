"""The service's own failures, apart from the domain's refusals: a store busy or unreadable."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from uuid import UUID

from eventsourcing.persistence import InterfaceError, OperationalError

# The library's deserialisation error is a ValueError: it must never read as "no such id".
from eventsourcing.persistence import MapperDeserialisationError as EventsUndecodable


class ServiceFailure(Exception):
    """The service could not answer, whatever the command: no rule refused it."""

    code = "service_failure"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class StoreUnavailable(ServiceFailure):
    """The store is busy (locked) or unreachable: retry shortly (HTTP 503)."""

    code = "store_unavailable"

    def __init__(self) -> None:
        super().__init__("The store is busy or unreachable; retry in a moment.")


class EventsUnreadable(ServiceFailure):
    """Stored events cannot be decoded: a wrong key or damaged bytes (HTTP 500, logged)."""

    code = "events_unreadable"

    def __init__(self, profile_id: UUID | str | None = None) -> None:
        where = f" of profile {profile_id}" if profile_id is not None else ""
        super().__init__(
            f"The stored events{where} cannot be read (a wrong events key, or damaged data)."
        )


@contextmanager
def store_errors(profile_id: UUID | str | None = None) -> Iterator[None]:
    """Turn the event store's errors into the service's own."""
    try:
        yield
    except (OperationalError, InterfaceError):
        raise StoreUnavailable from None
    except EventsUndecodable:
        raise EventsUnreadable(profile_id) from None
