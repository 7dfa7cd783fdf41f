"""Section F rules: supported networks and links on their own hosts."""

from __future__ import annotations

import pytest

from domain.errors import RuleViolation
from domain.sections.social_media import NETWORKS, normalise_social_url


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
