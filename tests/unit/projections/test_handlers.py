"""Each projection turns each event into the right call on its view port."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

from eventsourcing.persistence import Tracking

from domain import events as ev
from projections.ports import AudienceChange
from projections.profiles import AudienceProjection, AuditProjection, ProfileViewProjection
from tests.doubles import PROFILE_ID, later_event
from tests.doubles import registered_event as registered

AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


class FakeView:
    """Stands in for any view port: remembers what the projection asked of it."""

    def __init__(self):
        self.tracked: list[int] = []
        self.records: dict[str, dict] = {}
        self.entries: list[dict] = []
        self.changes: list[AudienceChange] = []

    def insert_tracking(self, tracking):
        self.tracked.append(tracking.notification_id)

    def evolve(self, profile_id, change, tracking):
        self.insert_tracking(tracking)
        record = change(self.records.get(profile_id))
        if record is not None:
            self.records[profile_id] = record

    def append(self, profile_id, step, tracking):
        self.insert_tracking(tracking)
        stepped = step(self.records.get(profile_id))
        if stepped is not None:
            self.records[profile_id], entry = stepped
            self.entries.append(entry)

    def record(self, change, tracking):
        self.insert_tracking(tracking)
        self.changes.append(change)


def later(cls, version, **fields):
    return later_event(cls, version, AT, **fields)


def test_an_event_of_another_kind_only_moves_the_position():
    view = FakeView()
    ProfileViewProjection(view).process_event(object(), Tracking("profiles", 7))
    assert view.tracked == [7]
    assert view.records == {}


def test_profile_view_keeps_the_latest_record_with_its_version():
    view = FakeView()
    projection = ProfileViewProjection(view)
    projection.process_event(registered(), Tracking("profiles", 1))
    projection.process_event(
        later(ev.SocialAccountLinked, 2, network="signal", url="https://signal.me/#p/x"),
        Tracking("profiles", 5),
    )
    record = view.records[str(PROFILE_ID)]
    assert record["version"] == 2
    assert record["social"] == {"signal": "https://signal.me/#p/x"}
    assert record["updated_at"] == AT.isoformat()
    assert view.tracked == [1, 5]


def test_audit_entry_carries_position_metadata_section_and_changes():
    view = FakeView()
    projection = AuditProjection(view)
    projection.process_event(registered(), Tracking("profiles", 3))
    projection.process_event(
        later(ev.PreferencesChanged, 2, changes={"pdf_invoices": True}), Tracking("profiles", 9)
    )
    entry = view.entries[-1]
    assert {
        k: entry[k] for k in ("position", "version", "event", "section", "actor", "correlation_id")
    } == {
        "position": 9,
        "version": 2,
        "event": "PreferencesChanged",
        "section": "preferences",
        "actor": "customer:1",
        "correlation_id": "c-1",
    }
    assert entry["changes"] == [
        {"field": "preferences.pdf_invoices", "before": False, "after": True}
    ]
    assert entry["at"] == AT.isoformat()


def test_audience_follows_consents_suggestions_and_unsubscription():
    view = FakeView()
    projection = AudienceProjection(view)
    consent = {"channel": "api", "text_version": "v3", "language": "en", "at": "t", "actor": "a"}
    projection.process_event(registered(), Tracking("profiles", 1))
    projection.process_event(
        later(ev.PreferencesChanged, 2, changes={"domain_suggestions": True}),
        Tracking("profiles", 2),
    )
    projection.process_event(
        later(ev.PreferencesChanged, 3, changes={"language": "fr"}), Tracking("profiles", 3)
    )
    projection.process_event(
        later(ev.NewsletterSubscriptionsChanged, 4, categories=["news"], consent=consent),
        Tracking("profiles", 4),
    )
    projection.process_event(
        later(ev.NewsletterUnsubscribed, 5, categories=["news"]), Tracking("profiles", 5)
    )
    projection.process_event(
        later(ev.SocialAccountUnlinked, 6, network="skype"), Tracking("profiles", 6)
    )
    pid = str(PROFILE_ID)
    assert view.changes == [
        AudienceChange(pid, 1, registered=True, domain_suggestions=False),
        AudienceChange(pid, 2, domain_suggestions=True),
        AudienceChange(pid, 3),
        AudienceChange(pid, 4, categories=["news"], consent=consent),
        AudienceChange(pid, 5, categories=[], unsubscribed_at=AT.isoformat()),
        AudienceChange(pid, 6),
    ]


def test_audit_of_two_profiles_keeps_their_states_apart():
    view = FakeView()
    projection = AuditProjection(view)
    other = registered(profile_id=uuid4())
    projection.process_event(registered(), Tracking("profiles", 1))
    projection.process_event(other, Tracking("profiles", 2))
    assert len(view.records) == 2
    assert [e["position"] for e in view.entries] == [1, 2]


def test_events_of_a_profile_registered_before_the_view_started_are_passed_over():
    view = FakeView()
    unlinked = later(ev.SocialAccountUnlinked, 4, network="skype")
    ProfileViewProjection(view).process_event(unlinked, Tracking("profiles", 8))
    AuditProjection(view).process_event(unlinked, Tracking("profiles", 9))
    assert view.records == {} and view.entries == []
    assert view.tracked == [8, 9]
