"""The Profile aggregate: one per customer account, every change a domain event."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from domain import events as ev
from domain.business import normalise_vat_number, normalise_website
from domain.contact import normalise_address, normalise_email, normalise_phone
from domain.errors import RuleViolation
from domain.events import Meta
from domain.inputs import (
    AdditionalInfoInput,
    ContactPatch,
    NewContact,
    PreferencesPatch,
    Registration,
)
from domain.password import check_new_password
from domain.newsletter import CONSENT_CHANNELS, LANGUAGES, Decision, may_send
from domain.social import NETWORKS, normalise_social_url

HOLDER = "holder"
CHANNELS = ("email", "sms", "phone")
ROLES = ("billing", "whois")
MAX_REJECTIONS = 5
REJECTION_WINDOW = timedelta(minutes=15)
DEFAULT_PREFERENCES: dict[str, Any] = {
    "billing_contact_id": HOLDER,
    "communication_channel": "email",
    "language": "fr",
    "pdf_invoices": False,
    "domain_suggestions": False,
}


def check_language(language: str, field: str = "language") -> str:
    if language not in LANGUAGES:
        raise RuleViolation("invalid_language", f"Language must be one of {LANGUAGES}.", field)
    return language


def check_registration(reg: Registration) -> dict[str, Any]:
    """Normalise a registration's fields and check the password; returns the fields to record."""
    address = normalise_address(reg.address.model_dump())
    email = normalise_email(reg.email)
    local, _, domain = email.partition("@")
    check_new_password(reg.password, [reg.first_name, reg.last_name, email, local, domain], "password")
    return {
        "first_name": reg.first_name,
        "last_name": reg.last_name,
        "email": email,
        "phone": normalise_phone(reg.phone, address["country"]) if reg.phone else None,
        "address": address,
        "language": check_language(reg.language),
    }


