"""Newsletter categories, consent records and the "may I send kind K?" rule."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from domain import events as ev
from domain.errors import RuleViolation
from domain.inputs import Consent

DEFAULT_CATEGORIES: tuple[str, ...] = ("news", "offers", "product_updates", "tips")
TRANSACTIONAL_KINDS: tuple[str, ...] = (
    "invoice",
    "payment_receipt",
    "whois_verification",
    "service_notice",
)
CONSENT_CHANNELS: tuple[str, ...] = ("portal", "api", "support")


def resolve_categories(requested: Sequence[str], known: Collection[str]) -> list[str]:
    """`all` means every known category; anything unknown is refused."""
    if "all" in requested:
        return sorted(known)
    for category in requested:
        if category not in known:
            raise RuleViolation(
                "unknown_newsletter_category",
                f"Unknown newsletter category {category!r}; known: {', '.join(sorted(known))}.",
                "categories",
            )
    return sorted(set(requested))


def renewals(
    current: Mapping[str, Mapping[str, Any]], categories: Sequence[str], consent: Consent
) -> list[str]:
    """The categories already subscribed whose consent was given under other terms (another
    text version or language): subscribing again to them renews their consent."""
    terms = (consent.text_version, consent.language)
    return sorted(
        category
        for category in categories
        if category in current
        and (current[category].get("text_version"), current[category].get("language")) != terms
    )


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str


def check_kind(kind: str, known_categories: Collection[str]) -> str:
    """A kind of message: a transactional one, domain_suggestion or newsletter:<category>."""
    if kind in TRANSACTIONAL_KINDS or kind == "domain_suggestion":
        return kind
    category = kind.removeprefix("newsletter:")
    if category == kind:
        raise RuleViolation(
            "validation_error",
            "Unknown kind; expected newsletter:<category>, domain_suggestion "
            f"or one of {', '.join(TRANSACTIONAL_KINDS)}.",
            "kind",
        )
    if category not in known_categories:
        raise RuleViolation(
            "unknown_newsletter_category", f"Unknown newsletter category {category!r}.", "kind"
        )
    return kind


def may_send(
    kind: str,
    newsletters: Mapping[str, Mapping[str, Any]],
    domain_suggestions: bool,
    known_categories: Collection[str],
    unsubscribed_at: str | None = None,
) -> Decision:
    check_kind(kind, known_categories)
    if kind in TRANSACTIONAL_KINDS:
        return Decision(True, "transactional: never affected by newsletter choices")
    if kind == "domain_suggestion":
        if domain_suggestions:
            return Decision(True, "domain suggestions accepted in the account preferences")
        return Decision(False, "domain suggestions declined in the account preferences")
    category = kind.removeprefix("newsletter:")
    consent = newsletters.get(category)
    if consent is not None:
        return Decision(
            True,
            f"subscribed to {category} since {consent.get('at')} "
            f"(consent via {consent.get('channel')}, text {consent.get('text_version')})",
        )
    if unsubscribed_at is not None:
        return Decision(False, f"unsubscribed from all newsletters at {unsubscribed_at}")
    return Decision(False, f"not subscribed to {category}")


def consent_records(events: Iterable[ev.ProfileEvent]) -> list[dict[str, Any]]:
    """The consent ledger (privacy.md): one record per category per change, oldest first."""
    records: list[dict[str, Any]] = []
    subscribed: set[str] = set()
    for event in events:
        if isinstance(event, ev.NewsletterSubscriptionsChanged):
            now, renewed = set(event.categories), set(event.renewed or ())
            given = sorted((now - subscribed) | (renewed & subscribed))
            records += [_record(event, c, "given", event.consent) for c in given]
            records += [_record(event, c, "withdrawn", None) for c in sorted(subscribed - now)]
            subscribed = now
        elif isinstance(event, ev.NewsletterUnsubscribed):
            records += [_record(event, c, "withdrawn", None) for c in sorted(event.categories)]
            subscribed = set()
    return records


def _record(
    event: ev.ProfileEvent, category: str, state: str, consent: Mapping[str, Any] | None
) -> dict[str, Any]:
    return {
        "purpose": f"newsletter:{category}",
        "state": state,
        "at": event.timestamp.isoformat(),
        "version": event.originator_version,
        "actor": event.actor,
        "caller": event.caller,
        "correlation_id": event.correlation_id,
        "channel": consent.get("channel") if consent else None,
        "text_version": consent.get("text_version") if consent else None,
        "language": consent.get("language") if consent else None,
    }
