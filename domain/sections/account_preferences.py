"""Section C, account preferences: channel, language, invoices, suggestions, billing contact."""

from __future__ import annotations

from typing import Any

from domain.errors import RuleViolation
from domain.sections.account_contacts import HOLDER

CHANNELS = ("email", "sms", "phone")
LANGUAGES: tuple[str, ...] = ("fr", "en")
DEFAULT_PREFERENCES: dict[str, Any] = {
    "billing_contact_id": HOLDER,
    "communication_channel": "email",
    "language": "fr",
    "pdf_invoices": False,
    "domain_suggestions": False,
}


def check_language(language: str, field: str = "language") -> str:
    if language not in LANGUAGES:
        raise RuleViolation(
            "invalid_language", f"The language must be one of {', '.join(LANGUAGES)}.", field
        )
    return language


def check_channel(channel: str, field: str = "communication_channel") -> str:
    if channel not in CHANNELS:
        raise RuleViolation(
            "invalid_channel", f"The channel must be one of {', '.join(CHANNELS)}.", field
        )
    return channel