class Profile(Aggregate):
    def __init__(
        self,
        first_name: str,
        last_name: str,
        email: str,
        phone: str | None,
        address: dict[str, str | None],
        language: str,
        password_hash: str,
    ) -> None:
        self.first_name = first_name
        self.last_name = last_name
        self.email = email
        self.phone = phone
        self.address = dict(address)
        self.password_hash = password_hash
        self.additional_info: dict[str, str | None] = {
            "company": None,
            "vat_number": None,
            "job_title": None,
            "website": None,
        }
        self.contacts: dict[str, dict[str, Any]] = {}
        self.preferences: dict[str, Any] = {**DEFAULT_PREFERENCES, "language": language}
        self.rejected_attempts: list[str] = []
        self.card: dict[str, Any] | None = None
        self.social: dict[str, str] = {}
        self.newsletters: dict[str, dict[str, Any]] = {}
        self.unsubscribed_at: str | None = None

    @classmethod
    def register(
        cls,
        *,
        first_name: str,
        last_name: str,
        email: str,
        phone: str | None,
        address: Mapping[str, str | None],
        language: str,
        password_hash: str,
        meta: Meta,
        profile_id: UUID | None = None,
    ) -> Profile:
        return cls._create(
            ev.ProfileRegistered,
            id=profile_id or uuid4(),
            first_name=first_name,
            last_name=last_name,
            email=email,
            phone=phone,
            address=dict(address),
            language=language,
            password_hash=password_hash,
            **meta.fields(),
        )

    @property
    def user_inputs(self) -> list[str]:
        local, _, domain = self.email.partition("@")
        return [self.first_name, self.last_name, self.email, local, domain]

    # A. Contact information
    def change_contact(self, patch: ContactPatch, meta: Meta) -> None:
        changes: dict[str, Any] = {}
        for name in ("first_name", "last_name"):
            value = getattr(patch, name)
            if value is not None and value != getattr(self, name):
                raise RuleViolation("immutable_field", f"{name} can never change.", name)
        if patch.email is not None:
            email = normalise_email(patch.email)
            if email != self.email:
                changes["email"] = email
        address = self.address
        if patch.address is not None:
            given = patch.address.model_dump(exclude_unset=True)
            address = normalise_address({**self.address, **given})
            changes.update(
                {f"address.{k}": v for k, v in address.items() if self.address.get(k) != v}
            )
        if "phone" in patch.model_fields_set:
            phone = normalise_phone(patch.phone, address.get("country")) if patch.phone else None
            if phone != self.phone:
                changes["phone"] = phone
        if changes:
            self.trigger_event(ev.ContactChanged, changes=changes, **meta.fields())

    # B. Additional information
    def change_additional_info(self, info: AdditionalInfoInput, meta: Meta) -> None:
        given = {k: (v or None) for k, v in info.model_dump(exclude_unset=True).items()}
        if given.get("vat_number"):
            given["vat_number"] = normalise_vat_number(given["vat_number"])
        if given.get("website"):
            given["website"] = normalise_website(given["website"])
        after = {**self.additional_info, **given}
        if after["vat_number"] and not after["company"]:
            field = "company" if "company" in given and self.additional_info["company"] else None
            raise RuleViolation(
                "vat_requires_company",
                "A VAT number requires a company name.",
                field or "vat_number",
            )
        changes = {k: v for k, v in after.items() if self.additional_info.get(k) != v}
        if changes:
            self.trigger_event(ev.AdditionalInfoChanged, changes=changes, **meta.fields())

    # Account contacts
    def add_contact(self, contact: NewContact, meta: Meta) -> str:
        for role in contact.roles:
            if role not in ROLES:
                raise RuleViolation("validation_error", f"Roles are among {ROLES}.", "roles")
        contact_id = uuid4().hex[:12]
        self.trigger_event(
            ev.AccountContactAdded,
            contact_id=contact_id,
            name=contact.name,
            email=normalise_email(contact.email),
            phone=(
                normalise_phone(contact.phone, self.address.get("country"))
                if contact.phone
                else None
            ),
            roles=sorted(set(contact.roles)),
            **meta.fields(),
        )
        return contact_id

    def remove_contact(self, contact_id: str, meta: Meta) -> None:
        if contact_id == HOLDER:
            raise RuleViolation(
                "cannot_remove_holder", "The account holder cannot be removed.", "contact_id"
            )
        if contact_id not in self.contacts:
            self.check_contact_exists(contact_id, "contact_id")
        if self.preferences["billing_contact_id"] == contact_id:
            raise RuleViolation(
                "contact_in_use",
                "This contact is the billing contact; choose another one first.",
                "contact_id",
            )
        self.trigger_event(ev.AccountContactRemoved, contact_id=contact_id, **meta.fields())

    def check_contact_exists(self, contact_id: str, field: str) -> None:
        if contact_id != HOLDER and contact_id not in self.contacts:
            raise RuleViolation("unknown_contact", "No such contact on this profile.", field)

    # C. Preferences
    def change_preferences(self, patch: PreferencesPatch, meta: Meta) -> None:
        given = {k: v for k, v in patch.model_dump(exclude_unset=True).items() if v is not None}
        if "billing_contact_id" in given:
            self.check_contact_exists(given["billing_contact_id"], "billing_contact_id")
        if "communication_channel" in given and given["communication_channel"] not in CHANNELS:
            raise RuleViolation(
                "invalid_channel",
                f"Channel must be one of {CHANNELS}.",
                "communication_channel",
            )
        if "language" in given:
            check_language(given["language"])
        changes = {k: v for k, v in given.items() if self.preferences.get(k) != v}
        if changes:
            self.trigger_event(ev.PreferencesChanged, changes=changes, **meta.fields())

    # D. Password
    def check_password_attempts(self, now: datetime) -> None:
        recent = [t for t in self.rejected_attempts if datetime.fromisoformat(t) > now - REJECTION_WINDOW]
        if len(recent) >= MAX_REJECTIONS:
            raise RuleViolation(
                "too_many_attempts",
                "Too many wrong passwords; try again in 15 minutes.",
                "current_password",
            )

    def reject_password_change(self, meta: Meta) -> None:
        self.trigger_event(ev.PasswordChangeRejected, reason="wrong_password", **meta.fields())

    def change_password(self, password_hash: str, meta: Meta) -> None:
        self.trigger_event(ev.PasswordChanged, password_hash=password_hash, **meta.fields())

    # E. Credit card
    def register_card(self, card: Mapping[str, Any], meta: Meta) -> None:
        if self.card is None:
            self.trigger_event(ev.CardRegistered, card=dict(card), **meta.fields())
        elif dict(card) != self.card:
            self.trigger_event(
                ev.CardReplaced, old_card=self.card, card=dict(card), **meta.fields()
            )

    def remove_card(self, confirm: bool, meta: Meta) -> None:
        if self.card is None:
            raise RuleViolation("no_card", "There is no card to remove.", "card")
        if not confirm:
            raise RuleViolation(
                "confirmation_required", "Removing the card needs confirm=true.", "confirm"
            )
        self.trigger_event(ev.CardRemoved, old_card=self.card, **meta.fields())

    # F. Social media accounts
    def link_social(self, network: str, url: str, meta: Meta) -> None:
        url = normalise_social_url(network, url)
        if self.social.get(network) != url:
            self.trigger_event(ev.SocialAccountLinked, network=network, url=url, **meta.fields())

    def unlink_social(self, network: str, meta: Meta) -> None:
        if network not in NETWORKS:
            raise RuleViolation("unsupported_network", f"Networks are {NETWORKS}.", "network")
        if network in self.social:
            self.trigger_event(ev.SocialAccountUnlinked, network=network, **meta.fields())

    # G. Newsletters
    def subscribe(self, categories: list[str], consent: Mapping[str, Any], meta: Meta) -> None:
        if consent["channel"] not in CONSENT_CHANNELS:
            raise RuleViolation(
                "validation_error", f"Consent channel is one of {CONSENT_CHANNELS}.", "consent.channel"
            )
        check_language(consent["language"], "consent.language")
        if sorted(self.newsletters) != categories:
            record = {**consent, "at": meta.at.isoformat(), "actor": meta.actor}
            self.trigger_event(
                ev.NewsletterSubscriptionsChanged,
                categories=categories,
                consent=record,
                **meta.fields(),
            )

    def unsubscribe(self, meta: Meta) -> None:
        if self.newsletters:
            self.trigger_event(
                ev.NewsletterUnsubscribed, categories=sorted(self.newsletters), **meta.fields()
            )

    def may_send(self, kind: str, known_categories: Collection[str]) -> Decision:
        return may_send(
            kind,
            self.newsletters,
            bool(self.preferences["domain_suggestions"]),
            known_categories,
            self.unsubscribed_at,
        )
