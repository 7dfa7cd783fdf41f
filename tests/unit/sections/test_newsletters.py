"""Section G, newsletters: subscriptions with their consent, unsubscribing from all at once,
whether a message of some kind may be sent, consent renewals and the consent ledger."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.errors import RuleViolation, ValidationFailed
from domain.events import Meta, NewsletterSubscriptionsChanged
from domain.inputs import Consent, PreferencesPatch, Subscription, parse
from domain.profile import Profile
from domain.sections.newsletters import DEFAULT_CATEGORIES, consent_records, resolve_categories
from tests.doubles import AT, meta, pending

CONSENT = {"channel": "portal", "text_version": "2026-01", "language": "fr"}


def subscribe(profile, categories, consent=CONSENT, at=AT, actor="customer:42"):
    chosen = resolve_categories(categories, DEFAULT_CATEGORIES)
    profile.subscribe(chosen, parse(Consent, consent), meta(at, actor))


def test_subscribing_records_the_consent(profile):
    subscribe(profile, ["tips", "news"], actor="customer:42")
    (event,) = profile.collect_events()
    assert isinstance(event, NewsletterSubscriptionsChanged)
    assert event.categories == ["news", "tips"]
    assert event.consent == {**CONSENT, "at": AT.isoformat(), "actor": "customer:42"}
    assert sorted(profile.state["newsletters"]) == ["news", "tips"]


def test_all_means_every_category_it_is_given():
    assert resolve_categories(["all"], DEFAULT_CATEGORIES) == [
        "news", "offers", "product_updates", "tips"
    ]
    assert resolve_categories(["all"], ("promos", "news")) == ["news", "promos"]
    with pytest.raises(RuleViolation):
        resolve_categories(["tips"], ("promos", "news"))


def test_subscribing_to_every_category_subscribes_each(profile):
    subscribe(profile, ["all"])
    assert sorted(profile.state["newsletters"]) == ["news", "offers", "product_updates", "tips"]


def test_subscribing_to_the_same_categories_again_records_nothing(profile):
    subscribe(profile, ["news"])
    version = profile.version
    profile.collect_events()
    subscribe(profile, ["news"], consent={**CONSENT, "channel": "api"})
    assert (profile.version, pending(profile)) == (version, [])


def test_keeps_the_first_consent_of_a_category_still_subscribed(profile):
    subscribe(profile, ["news"])
    first_consent = profile.state["newsletters"]["news"]
    subscribe(profile, ["news", "offers"], {**CONSENT, "channel": "api"}, AT + timedelta(days=1))
    newsletters = profile.state["newsletters"]
    assert newsletters["news"] == first_consent
    assert newsletters["offers"]["channel"] == "api"


def test_refuses_an_unknown_newsletter_category():
    with pytest.raises(RuleViolation) as caught:
        resolve_categories(["news", "gossip"], DEFAULT_CATEGORIES)
    assert (caught.value.code, caught.value.field) == ("unknown_newsletter_category", "categories")


def test_refuses_a_consent_in_an_unknown_language(profile):
    with pytest.raises(RuleViolation) as caught:
        subscribe(profile, ["news"], consent={**CONSENT, "language": "de"})
    assert (caught.value.code, caught.value.field) == ("invalid_language", "consent.language")
    assert (profile.version, pending(profile)) == (1, [])


@pytest.mark.parametrize(
    ("categories", "consent"),
    [
        (["news"], {**CONSENT, "channel": "fax"}),
        (["news"], {"channel": "portal", "language": "fr"}),
        ([], CONSENT),
        ("news", CONSENT),
    ],
)
def test_refuses_a_malformed_subscription(categories, consent):
    with pytest.raises(ValidationFailed):
        parse(Subscription, {"categories": categories, "consent": consent})


def test_unsubscribing_ends_every_category_at_once(profile):
    subscribe(profile, ["all"])
    profile.collect_events()
    profile.unsubscribe(meta())
    assert pending(profile) == ["NewsletterUnsubscribed"]
    assert profile.state["newsletters"] == {}
    profile.unsubscribe(meta())
    assert pending(profile) == []


@pytest.mark.parametrize("kind", ["invoice", "payment_receipt", "whois_verification",
                                  "service_notice"])
def test_transactional_messages_are_never_affected_by_newsletter_choices(profile, kind):
    subscribe(profile, ["all"])
    profile.unsubscribe(meta())
    decision = profile.may_send(kind, DEFAULT_CATEGORIES)
    assert decision.allowed
    assert "transactional" in decision.reason


def test_may_send_a_newsletter_only_while_subscribed(profile):
    assert not profile.may_send("newsletter:news", DEFAULT_CATEGORIES).allowed
    subscribe(profile, ["news"])
    yes = profile.may_send("newsletter:news", DEFAULT_CATEGORIES)
    assert yes.allowed and "portal" in yes.reason
    assert not profile.may_send("newsletter:offers", DEFAULT_CATEGORIES).allowed
    profile.unsubscribe(meta())
    no = profile.may_send("newsletter:news", DEFAULT_CATEGORIES)
    assert not no.allowed and "unsubscribed" in no.reason


def test_domain_suggestions_follow_the_preference(profile):
    assert not profile.may_send("domain_suggestion", DEFAULT_CATEGORIES).allowed
    profile.change_preferences(PreferencesPatch(domain_suggestions=True), meta())
    assert profile.may_send("domain_suggestion", DEFAULT_CATEGORIES).allowed


@pytest.mark.parametrize(
    ("kind", "code"),
    [("newsletter:gossip", "unknown_newsletter_category"), ("carrier_pigeon", "validation_error")],
)
def test_refuses_to_answer_for_an_unknown_kind(profile, kind, code):
    with pytest.raises(RuleViolation) as caught:
        profile.may_send(kind, DEFAULT_CATEGORIES)
    assert caught.value.code == code


# --- consent renewals and the consent ledger (privacy.md) -----------------------------

LEDGER_FIELDS = {
    "first_name": "Marie",
    "last_name": "Tremblay",
    "email": "marie@example.com",
    "phone": None,
    "address": {"line1": "1 rue", "city": "Montréal", "postal_code": "H3B 1K9", "country": "CA"},
    "language": "fr",
}


def ledger_meta(minutes: int = 0) -> Meta:
    return Meta("customer:1", "c-1", None, AT + timedelta(minutes=minutes), "portal")


def terms(text: str = "v3", language: str = "fr") -> Consent:
    return Consent(channel="portal", text_version=text, language=language)


def story() -> tuple[Profile, list[object]]:
    profile = Profile.register(LEDGER_FIELDS, "$hash", ledger_meta())
    profile.subscribe(["news", "offers"], terms(), ledger_meta(1))
    profile.subscribe(["news", "offers"], terms("v4"), ledger_meta(2))  # a renewal of both
    profile.subscribe(["news", "offers"], terms("v4"), ledger_meta(3))  # the same terms: nothing
    profile.subscribe(["news", "tips"], terms("v4"), ledger_meta(4))  # offers ends, tips begins
    profile.unsubscribe(ledger_meta(5))
    return profile, list(profile.collect_events())


def test_subscribing_under_new_terms_renews_only_what_differs():
    profile = Profile.register(LEDGER_FIELDS, "$hash", ledger_meta())
    profile.subscribe(["news"], terms(), ledger_meta(1))
    profile.subscribe(["news", "tips"], terms("v3", "en"), ledger_meta(2))
    events = [e for e in profile.collect_events() if isinstance(e, NewsletterSubscriptionsChanged)]
    assert [e.renewed for e in events] == [None, ["news"]]
    assert profile.state["newsletters"]["news"]["language"] == "en"
    profile.subscribe(["news", "tips"], terms("v3", "en"), ledger_meta(3))
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
    profile = Profile.register(LEDGER_FIELDS, "$hash", ledger_meta())
    profile.subscribe(["news"], terms(), ledger_meta(1))
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
