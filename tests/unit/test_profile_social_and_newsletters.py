"""Sections F and G: social links, newsletter subscriptions with consent, may-I-send."""

from __future__ import annotations

import pytest

from adapters.bootstrap import build
from domain.errors import RuleViolation, ValidationFailed
from domain.events import NewsletterSubscriptionsChanged
from tests.support import ctx, registration, store_settings

CONSENT = {"channel": "portal", "text_version": "2026-01", "language": "fr"}


@pytest.fixture
def store() -> str:
    return "sqlite"


def subscribe(service, profile_id, categories, consent=CONSENT, **kw):
    return service.subscribe_newsletters(
        profile_id, {"categories": categories, "consent": consent}, ctx(**kw)
    )


def test_links_a_social_account_and_relinking_replaces_the_url(service, profile_id):
    service.link_social(profile_id, "linkedin", "https://www.linkedin.com/in/marie", ctx())
    result = service.link_social(profile_id, "linkedin", "https://linkedin.com/in/mt", ctx())
    assert result.events == ("SocialAccountLinked",)
    assert service.get_profile(profile_id).state["social"] == {"linkedin": "https://linkedin.com/in/mt"}


def test_linking_the_same_url_again_records_nothing(service, profile_id):
    first = service.link_social(profile_id, "twitter", "https://x.com/marie", ctx())
    again = service.link_social(profile_id, "twitter", "https://x.com/marie", ctx())
    assert (again.version, again.events) == (first.version, ())


def test_unlinks_a_social_account_and_unlinking_an_unlinked_one_records_nothing(
    service, profile_id
):
    service.link_social(profile_id, "whatsapp", "https://wa.me/15145550123", ctx())
    assert service.unlink_social(profile_id, "whatsapp", ctx()).events == (
        "SocialAccountUnlinked",
    )
    assert service.get_profile(profile_id).state["social"] == {}
    assert service.unlink_social(profile_id, "whatsapp", ctx()).events == ()


@pytest.mark.parametrize(
    ("network", "url", "code", "field"),
    [
        ("myspace", "https://myspace.com/marie", "unsupported_network", "network"),
        ("facebook", "http://facebook.com/marie", "invalid_social_url", "url"),
        ("facebook", "https://facebook.com.evil.example/marie", "invalid_social_url", "url"),
        ("twitter", "https://x.com", "invalid_social_url", "url"),
        ("skype", "facebook.com/marie", "invalid_social_url", "url"),
    ],
)
def test_refuses_a_social_link_that_breaks_a_rule(service, profile_id, network, url, code, field):
    with pytest.raises(RuleViolation) as caught:
        service.link_social(profile_id, network, url, ctx())
    assert (caught.value.code, caught.value.field) == (code, field)


def test_refuses_to_unlink_an_unsupported_network(service, profile_id):
    with pytest.raises(RuleViolation) as caught:
        service.unlink_social(profile_id, "myspace", ctx())
    assert caught.value.code == "unsupported_network"


def test_subscribing_records_the_consent(service, profile_id, clock):
    result = subscribe(service, profile_id, ["tips", "news"], actor="customer:42")
    (event,) = list(service.events.get(profile_id, gt=1))
    assert result.events == ("NewsletterSubscriptionsChanged",)
    assert isinstance(event, NewsletterSubscriptionsChanged)
    assert event.categories == ["news", "tips"]
    assert event.consent == {
        **CONSENT,
        "at": clock.now().isoformat(),
        "actor": "customer:42",
    }
    assert sorted(service.get_profile(profile_id).state["newsletters"]) == ["news", "tips"]


def test_all_means_every_configured_category(service, profile_id):
    subscribe(service, profile_id, ["all"])
    assert sorted(service.get_profile(profile_id).state["newsletters"]) == [
        "news", "offers", "product_updates", "tips"
    ]


def test_subscribing_to_the_same_categories_again_records_nothing(service, profile_id):
    first = subscribe(service, profile_id, ["news"])
    again = subscribe(service, profile_id, ["news"], consent={**CONSENT, "channel": "api"})
    assert (again.version, again.events) == (first.version, ())


