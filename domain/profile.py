"""The Profile aggregate: one per customer account, every change a domain event."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any, ClassVar
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from domain import events as ev
from domain.erasure import check_basis
from domain.errors import ProfileWasErased, RuleViolation
from domain.events import Meta
from domain.inputs import (
    AdditionalInfoInput,
    Consent,
    ContactPatch,
    NewContact,
    PasswordChange,
    PreferencesPatch,
)
from domain.sections.account_contacts import HOLDER
from domain.sections.account_preferences import check_channel, check_language
from domain.sections.additional_information import additional_info_after
from domain.sections.contact_information import (
    contact_changes,
    normalise_email,
    normalise_phone,
)
from domain.sections.credit_card import CARD_SUMMARY_FIELDS
from domain.sections.newsletters import Decision, check_kind, may_send, renewals
from domain.sections.password import (
    MAX_REJECTIONS,
    REJECTION_WINDOW,
    PasswordHashing,
    check_new_password,
    user_inputs,
)
from domain.sections.registration import REGISTRATION_FIELDS
from domain.sections.social_media import NETWORKS, normalise_social_url
from domain.state import ProfileState, evolve
from domain.text import free_text


class Profile(Aggregate):
    """Its state is `state`, evolved by `domain.state.evolve` with each event it takes.

    v2 keeps the state in one attribute; a v1 snapshot (the state's fields as attributes)
    is upcast."""

    class_version: ClassVar[int] = 2
    state: ProfileState

    def __init__(self) -> None:
        """The registration event gives the state (see `take`)."""

    def take(self, event: ev.ProfileEvent) -> None:
        self.state = evolve(getattr(self, "state", None), event)

    def settle(self) -> None:
        """Once loaded: a state upcast from a v1 snapshot learns its id, version and instants."""
        if not self.state["profile_id"]:
            self.state = {
                **self.state,
                "profile_id": str(self.id),
                "version": self.version,
                "registered_at": self.created_on.isoformat(),
                "updated_at": self.modified_on.isoformat(),
            }

    @staticmethod
    def upcast_v1_v2(attributes: dict[str, Any]) -> None:
        fields = (
            "first_name",
            "last_name",
            "email",
            "phone",
            "address",
            "additional_info",
            "contacts",
            "preferences",
            "card",
            "social",
            "newsletters",
            "unsubscribed_at",
            "password_hash",
            "rejected_attempts",
        )
        state = {name: attributes.pop(name, None) for name in fields}
        attributes["state"] = {
            "profile_id": "",  # with the version and instants, set once loaded (`settle`)
            "version": 0,
            **state,
            "registered_at": "",
            "updated_at": "",
        }

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
        return user_inputs(self.state["first_name"], self.state["last_name"], self.state["email"])

    # A. Contact information
    def change_contact(self, patch: ContactPatch, meta: Meta) -> None:
        changes = contact_changes(self.state, patch)
        if changes:
            self.trigger_event(ev.ContactChanged, changes=changes, **meta.fields())

    # B. Additional information
    def change_additional_info(self, info: AdditionalInfoInput, meta: Meta) -> None:
        current = self.state["additional_info"]
        after = additional_info_after(current, info)
        changes = {k: v for k, v in after.items() if current.get(k) != v}
        if changes:
            self.trigger_event(ev.AdditionalInfoChanged, changes=changes, **meta.fields())

    # Account contacts
    def add_contact(self, contact: NewContact, meta: Meta) -> str:
        name = free_text(contact.name, "name")
        email = normalise_email(contact.email)
        country = self.state["address"].get("country")
        phone = normalise_phone(contact.phone, country) if contact.phone else None
        contact_id = uuid4().hex[:12]
        self.trigger_event(
            ev.AccountContactAdded,
            contact_id=contact_id,
            name=name,
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
        if self.state["preferences"]["billing_contact_id"] == contact_id:
            raise RuleViolation(
                "contact_in_use",
                "This contact is the billing contact; choose another one first.",
                "contact_id",
            )
        self.trigger_event(ev.AccountContactRemoved, contact_id=contact_id, **meta.fields())

    def check_contact_exists(self, contact_id: str, field: str) -> None:
        if contact_id != HOLDER and contact_id not in self.state["contacts"]:
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
        changes = {k: v for k, v in given.items() if self.state["preferences"].get(k) != v}
        if changes:
            self.trigger_event(ev.PreferencesChanged, changes=changes, **meta.fields())

    # D. Password
    def check_password_attempts(self, now: datetime) -> None:
        since = now - REJECTION_WINDOW
        recent = sorted(
            t for t in map(datetime.fromisoformat, self.state["rejected_attempts"]) if t > since
        )
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
        if not hasher.verify(self.state["password_hash"] or "", change.current_password):
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
        if self.state["card"] is None:
            self.trigger_event(ev.CardRegistered, card=summary, **meta.fields())
        elif summary != self.state["card"]:
            self.trigger_event(
                ev.CardReplaced, old_card=self.state["card"], card=summary, **meta.fields()
            )

    def remove_card(self, confirm: bool, meta: Meta) -> None:
        if self.state["card"] is None:
            raise RuleViolation("no_card", "There is no card to remove.", "card")
        if confirm is not True:
            raise RuleViolation(
                "confirmation_required", "Removing the card needs confirm=true.", "confirm"
            )
        self.trigger_event(ev.CardRemoved, old_card=self.state["card"], **meta.fields())

    # F. Social media accounts
    def link_social(self, network: str, url: str, meta: Meta) -> None:
        url = normalise_social_url(network, url)
        if self.state["social"].get(network) != url:
            self.trigger_event(ev.SocialAccountLinked, network=network, url=url, **meta.fields())

    def unlink_social(self, network: str, meta: Meta) -> None:
        if network not in NETWORKS:
            raise RuleViolation(
                "unsupported_network", f"Supported networks are: {', '.join(NETWORKS)}.", "network"
            )
        if network in self.state["social"]:
            self.trigger_event(ev.SocialAccountUnlinked, network=network, **meta.fields())

    # G. Newsletters
    def subscribe(self, categories: list[str], consent: Consent, meta: Meta) -> None:
        """Subscribe to exactly `categories` (already resolved against the known ones); a
        category subscribed under another consent text version or language is renewed."""
        check_language(consent.language, "consent.language")
        current = self.state["newsletters"]
        renewed = renewals(current, categories, consent)
        if sorted(current) != sorted(categories) or renewed:
            record = {**consent.model_dump(), "at": meta.at.isoformat(), "actor": meta.actor}
            self.trigger_event(
                ev.NewsletterSubscriptionsChanged,
                categories=sorted(categories),
                consent=record,
                renewed=renewed or None,
                **meta.fields(),
            )

    def unsubscribe(self, meta: Meta) -> None:
        if self.state["newsletters"]:
            self.trigger_event(
                ev.NewsletterUnsubscribed,
                categories=sorted(self.state["newsletters"]),
                **meta.fields(),
            )

    # Erasure (privacy.md)
    @property
    def erased(self) -> bool:
        return bool(self.state.get("erased"))

    def check_not_erased(self) -> None:
        if self.erased:
            raise ProfileWasErased(self.id)

    def erase(self, basis: str, meta: Meta) -> None:
        """Forget the person: the event says only why; the store destroys their data key."""
        self.check_not_erased()
        self.trigger_event(ev.ProfileErased, basis=check_basis(basis), **meta.fields())

    def may_send(self, kind: str, known_categories: Collection[str]) -> Decision:
        check_kind(kind, known_categories)  # a malformed kind is refused, erased or not
        if self.erased:
            return Decision(False, "profile_erased")
        return may_send(
            kind,
            self.state["newsletters"],
            bool(self.state["preferences"]["domain_suggestions"]),
            known_categories,
            self.state["unsubscribed_at"],
        )
