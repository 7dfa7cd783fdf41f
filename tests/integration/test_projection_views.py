"""The three views, fed by their runners, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import Tracking

from adapters.readside.model import ReadSide
from application.history import History, profile_state
from domain.errors import ProfileNotFound, RuleViolation
from tests.integration.readside_support import head, private_readside
from tests.support import OTHER_STRONG_PASSWORD, STRONG_PASSWORD, ctx, registration

CONSENT = {"channel": "portal", "text_version": "v2", "language": "fr"}
CARD = {
    "holder_name": "Marie Tremblay",
    "number": "4242 4242 4242 4242",
    "exp_month": 4,
    "exp_year": 2030,
}


def caught_up(readside: ReadSide, result) -> None:
    assert readside.wait_for_version(UUID(result.profile_id), result.version, timeout=10)


def every_section(service, profile_id: UUID):
    service.change_contact(
        profile_id,
        {"email": f"m.t.{uuid4().hex[:8]}@example.com", "address": {"city": "Laval"}},
        ctx(),
    )
    service.change_additional_info(profile_id, {"company": "Acme", "job_title": "CTO"}, ctx())
    contact_id = service.add_contact(
        profile_id, {"name": "Ann Lee", "email": "ann@example.com", "roles": ["billing"]}, ctx()
    ).contact_id
    service.change_preferences(
        profile_id, {"billing_contact_id": contact_id, "language": "en"}, ctx()
    )
    service.change_password(
        profile_id,
        {"current_password": STRONG_PASSWORD, "new_password": OTHER_STRONG_PASSWORD},
        ctx(),
    )
    service.register_card(profile_id, CARD, ctx())
    service.link_social(profile_id, "linkedin", "https://www.linkedin.com/in/marie", ctx())
    return service.subscribe_newsletters(
        profile_id, {"categories": ["news"], "consent": CONSENT}, ctx()
    )


def test_profile_view_equals_the_aggregate_and_holds_no_secret(service, readside, profile_id):
    caught_up(readside, every_section(service, profile_id))
    profile = service.get_profile(profile_id)
    view = readside.profiles.get(profile_id)
    assert view == profile_state(profile)
    assert view["card"]["last4"] == "4242"
    dumped = json.dumps(view)
    assert profile.state["password_hash"] not in dumped
    assert (
        profile.state["card"]["token"] not in dumped
        and profile.state["card"]["fingerprint"] not in dumped
    )


def test_unknown_profile_has_no_view(readside):
    assert readside.profiles.get(uuid4()) is None
    assert readside.profiles.get("not-a-uuid") is None


def test_audit_has_one_entry_per_event_with_increasing_positions(service, readside, profile_id):
    caught_up(readside, every_section(service, profile_id))
    entries = readside.audit.entries(profile_id=profile_id)
    events = History(service).events(profile_id)
    assert [(e["version"], e["event"]) for e in entries] == [
        (e["version"], e["name"]) for e in events
    ]
    positions = [e["position"] for e in entries]
    assert positions == sorted(set(positions))
    password = next(e for e in entries if e["event"] == "PasswordChanged")
    assert password["section"] == "password"
    assert password["changes"] == [{"field": "password", "before": None, "after": "changed"}]
    card = next(e for e in entries if e["event"] == "CardRegistered")
    assert card["changes"] == [
        {"field": "card", "before": None, "after": "visa 4242 04/2030 Marie Tremblay"}
    ]
    contact = next(e for e in entries if e["event"] == "ContactChanged")
    assert {"field": "address.city", "before": "Montréal", "after": "Laval"} in contact["changes"]
    assert service.get_profile(profile_id).state["password_hash"] not in json.dumps(entries)


def test_audit_filters_by_section_time_and_pages(service, readside, clock, profile_id):
    clock.advance(hours=1)
    since = clock.now()
    service.link_social(profile_id, "skype", "https://join.skype.com/invite/abc", ctx())
    service.change_preferences(profile_id, {"pdf_invoices": True}, ctx())
    clock.advance(hours=1)
    until = clock.now()
    caught_up(readside, service.unlink_social(profile_id, "skype", ctx()))

    def events(**filters):
        return [e["event"] for e in readside.audit.entries(profile_id=profile_id, **filters)]

    assert events(section="social") == ["SocialAccountLinked", "SocialAccountUnlinked"]
    assert events(since=since, until=until) == ["SocialAccountLinked", "PreferencesChanged"]
    assert events(since=until) == ["SocialAccountUnlinked"]
    _, second = readside.audit.entries(profile_id=profile_id, limit=2)
    assert events(after=second["position"]) == ["PreferencesChanged", "SocialAccountUnlinked"]
    assert [
        e["position"] for e in readside.audit.iter_entries(profile_id=profile_id, page_size=1)
    ] == [e["position"] for e in readside.audit.entries(profile_id=profile_id)]


def test_global_audit_feed_is_in_recorded_order(service, readside):
    start = readside.head()
    first = UUID(service.register(registration(), ctx()).profile_id)
    second = UUID(service.register(registration(), ctx()).profile_id)
    service.link_social(first, "signal", "https://signal.me/#p/abc", ctx())
    caught_up(readside, service.link_social(second, "signal", "https://signal.me/#p/def", ctx()))
    ours = {str(first), str(second)}
    feed = [e for e in readside.audit.iter_entries(after=start) if e["profile_id"] in ours]
    assert [(e["profile_id"], e["event"]) for e in feed] == [
        (str(first), "ProfileRegistered"),
        (str(second), "ProfileRegistered"),
        (str(first), "SocialAccountLinked"),
        (str(second), "SocialAccountLinked"),
    ]


def test_audience_lists_subscribers_in_order_and_in_pages(service, readside):
    category = "tips"
    ids = sorted(str(UUID(service.register(registration(), ctx()).profile_id)) for _ in range(3))
    for profile_id in ids:
        result = service.subscribe_newsletters(
            UUID(profile_id), {"categories": [category], "consent": CONSENT}, ctx()
        )
        caught_up(readside, result)
    everyone = [s for s in readside.audience.subscribers(category, limit=10_000) if s in ids]
    assert everyone == ids
    page = readside.audience.subscribers(category, after=ids[0], limit=1)
    assert page[0] > ids[0]
    caught_up(readside, service.unsubscribe_newsletters(UUID(ids[1]), ctx()))
    assert ids[1] not in readside.audience.subscribers(category, limit=10_000)


def test_may_send_answers_from_the_view_with_its_reason(service, readside, profile_id):
    caught_up(
        readside,
        service.subscribe_newsletters(
            profile_id, {"categories": ["news"], "consent": CONSENT}, ctx()
        ),
    )
    assert readside.may_send(profile_id, "newsletter:news").allowed
    assert "portal" in readside.may_send(profile_id, "newsletter:news").reason
    assert not readside.may_send(profile_id, "newsletter:offers").allowed
    assert not readside.may_send(profile_id, "domain_suggestion").allowed
    caught_up(readside, service.change_preferences(profile_id, {"domain_suggestions": True}, ctx()))
    assert readside.may_send(profile_id, "domain_suggestion").allowed
    caught_up(readside, service.unsubscribe_newsletters(profile_id, ctx()))
    decision = readside.may_send(profile_id, "newsletter:news")
    assert not decision.allowed and "unsubscribed" in decision.reason
    assert readside.may_send(profile_id, "invoice").allowed
    assert readside.may_send(profile_id, "newsletter:news") == service.may_send(
        profile_id, "newsletter:news"
    )


def test_may_send_refuses_unknown_profiles_and_categories(readside, service, profile_id):
    with pytest.raises(ProfileNotFound):
        readside.may_send(uuid4(), "invoice")
    assert readside.wait_for_version(profile_id, 1)
    with pytest.raises(RuleViolation):
        readside.may_send(profile_id, "newsletter:gossip")


def test_a_position_already_recorded_is_not_applied_again(service, readside, profile_id):
    assert readside.wait_for_version(profile_id, 1)
    position = readside.audit.entries(profile_id=profile_id)[0]["position"]
    before = readside.profiles.get(profile_id)
    readside.profiles.evolve(
        str(profile_id),
        lambda record: {**(record or {}), "email": "x@example.com"},
        Tracking("profiles", position),
    )
    assert readside.profiles.get(profile_id) == before


def test_two_runners_on_the_same_views_apply_each_event_once(container, service, readside):
    twin = container.read_side(suffix=readside.suffix, start_after=readside.start_after)
    twin.start()
    try:
        profile_id = UUID(service.register(registration(), ctx()).profile_id)
        for n in range(10):
            service.change_additional_info(profile_id, {"job_title": f"Job {n}"}, ctx())
        result = service.unlink_social(profile_id, "skype", ctx())
        caught_up(twin, result)
        caught_up(readside, result)
        twin.wait_for_position(head(container), timeout=10)
    finally:
        twin.stop()
    entries = readside.audit.entries(profile_id=profile_id)
    assert [e["version"] for e in entries] == list(range(1, 12))
    assert readside.profiles.get(profile_id) == profile_state(service.get_profile(profile_id))


def test_views_started_mid_stream_follow_only_profiles_registered_since(
    container, service, profile_id
):
    with private_readside(container, start_after=head(container)) as readside:
        service.link_social(profile_id, "signal", "https://signal.me/#p/abc", ctx())
        later = service.register(registration(), ctx())
        caught_up(readside, later)
        assert readside.profiles.get(profile_id) is None
        assert readside.audit.entries(profile_id=profile_id) == []
        assert readside.audience.communications(profile_id) is None
        assert readside.profiles.get(UUID(later.profile_id))["version"] == 1
        assert readside.errors() == {}