def test_keeps_the_first_consent_of_a_category_still_subscribed(service, profile_id, clock):
    subscribe(service, profile_id, ["news"])
    first_consent = service.get_profile(profile_id).state["newsletters"]["news"]
    clock.advance(days=1)
    subscribe(service, profile_id, ["news", "offers"], consent={**CONSENT, "channel": "api"})
    newsletters = service.get_profile(profile_id).state["newsletters"]
    assert newsletters["news"] == first_consent
    assert newsletters["offers"]["channel"] == "api"


def test_refuses_an_unknown_newsletter_category(service, profile_id):
    with pytest.raises(RuleViolation) as caught:
        subscribe(service, profile_id, ["news", "gossip"])
    assert (caught.value.code, caught.value.field) == ("unknown_newsletter_category", "categories")
    assert service.get_profile(profile_id).version == 1


def test_refuses_a_consent_in_an_unknown_language(service, profile_id):
    with pytest.raises(RuleViolation) as caught:
        subscribe(service, profile_id, ["news"], consent={**CONSENT, "language": "de"})
    assert (caught.value.code, caught.value.field) == ("invalid_language", "consent.language")


@pytest.mark.parametrize(
    ("categories", "consent"),
    [
        (["news"], {**CONSENT, "channel": "fax"}),
        (["news"], {"channel": "portal", "language": "fr"}),
        ([], CONSENT),
        ("news", CONSENT),
    ],
)
def test_refuses_a_malformed_subscription(service, profile_id, categories, consent):
    with pytest.raises(ValidationFailed):
        subscribe(service, profile_id, categories, consent=consent)


def test_unsubscribing_ends_every_category_at_once(service, profile_id):
    subscribe(service, profile_id, ["all"])
    result = service.unsubscribe_newsletters(profile_id, ctx())
    assert result.events == ("NewsletterUnsubscribed",)
    assert service.get_profile(profile_id).state["newsletters"] == {}
    assert service.unsubscribe_newsletters(profile_id, ctx()).events == ()


@pytest.mark.parametrize("kind", ["invoice", "payment_receipt", "whois_verification",
                                  "service_notice"])
def test_transactional_messages_are_never_affected_by_newsletter_choices(
    service, profile_id, kind
):
    subscribe(service, profile_id, ["all"])
    service.unsubscribe_newsletters(profile_id, ctx())
    decision = service.may_send(profile_id, kind)
    assert decision.allowed
    assert "transactional" in decision.reason


def test_may_send_a_newsletter_only_while_subscribed(service, profile_id):
    assert not service.may_send(profile_id, "newsletter:news").allowed
    subscribe(service, profile_id, ["news"])
    yes = service.may_send(profile_id, "newsletter:news")
    assert yes.allowed and "portal" in yes.reason
    assert not service.may_send(profile_id, "newsletter:offers").allowed
    service.unsubscribe_newsletters(profile_id, ctx())
    no = service.may_send(profile_id, "newsletter:news")
    assert not no.allowed and "unsubscribed" in no.reason


def test_domain_suggestions_follow_the_preference(service, profile_id):
    assert not service.may_send(profile_id, "domain_suggestion").allowed
    service.change_preferences(profile_id, {"domain_suggestions": True}, ctx())
    assert service.may_send(profile_id, "domain_suggestion").allowed


@pytest.mark.parametrize(
    ("kind", "code"),
    [("newsletter:gossip", "unknown_newsletter_category"), ("carrier_pigeon", "validation_error")],
)
def test_refuses_to_answer_for_an_unknown_kind(service, profile_id, kind, code):
    with pytest.raises(RuleViolation) as caught:
        service.may_send(profile_id, kind)
    assert caught.value.code == code


def test_newsletter_categories_are_configurable(tmp_path, clock):
    container = build(
        store_settings("sqlite", tmp_path, newsletter_categories=("promos", "news")), clock=clock
    )
    try:
        service = container.service
        profile_id = service.register(registration(), ctx()).profile_id
        subscribe(service, profile_id, ["all"])
        assert sorted(service.get_profile(profile_id).state["newsletters"]) == ["news", "promos"]
        with pytest.raises(RuleViolation):
            subscribe(service, profile_id, ["tips"])
    finally:
        container.close()
