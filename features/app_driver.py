"""The application-layer driver: the features call ProfileService, the read side and History."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from typing import Any
from uuid import UUID

from adapters.bootstrap import Container
from adapters.feed.source import page
from adapters.readside.model import ReadSide
from application.context import CommandContext
from application.history import History
from domain.errors import DomainError, ProfileWasErased
from features.drivers import (
    COMMANDS,
    Command,
    Driver,
    Outcome,
    Recorded,
    Request,
    accepted,
    refusal,
)


def recorded(entry: dict[str, Any]) -> Recorded:
    """An audit entry of the read side (or of the HTTP API: same shape) as a Recorded."""
    return Recorded(
        name=entry["event"],
        version=entry["version"],
        at=datetime.fromisoformat(str(entry["at"])).isoformat(),
        actor=entry["actor"],
        correlation_id=entry["correlation_id"],
        changes={c["field"]: (c["before"], c["after"]) for c in entry["changes"]},
        profile_id=str(entry["profile_id"]),
        section=entry["section"],
        position=entry["position"],
    )


class AppDriver(Driver):
    def __init__(self, container: Container) -> None:
        self.container = container
        self.service = container.service
        self.history = History(container.service)
        self._read_side: ReadSide | None = None

    def caught_up(self) -> ReadSide:
        """The read side, started on first use, once it has processed every recorded event."""
        if self._read_side is None:
            self._read_side = self.container.read_side()
            self._read_side.start()
        self._read_side.wait_for_position(self._read_side.head())
        return self._read_side

    def close(self) -> None:
        if self._read_side is not None:
            self._read_side.stop()

    def send(self, command: Command, request: Request) -> Outcome:
        try:
            ctx = CommandContext(
                actor=request.actor,
                correlation_id=request.correlation_id,
                expected_version=request.expected_version,
                idempotency_key=request.idempotency_key,
            )
            profile_id = UUID(command.profile_id) if command.profile_id else UUID(int=0)
            result = COMMANDS[command.name](self.service, profile_id, command.args, ctx)
        except DomainError as error:
            return replace(refusal(request.correlation_id, error), sent=command)
        return replace(accepted(request.correlation_id, result), sent=command)

    def head(self) -> int:
        return self.service.recorder.max_notification_id() or 0

    def view(self, profile_id: str) -> dict[str, Any]:
        record = self.caught_up().profiles.get(UUID(profile_id))
        assert record is not None, f"no view of profile {profile_id}"
        return record

    def profile(self, profile_id: str) -> Outcome:
        record = self.caught_up().profiles.get(UUID(profile_id))
        if record is not None and record.get("erased"):
            return refusal("", ProfileWasErased(profile_id))
        return Outcome(answer=record)

    def holder_of(self, email: str) -> Outcome:
        try:
            return Outcome(answer={"profile_id": str(self.service.profile_holding(email))})
        except DomainError as error:
            return refusal("", error)

    def profile_at(
        self, profile_id: str, *, version: int | None = None, as_of: datetime | None = None
    ) -> Outcome:
        try:
            state = self.history.profile_at(profile_id, version=version, as_of=as_of)
        except DomainError as error:
            return refusal("", error)
        return Outcome(answer=state)

    def audit(
        self,
        profile_id: str | None,
        *,
        section: str | None = None,
        after: int | None = None,
        limit: int | None = None,
    ) -> list[Recorded]:
        entries = self.caught_up().audit.entries(
            profile_id=profile_id, section=section, after=after, limit=limit or 100
        )
        return [recorded(dict(entry)) for entry in entries]

    def events(self, *, after: int | None = None, limit: int | None = None) -> Outcome:
        found = page(self.caught_up().audit, after, limit or 100)
        return Outcome(answer=json.loads(found.json()))

    def disclosed(self, profile_id: str) -> str:
        events = self.history.events(profile_id)
        past = [self.profile_at(profile_id, version=e["version"]) for e in events]
        shown = [
            self.view(profile_id),
            self.audit(profile_id, limit=1000),
            events,
            [outcome.answer or outcome.code for outcome in past],
            self.consents(profile_id).answer,
        ]
        return json.dumps(shown, default=repr)

    def may_send(self, profile_id: str, kind: str) -> Outcome:
        try:
            decision = self.caught_up().may_send(UUID(profile_id), kind)
        except DomainError as error:
            return refusal("", error)
        return Outcome(answer={"allowed": decision.allowed, "reason": decision.reason})

    def audience(self, category: str) -> list[str]:
        return self.caught_up().audience.subscribers(category, limit=1000)

    def consents(self, profile_id: str) -> Outcome:
        try:
            return Outcome(answer={"consents": self.history.consents(profile_id)})
        except DomainError as error:
            return refusal("", error)

    def password_strength(self, password: str, user_inputs: list[str]) -> Outcome:
        strength = self.service.password_strength(password, user_inputs)
        return Outcome(
            answer={
                "score": strength.score,
                "strong": strength.strong,
                "feedback": list(strength.feedback),
            }
        )

    def generate_password(self) -> Outcome:
        return Outcome(answer={"password": self.service.generate_password()})

    def card_brand(self, number: str) -> Outcome:
        brand, complete, luhn_valid = self.service.card_brand(number)
        return Outcome(answer={"brand": brand, "complete": complete, "luhn_valid": luhn_valid})
