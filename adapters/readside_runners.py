"""The projections' runners of a read side, in threads, restarted when one of them fails."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from eventsourcing.projection import Projection, ProjectionRunner

from adapters.logging import get_logger
from adapters.views_base import SqlView
from application.base import ProfileEventStore

# Runners hold few connections each (a LISTEN, a reader, the view's writer), and leave
# creating tables to the ReadSide (concurrent DDL on PostgreSQL can fail).
RUNNER_ENV = {"POSTGRES_POOL_SIZE": "1", "POSTGRES_MAX_OVERFLOW": "4", "CREATE_TABLE": "n"}
CHECK_EVERY = 0.5
FIRST_RETRY = 1.0
LAST_RETRY = 30.0

log = get_logger("profile_service.projections")


@dataclass(frozen=True)
class ViewSpec:
    name: str
    projection: type[Projection[Any]]
    sqlite: type[SqlView]
    postgres: type[SqlView]


@dataclass
class _Slot:
    runner: ProjectionRunner[Any, Any] | None = None
    retry_at: float = 0.0
    delay: float = FIRST_RETRY
    error: str | None = None


class Runners:
    """One ProjectionRunner per view; a failed one is logged and started again, later."""

    def __init__(
        self,
        env: Mapping[str, str],
        specs: Mapping[str, ViewSpec],
        classes: Mapping[str, type[SqlView]],
        on_commit: Callable[[], None],
    ) -> None:
        self.env = {**env, **RUNNER_ENV}
        self.specs = specs
        self.classes = classes
        self.on_commit = on_commit
        self._slots: dict[str, _Slot] = {}
        self._lock = threading.RLock()
        self._stopped = threading.Event()
        self._supervisor: threading.Thread | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self._slots)

    def errors(self) -> dict[str, str]:
        """The last error of each view whose runner failed (until it runs again)."""
        return {name: slot.error for name, slot in self._slots.items() if slot.error}

    def start(self, names: tuple[str, ...]) -> None:
        with self._lock:
            for name in names:
                if name not in self._slots:
                    self._slots[name] = _Slot(runner=self._runner(name))
            if self._slots and self._supervisor is None:
                self._stopped.clear()
                self._supervisor = threading.Thread(
                    target=self._supervise, name="projections-supervisor", daemon=True
                )
                self._supervisor.start()

    def _runner(self, name: str) -> ProjectionRunner[Any, Any]:
        runner: ProjectionRunner[Any, Any] = ProjectionRunner(
            application_class=ProfileEventStore,
            projection_class=self.specs[name].projection,
            view_class=self.classes[name],
            env=self.env,
        )
        runner.__enter__()
        view = runner.view
        assert isinstance(view, SqlView)
        view.on_commit = self.on_commit
        return runner

    def stop(self, names: tuple[str, ...] | None = None) -> None:
        with self._lock:
            for name in self.names if names is None else names:
                slot = self._slots.pop(name, None)
                if slot is not None and slot.runner is not None:
                    self._close(name, slot.runner)
            supervisor = self._supervisor if not self._slots else None
            if supervisor is not None:
                self._supervisor = None
                self._stopped.set()
        if supervisor is not None and supervisor is not threading.current_thread():
            supervisor.join()

    def _close(self, name: str, runner: ProjectionRunner[Any, Any]) -> str | None:
        try:
            runner.__exit__(None, None, None)
        except Exception as error:
            message = f"{type(error).__name__}: {error}"
            log.error("projection_failed", projection=name, error=message)
            return message
        return None

    def _supervise(self) -> None:
        while not self._stopped.wait(CHECK_EVERY):
            with self._lock:
                for name, slot in self._slots.items():
                    self._check(name, slot)

    def _check(self, name: str, slot: _Slot) -> None:
        if slot.runner is not None and slot.runner.is_interrupted.is_set():
            slot.error = self._close(name, slot.runner) or "stopped"
            slot.runner = None
            slot.retry_at = time.monotonic() + slot.delay
        if slot.runner is None and time.monotonic() >= slot.retry_at:
            try:
                slot.runner = self._runner(name)
            except Exception as error:
                slot.error = f"{type(error).__name__}: {error}"
                log.error("projection_start_failed", projection=name, error=slot.error)
                slot.delay = min(slot.delay * 2, LAST_RETRY)
                slot.retry_at = time.monotonic() + slot.delay
            else:
                log.info("projection_restarted", projection=name)
                slot.error, slot.delay = None, FIRST_RETRY

    def run_forever(self) -> None:
        """Block until `stop()` (failed runners are restarted meanwhile)."""
        while not self._stopped.wait(CHECK_EVERY):
            pass
