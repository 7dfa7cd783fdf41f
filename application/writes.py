"""What a command writes beside its events, in the same transaction: the card vault's numbers,
a new profile's data key, the e-mail addresses it holds, and what an erasure destroys."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from application.ports import SealedNumber, SideWrites, VaultWrites, WrappedKey
from domain import events as ev
from domain.sections.contact_information import email_key
from domain.state import ProfileState


@dataclass(frozen=True)
class Prepared:
    """Made before a command runs, kept only if its events use them."""

    sealed: SealedNumber | None = None  # a card number sealed for the vault
    new_key: WrappedKey | None = None  # a new profile's data key


NOTHING = Prepared()


def vault_writes(events: Sequence[object], sealed: SealedNumber | None) -> VaultWrites:
    """The vault's changes that go with these events (PCI DSS 3.2.1: a card's full number is
    not kept once the card is replaced or removed; a number sealed for an attempt that records
    nothing is never kept)."""
    add: list[SealedNumber] = []
    remove: list[str] = []
    for event in events:
        if isinstance(event, ev.CardRegistered | ev.CardReplaced) and (
            sealed is not None and event.card.get("token") == sealed.token
        ):
            add.append(sealed)
        if isinstance(event, ev.CardReplaced | ev.CardRemoved):
            old = event.old_card.get("token")
            new = event.card.get("token") if isinstance(event, ev.CardReplaced) else None
            if old and old != new:
                remove.append(old)
    return VaultWrites(tuple(add), tuple(remove))


_WRITING_BESIDE = (
    ev.ProfileRegistered, ev.ContactChanged, ev.ProfileErased,
    ev.CardRegistered, ev.CardReplaced, ev.CardRemoved,
)
_NONE = SideWrites(VaultWrites((), ()), None, (), (), None)


def writes_beside(
    before: ProfileState | None, events: Sequence[object], prepared: Prepared
) -> SideWrites:
    """Everything these events (decided on `before`) write beside themselves."""
    if not any(isinstance(event, _WRITING_BESIDE) for event in events):
        return _NONE  # the usual command: nothing beside its events
    vault = vault_writes(events, prepared.sealed)
    claims: list[str] = []
    releases: list[str] = []
    erase = None
    email = before["email"] if before is not None else None
    for event in events:
        if isinstance(event, ev.ProfileRegistered):
            email = event.email
            claims.append(email_key(email))
        elif isinstance(event, ev.ContactChanged) and "email" in event.changes:
            if email is not None:
                releases.append(email_key(email))
            email = event.changes["email"]
            claims.append(email_key(str(email)))
        elif isinstance(event, ev.ProfileErased):
            erase = event.originator_id
            if email is not None:
                releases.append(email_key(str(email)))
            card = before["card"] if before is not None else None
            if card and card.get("token"):
                vault = VaultWrites(vault.add, (*vault.remove, str(card["token"])))
    registered = any(isinstance(event, ev.ProfileRegistered) for event in events)
    new_key = prepared.new_key if registered else None
    return SideWrites(vault, new_key, tuple(claims), tuple(releases), erase)
