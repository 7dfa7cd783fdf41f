"""Erasure (privacy.md): the legal bases, which values of each event are personal, and what of a
profile is left once its person is forgotten."""

from __future__ import annotations

from typing import Any

from domain import events as ev
from domain.errors import RuleViolation
from domain.state import ERASED, erased_state

__all__ = ["BASES", "ERASED", "PERSONAL_FIELDS", "check_basis", "erased_changes", "erased_state"]

BASES = ("customer_request", "retention_expired", "legal_obligation")
# The personal values of each event, kept encrypted under the profile's own data key; "x.*"
# means every value of the mapping x (its keys, the field names, stay readable).
PERSONAL_FIELDS: dict[type[ev.ProfileEvent], tuple[str, ...]] = {
    ev.ProfileRegistered: (
        "first_name", "last_name", "email", "phone", "address.*", "password_hash"
    ),
    ev.ContactChanged: ("changes.*",),
    ev.AdditionalInfoChanged: ("changes.*",),
    ev.AccountContactAdded: ("name", "email", "phone"),
    ev.PasswordChanged: ("password_hash",),
    ev.CardRegistered: ("card.*",),
    ev.CardReplaced: ("card.*", "old_card.*"),
    ev.CardRemoved: ("old_card.*",),
    ev.SocialAccountLinked: ("url",),
    ev.NewsletterSubscriptionsChanged: ("consent.*",),
}


def check_basis(basis: str) -> str:
    if basis not in BASES:
        raise RuleViolation(
            "validation_error", f"The basis is one of {', '.join(BASES)}.", "basis"
        )
    return basis


def erased_changes(changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """An audit entry's changes once its person is forgotten: what changed, not to what."""
    return [{"field": change["field"], "before": ERASED, "after": ERASED} for change in changes]
