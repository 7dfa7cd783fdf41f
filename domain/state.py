"""The profile's state and the one pure function that evolves it, event by event.

The aggregate, the profile view and time travel all evolve their state with `evolve`; they
differ only in how they shape it for their readers (`domain.disclosure`). `evolve` never
changes the state it is given: it copies what an event changes and shares the rest, so a
reader can tell an untouched part by its identity.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NotRequired, TypedDict, TypeVar, cast

from domain import events as ev
from domain.sections.account_preferences import DEFAULT_PREFERENCES
from domain.sections.additional_information import ADDITIONAL_INFO_FIELDS
from domain.sections.contact_information import ADDRESS_FIELDS
from domain.sections.password import MAX_REJECTIONS


class ProfileState(TypedDict):
    """Everything the profile is now; the keys in the order the audit trail lists changes."""

    profile_id: str
    version: int
    first_name: str
    last_name: str
    email: str
    phone: str | None
    address: dict[str, str | None]
    additional_info: dict[str, str | None]
    contacts: dict[str, dict[str, Any]]  # contact id -> name, email, phone, roles (not the holder)
    preferences: dict[str, Any]
    card: dict[str, Any] | None  # the card's summary (token, brand, last4, expiry, holder…)
    social: dict[str, str]  # network -> URL
    newsletters: dict[str, dict[str, Any]]  # category -> the consent given for it
    unsubscribed_at: str | None
    password_hash: str | None  # None where secrets are not kept (the views)
    rejected_attempts: list[str]  # the last wrong-password instants, ISO 8601
    registered_at: str
    updated_at: str
    erased: NotRequired[bool]  # True once the person is forgotten (domain.erasure)


ERASED = "[erased]"  # what stands for a personal value once its person is forgotten


def unknowable() -> str:
    """ERASED for a value read without its key: a string of its own, so that two values read
    so are equal but not the same (a diff cannot tell whether they changed; see
    projections.records)."""
    return "".join(("[erased", "]"))
E = TypeVar("E", bound=ev.ProfileEvent)
Evolver = Callable[[ProfileState, Any], ProfileState]
_EVOLVERS: dict[type[ev.ProfileEvent], Evolver] = {}


def evolve(state: ProfileState | None, event: ev.ProfileEvent) -> ProfileState:
    """The state after `event`, from the state before it (None before the registration)."""
    if isinstance(event, ev.ProfileRegistered):
        return _registered(event)
    if state is None:
        raise ValueError(f"{type(event).__name__} for unknown profile {event.originator_id}")
    try:
        change = _EVOLVERS[type(event)]
    except KeyError:
        raise TypeError(f"Not a profile event: {type(event).__name__}") from None
    new = state.copy()
    new["version"] = event.originator_version
    new["updated_at"] = event.timestamp.isoformat()
    return change(new, event)


def _on(event_class: type[E]) -> Callable[[Callable[[ProfileState, E], ProfileState]], Evolver]:
    def register(change: Callable[[ProfileState, E], ProfileState]) -> Evolver:
        _EVOLVERS[event_class] = change
        return change

    return register


def _registered(event: ev.ProfileRegistered) -> ProfileState:
    at = event.timestamp.isoformat()
    return {
        "profile_id": str(event.originator_id),
        "version": event.originator_version,
        "first_name": event.first_name,
        "last_name": event.last_name,
        "email": event.email,
        "phone": event.phone,
        "address": {name: event.address.get(name) for name in ADDRESS_FIELDS},
        "additional_info": dict.fromkeys(ADDITIONAL_INFO_FIELDS),
        "contacts": {},
        "preferences": {**DEFAULT_PREFERENCES, "language": event.language},
        "card": None,
        "social": {},
        "newsletters": {},
        "unsubscribed_at": None,
        "password_hash": event.password_hash,
        "rejected_attempts": [],
        "registered_at": at,
        "updated_at": at,
    }


@_on(ev.ContactChanged)
def _contact_changed(state: ProfileState, event: ev.ContactChanged) -> ProfileState:
    address, moved = dict(state["address"]), False
    for name, value in event.changes.items():
        if name.startswith("address."):
            address[name.removeprefix("address.")] = value
            moved = True
        else:
            cast(dict[str, Any], state)[name] = value
    if moved:
        state["address"] = address
    return state


@_on(ev.AdditionalInfoChanged)
def _additional_info_changed(state: ProfileState, event: ev.AdditionalInfoChanged) -> ProfileState:
    state["additional_info"] = {**state["additional_info"], **event.changes}
    return state


@_on(ev.AccountContactAdded)
def _contact_added(state: ProfileState, event: ev.AccountContactAdded) -> ProfileState:
    contacts = {k: v for k, v in state["contacts"].items() if k != event.contact_id}
    contacts[event.contact_id] = {
        "name": event.name,
        "email": event.email,
        "phone": event.phone,
        "roles": list(event.roles),
    }
    state["contacts"] = contacts
    return state


@_on(ev.AccountContactRemoved)
def _contact_removed(state: ProfileState, event: ev.AccountContactRemoved) -> ProfileState:
    state["contacts"] = {k: v for k, v in state["contacts"].items() if k != event.contact_id}
    return state


@_on(ev.PreferencesChanged)
def _preferences_changed(state: ProfileState, event: ev.PreferencesChanged) -> ProfileState:
    state["preferences"] = {**state["preferences"], **event.changes}
    return state


@_on(ev.PasswordChanged)
def _password_changed(state: ProfileState, event: ev.PasswordChanged) -> ProfileState:
    state["password_hash"] = event.password_hash
    state["rejected_attempts"] = []
    return state


@_on(ev.PasswordChangeRejected)
def _password_rejected(state: ProfileState, event: ev.PasswordChangeRejected) -> ProfileState:
    attempts = [*state["rejected_attempts"], event.timestamp.isoformat()]
    state["rejected_attempts"] = attempts[-MAX_REJECTIONS:]
    return state


@_on(ev.CardRegistered)
@_on(ev.CardReplaced)
def _card_registered(
    state: ProfileState, event: ev.CardRegistered | ev.CardReplaced
) -> ProfileState:
    state["card"] = dict(event.card)
    return state


@_on(ev.CardRemoved)
def _card_removed(state: ProfileState, event: ev.CardRemoved) -> ProfileState:
    state["card"] = None
    return state


@_on(ev.SocialAccountLinked)
def _social_linked(state: ProfileState, event: ev.SocialAccountLinked) -> ProfileState:
    state["social"] = {**state["social"], event.network: event.url}
    return state


@_on(ev.SocialAccountUnlinked)
def _social_unlinked(state: ProfileState, event: ev.SocialAccountUnlinked) -> ProfileState:
    state["social"] = {k: v for k, v in state["social"].items() if k != event.network}
    return state


@_on(ev.NewsletterSubscriptionsChanged)
def _subscribed(state: ProfileState, event: ev.NewsletterSubscriptionsChanged) -> ProfileState:
    current, renewed = state["newsletters"], event.renewed or ()
    state["newsletters"] = {
        category: dict(event.consent)
        if category in renewed or category not in current
        else current[category]
        for category in event.categories
    }
    return state


@_on(ev.NewsletterUnsubscribed)
def _unsubscribed(state: ProfileState, event: ev.NewsletterUnsubscribed) -> ProfileState:
    state["newsletters"] = {}
    state["unsubscribed_at"] = event.timestamp.isoformat()
    return state


@_on(ev.ProfileErased)
def _erased(state: ProfileState, event: ev.ProfileErased) -> ProfileState:
    return erased_state(state)


def _gone(value: Any) -> Any:  # noqa: ANN401
    return None if value is None else ERASED


def _all_gone(values: dict[str, Any]) -> dict[str, Any]:
    return {key: _gone(value) for key, value in values.items()}


def erased_state(state: ProfileState) -> ProfileState:
    """The skeleton of a state: every personal value replaced, the newsletters left, no secret.
    The same whether the values were still readable or were erased already."""
    erased = state.copy()
    for name in ("first_name", "last_name", "email", "phone"):
        cast(dict[str, Any], erased)[name] = _gone(cast(dict[str, Any], state)[name])
    erased["address"] = _all_gone(state["address"])
    erased["additional_info"] = _all_gone(state["additional_info"])
    erased["contacts"] = {
        contact_id: {**_all_gone(contact), "roles": list(contact["roles"])}
        for contact_id, contact in state["contacts"].items()
    }
    erased["card"] = None if state["card"] is None else _all_gone(state["card"])
    erased["social"] = _all_gone(state["social"])
    erased["newsletters"] = {}
    erased["password_hash"] = None
    erased["rejected_attempts"] = []
    erased["erased"] = True
    return erased
