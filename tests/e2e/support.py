"""Serving the app for end-to-end tests: in a thread of the test process, or as a subprocess."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import httpx
import uvicorn

from adapters.bootstrap import Container
from adapters.entrypoints.http.app import create_app
from adapters.readside.model import ReadSide
from adapters.security.tokens import SCOPES, TokenStore
from tests.support import STRONG_PASSWORD, registration

ROOT = Path(__file__).resolve().parents[2]
CARD = {
    "holder_name": "Marie Tremblay",
    "number": "4111 1111 1111 1111",
    "exp_month": 12,
    "exp_year": 2031,
}
CONSENT = {"channel": "portal", "text_version": "2026-01", "language": "fr"}


@dataclass
class Api:
    url: str
    container: Container
    read_side: ReadSide
    tokens: TokenStore
    token: str
    client: httpx.Client
    _scoped: dict[frozenset[str], str] = field(default_factory=dict)

    def token_for(self, *scopes: str) -> str:
        """A token with exactly these scopes (made once per set)."""
        key = frozenset(scopes)
        if key not in self._scoped:
            self._scoped[key] = self.tokens.create("e2e-" + uuid4().hex[:8], key)
        return self._scoped[key]

    def auth(self, *scopes: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token_for(*scopes) if scopes else self.token}"}

    def register(self, **overrides: Any) -> UUID:
        response = self.client.post("/v1/profiles", json=registration(**overrides))
        assert response.status_code == 201, response.text
        return UUID(response.json()["profile_id"])

    def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self.client.request(method, path, **kwargs)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serve_in_thread(app: Any, lifespan: str = "off") -> Iterator[str]:
    """uvicorn on 127.0.0.1 and a free port, in a thread; yields the base URL. With
    lifespan "on" the app's own start runs too (its worker threads as many as `serve`'s)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, log_config=None, access_log=False, lifespan=lifespan)
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        while not server.started:  # the server's own start, not a projection
            if not thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@contextmanager
def serve_app(
    container: Container,
    read_side: ReadSide,
    token: str | None = None,
    lifespan: str = "off",
    **options: Any,
) -> Iterator[Api]:
    """The app served over `container`, called with `token` (else a new one, every scope);
    `options` go to create_app."""
    tokens = TokenStore(container.sql)
    token = token or tokens.create("e2e-" + uuid4().hex[:8], SCOPES)
    app = create_app(container, read_side, tokens=tokens, **options)
    with (
        serve_in_thread(app, lifespan) as url,
        httpx.Client(
            base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=30
        ) as client,
    ):
        yield Api(url, container, read_side, tokens, token, client)


def cli(*args: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "adapters.entrypoints.cli.main", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def service_env(database: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROFILE_")}
    env.update(
        PYTHONPATH=str(ROOT),
        PROFILE_DATABASE_URL=f"sqlite:///{database}",
        PROFILE_ARGON2_TIME_COST="1",
        PROFILE_ARGON2_MEMORY_KIB="1024",
        PROFILE_LOG_FORMAT="json",
    )
    env.update(extra)
    return env


class ServerProcess:
    """`profile-service serve` in a subprocess; stdout and stderr go to files."""

    def __init__(self, env: dict[str, str], workdir: Path) -> None:
        self.env = env
        self.workdir = workdir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.starts = 0
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.starts += 1
        out = (self.workdir / f"stdout-{self.starts}.txt").open("wb")
        err = (self.workdir / f"stderr-{self.starts}.txt").open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "adapters.entrypoints.cli.main", "serve",
             "--port", str(self.port)],
            cwd=ROOT,
            env=self.env,
            stdout=out,
            stderr=err,
        )
        out.close()
        err.close()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # waiting for the process to listen
            if self.process.poll() is not None:
                raise RuntimeError(f"serve exited: {self.stderr()[-2000:]}")
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.05)
        raise RuntimeError("serve did not answer within 30 s")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def stdout(self, start: int | None = None) -> str:
        return self._read("stdout", start)

    def stderr(self, start: int | None = None) -> str:
        return self._read("stderr", start)

    def _read(self, kind: str, start: int | None) -> str:
        numbers = [start] if start is not None else range(1, self.starts + 1)
        return "".join((self.workdir / f"{kind}-{n}.txt").read_text() for n in numbers)

    def log_lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.stderr().splitlines() if line.strip()]


__all__ = ["CARD", "CONSENT", "STRONG_PASSWORD", "Api", "ServerProcess", "cli", "serve_app"]
