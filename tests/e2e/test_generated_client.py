"""A client generated from the served /openapi.json by openapi-python-client, used as another
team would: register, change the e-mail, read it back at min_version, and a typed refusal."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from uuid import UUID, uuid4

import pytest

from adapters.bootstrap import build
from adapters.entrypoints.http.app import create_app
from adapters.security.tokens import SCOPES, TokenStore
from tests.support import STRONG_PASSWORD, store_settings

with warnings.catch_warnings():  # Starlette prefers httpx2 now; the API is the same.
    warnings.filterwarnings("ignore", message=".*httpx2")
    from fastapi.testclient import TestClient

PACKAGE = "profile_service_client"
# No post hooks: the generator's default runs ruff over the code it wrote.
CONFIG = f"package_name_override: {PACKAGE}\npost_hooks: []\n"


def generate(document: dict[str, Any], directory: Path) -> None:
    """The generator's own command line, as the README gives it, failing on any warning."""
    (directory / "openapi.json").write_text(json.dumps(document), encoding="utf-8")
    (directory / "config.yaml").write_text(CONFIG, encoding="utf-8")
    done = subprocess.run(
        [
            sys.executable, "-m", "openapi_python_client", "generate",
            "--path", "openapi.json", "--config", "config.yaml", "--meta", "none",
            "--output-path", PACKAGE, "--fail-on-warning",
        ],
        cwd=directory, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[TestClient, str]]:
    container = build(store_settings("sqlite", tmp_path))
    read_side = container.read_side()
    read_side.start()
    tokens = TokenStore(container.sql)
    token = tokens.create("client-" + uuid4().hex[:8], SCOPES)
    app = create_app(container, read_side, tokens=tokens)
    try:
        with TestClient(app, headers={"Authorization": f"Bearer {token}"}) as http:
            yield http, token
    finally:
        read_side.stop()
        container.close()


@pytest.fixture
def client_package(
    served: tuple[TestClient, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[ModuleType]:
    http, _ = served
    document = http.get("/openapi.json")
    assert document.status_code == 200
    generated = tmp_path / "generated"
    generated.mkdir()
    generate(document.json(), generated)
    monkeypatch.syspath_prepend(str(generated))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
            del sys.modules[name]


def test_a_generated_client_registers_changes_reads_and_parses_a_refusal(
    served: tuple[TestClient, str], client_package: ModuleType
):
    http, token = served
    client = client_package.AuthenticatedClient(base_url=str(http.base_url), token=token)
    client.set_httpx_client(http)  # the app in-process: a TestClient is an httpx.Client
    api = importlib.import_module(f"{PACKAGE}.api")
    models = importlib.import_module(f"{PACKAGE}.models")
    register = importlib.import_module(f"{api.__name__}.registration.register")
    change_contact = importlib.import_module(f"{api.__name__}.contact_information.change_contact")
    get_profile = importlib.import_module(f"{api.__name__}.profiles.get_profile")

    registered = register.sync(
        client=client,
        body=models.Registration(
            first_name="Marie",
            last_name="Tremblay",
            email=f"marie.{uuid4().hex[:8]}@example.com",
            address=models.AddressInput(
                line1="1200 rue Sainte-Catherine", city="Montréal", postal_code="H3B 1K9",
                country="CA",
            ),
            language=models.RegistrationLanguage.EN,
            password=STRONG_PASSWORD,
        ),
    )  # fmt: skip
    assert isinstance(registered, models.CommandAnswer), registered
    assert registered.events == ["ProfileRegistered"]
    profile_id = UUID(registered.profile_id)

    changed = change_contact.sync(
        client=client, profile_id=profile_id, body=models.ContactPatch(email="marie@example.org")
    )
    assert isinstance(changed, models.CommandAnswer), changed
    assert changed.version == 2

    read = get_profile.sync_detailed(client=client, profile_id=profile_id, min_version=2)
    assert read.status_code == 200
    assert read.headers["X-Min-Version-Reached"] == "true"
    assert isinstance(read.parsed, models.ProfileView)
    assert (read.parsed.email, read.parsed.version) == ("marie@example.org", 2)
    assert read.parsed.preferences.language == "en"

    refused = change_contact.sync_detailed(
        client=client, profile_id=profile_id, body=models.ContactPatch(email="not an address")
    )
    assert refused.status_code == 422
    problem = refused.parsed
    assert isinstance(problem, models.Problem), problem
    assert (problem.code, problem.status) == ("invalid_email", 422)
    assert [(e.field, e.code) for e in problem.errors] == [("email", "invalid_email")]
    assert problem.correlation_id == refused.headers["X-Correlation-ID"]
