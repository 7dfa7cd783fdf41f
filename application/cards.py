"""The card vault's part in a command: the number kept, the replaced or removed one forgotten."""

from __future__ import annotations

from collections.abc import Sequence

from application.ports import SealedNumber, VaultWrites
from domain import events as ev


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
