"""Profile-wide rules and defaults: registration, preferences, card acceptance, lock-out."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date, timedelta
from typing import Any, Protocol

from domain.business import normalise_vat_number, normalise_website
from domain.card import check_expiry, clean_card_number, detect_brand
from domain.contact import normalise_address, normalise_email, normalise_phone
from domain.errors import RuleViolation
from domain.events import REJECTIONS_KEPT
from domain.inputs import AdditionalInfoInput, CardInput, ContactPatch, Registration
from domain.newsletter import LANGUAGES
from domain.password import check_new_password

HOLDER = "holder"
CHANNELS = ("email", "sms", "phone")
ROLES = ("billing", "whois")
HOLDER_ROLES = ROLES  # the account holder always holds every role
MAX_REJECTIONS = REJECTIONS_KEPT
REJECTION_WINDOW = timedelta(minutes=15)
CARD_SUMMARY_FIELDS = (
    "token", "brand", "last4", "exp_month", "exp_year", "holder_name", "fingerprint"
)
REGISTRATION_FIELDS = ("first_name", "last_name", "email", "phone", "address", "language")
DEFAULT_PREFERENCES: dict[str, Any] = {
    "billing_contact_id": HOLDER,
    "communication_channel": "email",
    "language": "fr",
    "pdf_invoices": False,
    "domain_suggestions": False,
}


class PasswordHashing(Protocol):
    """What the Profile needs from a password hasher (the application's port)."""

    def hash(self, password: str) -> str: ...

    def verify(self, password_hash: str, password: str) -> bool: ...


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


def user_inputs(first_name: str, last_name: str, email: str) -> list[str]:
    """The profile's own words, which a strong password must not lean on.

    The estimator's context splits the e-mail into its parts itself.
    """
    return [first_name, last_name, email]


def check_registration(reg: Registration) -> dict[str, Any]:
    """Normalise a registration's fields and check its password; returns the fields to record."""
    address = normalise_address(reg.address.model_dump())
    email = normalise_email(reg.email)
    language = check_language(reg.language)
    phone = normalise_phone(reg.phone, address["country"]) if reg.phone else None
    check_new_password(reg.password, user_inputs(reg.first_name, reg.last_name, email), "password")
    return {
        "first_name": reg.first_name,
        "last_name": reg.last_name,
        "email": email,
        "phone": phone,
        "address": address,
        "language": language,
    }


def check_card(card: CardInput, accepted_brands: Collection[str], today: date) -> tuple[str, str]:
    """The card's digits and brand, if the number, the brand and the expiry are acceptable."""
    number = clean_card_number(card.number)
    brand = detect_brand(number)
    if brand is None or brand not in accepted_brands:
        raise RuleViolation(
            "unsupported_card_brand",
            f"Accepted card brands: {', '.join(accepted_brands)}.",
            "number",
        )
    check_expiry(card.exp_month, card.exp_year, today)
    return number, brand


def contact_changes(current: Mapping[str, Any], patch: ContactPatch) -> dict[str, Any]:
    """Section A: the normalised fields that differ (`address.<part>` for address parts)."""
    for name in ("first_name", "last_name"):
        value = getattr(patch, name)
        if value is not None and value != current[name]:
            raise RuleViolation("immutable_field", f"{name} can never change.", name)
    changes: dict[str, Any] = {}
    if patch.email is not None and (email := normalise_email(patch.email)) != current["email"]:
        changes["email"] = email
    address: dict[str, str | None] = current["address"]
    if patch.address is not None:
        given = patch.address.model_dump(exclude_unset=True)
        address = normalise_address({**current["address"], **given})
        changes.update(
            {f"address.{k}": v for k, v in address.items() if current["address"].get(k) != v}
        )
    if "phone" in patch.model_fields_set:
        phone = normalise_phone(patch.phone, address.get("country")) if patch.phone else None
        if phone != current["phone"]:
            changes["phone"] = phone
    return changes


def additional_info_after(
    current: Mapping[str, str | None], info: AdditionalInfoInput
) -> dict[str, str | None]:
    """Section B: the additional information once `info` is applied (empty clears)."""
    given: dict[str, str | None] = {
        k: (v or None) for k, v in info.model_dump(exclude_unset=True).items()
    }
    if vat_number := given.get("vat_number"):
        given["vat_number"] = normalise_vat_number(vat_number)
    if website := given.get("website"):
        given["website"] = normalise_website(website)
    after = {**current, **given}
    if after["vat_number"] and not after["company"]:
        clearing = "company" in given and bool(current["company"])
        raise RuleViolation(
            "vat_requires_company",
            "A VAT number requires a company name"
            + (": remove the VAT number first." if clearing else "."),
            "company" if clearing else "vat_number",
        )
    return after
