"""Long-running `profile-service` commands in subprocesses (relay run, projections run), killed
and restarted at will."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from adapters.bootstrap import Container
from tests.e2e.support import ROOT


def process_env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROFILE_")}
    env.update(PYTHONPATH=str(ROOT), PROFILE_LOG_FORMAT="json", PROFILE_ARGON2_TIME_COST="1",
               PROFILE_ARGON2_MEMORY_KIB="1024", **values)
    return env


class Command:
    """`profile-service <args>` in a subprocess; its stderr kept in a file per start."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], workdir: Path) -> None:
        self.name, self.args, self.env, self.workdir = name, args, env, workdir
        self.starts = 0
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.starts += 1
        with self._file(self.starts).open("wb") as err:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "adapters.entrypoints.cli.main", *self.args],
                cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=err,
            )

    def _file(self, start: int) -> Path:
        return self.workdir / f"{self.name}-{start}.err"

    def kill(self) -> float:
        """SIGKILL; the wall-clock time it was sent."""
        assert self.process is not None
        killed_at = time.time()
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        return killed_at

    def stop(self) -> int | None:
        if self.process is None or self.process.poll() is not None:
            return None if self.process is None else self.process.returncode
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()
            return None

    def stderr(self) -> str:
        return "".join(self._file(n).read_text() for n in range(1, self.starts + 1))

    def logged(self, event: str) -> list[dict[str, Any]]:
        """The JSON log lines of this event, over every start."""
        lines = []
        for line in self.stderr().splitlines():
            if line.startswith("{"):
                entry = json.loads(line)
                if entry.get("event") == event:
                    lines.append(entry)
        return lines

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None


def recorded_ids(container: Container) -> list[str]:
    """Every event of the store as `{profile_id}:{version}` (notification ids may have gaps)."""
    notifications = container.service.recorder.select_notifications(start=0, limit=10**6)
    return sorted(f"{n.originator_id}:{n.originator_version}" for n in notifications)


def wait_until(done: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll a condition of another process (a position, a log line) until it holds."""
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)
