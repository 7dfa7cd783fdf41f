"""A view's step through the events, and the audit trail's field-level diff of two states.

Views keep the profile's state (`domain.state`) without its secrets; `evolve` shares the parts
an event did not replace, so the diff skips them by identity."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain import events as ev
from domain.disclosure import without_secrets
from domain.state import ERASED, ProfileState, evolve, unknowable

_NOT_DIFFED = (
    "profile_id", "version", "registered_at", "updated_at", "password_hash", "rejected_attempts",
    "erased",
)


def card_text(card: Mapping[str, Any] | None) -> str | None:
    """A card summary for the audit trail: 'brand last4 MM/YYYY holder'."""
    if card is None:
        return None
    if ERASED in card.values():
        return unknowable()
    return (
        f"{card.get('brand')} {card.get('last4')} "
        f"{int(card.get('exp_month') or 0):02d}/{card.get('exp_year')} {card.get('holder_name')}"
    )


def step(event: ev.ProfileEvent, state: ProfileState | None) -> ProfileState | None:
    """A view's state after `event`, secrets dropped; None for a profile whose registration
    the view never saw (it started after it)."""
    if state is None and not isinstance(event, ev.ProfileRegistered):
        return None
    return without_secrets(evolve(state, event))


def flatten(state: Mapping[str, Any] | None) -> dict[str, Any]:
    """A state as `field -> value`, the field names of domain.md (`address.city`)."""
    flat: dict[str, Any] = {}
    for name, value in (state or {}).items():
        if name not in _NOT_DIFFED:
            flat.update(_flatten_part(name, value))
    return flat


def _flatten_part(name: str, value: Any) -> dict[str, Any]:  # noqa: ANN401
    if name == "card":
        return {"card": card_text(value)}
    if name == "newsletters":
        return {
            "newsletters.categories": sorted(value),
            **{f"newsletters.consents.{c}": consent for c, consent in value.items()},
        }
    if name == "unsubscribed_at":
        return {"newsletters.unsubscribed_at": value}
    if isinstance(value, dict):
        return {f"{name}.{key}": item for key, item in value.items()}
    return {name: value}


def changes(
    event: object, before: Mapping[str, Any] | None, after: Mapping[str, Any]
) -> list[dict[str, Any]]:
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
    """A change, unless nothing changed. Values read without their key (erased) are equal but
    unknown: two of them are the same value only if they are the same object (shared by the
    states before and after, as evolve shares what an event did not replace)."""
    same = before == after and (before is after or not _erased(after))
    if same or (_empty(before) and _empty(after)):
        return None
    return {"field": field, "before": before, "after": after}


def _erased(value: object) -> bool:
    if isinstance(value, dict):
        return any(_erased(item) for item in value.values())
    return value == ERASED


def _empty(value: object) -> bool:
    return value is None or value == [] or value == {}
