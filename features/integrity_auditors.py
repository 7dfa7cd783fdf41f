"""The integrity feature's auditor, through the application layer or the HTTP API like the
drivers: the latest checkpoint, the public key, and proofs (refusals as Outcomes)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from adapters.integrity.model import Integrity
from adapters.integrity.proofs import InvalidTreeSize
from features.drivers import Driver, Outcome
from features.http_driver import HttpDriver, problem


class Auditor(ABC):
    """What an auditor asks of the tamper-evident log."""

    @abstractmethod
    def checkpoint(self) -> dict[str, Any]:
        """The latest signed checkpoint, as the API answers it."""

    @abstractmethod
    def public_key(self) -> dict[str, Any]:
        """The key that signs the checkpoints."""

    @abstractmethod
    def inclusion(self, position: int, tree_size: int | None = None) -> Outcome:
        """answer = the inclusion proof of the event at `position`."""

    @abstractmethod
    def consistency(self, first: int, second: int | None = None) -> Outcome:
        """answer = the consistency proof from `first` events to `second`."""


def refused(error: InvalidTreeSize) -> Outcome:
    return Outcome(code=error.code, fields=(error.field,), message=str(error))


class AppAuditor(Auditor):
    def __init__(self, integrity: Integrity) -> None:
        self.integrity = integrity

    def checkpoint(self) -> dict[str, Any]:
        return self.integrity.proofs.checkpoint().as_json()

    def public_key(self) -> dict[str, Any]:
        return self.integrity.signer.public_json()

    def inclusion(self, position: int, tree_size: int | None = None) -> Outcome:
        try:
            return Outcome(answer=self.integrity.proofs.inclusion(position, tree_size).as_json())
        except InvalidTreeSize as error:
            return refused(error)

    def consistency(self, first: int, second: int | None = None) -> Outcome:
        try:
            return Outcome(answer=self.integrity.proofs.consistency(first, second).as_json())
        except InvalidTreeSize as error:
            return refused(error)


class HttpAuditor(Auditor):
    def __init__(self, driver: HttpDriver, integrity: Integrity) -> None:
        self.driver = driver
        driver.client.app.state.integrity = integrity  # the tree the feature keeps running

    def _get(self, path: str, **params: Any) -> Outcome:
        query = {k: v for k, v in params.items() if v is not None}
        response = self.driver.client.get(path, params=query, headers=self.driver.auth)
        return Outcome(answer=response.json()) if response.status_code == 200 else problem(
            response)

    def checkpoint(self) -> dict[str, Any]:
        answer: dict[str, Any] = self._get("/v1/integrity/checkpoint").answer
        return answer

    def public_key(self) -> dict[str, Any]:
        answer: dict[str, Any] = self._get("/v1/integrity/public-key").answer
        return answer

    def inclusion(self, position: int, tree_size: int | None = None) -> Outcome:
        return self._get("/v1/integrity/inclusion", position=position, tree_size=tree_size)

    def consistency(self, first: int, second: int | None = None) -> Outcome:
        return self._get("/v1/integrity/consistency", first=first, second=second)


def auditor_for(driver: Driver, integrity: Integrity) -> Auditor:
    """The auditor that goes the way `driver` goes."""
    if isinstance(driver, HttpDriver):
        return HttpAuditor(driver, integrity)
    return AppAuditor(integrity)
