"""Server choices side by side in one run: the same wrk load (16 clients, link_social) against
`serve` (uvicorn), uvicorn and granian serving the same app factory, several workers, and a
bare FastAPI endpoint (tests/bench/bare.py) on each server for scale.

Beside requests/s and p99, each server's own CPU time per request: the utime + stime of
every process of its session (it is started as a session of its own) over the load, from
/proc. That, less the in-process ASGI figure (tests/bench/stages.py), is what the server
itself costs: sockets, HTTP parsing, the event loop's I/O.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from uuid import uuid4

from adapters.bootstrap import build
from adapters.security.tokens import TokenStore
from tests.bench import commands, http
from tests.bench.report import Figure
from tests.bench.stores import BenchStore

CLIENTS = 16
BIN = Path(sys.executable).parent
UVICORN = [sys.executable, "-m", "uvicorn", "--loop", "uvloop", "--http", "httptools",
           "--no-access-log", "--log-level", "warning", "--no-server-header",
           "--timeout-keep-alive", "5"]
GRANIAN = [str(BIN / "granian"), "--interface", "asgi", "--loop", "uvloop", "--no-ws",
           "--log-level", "warning"]
SERVE = [sys.executable, "-m", "adapters.entrypoints.cli.main", "serve"]
FACTORY = "adapters.entrypoints.http.app:worker_app"
BARE = "tests.bench.bare:app"


@dataclass(frozen=True)
class Choice:
    name: str
    argv: tuple[str, ...]  # without host and port
    projections_in_process: bool = False


def choices(store: BenchStore) -> list[Choice]:
    sqlite = not store.settings.is_postgres
    serve_note = "projections in-process" if sqlite else "--workers 1"
    return [
        Choice(f"serve: uvicorn, 1 process ({serve_note})",
               (*SERVE, *(() if sqlite else ("--workers", "1"))), sqlite),
        Choice("uvicorn, worker_app factory, 1 process", (*UVICORN, "--factory", FACTORY)),
        Choice("serve --workers 2 --no-projections (uvicorn)",
               (*SERVE, "--workers", "2", "--no-projections")),
        Choice("granian, worker_app factory, 1 worker",
               (*GRANIAN, "--factory", "--workers", "1", FACTORY)),
        Choice("granian, worker_app factory, 2 workers",
               (*GRANIAN, "--factory", "--workers", "2", FACTORY)),
        Choice("bare FastAPI endpoint (no DB), uvicorn", (*UVICORN, BARE)),
        Choice("bare FastAPI endpoint (no DB), granian", (*GRANIAN, "--workers", "1", BARE)),
    ]


class Session:
    """A server as a process session of its own: stopped with its whole process group."""

    def __init__(self, argv: tuple[str, ...], env: dict[str, str], log: Path) -> None:
        self.port = http.free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log = log.open("w")
        where = ("--host", "127.0.0.1", "--port", str(self.port))
        # granian takes its options before the app; uvicorn and serve anywhere
        command = [argv[0], *where, *argv[1:]] if argv[0].endswith("granian") else [*argv, *where]
        self.process = subprocess.Popen(command, env=env, stdout=self._log,
                                        stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self, timeout: float = 60.0) -> None:
        http.wait_healthy(self.process, self.url, timeout)

    def group(self) -> list[int]:
        """The pids of the session's processes (its process group: pgid = the first's pid)."""
        pids = []
        for entry in os.listdir("/proc"):
            stat = http.proc_stat(int(entry)) if entry.isdigit() else None
            if stat is not None and int(stat[2]) == self.process.pid:
                pids.append(int(entry))
        return pids

    def cpu_seconds(self) -> float:
        ticks = sum(int(s[11]) + int(s[12]) for pid in self.group() if (s := http.proc_stat(pid)))
        return ticks / os.sysconf("SC_CLK_TCK")

    def loaded(self, name: bytes) -> bool:
        """Whether a process of the session has a library named so mapped."""
        return any(name in _maps(pid) for pid in self.group())

    def stop(self) -> None:
        try:
            self.process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=10)
            # the workers too, whether or not the supervisor took them down
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        finally:
            self._log.close()


def _maps(pid: int) -> bytes:
    try:
        with open(f"/proc/{pid}/maps", "rb") as maps:
            return maps.read()
    except OSError:
        return b""


def server_figures(store: BenchStore, seconds: float, profiles: int) -> Iterator[Figure]:
    container = build(store.settings)
    try:
        ids = commands.register_profiles(container.service, profiles)
        token = TokenStore(container.sql).create(
            f"servers-{uuid4().hex[:8]}", ["profiles:write", "profiles:read"])
        floor = http.app_threads_load(container.service, ids, CLIENTS, seconds)
        read_side = container.read_side()
        env = {**os.environ, **store.env, "PYTHONPATH": os.getcwd()}
        yield Figure(store.name, f"server choices, {CLIENTS} clients: application layer, "
                     f"{CLIENTS} threads (req/s, p99)", f"{floor.per_second:,.0f}",
                     f"p99 {floor.p99_ms:.1f} ms")
        for choice in choices(store):
            with tempfile.TemporaryDirectory() as logs:
                session = Session(choice.argv, env, Path(logs) / "server.log")
                try:
                    session.wait_ready()
                    if choice.projections_in_process:  # its runners catch up first
                        read_side.wait_for_position(read_side.head(), timeout=120)
                    http.check_command(session.url, token, ids[0])
                    event_loop = "uvloop" if session.loaded(b"uvloop/loop") else "asyncio"
                    parser = "+httptools" if session.loaded(b"httptools") else ""
                    began = session.cpu_seconds()
                    load = http.wrk_load(session.url, token, ids, CLIENTS, seconds)
                    cpu = session.cpu_seconds() - began
                    workers = len(session.group())
                finally:
                    session.stop()
            requests = load.per_second * seconds
            errors = f" ({load.errors} errors)" if load.errors else ""
            yield Figure(store.name, f"  {choice.name}", f"{load.per_second:,.0f}{errors}",
                         f"p99 {load.p99_ms:.1f} ms", load.per_second / floor.per_second,
                         f"{cpu / requests * 1e6:,.0f} CPU µs/req, {workers} proc, "
                         f"{event_loop}{parser}")
    finally:
        container.close()
