"""The Profile aggregate: one per customer account, every change a domain event."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from domain import events as ev
from domain.contact import normalise_email, normalise_phone
from domain.errors import RuleViolation
from domain.events import Meta
from domain.inputs import (
    AdditionalInfoInput,
    Consent,
    ContactPatch,
    NewContact,
    PasswordChange,
    PreferencesPatch,
)
from domain.newsletter import Decision, may_send
from domain.password import check_new_password
from domain.rules import (
    CARD_SUMMARY_FIELDS,
    DEFAULT_PREFERENCES,
    HOLDER,
    MAX_REJECTIONS,
    REGISTRATION_FIELDS,
    REJECTION_WINDOW,
    PasswordHashing,
    additional_info_after,
    check_channel,
    check_language,
    contact_changes,
    user_inputs,
)
from domain.social import NETWORKS, normalise_social_url


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
        self.additional_info: dict[str, str | None] = dict.fromkeys(
            ("company", "vat_number", "job_title", "website")
        )
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
        fields: Mapping[str, Any],
        password_hash: str,
        meta: Meta,
        profile_id: UUID | None = None,
    ) -> Profile:
        """Record a registration whose fields `check_registration` has normalised."""
        return cls._create(
            ev.ProfileRegistered,
            id=profile_id or uuid4(),
            **{name: fields[name] for name in REGISTRATION_FIELDS},
            password_hash=password_hash,
            **meta.fields(),
        )

    @property
    def user_inputs(self) -> list[str]:
        return user_inputs(self.first_name, self.last_name, self.email)

    # A. Contact information
    def change_contact(self, patch: ContactPatch, meta: Meta) -> None:
        names = ("first_name", "last_name", "email", "phone", "address")
        changes = contact_changes({name: getattr(self, name) for name in names}, patch)
        if changes:
            self.trigger_event(ev.ContactChanged, changes=changes, **meta.fields())

    # B. Additional information
    def change_additional_info(self, info: AdditionalInfoInput, meta: Meta) -> None:
        after = additional_info_after(self.additional_info, info)
        changes = {k: v for k, v in after.items() if self.additional_info.get(k) != v}
        if changes:
            self.trigger_event(ev.AdditionalInfoChanged, changes=changes, **meta.fields())

    # Account contacts
    def add_contact(self, contact: NewContact, meta: Meta) -> str:
        email = normalise_email(contact.email)
        country = self.address.get("country")
        phone = normalise_phone(contact.phone, country) if contact.phone else None
        contact_id = uuid4().hex[:12]
        self.trigger_event(
            ev.AccountContactAdded,
            contact_id=contact_id,
            name=contact.name,
            email=email,
            phone=phone,
            roles=sorted(set(contact.roles)),
            **meta.fields(),
        )
        return contact_id

    def remove_contact(self, contact_id: str, meta: Meta) -> None:
        if contact_id == HOLDER:
            raise RuleViolation(
                "cannot_remove_holder", "The account holder cannot be removed.", "contact_id"
            )
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
        if "communication_channel" in given:
            check_channel(given["communication_channel"])
        if "language" in given:
            check_language(given["language"])
        changes = {k: v for k, v in given.items() if self.preferences.get(k) != v}
        if changes:
            self.trigger_event(ev.PreferencesChanged, changes=changes, **meta.fields())

    # D. Password
    def check_password_attempts(self, now: datetime) -> None:
        since = now - REJECTION_WINDOW
        recent = sorted(t for t in map(datetime.fromisoformat, self.rejected_attempts) if t > since)
        if len(recent) >= MAX_REJECTIONS:
            retry_at = recent[-MAX_REJECTIONS] + REJECTION_WINDOW
            raise RuleViolation(
                "too_many_attempts",
                f"Too many wrong passwords; try again after {retry_at:%H:%M:%S} UTC.",
                "current_password",
            )

    def change_password(self, change: PasswordChange, hasher: PasswordHashing, meta: Meta) -> None:
        """Refusing a wrong current password records PasswordChangeRejected before raising."""
        self.check_password_attempts(meta.at)
        if not hasher.verify(self.password_hash, change.current_password):
            self.trigger_event(ev.PasswordChangeRejected, reason="wrong_password", **meta.fields())
            raise RuleViolation(
                "wrong_password", "The current password is wrong.", "current_password"
            )
        if change.new_password == change.current_password:
            raise RuleViolation(
                "password_reused", "The new password is the current one.", "new_password"
            )
        check_new_password(change.new_password, self.user_inputs)
        password_hash = hasher.hash(change.new_password)
        self.trigger_event(ev.PasswordChanged, password_hash=password_hash, **meta.fields())

    # E. Credit card
    def register_card(self, card: Mapping[str, Any], meta: Meta) -> None:
        summary = {name: card[name] for name in CARD_SUMMARY_FIELDS}
        if self.card is None:
            self.trigger_event(ev.CardRegistered, card=summary, **meta.fields())
        elif summary != self.card:
            self.trigger_event(ev.CardReplaced, old_card=self.card, card=summary, **meta.fields())

    def remove_card(self, confirm: bool, meta: Meta) -> None:
        if self.card is None:
            raise RuleViolation("no_card", "There is no card to remove.", "card")
        if confirm is not True:
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
            raise RuleViolation(
                "unsupported_network", f"Supported networks are: {', '.join(NETWORKS)}.", "network"
            )
        if network in self.social:
            self.trigger_event(ev.SocialAccountUnlinked, network=network, **meta.fields())

    # G. Newsletters
    def subscribe(self, categories: list[str], consent: Consent, meta: Meta) -> None:
        """Subscribe to exactly `categories` (already resolved against the known ones)."""
        check_language(consent.language, "consent.language")
        if sorted(self.newsletters) != sorted(categories):
            record = {**consent.model_dump(), "at": meta.at.isoformat(), "actor": meta.actor}
            self.trigger_event(
                ev.NewsletterSubscriptionsChanged,
                categories=sorted(categories),
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
