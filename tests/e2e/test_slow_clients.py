"""A client that never finishes its request body gets a 408 problem within the bound and its
connection closed; `serve` gives uvicorn its keep-alive timeout (headers are the proxy's job)."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

import adapters.entrypoints.http.app as http_app
import adapters.logging as service_logging
from adapters.bootstrap import build
from adapters.entrypoints.cli import serve as serve_command
from tests.e2e.support import Api, serve_app
from tests.support import store_settings

BODY_TIMEOUT = 0.5


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    container = build(store_settings("sqlite", tmp_path))
    read_side = container.read_side()
    try:
        with serve_app(container, read_side, body_timeout=BODY_TIMEOUT) as served:
            yield served
    finally:
        container.close()


def request_head(api: Api, length: int) -> bytes:
    host = urlsplit(api.url).netloc
    return (
        f"POST /v1/password/strength HTTP/1.1\r\nHost: {host}\r\n"
        f"Authorization: Bearer {api.token}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {length}\r\n\r\n"
    ).encode()


def read_until_closed(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (at most 30 s)."""
    sock.settimeout(30)
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def connect(api: Api) -> socket.socket:
    url = urlsplit(api.url)
    return socket.create_connection((url.hostname, url.port), timeout=30)


def test_a_body_that_never_finishes_is_a_408_problem_and_the_connection_is_closed(api: Api):
    body = b'{"password": "correct horse battery staple"}'
    with connect(api) as sock:
        sock.sendall(request_head(api, len(body) + 20) + body)  # 20 bytes never come
        answer = read_until_closed(sock)
    head, _, content = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408 ")
    assert b"content-type: application/problem+json" in head.lower()
    problem = json.loads(content)
    assert problem["code"] == "request_timeout"
    assert problem["status"] == 408 and problem["correlation_id"]
    assert "correct horse" not in answer.decode(errors="replace")


def test_a_body_sent_in_parts_within_the_bound_is_read(api: Api):
    body = b'{"password": "correct horse battery staple"}'
    with connect(api) as sock:
        sock.sendall(request_head(api, len(body)) + body[:10])
        sock.sendall(body[10:])
        sock.settimeout(30)
        answer = sock.recv(65536)
    assert answer.startswith(b"HTTP/1.1 200 ")


def test_serve_gives_uvicorn_its_keep_alive_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    import uvicorn

    given: dict[str, Any] = {}
    monkeypatch.setenv("PROFILE_DATABASE_URL", f"sqlite:///{tmp_path}/profiles.db")
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: given.update(options))
    # this process's logging and garbage collector stay as the other tests expect
    monkeypatch.setattr(service_logging, "configure_logging", lambda *_a, **_k: None)
    monkeypatch.setattr(http_app, "settle_memory", lambda: None)
    serve_command.serve(projections=False, workers=1)
    assert given["timeout_keep_alive"] == serve_command.KEEP_ALIVE_SECONDS == 5
