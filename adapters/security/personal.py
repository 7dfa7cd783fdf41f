"""The event store's mapper with each profile's personal values encrypted under its own data
key (domain.erasure.PERSONAL_FIELDS): once the key is destroyed they read as "[erased]", while
the events' other fields, and the names of what changed, stay readable."""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Callable
from typing import Any, cast
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.domain import Snapshot
from eventsourcing.persistence import Mapper, MapperDeserialisationError, StoredEvent

from domain.erasure import PERSONAL_FIELDS
from domain.events import ProfileEvent
from domain.state import unknowable

TAG = "pii"  # {"pii": base64(nonce | ciphertext)} stands for an encrypted value
CipherOf = Callable[[UUID], AESGCM | None]


def _paths(event: object) -> tuple[str, ...] | None:
    if isinstance(event, Snapshot):
        return ("state.state",)  # a snapshot's whole profile state, as one value
    return PERSONAL_FIELDS.get(cast("type[ProfileEvent]", type(event)))


class PersonalMapper(Mapper[UUID]):
    """The library's mapper, around its transcoding: personal values sealed before it, opened
    after it. A profile without a key (recorded before keys existed) is stored as it was."""

    def __init__(self, inner: Mapper[UUID], cipher_of: CipherOf) -> None:
        super().__init__(
            transcoder=inner.transcoder, cipher=inner.cipher, compressor=inner.compressor
        )
        self.cipher_of = cipher_of

    def to_stored_event(self, domain_event: Any) -> StoredEvent:  # noqa: ANN401
        paths = _paths(domain_event)
        if paths:
            aes = self.cipher_of(domain_event.originator_id)
            if aes is not None:
                state = dict(vars(domain_event))
                seal = _sealer(aes, domain_event.originator_id)
                for path in paths:
                    _apply(state, path, seal)
                sealed = object.__new__(type(domain_event))
                object.__setattr__(sealed, "__dict__", state)
                domain_event = sealed
        return super().to_stored_event(domain_event)

    def to_domain_event(self, stored_event: StoredEvent) -> Any:  # noqa: ANN401
        event = super().to_domain_event(stored_event)
        paths = _paths(event)
        if paths:
            opener = _opener(lambda: self.cipher_of(event.originator_id), event.originator_id)
            state = vars(event)
            try:
                for path in paths:
                    _apply(state, path, opener)
            except (InvalidTag, ValueError) as error:  # damaged bytes, or a master key unknown
                raise MapperDeserialisationError(str(error)) from error
        return event


def _apply(state: dict[str, Any], path: str, change: Callable[[Any], Any]) -> None:
    """Change the value at `path` ("a", "a.*" every value of mapping a, "a.b")."""
    name, _, rest = path.partition(".")
    if name not in state or state[name] is None:
        return
    if not rest:
        state[name] = change(state[name])
    elif rest == "*":
        state[name] = {key: change(value) for key, value in state[name].items()}
    else:
        inner = dict(state[name])
        _apply(inner, rest, change)
        state[name] = inner


_encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def _sealer(aes: AESGCM, profile_id: UUID) -> Callable[[Any], Any]:
    context = str(profile_id).encode()

    def seal(value: Any) -> Any:  # noqa: ANN401
        if value is None:
            return None
        nonce = os.urandom(12)
        text = _encode(value).encode()
        return {TAG: base64.b64encode(nonce + aes.encrypt(nonce, text, context)).decode()}

    return seal


def _opener(cipher_of: Callable[[], AESGCM | None], profile_id: UUID) -> Callable[[Any], Any]:
    context = str(profile_id).encode()
    found: list[AESGCM | None] = []

    def open_(value: Any) -> Any:  # noqa: ANN401
        if not (isinstance(value, dict) and len(value) == 1 and TAG in value):
            return value  # recorded in clear (before keys), or not personal
        if not found:  # the key is looked up once per event, and only if needed
            found.append(cipher_of())
        aes = found[0]
        if aes is None:
            return unknowable()
        raw = base64.b64decode(value[TAG])
        return json.loads(aes.decrypt(raw[:12], raw[12:], context))

    return open_
