"""Leadership: one active instance per kind of work (projections, the relay), the others stand by.

On PostgreSQL a session-level advisory lock held on a dedicated connection (it ends with that
connection: a SIGKILLed or unreachable holder loses it within seconds); on SQLite an exclusive
lock on a file beside the database (it ends with the process)."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import psycopg

from adapters.logging import get_logger

STANDBY_POLL = 0.5  # seconds between a standby's attempts: it takes over well within 5 s
CHECK_EVERY = 1.0  # seconds between the leader's checks that its lock is still held
RETRY_AFTER_FAILURE = 2.0
# The lock's connection: the server drops a silent client within about 5 s (keepalives), and
# so does the client (tcp_user_timeout), so a partitioned leader steps down in time.
KEEPALIVES = ("keepalives=1 keepalives_idle=2 keepalives_interval=1 keepalives_count=2 "
              "tcp_user_timeout=5000 connect_timeout=5")
_KEEPALIVES = dict(option.split("=") for option in KEEPALIVES.split())
SERVER_KEEPALIVES = ("SET tcp_keepalives_idle = 2", "SET tcp_keepalives_interval = 1",
                     "SET tcp_keepalives_count = 2")

log = get_logger("profile_service.leadership")


def lock_key(name: str) -> int:
    """The advisory lock's 64-bit key for a kind of work."""
    digest = hashlib.blake2b(f"profile-service:{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class Leadership(ABC):
    """Who leads one kind of work: at most one holder at a time, across processes and machines."""

    name: str

    @abstractmethod
    def try_acquire(self) -> bool:
        """Lead now if nobody does (True), else False at once."""

    @abstractmethod
    def held(self) -> bool:
        """Whether this process still leads (False once its lock is gone)."""

    @abstractmethod
    def release(self) -> None:
        """Give up the lead (nothing happens if this process does not lead)."""


class PostgresLeadership(Leadership):
    """A session-level advisory lock (`pg_try_advisory_lock`) on a connection of its own."""

    def __init__(self, conninfo: str, name: str) -> None:
        self.name = name
        self.key = lock_key(name)
        self._conninfo = conninfo
        self._conn: psycopg.Connection[tuple[object, ...]] | None = None
        self._leading = False
        self._lock = threading.Lock()

    def try_acquire(self) -> bool:
        with self._lock:
            if self._leading:
                return True
            try:
                if self._conn is None or self._conn.closed:
                    self._conn = psycopg.connect(
                        psycopg.conninfo.make_conninfo(self._conninfo, **_KEEPALIVES),
                        autocommit=True, application_name=f"profile-service {self.name}"[:63],
                    )
                    for statement in SERVER_KEEPALIVES:
                        self._conn.execute(statement)
                row = self._conn.execute("SELECT pg_try_advisory_lock(%s)", (self.key,)).fetchone()
            except psycopg.Error:
                self._close()
                raise
            self._leading = bool(row and row[0])
            return self._leading

    def held(self) -> bool:
        with self._lock:
            if not self._leading or self._conn is None:
                return False
            try:
                self._conn.execute("SELECT 1")  # the session lives: its lock with it
            except psycopg.Error:
                self._close()
                return False
            return True

    def release(self) -> None:
        with self._lock:
            if self._conn is not None and self._leading:
                with contextlib.suppress(psycopg.Error):  # else the session is gone, and its lock
                    self._conn.execute("SELECT pg_advisory_unlock(%s)", (self.key,))
            self._close()

    def _close(self) -> None:
        self._leading = False
        if self._conn is not None:
            with contextlib.suppress(psycopg.Error):
                self._conn.close()
            self._conn = None


class FileLeadership(Leadership):
    """An exclusive `flock` on a file beside the SQLite database (the processes of a machine)."""

    def __init__(self, path: Path, name: str) -> None:
        self.name = name
        self.path = path
        self._fd: int | None = None
        self._lock = threading.Lock()

    def try_acquire(self) -> bool:
        with self._lock:
            if self._fd is not None:
                return True
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                return False
            self._fd = fd
            return True

    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        with self._lock:
            if self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
                os.close(self._fd)
                self._fd = None


def lock_file(database: str, name: str) -> Path:
    """The lock file of a kind of work beside a SQLite database file."""
    return Path(f"{database}.{re.sub(r'[^A-Za-z0-9_-]', '_', name)}.lock")


class Work(Protocol):
    """What runs only while this process leads: started, then stopped (and maybe started again)."""

    def start(self) -> None: ...

    def stop(self) -> None: ...


class Together:
    """Several works started and stopped as one (the views and the Merkle tree, say)."""

    def __init__(self, *works: Work) -> None:
        self.works = works

    def start(self) -> None:
        for work in self.works:
            work.start()

    def stop(self) -> None:
        for work in reversed(self.works):
            work.stop()


class LeaderOnly:
    """Runs `work` while this process leads; stands by, trying again and again, otherwise."""

    def __init__(
        self,
        leadership: Leadership,
        work: Work,
        *,
        say: Callable[[str], None] | None = None,
        leading: str = "",
        standing_by: str = "",
    ) -> None:
        self.leadership = leadership
        self.work = work
        self._say = say or (lambda _: None)
        self._messages = {"leading": leading, "standing_by": standing_by}
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        self.leading = threading.Event()

    def start(self) -> None:
        self._stopped.clear()
        self._thread = threading.Thread(target=self._run, name=f"lead-{self.leadership.name}",
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join()
        self._thread = None

    def run_forever(self) -> None:
        """Block until `stop()` (from another thread) or a KeyboardInterrupt."""
        while not self._stopped.wait(0.5):
            pass

    def _tell(self, state: str) -> None:
        log.info(state, kind=self.leadership.name)
        if self._messages.get(state):
            self._say(self._messages[state])

    def _run(self) -> None:
        standing_by = unavailable = False
        while not self._stopped.is_set():
            try:
                leads = self.leadership.try_acquire()
            except Exception as error:  # the store is down: said once, tried again
                if not unavailable:
                    log.warning("leadership_unavailable", kind=self.leadership.name,
                                error=type(error).__name__)
                    unavailable = True
                self._stopped.wait(RETRY_AFTER_FAILURE)
                continue
            unavailable = False
            if not leads:
                if not standing_by:
                    self._tell("standing_by")
                    standing_by = True
                self._stopped.wait(STANDBY_POLL)
                continue
            standing_by = False
            self._lead()

    def _lead(self) -> None:
        try:
            self._tell("leading")
            self.work.start()
            self.leading.set()
            while not self._stopped.wait(CHECK_EVERY):
                if not self.leadership.held():
                    log.warning("leadership_lost", kind=self.leadership.name)
                    break
        except Exception as error:
            log.error("leading_failed", kind=self.leadership.name,
                      error=f"{type(error).__name__}: {error}")
            self._stopped.wait(RETRY_AFTER_FAILURE)
        finally:
            self.leading.clear()
            self.work.stop()
            self.leadership.release()
