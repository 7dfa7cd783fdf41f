"""The application-layer driver: the features call ProfileService, the read side and History."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any
from uuid import UUID

from adapters.bootstrap import Container
from application.context import CommandContext
from domain.errors import DomainError
from features.drivers import COMMANDS, Command, Driver, Outcome, Recorded, Request, accepted, refusal


class AppDriver(Driver):
    def __init__(self, container: Container) -> None:
        self.container = container
        self.service = container.service

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

    def view(self, profile_id: str) -> dict[str, Any]:
        from features import interim

        return interim.view(self.service, profile_id)

    def profile_at(
        self, profile_id: str, *, version: int | None = None, as_of: datetime | None = None
    ) -> Outcome:
        raise NotImplementedError

    def audit(
        self,
        profile_id: str | None,
        *,
        section: str | None = None,
        after: int | None = None,
        limit: int | None = None,
    ) -> list[Recorded]:
        from features import interim

        entries = interim.audit(self.service)
        if profile_id is not None:
            entries = [e for e in entries if e.profile_id == profile_id]
        return entries

    def disclosed(self, profile_id: str) -> str:
        return repr([self.view(profile_id), self.audit(profile_id)])

    def may_send(self, profile_id: str, kind: str) -> Outcome:
        try:
            decision = self.service.may_send(UUID(profile_id), kind)
        except DomainError as error:
            return refusal("", error)
        return Outcome(answer={"allowed": decision.allowed, "reason": decision.reason})

    def audience(self, category: str) -> list[str]:
        raise NotImplementedError

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
