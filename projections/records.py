"""The profile record of the read side, evolved event by event, and its field-level diff.

`evolve` never changes the record it is given: it copies what an event changes and shares
the rest (a batch keeps the record before and after each event; the audit diffs them)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import singledispatch
from typing import Any

from domain import events as ev
from domain.card import public_card
from domain.contact import ADDRESS_FIELDS
from domain.rules import DEFAULT_PREFERENCES, HOLDER, HOLDER_ROLES
from projections.ports import Record

_NOT_DIFFED = ("profile_id", "version", "registered_at", "updated_at")


def card_text(card: Mapping[str, Any] | None) -> str | None:
    """A card summary for the audit trail: 'brand last4 MM/YYYY holder'."""
    if card is None:
        return None
    return (
        f"{card.get('brand')} {card.get('last4')} "
        f"{int(card.get('exp_month') or 0):02d}/{card.get('exp_year')} {card.get('holder_name')}"
    )


def holder_contact(record: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "contact_id": HOLDER,
        "name": f"{record['first_name']} {record['last_name']}",
        "email": record["email"],
        "phone": record["phone"],
        "roles": list(HOLDER_ROLES),
    }


@singledispatch
def evolve(event: object, record: Record | None) -> Record:
    """The record after `event`, from the record before it (None before registration)."""
    raise TypeError(f"Not a profile event: {type(event).__name__}")


def _next(event: ev.ProfileEvent, record: Record | None) -> Record:
    if record is None:
        raise ValueError(f"{type(event).__name__} for unknown profile {event.originator_id}")
    new = dict(record)  # nested parts are replaced, never changed in place
    new["version"] = event.originator_version
    new["updated_at"] = event.timestamp.isoformat()
    return new


def _with_holder(record: Record) -> Record:
    record["contacts"] = [holder_contact(record), *record["contacts"][1:]]
    return record


@evolve.register
def _registered(event: ev.ProfileRegistered, record: Record | None) -> Record:
    at = event.timestamp.isoformat()
    new: Record = {
        "profile_id": str(event.originator_id),
        "version": event.originator_version,
        "first_name": event.first_name,
        "last_name": event.last_name,
        "email": event.email,
        "phone": event.phone,
        "address": {name: event.address.get(name) for name in ADDRESS_FIELDS},
        "additional_info": dict.fromkeys(("company", "vat_number", "job_title", "website")),
        "contacts": [],
        "preferences": {**DEFAULT_PREFERENCES, "language": event.language},
        "card": None,
        "social": {},
        "newsletters": {"categories": [], "consents": {}, "unsubscribed_at": None},
        "registered_at": at,
        "updated_at": at,
    }
    return _with_holder(new)


@evolve.register
def _contact_changed(event: ev.ContactChanged, record: Record | None) -> Record:
    new = _next(event, record)
    new["address"] = dict(new["address"])
    for name, value in event.changes.items():
        if name.startswith("address."):
            new["address"][name.removeprefix("address.")] = value
        else:
            new[name] = value
    return _with_holder(new)


@evolve.register
def _additional_info_changed(event: ev.AdditionalInfoChanged, record: Record | None) -> Record:
    new = _next(event, record)
    new["additional_info"] = {**new["additional_info"], **event.changes}
    return new


@evolve.register
def _contact_added(event: ev.AccountContactAdded, record: Record | None) -> Record:
    new = _next(event, record)
    others = [c for c in new["contacts"][1:] if c["contact_id"] != event.contact_id]
    contact = {
        "contact_id": event.contact_id,
        "name": event.name,
        "email": event.email,
        "phone": event.phone,
        "roles": list(event.roles),
    }
    new["contacts"] = [new["contacts"][0], *others, contact]
    return new


@evolve.register
def _contact_removed(event: ev.AccountContactRemoved, record: Record | None) -> Record:
    new = _next(event, record)
    new["contacts"] = [c for c in new["contacts"] if c["contact_id"] != event.contact_id]
    return new


@evolve.register
def _preferences_changed(event: ev.PreferencesChanged, record: Record | None) -> Record:
    new = _next(event, record)
    new["preferences"] = {**new["preferences"], **event.changes}
    return new


@evolve.register(ev.PasswordChanged)
@evolve.register(ev.PasswordChangeRejected)
def _password_event(event: ev.ProfileEvent, record: Record | None) -> Record:
    return _next(event, record)


@evolve.register(ev.CardRegistered)
@evolve.register(ev.CardReplaced)
def _card_registered(event: ev.CardRegistered | ev.CardReplaced, record: Record | None) -> Record:
    new = _next(event, record)
    new["card"] = public_card(event.card)
    return new


@evolve.register
def _card_removed(event: ev.CardRemoved, record: Record | None) -> Record:
    new = _next(event, record)
    new["card"] = None
    return new


@evolve.register
def _social_linked(event: ev.SocialAccountLinked, record: Record | None) -> Record:
    new = _next(event, record)
    new["social"] = {**new["social"], event.network: event.url}
    return new


@evolve.register
def _social_unlinked(event: ev.SocialAccountUnlinked, record: Record | None) -> Record:
    new = _next(event, record)
    new["social"] = {k: v for k, v in new["social"].items() if k != event.network}
    return new


@evolve.register
def _subscribed(event: ev.NewsletterSubscriptionsChanged, record: Record | None) -> Record:
    new = _next(event, record)
    consents = new["newsletters"]["consents"]
    new["newsletters"] = {
        **new["newsletters"],
        "consents": {
            category: consents.get(category, dict(event.consent)) for category in event.categories
        },
        "categories": sorted(event.categories),
    }
    return new


@evolve.register
def _unsubscribed(event: ev.NewsletterUnsubscribed, record: Record | None) -> Record:
    new = _next(event, record)
    new["newsletters"] = {
        "categories": [],
        "consents": {},
        "unsubscribed_at": event.timestamp.isoformat(),
    }
    return new


def flatten(record: Record | None) -> dict[str, Any]:
    """A record as `field -> value`, the field names of domain.md (`address.city`)."""
    flat: dict[str, Any] = {}
    for name, value in (record or {}).items():
        if name not in _NOT_DIFFED:
            flat.update(_flatten_part(name, value))
    return flat


def _flatten_part(name: str, value: Any) -> dict[str, Any]:  # noqa: ANN401
    if name == "contacts":
        return {
            f"contacts.{contact['contact_id']}": {
                k: v for k, v in contact.items() if k != "contact_id"
            }
            for contact in value[1:]
        }
    if name == "card":
        return {"card": card_text(value)}
    if name == "newsletters":
        return {
            "newsletters.categories": value["categories"],
            **{f"newsletters.consents.{c}": consent for c, consent in value["consents"].items()},
            "newsletters.unsubscribed_at": value["unsubscribed_at"],
        }
    if isinstance(value, dict):
        return {f"{name}.{key}": item for key, item in value.items()}
    return {name: value}


def changes(event: object, before: Record | None, after: Record) -> list[dict[str, Any]]:
    """The field-level changes an event made: `{field, before, after}`, secrets masked
    (those of `flatten(after)` first, then those gone from `flatten(before)`)."""
    if isinstance(event, ev.PasswordChanged):
        return [{"field": "password", "before": None, "after": "changed"}]
    if isinstance(event, ev.PasswordChangeRejected):
        return [{"field": "password", "before": None, "after": "rejected"}]
    old_record = before or {}
    kept, gone = [], []
    for name in [*after, *(name for name in old_record if name not in after)]:
        if name in _NOT_DIFFED or (name in old_record and old_record[name] is after.get(name)):
            continue  # a part the event did not replace (evolve copies only what changes)
        old = _flatten_part(name, old_record[name]) if name in old_record else {}
        new = _flatten_part(name, after[name]) if name in after else {}
        kept += [_change(field, old.get(field), value) for field, value in new.items()]
        gone += [_change(field, value, None) for field, value in old.items() if field not in new]
    return [change for change in (*kept, *gone) if change is not None]


def _change(field: str, before: object, after: object) -> dict[str, Any] | None:
    if before == after or (_empty(before) and _empty(after)):
        return None
    return {"field": field, "before": before, "after": after}


def _empty(value: object) -> bool:
    return value is None or value == [] or value == {}
