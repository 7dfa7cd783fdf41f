"""The Profile's domain events: past-tense facts, each carrying who, why and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, cast

from eventsourcing.domain import Aggregate

if TYPE_CHECKING:
    from domain.profile import Profile


@dataclass(frozen=True)
class Meta:
    """Who asked, through which request, under which idempotency key, and when."""

    actor: str
    correlation_id: str
    idempotency_key: str | None
    at: datetime

    def fields(self) -> dict[str, Any]:
        return {
            "actor": self.actor,
            "correlation_id": self.correlation_id,
            "idempotency_key": self.idempotency_key,
            "timestamp": self.at,
        }


# How many wrong-password timestamps a profile keeps (the lock-out needs no more).
REJECTIONS_KEPT = 5


class ProfileEvent(Aggregate.Event):
    actor: str
    correlation_id: str
    idempotency_key: str | None
    # A refused command records no event, except those whose class sets this.
    recorded_when_refused: ClassVar[bool] = False

    def apply(self, aggregate: object) -> None:
        self.apply_to(cast("Profile", aggregate))

    def apply_to(self, profile: Profile) -> None:
        raise NotImplementedError


class ProfileRegistered(Aggregate.Created, ProfileEvent):
    """v2 added `language`; a v1 event is upcast with the default `fr`."""

    class_version = 2

    first_name: str
    last_name: str
    email: str
    phone: str | None
    address: dict[str, str | None]
    language: str
    password_hash: str

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state.setdefault("language", "fr")

    def apply_to(self, profile: Profile) -> None:
        pass


class ContactChanged(ProfileEvent):
    changes: dict[str, Any]

    def apply_to(self, profile: Profile) -> None:
        for name, value in self.changes.items():
            if name.startswith("address."):
                profile.address = {**profile.address, name.removeprefix("address."): value}
            else:
                setattr(profile, name, value)


class AdditionalInfoChanged(ProfileEvent):
    changes: dict[str, str | None]

    def apply_to(self, profile: Profile) -> None:
        profile.additional_info = {**profile.additional_info, **self.changes}


class AccountContactAdded(ProfileEvent):
    contact_id: str
    name: str
    email: str
    phone: str | None
    roles: list[str]

    def apply_to(self, profile: Profile) -> None:
        profile.contacts = {
            **profile.contacts,
            self.contact_id: {
                "name": self.name,
                "email": self.email,
                "phone": self.phone,
                "roles": list(self.roles),
            },
        }


class AccountContactRemoved(ProfileEvent):
    contact_id: str

    def apply_to(self, profile: Profile) -> None:
        profile.contacts = {k: v for k, v in profile.contacts.items() if k != self.contact_id}


class PreferencesChanged(ProfileEvent):
    changes: dict[str, Any]

    def apply_to(self, profile: Profile) -> None:
        profile.preferences = {**profile.preferences, **self.changes}


class PasswordChanged(ProfileEvent):
    password_hash: str

    def apply_to(self, profile: Profile) -> None:
        profile.password_hash = self.password_hash
        profile.rejected_attempts = []


class PasswordChangeRejected(ProfileEvent):
    """A wrong current password; no secret in it."""

    recorded_when_refused: ClassVar[bool] = True
    reason: str

    def apply_to(self, profile: Profile) -> None:
        attempts = [*profile.rejected_attempts, self.timestamp.isoformat()]
        profile.rejected_attempts = attempts[-REJECTIONS_KEPT:]


class CardRegistered(ProfileEvent):
    card: dict[str, Any]

    def apply_to(self, profile: Profile) -> None:
        profile.card = dict(self.card)


class CardReplaced(ProfileEvent):
    old_card: dict[str, Any]
    card: dict[str, Any]

    def apply_to(self, profile: Profile) -> None:
        profile.card = dict(self.card)


class CardRemoved(ProfileEvent):
    old_card: dict[str, Any]

    def apply_to(self, profile: Profile) -> None:
        profile.card = None


class SocialAccountLinked(ProfileEvent):
    network: str
    url: str

    def apply_to(self, profile: Profile) -> None:
        profile.social = {**profile.social, self.network: self.url}


class SocialAccountUnlinked(ProfileEvent):
    network: str

    def apply_to(self, profile: Profile) -> None:
        profile.social = {k: v for k, v in profile.social.items() if k != self.network}


class NewsletterSubscriptionsChanged(ProfileEvent):
    categories: list[str]
    consent: dict[str, Any]

    def apply_to(self, profile: Profile) -> None:
        profile.newsletters = {
            category: profile.newsletters.get(category, self.consent)
            for category in self.categories
        }


class NewsletterUnsubscribed(ProfileEvent):
    categories: list[str]

    def apply_to(self, profile: Profile) -> None:
        profile.newsletters = {}
        profile.unsubscribed_at = self.timestamp.isoformat()


EVENT_CLASSES: tuple[type[ProfileEvent], ...] = (
    ProfileRegistered,
    ContactChanged,
    AdditionalInfoChanged,
    AccountContactAdded,
    AccountContactRemoved,
    PreferencesChanged,
    PasswordChanged,
    PasswordChangeRejected,
    CardRegistered,
    CardReplaced,
    CardRemoved,
    SocialAccountLinked,
    SocialAccountUnlinked,
    NewsletterSubscriptionsChanged,
    NewsletterUnsubscribed,
)

SECTION_OF_EVENT: dict[str, str] = {
    "ProfileRegistered": "registration",
    "ContactChanged": "contact",
    "AdditionalInfoChanged": "additional_info",
    "AccountContactAdded": "account_contacts",
    "AccountContactRemoved": "account_contacts",
    "PreferencesChanged": "preferences",
    "PasswordChanged": "password",
    "PasswordChangeRejected": "password",
    "CardRegistered": "card",
    "CardReplaced": "card",
    "CardRemoved": "card",
    "SocialAccountLinked": "social",
    "SocialAccountUnlinked": "social",
    "NewsletterSubscriptionsChanged": "newsletters",
    "NewsletterUnsubscribed": "newsletters",
}
SECTIONS: tuple[str, ...] = tuple(dict.fromkeys(SECTION_OF_EVENT.values()))
