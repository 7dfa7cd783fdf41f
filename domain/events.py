"""The Profile's domain events: past-tense facts, each carrying who, why and when."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Protocol, cast

from eventsourcing.domain import Aggregate


@dataclass(frozen=True)
class Meta:
    """On whose behalf (actor), by whom (caller: the API token's name), through which request,
    under which idempotency key, and when."""

    actor: str
    correlation_id: str
    idempotency_key: str | None
    at: datetime
    caller: str | None = None

    def fields(self) -> dict[str, Any]:
        return {
            "actor": self.actor,
            "caller": self.caller,
            "correlation_id": self.correlation_id,
            "idempotency_key": self.idempotency_key,
            "timestamp": self.at,
        }


class Evolving(Protocol):
    """What an event is applied to: the aggregate, which evolves its state by it."""

    def take(self, event: ProfileEvent) -> None: ...


class ProfileEvent(Aggregate.Event):
    actor: str
    correlation_id: str
    idempotency_key: str | None
    # Who called (the API token's name); None in events recorded before callers were.
    caller: str | None = field(default=None, kw_only=True)
    # A refused command records no event, except those whose class sets this.
    recorded_when_refused: ClassVar[bool] = False

    def apply(self, aggregate: object) -> None:
        cast(Evolving, aggregate).take(self)


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


class ContactChanged(ProfileEvent):
    changes: dict[str, Any]


class AdditionalInfoChanged(ProfileEvent):
    changes: dict[str, str | None]


class AccountContactAdded(ProfileEvent):
    contact_id: str
    name: str
    email: str
    phone: str | None
    roles: list[str]


class AccountContactRemoved(ProfileEvent):
    contact_id: str


class PreferencesChanged(ProfileEvent):
    changes: dict[str, Any]


class PasswordChanged(ProfileEvent):
    password_hash: str


class PasswordChangeRejected(ProfileEvent):
    """A wrong current password; no secret in it."""

    recorded_when_refused: ClassVar[bool] = True
    reason: str


class CardRegistered(ProfileEvent):
    card: dict[str, Any]


class CardReplaced(ProfileEvent):
    old_card: dict[str, Any]
    card: dict[str, Any]


class CardRemoved(ProfileEvent):
    old_card: dict[str, Any]


class SocialAccountLinked(ProfileEvent):
    network: str
    url: str


class SocialAccountUnlinked(ProfileEvent):
    network: str


class NewsletterSubscriptionsChanged(ProfileEvent):
    """`categories`: all those subscribed now; `renewed`: those already subscribed whose consent
    this one replaces (another text version or language); None in events recorded before."""

    categories: list[str]
    consent: dict[str, Any]
    renewed: list[str] | None = field(default=None, kw_only=True)


class NewsletterUnsubscribed(ProfileEvent):
    categories: list[str]


class ProfileErased(ProfileEvent):
    """The person is forgotten (privacy.md): their data key is destroyed; no personal value."""

    basis: str


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
    ProfileErased,
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
    "ProfileErased": "privacy",
}
SECTIONS: tuple[str, ...] = tuple(dict.fromkeys(SECTION_OF_EVENT.values()))
