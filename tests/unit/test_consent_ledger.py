"""Consent renewals and the consent ledger, on the aggregate alone (privacy.md)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.events import Meta, NewsletterSubscriptionsChanged
from domain.inputs import Consent
from domain.profile import Profile
from domain.sections.newsletters import consent_records

AT = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
FIELDS = {
    "first_name": "Marie",
    "last_name": "Tremblay",
    "email": "marie@example.com",
    "phone": None,
    "address": {"line1": "1 rue", "city": "Montréal", "postal_code": "H3B 1K9", "country": "CA"},
    "language": "fr",
}


def meta(minutes: int = 0) -> Meta:
    return Meta("customer:1", "c-1", None, AT + timedelta(minutes=minutes), "portal")


def consent(text: str = "v3", language: str = "fr") -> Consent:
    return Consent(channel="portal", text_version=text, language=language)


def story() -> tuple[Profile, list[object]]:
    profile = Profile.register(FIELDS, "$hash", meta())
    profile.subscribe(["news", "offers"], consent(), meta(1))
    profile.subscribe(["news", "offers"], consent("v4"), meta(2))  # a renewal of both
    profile.subscribe(["news", "offers"], consent("v4"), meta(3))  # the same terms: nothing
    profile.subscribe(["news", "tips"], consent("v4"), meta(4))  # offers ends, tips begins
    profile.unsubscribe(meta(5))
    return profile, list(profile.collect_events())


def test_subscribing_under_new_terms_renews_only_what_differs():
    profile = Profile.register(FIELDS, "$hash", meta())
    profile.subscribe(["news"], consent(), meta(1))
    profile.subscribe(["news", "tips"], consent("v3", "en"), meta(2))
    events = [e for e in profile.collect_events() if isinstance(e, NewsletterSubscriptionsChanged)]
    assert [e.renewed for e in events] == [None, ["news"]]
    assert profile.state["newsletters"]["news"]["language"] == "en"
    profile.subscribe(["news", "tips"], consent("v3", "en"), meta(3))
    assert profile.pending_events == []  # the same terms again: nothing to record


def test_the_ledger_has_a_record_per_category_per_change():
    _, events = story()
    ledger = [
        (r["purpose"], r["state"], r["version"], r["text_version"]) for r in consent_records(events)
    ]
    assert ledger == [
        ("newsletter:news", "given", 2, "v3"),
        ("newsletter:offers", "given", 2, "v3"),
        ("newsletter:news", "given", 3, "v4"),
        ("newsletter:offers", "given", 3, "v4"),
        ("newsletter:tips", "given", 4, "v4"),
        ("newsletter:offers", "withdrawn", 4, None),
        ("newsletter:news", "withdrawn", 5, None),
        ("newsletter:tips", "withdrawn", 5, None),
    ]
    first = consent_records(events)[0]
    assert (first["actor"], first["caller"], first["channel"], first["language"]) == (
        "customer:1",
        "portal",
        "portal",
        "fr",
    )
    assert first["at"] == (AT + timedelta(minutes=1)).isoformat()


def test_an_event_recorded_before_renewals_keeps_the_first_consents():
    profile = Profile.register(FIELDS, "$hash", meta())
    profile.subscribe(["news"], consent(), meta(1))
    old = NewsletterSubscriptionsChanged(  # as recorded before `renewed` existed
        originator_id=profile.id,
        originator_version=3,
        timestamp=AT,
        actor="a",
        correlation_id="c",
        idempotency_key=None,
        categories=["news", "tips"],
        consent={"channel": "api", "text_version": "v9", "language": "en"},
    )
    profile.take(old)
    assert profile.state["newsletters"]["news"]["text_version"] == "v3"
    assert profile.state["newsletters"]["tips"]["text_version"] == "v9"
