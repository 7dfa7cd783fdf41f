"""An audit entry as the CloudEvent of events.md; the relay's batches stop where the audit has."""

from __future__ import annotations

import json
from typing import Any

from adapters.feed.cloudevent import DATA_FIELDS, cloud_event, decode, encode, sdk_encode
from adapters.feed.source import FeedSource, page

PROFILE = "0b5e0c1e-1111-4111-8111-111111111111"


def entry(position: int = 7, version: int = 2, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "position": position,
        "profile_id": PROFILE,
        "version": version,
        "at": "2026-03-01T14:00:00.250000+02:00",
        "actor": "support:luc",
        "correlation_id": "ticket-4711",
        "event": "ContactChanged",
        "section": "contact",
        "changes": [{"field": "email", "before": "a@example.com", "after": "b@example.com"}],
    }
    data.update(overrides)
    return data


def test_the_attributes_are_those_of_events_md():
    attributes = json.loads(encode(entry()))
    data = attributes.pop("data")
    assert attributes == {
        "specversion": "1.0",
        "id": f"{PROFILE}:2",
        "source": "/profiles",
        "type": "profile.ContactChanged.v1",
        "subject": PROFILE,
        "time": "2026-03-01T12:00:00.250000Z",
        "datacontenttype": "application/json",
        "position": 7,
    }
    assert list(data) == list(DATA_FIELDS)


def test_the_data_is_the_audit_entrys_content_with_its_caller_when_it_has_one():
    without = json.loads(encode(entry()))["data"]
    assert without == {
        "profile_id": PROFILE,
        "version": 2,
        "actor": "support:luc",
        "caller": None,
        "correlation_id": "ticket-4711",
        "section": "contact",
        "changes": entry()["changes"],
    }
    assert json.loads(encode(entry(caller="portal")))["data"]["caller"] == "portal"


def test_an_erased_skeleton_goes_out_as_it_is_in_the_audit_trail():
    erased = [{"field": "email", "before": "[erased]", "after": "[erased]"}]
    assert json.loads(encode(entry(changes=erased)))["data"]["changes"] == erased


def test_the_sdk_reads_back_what_is_written():
    event = decode(encode(entry()))
    assert event.get_id() == f"{PROFILE}:2"
    assert event.get_type() == "profile.ContactChanged.v1"
    assert event.get_extension("position") == 7
    assert event.get_data() == cloud_event(entry()).get_data()


class FakeAudit:
    def __init__(self, positions: list[int], reached: int) -> None:
        self.rows = [entry(position=p, version=p) for p in positions]
        self.reached = reached

    def entries(self, *, after: int | None = None, limit: int = 100) -> list[dict[str, Any]]:
        return [e for e in self.rows if e["position"] > (after or 0)][:limit]

    def max_tracking_id(self, application_name: str) -> int | None:
        return self.reached


def test_a_batch_holds_only_entries_the_audit_trail_has_completed():
    source = FeedSource(FakeAudit([2, 3, 5, 9], reached=6), "profiles", lambda: 9)
    batch = source.batch(0, limit=100)
    assert [m.position for m in batch.messages] == [2, 3, 5]
    assert batch.upto == 6  # position 6 had no entry: the relay goes past it


def test_a_full_batch_reaches_its_last_message_only():
    source = FeedSource(FakeAudit([2, 3, 5, 9], reached=9), "profiles", lambda: 9)
    batch = source.batch(2, limit=2)
    assert [(m.position, m.id, m.name) for m in batch.messages] == [
        (3, f"{PROFILE}:3", "ContactChanged"),
        (5, f"{PROFILE}:5", "ContactChanged"),
    ]
    assert batch.upto == 5


def test_nothing_is_read_beyond_the_audit_trails_position():
    source = FeedSource(FakeAudit([2, 3], reached=1), "profiles", lambda: 3)
    assert source.batch(1, limit=10).messages == []
    assert source.batch(1, limit=10).upto == 1


def test_a_page_is_the_cloudevents_as_published_and_where_the_next_starts():
    audit = FakeAudit([2, 3, 5], reached=5)
    first = page(audit, None, 2)
    assert first.next_after == 3
    body = json.loads(first.json())
    assert [e["position"] for e in body["events"]] == [2, 3]
    assert body["next_after"] == 3
    assert first.bodies[0] == encode(audit.rows[0])
    last = json.loads(page(audit, 3, 2).json())
    assert ([e["position"] for e in last["events"]], last["next_after"]) == ([5], None)


def test_what_is_published_is_what_the_sdk_writes_for_the_same_entry():
    for sample in (entry(), entry(at="2026-03-01T12:00:00+00:00", caller="portal"),
                   entry(changes=[{"field": "city", "before": "Montréal", "after": "Québec"}])):
        assert json.loads(encode(sample)) == json.loads(sdk_encode(sample))
