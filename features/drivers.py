"""How the features reach the service: a small Driver port, and the application-layer driver."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from application.context import CommandContext
from application.ports import CommandResult
from application.service import ProfileService
from domain.errors import DomainError


@dataclass(frozen=True)
class Request:
    """On whose behalf, through which request, under which guarantees."""

    actor: str
    correlation_id: str = field(default_factory=lambda: str(uuid4()))
    idempotency_key: str | None = None
    expected_version: int | None = None


@dataclass(frozen=True)
class Command:
    """A command as other services send it: its name, the profile, its arguments."""

    name: str
    profile_id: str | None
    args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    """What came back: an acceptance (version, events), a refusal (code, field) or an answer."""

    correlation_id: str = ""
    profile_id: str | None = None
    version: int | None = None
    events: tuple[str, ...] = ()
    contact_id: str | None = None
    code: str | None = None
    fields: tuple[str, ...] = ()
    message: str = ""
    feedback: tuple[str, ...] = ()
    answer: Any = None
    sent: Command | None = None

    @property
    def refused(self) -> bool:
        return self.code is not None


@dataclass(frozen=True)
class Recorded:
    """One recorded event as an auditor sees it: what, when, who, why, and what changed."""

    name: str
    version: int
    at: str
    actor: str
    correlation_id: str
    changes: dict[str, tuple[Any, Any]]  # field -> (before, after)
    profile_id: str = ""
    section: str = ""
    position: int | None = None


class Driver(ABC):
    """Sends the features' commands and queries to the service, one way or another."""

    @abstractmethod
    def send(self, command: Command, request: Request) -> Outcome:
        """Run a command; a refusal comes back as an Outcome with its code."""

    @abstractmethod
    def head(self) -> int:
        """The position of the last recorded event, where an auditor's bookmark would be."""

    @abstractmethod
    def view(self, profile_id: str) -> dict[str, Any]:
        """The current profile view, once the read side has caught up."""

    @abstractmethod
    def profile(self, profile_id: str) -> Outcome:
        """The current profile as a reader asks for it: answer = the view, or a refusal."""

    @abstractmethod
    def profile_at(
        self, profile_id: str, *, version: int | None = None, as_of: datetime | None = None
    ) -> Outcome:
        """The profile as it was at a version or an instant, rebuilt from the events."""

    @abstractmethod
    def audit(
        self,
        profile_id: str | None,
        *,
        section: str | None = None,
        after: int | None = None,
        limit: int | None = None,
    ) -> list[Recorded]:
        """Audit entries, oldest first: one profile's, or every profile's."""

    @abstractmethod
    def events(self, *, after: int | None = None, limit: int | None = None) -> Outcome:
        """The event feed after a position: answer = {"events": [CloudEvent], "next_after"}."""

    @abstractmethod
    def disclosed(self, profile_id: str) -> str:
        """Everything the service shows about a profile, as text: view, audit, past states."""

    @abstractmethod
    def holder_of(self, email: str) -> Outcome:
        """Which profile holds an e-mail address: answer = {"profile_id"}, or a refusal."""

    @abstractmethod
    def may_send(self, profile_id: str, kind: str) -> Outcome:
        """May a message of this kind be sent now? answer = {"allowed", "reason"}."""

    @abstractmethod
    def audience(self, category: str) -> list[str]:
        """The profiles subscribed to a newsletter category."""

    @abstractmethod
    def consents(self, profile_id: str) -> Outcome:
        """The consent ledger: answer = {"consents": [{purpose, state, at, version, …}]}."""

    @abstractmethod
    def password_strength(self, password: str, user_inputs: list[str]) -> Outcome:
        """answer = {"score", "strong", "feedback"}."""

    @abstractmethod
    def generate_password(self) -> Outcome:
        """answer = {"password"}."""

    @abstractmethod
    def card_brand(self, number: str) -> Outcome:
        """answer = {"brand", "complete", "luhn_valid"}."""

    @abstractmethod
    def close(self) -> None:
        """Release what the driver started."""


def refusal(correlation_id: str, error: DomainError) -> Outcome:
    fields = tuple(e.field for e in error.errors) or ((error.field,) if error.field else ())
    return Outcome(
        correlation_id=correlation_id,
        code=error.code,
        fields=fields,
        message=error.message,
        feedback=tuple(getattr(error, "feedback", ())),
    )


def accepted(correlation_id: str, result: CommandResult) -> Outcome:
    return Outcome(
        correlation_id=correlation_id,
        profile_id=result.profile_id,
        version=result.version,
        events=tuple(result.events),
        contact_id=result.contact_id,
    )


Handler = Callable[[ProfileService, UUID, dict[str, Any], CommandContext], CommandResult]

COMMANDS: dict[str, Handler] = {
    "register": lambda s, _, a, c: s.register(a, c),
    "change_contact": lambda s, p, a, c: s.change_contact(p, a, c),
    "change_additional_info": lambda s, p, a, c: s.change_additional_info(p, a, c),
    "add_contact": lambda s, p, a, c: s.add_contact(p, a, c),
    "remove_contact": lambda s, p, a, c: s.remove_contact(p, a["contact_id"], c),
    "change_preferences": lambda s, p, a, c: s.change_preferences(p, a, c),
    "change_password": lambda s, p, a, c: s.change_password(p, a, c),
    "register_card": lambda s, p, a, c: s.register_card(p, a, c),
    "remove_card": lambda s, p, a, c: s.remove_card(p, bool(a.get("confirm")), c),
    "link_social": lambda s, p, a, c: s.link_social(p, a["network"], a["url"], c),
    "unlink_social": lambda s, p, a, c: s.unlink_social(p, a["network"], c),
    "subscribe_newsletters": lambda s, p, a, c: s.subscribe_newsletters(p, a, c),
    "unsubscribe_newsletters": lambda s, p, _, c: s.unsubscribe_newsletters(p, c),
    "erase": lambda s, p, a, c: s.erase(p, a["basis"], c),
}
