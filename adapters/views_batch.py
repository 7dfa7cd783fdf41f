"""A batch of events applied to several views in one transaction, each view in a savepoint."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from eventsourcing.persistence import Mapper, Notification, Tracking
from eventsourcing.projection import Projection

from adapters.views_base import SqlView

Event = tuple[Any, Tracking]


@dataclass(frozen=True)
class Member:
    """A view and the projection that writes it."""

    name: str
    view: SqlView
    projection: Projection[Any]


@dataclass
class Outcome:
    positions: dict[str, int] = field(default_factory=dict)  # each view's position after it
    failures: dict[str, Exception] = field(default_factory=dict)  # the views left as they were


def decode(
    mapper: Mapper[Any], application_name: str, notifications: Sequence[Notification]
) -> list[Event]:
    return [
        (mapper.to_domain_event(notification), Tracking(application_name, notification.id))
        for notification in notifications
    ]


def apply_batch(
    datastore: Any,  # noqa: ANN401
    members: Sequence[Member],
    events: Sequence[Event],
) -> Outcome:
    """Apply `events` (in order, of one application) to each view, all in one transaction.

    Each view reads the states of the profiles concerned once, writes each once and records
    only the last position, skipping the events it has recorded already. A view that fails is
    rolled back to its savepoint (as if the batch never started) and named in the outcome;
    the others commit. An error of the transaction itself (its commit, say) is raised.
    """
    outcome = Outcome()
    if not events or not members:
        return outcome
    application_name, last = events[-1][1].application_name, events[-1][1].notification_id
    keys = [str(event.originator_id) for event, _ in events if hasattr(event, "originator_id")]
    with datastore.transaction(commit=True) as raw:
        for number, member in enumerate(members):
            savepoint = f"view_{number}"
            raw.execute(f"SAVEPOINT {savepoint}")
            try:
                with member.view.batch_in(raw, application_name, last, keys) as batch:
                    for event, tracking in events:
                        if batch.accepts(tracking.notification_id):
                            member.projection.process_event(event, tracking)
            except Exception as error:
                raw.execute(f"ROLLBACK TO SAVEPOINT {savepoint}")
                raw.execute(f"RELEASE SAVEPOINT {savepoint}")
                outcome.failures[member.name] = error
            else:
                raw.execute(f"RELEASE SAVEPOINT {savepoint}")
                outcome.positions[member.name] = max(last, batch.position or 0)
    return outcome
