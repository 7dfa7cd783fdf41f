"""A restart loses nothing: state and idempotency keys written by one process, read by another."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from uuid import UUID, uuid4

import pytest

from adapters.bootstrap import build
from application.ports import CommandResult
from domain.errors import IdempotencyKeyReused
from tests.support import OTHER_STRONG_PASSWORD, ctx

ROOT = Path(__file__).resolve().parents[2]

WRITER = textwrap.dedent(
    """
    import json, sys
    from adapters.bootstrap import build
    from tests.support import OTHER_STRONG_PASSWORD, STRONG_PASSWORD, ctx, registration

    key = sys.argv[1]
    container = build()
    service = container.service
    registered = service.register(registration(language="en"), ctx(idempotency_key=key + "-reg"))
    pid = registered.profile_id
    service.change_password(
        pid, {"current_password": STRONG_PASSWORD, "new_password": OTHER_STRONG_PASSWORD}, ctx()
    )
    service.register_card(
        pid,
        {"holder_name": "Marie", "number": "5555555555554444", "exp_month": 3, "exp_year": 2031},
        ctx(),
    )
    added = service.add_contact(
        pid, {"name": "Luc", "email": "luc@example.com"}, ctx(idempotency_key=key + "-add")
    )
    consent = {"channel": "api", "text_version": "1", "language": "en"}
    service.subscribe_newsletters(pid, {"categories": ["news"], "consent": consent}, ctx())
    container.close()
    print(json.dumps({"registered": registered.to_json(), "added": added.to_json()}))
    """
)


def run_writer(settings, key: str) -> dict[str, CommandResult]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "PROFILE_DATABASE_URL": settings.database_url,
        "PROFILE_ARGON2_TIME_COST": "1",
        "PROFILE_ARGON2_MEMORY_KIB": "1024",
    }
    if settings.vault_key is not None:
        env["PROFILE_VAULT_KEY"] = settings.vault_key.get_secret_value()
    done = subprocess.run(
        [sys.executable, "-c", WRITER, key],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    output = json.loads(done.stdout.strip().splitlines()[-1])
    return {name: CommandResult.from_json(text) for name, text in output.items()}


def test_a_new_process_sees_every_change_and_every_idempotency_key(settings, clock):
    key = f"restart-{uuid4()}"
    written = run_writer(settings, key)
    pid = UUID(written["registered"].profile_id)

    container = build(settings, clock=clock)
    try:
        service = container.service
        profile = service.get_profile(pid)
        assert profile.version == 5
        assert profile.state["preferences"]["language"] == "en"
        assert service.hasher.verify(profile.state["password_hash"], OTHER_STRONG_PASSWORD)
        assert (profile.state["card"]["brand"], profile.state["card"]["last4"]) == (
            "mastercard",
            "4444",
        )
        assert service.vault.reveal(profile.state["card"]["token"]) == "5555555555554444"
        assert list(profile.state["contacts"]) == [written["added"].contact_id]
        assert service.may_send(pid, "newsletter:news").allowed

        replayed = service.add_contact(
            pid, {"name": "Luc", "email": "luc@example.com"}, ctx(idempotency_key=key + "-add")
        )
        assert replayed == written["added"]
        with pytest.raises(IdempotencyKeyReused):
            service.add_contact(
                pid, {"name": "Léa", "email": "lea@example.com"}, ctx(idempotency_key=key + "-add")
            )
        assert service.get_profile(pid).version == 5
    finally:
        container.close()
