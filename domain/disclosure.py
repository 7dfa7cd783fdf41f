"""What of a profile may be shown: the state without its secrets, and the record readers see."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from domain import events as ev
from domain.sections.account_contacts import HOLDER, HOLDER_ROLES
from domain.sections.contact_information import ADDRESS_FIELDS
from domain.sections.credit_card import PUBLIC_CARD_FIELDS, public_card
from domain.sections.registration import REGISTRATION_FIELDS
from domain.state import ProfileState


def without_secrets(state: ProfileState) -> ProfileState:
    """The state a view may keep: no password hash, no card token or fingerprint.

    Parts that hold no secret are shared, not copied (their identity tells what changed)."""
    card = state["card"]
    public = card is None or card.keys() <= set(PUBLIC_CARD_FIELDS)
    if state["password_hash"] is None and not state["rejected_attempts"] and public:
        return state
    kept = state.copy()
    kept["password_hash"] = None
    kept["rejected_attempts"] = []
    if not public:
        kept["card"] = public_card(card)
    return kept


def holder_contact(state: ProfileState) -> dict[str, Any]:
    return {
        "contact_id": HOLDER,
        "name": f"{state['first_name']} {state['last_name']}",
        "email": state["email"],
        "phone": state["phone"],
        "roles": list(HOLDER_ROLES),
    }


def profile_record(state: ProfileState) -> dict[str, Any]:
    """The profile as the read side shows it (view and time travel alike): never a secret;
    of a forgotten profile, that it was."""
    if state.get("erased"):
        return {"profile_id": state["profile_id"], "version": state["version"], "erased": True}
    others = [
        {
            "contact_id": contact_id,
            "name": contact["name"],
            "email": contact["email"],
            "phone": contact["phone"],
            "roles": list(contact["roles"]),
        }
        for contact_id, contact in state["contacts"].items()
    ]
    newsletters = state["newsletters"]
    return {
        "profile_id": state["profile_id"],
        "version": state["version"],
        "first_name": state["first_name"],
        "last_name": state["last_name"],
        "email": state["email"],
        "phone": state["phone"],
        "address": {name: state["address"].get(name) for name in ADDRESS_FIELDS},
        "additional_info": dict(state["additional_info"]),
        "contacts": [holder_contact(state), *others],
        "preferences": dict(state["preferences"]),
        "card": public_card(state["card"]),
        "social": dict(state["social"]),
        "newsletters": {
            "categories": sorted(newsletters),
            "consents": {name: dict(consent) for name, consent in newsletters.items()},
            "unsubscribed_at": state["unsubscribed_at"],
        },
        "registered_at": state["registered_at"],
        "updated_at": state["updated_at"],
    }


def _as_is(value: Any) -> Any:  # noqa: ANN401
    return value


def _set(_: Any) -> str:  # noqa: ANN401
    return "set"


def _changed(_: Any) -> str:  # noqa: ANN401
    return "changed"


Shown = tuple[str, Callable[[Any], Any]]  # the name it is shown under, and what is shown
# What of each event may be shown (history, the feed's readers): an allow-list, so that a new
# field, or a new event, shows nothing until it is named here. A secret is never named as is.
SHOWN_FIELDS: dict[type[ev.ProfileEvent], dict[str, Shown]] = {
    ev.ProfileRegistered: {
        **{name: (name, _as_is) for name in REGISTRATION_FIELDS},
        "password_hash": ("password", _set),
    },
    ev.ContactChanged: {"changes": ("changes", _as_is)},
    ev.AdditionalInfoChanged: {"changes": ("changes", _as_is)},
    ev.AccountContactAdded: {
        name: (name, _as_is) for name in ("contact_id", "name", "email", "phone", "roles")
    },
    ev.AccountContactRemoved: {"contact_id": ("contact_id", _as_is)},
    ev.PreferencesChanged: {"changes": ("changes", _as_is)},
    ev.PasswordChanged: {"password_hash": ("password", _changed)},
    ev.PasswordChangeRejected: {"reason": ("reason", _as_is)},
    ev.CardRegistered: {"card": ("card", public_card)},
    ev.CardReplaced: {"old_card": ("old_card", public_card), "card": ("card", public_card)},
    ev.CardRemoved: {"old_card": ("old_card", public_card)},
    ev.SocialAccountLinked: {"network": ("network", _as_is), "url": ("url", _as_is)},
    ev.SocialAccountUnlinked: {"network": ("network", _as_is)},
    ev.NewsletterSubscriptionsChanged: {
        name: (name, _as_is) for name in ("categories", "consent", "renewed")
    },
    ev.NewsletterUnsubscribed: {"categories": ("categories", _as_is)},
    ev.ProfileErased: {"basis": ("basis", _as_is)},
}


def shown_fields(event: ev.ProfileEvent) -> dict[str, Any]:
    """The event's own fields that may be shown, secrets replaced by what may be said of them."""
    allowed = SHOWN_FIELDS.get(type(event), {})
    values = vars(event)
    return {
        shown_as: show(values.get(name)) for name, (shown_as, show) in allowed.items()
    }
