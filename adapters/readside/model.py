"""The read side: the projections' runners in-process, the views, waiting and rebuilding."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Tracking

from adapters.eventstore.sql import SqlRunner
from adapters.readside.batch import Member
from adapters.readside.rebuild import SHADOW, Rebuild
from adapters.readside.runner import APPLICATION, BATCH, Runners, ViewSpec
from adapters.readside.source import EventLog
from adapters.readside.views.audience import SqlAudienceView
from adapters.readside.views.audit import SqlAuditView
from adapters.readside.views.base import SqlView
from adapters.readside.views.postgres import (
    PostgresAudienceView,
    PostgresAuditView,
    PostgresProfileView,
)
from adapters.readside.views.profiles import SqlProfileView
from adapters.readside.views.sqlite import SQLiteAudienceView, SQLiteAuditView, SQLiteProfileView
from domain.errors import ProfileNotFound
from domain.sections.newsletters import Decision, check_kind, may_send
from projections.profiles import AudienceProjection, AuditProjection, ProfileViewProjection

POLL = 0.05
VIEWS: tuple[ViewSpec, ...] = (
    ViewSpec("profile_view", ProfileViewProjection, SQLiteProfileView, PostgresProfileView),
    ViewSpec("audit_trail", AuditProjection, SQLiteAuditView, PostgresAuditView),
    ViewSpec("newsletter_audience", AudienceProjection, SQLiteAudienceView, PostgresAudienceView),
)
VIEW_NAMES = tuple(spec.name for spec in VIEWS)


class ReadSide:
    """The views of the profiles' events; `start()` keeps them up to date in threads.

    `suffix` renames every view table (tests keep theirs apart on a shared PostgreSQL);
    `start_after` makes empty views begin after that position instead of from the start;
    `batch`: the most events the runner applies in one transaction.
    """

    def __init__(
        self,
        log: EventLog,
        *,
        suffix: str = "",
        start_after: int | None = None,
        batch: int = BATCH,
    ) -> None:
        self.log = log
        self.suffix = suffix
        self.start_after = start_after
        self.categories = log.categories
        self._store = log.store
        datastore = log.datastore
        postgres = log.postgres
        self._classes = {
            spec.name: (spec.postgres if postgres else spec.sqlite).named(spec.name + suffix)
            for spec in VIEWS
        }
        self._changed = threading.Condition()
        self._commits = 0  # views' commits so far: a waiter misses none made after it looked
        self._readers: dict[str, SqlView] = {}
        for name, view_class in self._classes.items():
            view = view_class(datastore=datastore)
            view.create_table()
            view.upgrade()
            view.on_commit = self._notify
            if start_after is not None and view.max_tracking_id(APPLICATION) is None:
                view.insert_tracking(Tracking(APPLICATION, start_after))
            self._readers[name] = view
        self.profiles: SqlProfileView = self._reader("profile_view", SqlProfileView)
        self.audit: SqlAuditView = self._reader("audit_trail", SqlAuditView)
        self.audience: SqlAudienceView = self._reader("newsletter_audience", SqlAudienceView)
        self._runners = Runners(
            log, {spec.name: spec for spec in VIEWS}, self._classes, self._notify, batch=batch
        )
        self._lock = threading.RLock()

    def view_class(self, name: str) -> type[SqlView]:
        """The class of a view on this read side's tables (a runner writes through its own)."""
        return self._classes[self._spec(name).name]

    def _reader(self, name: str, kind: type[Any]) -> Any:  # noqa: ANN401
        view = self._readers[name]
        assert isinstance(view, kind)
        return view

    def _notify(self) -> None:
        with self._changed:
            self._commits += 1
            self._changed.notify_all()

    # Running
    def start(self, names: tuple[str, ...] = VIEW_NAMES) -> None:
        """Run the views' projections in threads of this process (a failed one restarts)."""
        for name in names:
            self._spec(name)
        self._runners.start(names)

    def stop(self, names: tuple[str, ...] | None = None) -> None:
        self._runners.stop(names)

    def run_forever(self) -> None:
        """Block until `stop()` is called (by a signal handler, say)."""
        self._runners.run_forever()

    def errors(self) -> dict[str, str]:
        """The last error of each view whose runner failed and is waiting to restart."""
        return self._runners.errors()

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
        check_kind(kind, self.categories)  # a malformed kind is refused, erased or not
        if state.erased:
            return Decision(False, "profile_erased")
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
        """Each live view's position and lag; `rebuilding`: the position of its rebuild under
        way beside it, if one is."""
        head = self.head()
        tables = set(SqlRunner(self.log.datastore).tables())
        rows = []
        for name, view in self._readers.items():
            position = view.max_tracking_id(APPLICATION) or 0
            shadow = type(view).named(view.prefix + SHADOW)(datastore=self.log.datastore)
            rebuilding = None
            if shadow.tables()[-1].rpartition(".")[2] in tables:
                rebuilding = shadow.max_tracking_id(APPLICATION) or 0
            rows.append(
                {"name": name, "position": position, "head": head,
                 "lag": max(0, head - position), "rebuilding": rebuilding}
            )
        return rows

    # Waiting
    def wait_until(self, done: Callable[[], bool], timeout: float) -> bool:
        """Wait until `done()` holds, checked after each commit of the views (and every POLL
        seconds, for what no commit tells: a runner's error); False once `timeout` is over."""
        deadline = time.monotonic() + timeout
        while True:
            seen = self._commits
            if done():
                return True
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            with self._changed:
                if self._commits == seen:
                    self._changed.wait(min(remaining, POLL))

    def wait_for_version(self, profile_id: UUID, version: int, timeout: float = 2.0) -> bool:
        """Wait until every view reflects the profile at `version` or later (read-your-writes)."""

        def reflected() -> bool:
            return all(
                (view.profile_version(profile_id) or 0) >= version
                for view in self._readers.values()
            )

        return self.wait_until(reflected, timeout)

    def wait_for_position(self, notification_id: int, timeout: float = 5.0) -> None:
        """Wait until every view has processed the event at `notification_id` (TimeoutError)."""

        def reached() -> bool:
            return all(
                (view.max_tracking_id(APPLICATION) or 0) >= notification_id
                for view in self._readers.values()
            )

        if not self.wait_until(reached, timeout):
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
        """Rebuild one view (or all) from the events beside the live ones, then swap them in
        in one transaction: readers never see a partial view, runners (of any process) and
        commands go on meanwhile. The number of events replayed (once per view).

        RebuildRunning when another rebuild of this store is under way."""
        names = VIEW_NAMES if name is None else (self._spec(name).name,)
        live = [
            Member(n, self._readers[n], self._spec(n).projection(view=self._readers[n]))
            for n in names
        ]
        done = Rebuild(self.log, live, self.start_after, self._notify).run(progress)
        if progress is not None:
            progress(done, done)
        return done

    def drop(self) -> None:
        """Drop every view table (for views under a test suffix)."""
        self.stop()
        for view in self._readers.values():
            view.drop()
