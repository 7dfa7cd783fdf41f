"""Social-account rules: supported networks and links on each network's own hosts."""

from __future__ import annotations

from pydantic import HttpUrl, TypeAdapter, ValidationError

from domain.errors import RuleViolation

NETWORKS = ("facebook", "twitter", "whatsapp", "skype", "signal", "linkedin")
# A link's host must be one of these or a subdomain of one (www., m., join. …).
NETWORK_HOSTS: dict[str, tuple[str, ...]] = {
    "facebook": ("facebook.com", "fb.com"),
    "twitter": ("x.com", "twitter.com"),
    "whatsapp": ("wa.me", "whatsapp.com"),
    "skype": ("skype.com",),
    "signal": ("signal.me", "signal.group"),
    "linkedin": ("linkedin.com",),
}
_HTTPS_PORT = 443
# Parsed as a browser would (WHATWG rules: "\" is a path separator, userinfo before "@").
_HTTP_URL: TypeAdapter[HttpUrl] = TypeAdapter(HttpUrl)


def _on_hosts(host: str, hosts: tuple[str, ...]) -> bool:
    return any(host == own or host.endswith("." + own) for own in hosts)


def normalise_social_url(network: str, url: str) -> str:
    """Check a profile link on a supported network's own hosts; return it normalised.

    The link must lead somewhere past the bare host: a path, or a fragment as in
    Signal's links (https://signal.me/#eu/…, https://signal.group/#…).
    """
    hosts = NETWORK_HOSTS.get(network)
    if hosts is None:
        raise RuleViolation(
            "unsupported_network",
            f"Supported networks are: {', '.join(NETWORKS)}.",
            "network",
        )
    text = url.strip()
    wrong = RuleViolation(
        "invalid_social_url",
        f"The link must be a full https:// URL to a page on {' or '.join(hosts)}.",
        "url",
    )
    if not text.lower().startswith("https://"):
        raise wrong
    try:
        parsed = _HTTP_URL.validate_python(text)
    except ValidationError as error:
        raise wrong from error
    if (
        parsed.scheme != "https"
        or parsed.username is not None
        or parsed.password is not None
        or parsed.port != _HTTPS_PORT
        or parsed.host is None
        or not _on_hosts(parsed.host, hosts)
        or (parsed.path in (None, "", "/") and not parsed.fragment)
    ):
        raise wrong
    return str(parsed)
