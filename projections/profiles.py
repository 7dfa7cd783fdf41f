"""The three projections of the profiles' events: profile view, audit trail, audience."""

from __future__ import annotations

from typing import Any

from eventsourcing.dispatch import singledispatchmethod
from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection

from domain import events as ev
from domain.state import ProfileState
from projections.ports import (
    AudienceChange,
    AudienceRecorder,
    AuditRecorder,
    Entry,
    ProfileViewRecorder,
)
from projections.records import changes, step

# A view that starts after the first event (`start_after`) sees events of profiles whose
# registration it never saw: it follows only the profiles it has seen registered.

class ProfileViewProjection(Projection[ProfileViewRecorder]):
    name = "profile_view"

    @singledispatchmethod
    def process_event(self, domain_event: object, tracking: Tracking) -> None:
        self.view.insert_tracking(tracking)

    @process_event.register
    def profile_event(self, event: ev.ProfileEvent, tracking: Tracking) -> None:
        self.view.evolve(str(event.originator_id), lambda state: step(event, state), tracking)


def audit_step(
    event: ev.ProfileEvent, tracking: Tracking, before: ProfileState | None
) -> tuple[ProfileState, Entry] | None:
    """The audit's next known state and the entry for `event` at `tracking`."""
    after = step(event, before)
    if after is None:
        return None
    name = type(event).__name__
    entry: Entry = {
        "position": tracking.notification_id,
        "profile_id": str(event.originator_id),
        "version": event.originator_version,
        "at": event.timestamp.isoformat(),
        "actor": event.actor,
        "caller": event.caller,
        "correlation_id": event.correlation_id,
        "event": name,
        "section": ev.SECTION_OF_EVENT.get(name, "other"),
        "changes": [] if isinstance(event, ev.ProfileErased) else changes(event, before, after),
    }
    return after, entry


class AuditProjection(Projection[AuditRecorder]):
    name = "audit_trail"

    @singledispatchmethod
    def process_event(self, domain_event: object, tracking: Tracking) -> None:
        self.view.insert_tracking(tracking)

    @process_event.register
    def profile_event(self, event: ev.ProfileEvent, tracking: Tracking) -> None:
        self.view.append(
            str(event.originator_id),
            lambda before: audit_step(event, tracking, before),
            tracking,
        )

    @process_event.register
    def erased(self, event: ev.ProfileErased, tracking: Tracking) -> None:
        self.profile_event(event, tracking)
        self.view.erase(str(event.originator_id), tracking)


class AudienceProjection(Projection[AudienceRecorder]):
    name = "newsletter_audience"

    @singledispatchmethod
    def process_event(self, domain_event: object, tracking: Tracking) -> None:
        self.view.insert_tracking(tracking)

    @process_event.register
    def profile_event(self, event: ev.ProfileEvent, tracking: Tracking) -> None:
        change = AudienceChange(str(event.originator_id), event.originator_version)
        self.view.record(change, tracking)

    @process_event.register
    def registered(self, event: ev.ProfileRegistered, tracking: Tracking) -> None:
        change = AudienceChange(
            str(event.originator_id),
            event.originator_version,
            registered=True,
            domain_suggestions=False,
        )
        self.view.record(change, tracking)

    @process_event.register
    def preferences_changed(self, event: ev.PreferencesChanged, tracking: Tracking) -> None:
        suggestions = event.changes.get("domain_suggestions")
        change = AudienceChange(
            str(event.originator_id),
            event.originator_version,
            domain_suggestions=None if suggestions is None else bool(suggestions),
        )
        self.view.record(change, tracking)

    @process_event.register
    def subscribed(self, event: ev.NewsletterSubscriptionsChanged, tracking: Tracking) -> None:
        change = AudienceChange(
            str(event.originator_id),
            event.originator_version,
            categories=list(event.categories),
            consent=dict(event.consent),
            renewed=tuple(event.renewed or ()),
        )
        self.view.record(change, tracking)

    @process_event.register
    def unsubscribed(self, event: ev.NewsletterUnsubscribed, tracking: Tracking) -> None:
        change = AudienceChange(
            str(event.originator_id),
            event.originator_version,
            categories=[],
            unsubscribed_at=event.timestamp.isoformat(),
        )
        self.view.record(change, tracking)

    @process_event.register
    def erased(self, event: ev.ProfileErased, tracking: Tracking) -> None:
        change = AudienceChange(
            str(event.originator_id), event.originator_version, categories=[], erased=True
        )
        self.view.record(change, tracking)


PROJECTIONS: tuple[type[Projection[Any]], ...] = (
    ProfileViewProjection,
    AuditProjection,
    AudienceProjection,
)
