"""Section F, social media accounts: linking, relinking and unlinking; and the rule that a link
is a full https URL on the network's own hosts."""

from __future__ import annotations

import pytest

from domain.errors import RuleViolation
from domain.sections.social_media import NETWORKS, normalise_social_url
from tests.doubles import meta, pending

# --- the profile's links --------------------------------------------------------------


def test_links_a_social_account_and_relinking_replaces_the_url(profile):
    profile.link_social("linkedin", "https://www.linkedin.com/in/marie", meta())
    profile.collect_events()
    profile.link_social("linkedin", "https://linkedin.com/in/mt", meta())
    assert pending(profile) == ["SocialAccountLinked"]
    assert profile.state["social"] == {"linkedin": "https://linkedin.com/in/mt"}


def test_linking_the_same_url_again_records_nothing(profile):
    profile.link_social("twitter", "https://x.com/marie", meta())
    version = profile.version
    profile.collect_events()
    profile.link_social("twitter", "https://x.com/marie", meta())
    assert (profile.version, pending(profile)) == (version, [])


def test_unlinks_a_social_account_and_unlinking_an_unlinked_one_records_nothing(profile):
    profile.link_social("whatsapp", "https://wa.me/15145550123", meta())
    profile.collect_events()
    profile.unlink_social("whatsapp", meta())
    assert pending(profile) == ["SocialAccountUnlinked"]
    assert profile.state["social"] == {}
    profile.unlink_social("whatsapp", meta())
    assert pending(profile) == []


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
def test_refuses_a_social_link_that_breaks_a_rule(profile, network, url, code, field):
    with pytest.raises(RuleViolation) as caught:
        profile.link_social(network, url, meta())
    assert (caught.value.code, caught.value.field) == (code, field)
    assert pending(profile) == []


def test_refuses_to_unlink_an_unsupported_network(profile):
    with pytest.raises(RuleViolation) as caught:
        profile.unlink_social("myspace", meta())
    assert caught.value.code == "unsupported_network"


# --- the rule -------------------------------------------------------------------------


def test_supports_exactly_the_six_networks_of_the_spec() -> None:
    assert NETWORKS == ("facebook", "twitter", "whatsapp", "skype", "signal", "linkedin")


@pytest.mark.parametrize(
    ("network", "url", "expected"),
    [
        ("facebook", "https://facebook.com/jean.dupont", "https://facebook.com/jean.dupont"),
        ("facebook", "https://www.facebook.com/profile.php?id=100", None),
        ("facebook", "https://M.Facebook.com/jean", "https://m.facebook.com/jean"),
        ("facebook", "https://fb.com/jean", None),
        ("twitter", "https://x.com/jdupont", None),
        ("twitter", "https://twitter.com/jdupont", None),
        ("twitter", "https://mobile.twitter.com/jdupont", None),
        ("whatsapp", "https://wa.me/15145550199", None),
        ("whatsapp", "https://api.whatsapp.com/send?phone=15145550199", None),
        ("skype", "https://join.skype.com/invite/abc123", None),
        ("skype", "https://skype.com/jdupont", None),
        ("signal", "https://signal.me/#eu/abc", None),
        ("signal", "https://signal.group/#abc", None),
        ("linkedin", "https://linkedin.com/in/jdupont", None),
        ("linkedin", "https://www.linkedin.com/in/jdupont/", None),
        (
            "linkedin",
            "  https://ca.linkedin.com/in/jdupont  ",
            "https://ca.linkedin.com/in/jdupont",
        ),
        ("facebook", "https://facebook.com:443/jean", "https://facebook.com/jean"),
    ],
)
def test_accepts_a_link_on_the_networks_own_hosts(
    network: str, url: str, expected: str | None
) -> None:
    assert normalise_social_url(network, url) == (expected or url)


@pytest.mark.parametrize("network", ["instagram", "tiktok", "Facebook", "", "mastodon"])
def test_refuses_an_unsupported_network(network: str) -> None:
    with pytest.raises(RuleViolation) as caught:
        normalise_social_url(network, "https://facebook.com/jean")
    assert (caught.value.code, caught.value.field) == ("unsupported_network", "network")


@pytest.mark.parametrize(
    ("network", "url"),
    [
        ("facebook", "http://facebook.com/jean"),  # not https
        ("facebook", "facebook.com/jean"),  # not a full URL
        ("facebook", "//facebook.com/jean"),
        ("facebook", "https:facebook.com/jean"),
        ("facebook", "https://facebook.com"),  # no path
        ("facebook", "https://facebook.com/"),
        ("facebook", "https://facebook.com/?id=1"),
        ("signal", "https://signal.me/"),
        ("facebook", "https://facebook.com.evil.com/jean"),  # lookalike suffix
        ("facebook", "https://evil.com/facebook.com"),  # host only in the path
        ("facebook", "https://facebook.com@evil.com/jean"),  # userinfo trick
        ("facebook", "https://jean:pw@facebook.com/jean"),
        ("facebook", "https://evil.com\\.facebook.com/jean"),  # browsers read "\" as "/"
        ("facebook", "https://evil.com#.facebook.com/jean"),
        ("facebook", "https://evilfacebook.com/jean"),  # not a subdomain
        ("facebook", "https://facebook.com./jean"),
        ("facebook", "https://facebook.com:8443/jean"),  # another port
        ("facebook", "https://x.com/jean"),  # another network's host
        ("twitter", "https://facebook.com/jean"),
        ("whatsapp", "https://wa.me.evil.com/1514"),
        ("skype", "https://join.skype.com.evil.com/invite/abc"),
        ("signal", "https://signal.org.evil/x"),
        ("linkedin", "https://linkedin.com.evil.com/in/x"),
        ("linkedin", "javascript:alert(1)//linkedin.com/in/x"),
        ("linkedin", ""),
    ],
)
def test_refuses_a_link_that_is_not_a_full_https_url_on_the_network(network: str, url: str) -> None:
    with pytest.raises(RuleViolation) as caught:
        normalise_social_url(network, url)
    assert (caught.value.code, caught.value.field) == ("invalid_social_url", "url")
