"""The read side: the projections' runners in-process, the views, waiting and rebuilding."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection, ProjectionRunner

from adapters.bootstrap import Container
from adapters.views_postgres import PostgresAudienceView, PostgresAuditView, PostgresProfileView
from adapters.views_sql import SqlAudienceView, SqlAuditView, SqlProfileView, SqlView
from adapters.views_sqlite import SQLiteAudienceView, SQLiteAuditView, SQLiteProfileView
from application.base import ProfileEventStore
from domain.errors import ProfileNotFound
from domain.newsletter import Decision, may_send
from projections.profiles import AudienceProjection, AuditProjection, ProfileViewProjection

APPLICATION = ProfileEventStore.name
PAGE = 500
BATCH = 100  # events replayed per transaction (PostgreSQL slows on long same-row updates)
POLL = 0.05
# Runners hold few connections each (a LISTEN, a reader, the view's writer), and leave
# creating tables to the ReadSide (concurrent DDL on PostgreSQL can fail).
RUNNER_ENV = {"POSTGRES_POOL_SIZE": "1", "POSTGRES_MAX_OVERFLOW": "4", "CREATE_TABLE": "n"}


@dataclass(frozen=True)
class ViewSpec:
    name: str
    projection: type[Projection[Any]]
    sqlite: type[SqlView]
    postgres: type[SqlView]


VIEWS: tuple[ViewSpec, ...] = (
    ViewSpec("profile_view", ProfileViewProjection, SQLiteProfileView, PostgresProfileView),
    ViewSpec("audit_trail", AuditProjection, SQLiteAuditView, PostgresAuditView),
    ViewSpec("newsletter_audience", AudienceProjection, SQLiteAudienceView, PostgresAudienceView),
)
VIEW_NAMES = tuple(spec.name for spec in VIEWS)


class ReadSide:
    """The views of the profiles' events; `start()` keeps them up to date in threads.

    `suffix` renames every view table (tests keep theirs apart on a shared PostgreSQL);
    `start_after` makes empty views begin after that position instead of from the start.
    """

    def __init__(
        self, container: Container, *, suffix: str = "", start_after: int | None = None
    ) -> None:
        self.container = container
        self.start_after = start_after
        self.categories = tuple(container.settings.newsletter_categories)
        self._store = container.service
        datastore = container.sql.datastore
        postgres = container.settings.is_postgres
        self._classes = {
            spec.name: (spec.postgres if postgres else spec.sqlite).named(spec.name + suffix)
            for spec in VIEWS
        }
        self._changed = threading.Condition()
        self._readers: dict[str, SqlView] = {}
        for name, view_class in self._classes.items():
            view = view_class(datastore=datastore)
            view.create_table()
            view.on_commit = self._notify
            if start_after is not None and view.max_tracking_id(APPLICATION) is None:
                view.insert_tracking(Tracking(APPLICATION, start_after))
            self._readers[name] = view
        self.profiles: SqlProfileView = self._reader("profile_view", SqlProfileView)
        self.audit: SqlAuditView = self._reader("audit_trail", SqlAuditView)
        self.audience: SqlAudienceView = self._reader("newsletter_audience", SqlAudienceView)
        self._runners: dict[str, ProjectionRunner[Any, Any]] = {}
        self._lock = threading.RLock()

    def _reader(self, name: str, kind: type[Any]) -> Any:  # noqa: ANN401
        view = self._readers[name]
        assert isinstance(view, kind)
        return view

    def _notify(self) -> None:
        with self._changed:
            self._changed.notify_all()

    # Running
    def start(self, names: tuple[str, ...] = VIEW_NAMES) -> None:
        with self._lock:
            for name in names:
                if name not in self._runners:
                    self._runners[name] = self._start_runner(self._spec(name))

    def _start_runner(self, spec: ViewSpec) -> ProjectionRunner[Any, Any]:
        runner: ProjectionRunner[Any, Any] = ProjectionRunner(
            application_class=ProfileEventStore,
            projection_class=spec.projection,
            view_class=self._classes[spec.name],
            env={**self.container.env, **RUNNER_ENV},
        )
        runner.__enter__()
        view = runner.view
        assert isinstance(view, SqlView)
        view.on_commit = self._notify
        return runner

    def stop(self, names: tuple[str, ...] = VIEW_NAMES) -> None:
        errors: list[BaseException] = []
        with self._lock:
            for name in names:
                runner = self._runners.pop(name, None)
                if runner is None:
                    continue
                try:
                    runner.__exit__(None, None, None)
                except Exception as error:  # a projection failed: report it after stopping all
                    errors.append(error)
        if errors:
            raise errors[0]

    def run_forever(self) -> None:
        """Block while the runners run; re-raise the first error of any of them."""
        while True:
            for runner in list(self._runners.values()):
                runner.run_forever(timeout=POLL * 10)
                if runner.is_interrupted.is_set():
                    return

    def __enter__(self) -> ReadSide:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # Queries
    def may_send(self, profile_id: UUID, kind: str) -> Decision:
        state = self.audience.communications(profile_id)
        if state is None:
            raise ProfileNotFound(profile_id)
        return may_send(
            kind,
            state.newsletters,
            state.domain_suggestions,
            self.categories,
            state.unsubscribed_at,
        )

    def head(self) -> int:
        return self._store.recorder.max_notification_id() or 0

    def status(self) -> list[dict[str, Any]]:
        head = self.head()
        rows = []
        for name, view in self._readers.items():
            position = view.max_tracking_id(APPLICATION) or 0
            rows.append(
                {"name": name, "position": position, "head": head, "lag": max(0, head - position)}
            )
        return rows

    # Waiting
    def _wait_until(self, done: Callable[[], bool], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while not done():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            with self._changed:
                self._changed.wait(min(remaining, POLL))
        return True

    def wait_for_version(self, profile_id: UUID, version: int, timeout: float = 2.0) -> bool:
        """Wait until every view reflects the profile at `version` or later (read-your-writes)."""

        def reflected() -> bool:
            return all(
                (view.profile_version(profile_id) or 0) >= version
                for view in self._readers.values()
            )

        return self._wait_until(reflected, timeout)

    def wait_for_position(self, notification_id: int, timeout: float = 5.0) -> None:
        """Wait until every view has processed the event at `notification_id` (TimeoutError)."""

        def reached() -> bool:
            return all(
                (view.max_tracking_id(APPLICATION) or 0) >= notification_id
                for view in self._readers.values()
            )

        if not self._wait_until(reached, timeout):
            raise TimeoutError(f"The views have not reached position {notification_id}")

    # Rebuilding
    def _spec(self, name: str) -> ViewSpec:
        for spec in VIEWS:
            if spec.name == name:
                return spec
        raise ValueError(f"Unknown view {name!r}; views are {', '.join(VIEW_NAMES)}")

    def rebuild(
        self, name: str | None = None, progress: Callable[[int, int], None] | None = None
    ) -> int:
        """Drop one view (or all) and replay it from the events; the number of events replayed.

        Stop runners of other processes first: this process's are paused meanwhile.
        """
        names = VIEW_NAMES if name is None else (self._spec(name).name,)
        head = self.head()
        start = self.start_after or 0
        total = max(0, head - start) * len(names)
        done = 0
        with self._lock:
            running = tuple(n for n in names if n in self._runners)
            self.stop(running)
            try:
                for view_name in names:
                    done = self._replay(view_name, start, head, done, total, progress)
            finally:
                self.start(running)
        if progress is not None:
            progress(done, done)
        return done

    def _replay(
        self,
        name: str,
        start: int,
        head: int,
        done: int,
        total: int,
        progress: Callable[[int, int], None] | None,
    ) -> int:
        view = self._readers[name]
        view.reset(APPLICATION, self.start_after)
        projection = self._spec(name).projection(view=view)
        position = start
        while position < head:
            notifications = self._store.recorder.select_notifications(
                start=position, limit=PAGE, stop=head, inclusive_of_start=False
            )
            if not notifications:
                break
            for first in range(0, len(notifications), BATCH):
                with view.batch():
                    for notification in notifications[first : first + BATCH]:
                        event = self._store.mapper.to_domain_event(notification)
                        projection.process_event(event, Tracking(APPLICATION, notification.id))
            done += len(notifications)
            position = notifications[-1].id
            if progress is not None:
                progress(done, max(total, done))
        return done

    def drop(self) -> None:
        """Drop every view table (for views under a test suffix)."""
        self.stop()
        for view in self._readers.values():
            view.drop()
