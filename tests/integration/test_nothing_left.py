"""After an erasure nothing of the person is left to read anywhere (privacy.md): not in any file
of the store or its pg_dump, the logs or the command line's outputs, even decrypted with every
key the service holds; every other profile is untouched."""

from __future__ import annotations

import base64
import io
import json
import logging
import os
import subprocess
from contextlib import suppress
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from adapters.bootstrap import Container, build
from adapters.logging import configure_logging, reset_logging
from adapters.settings import Settings
from tests.e2e.cli_support import Cli
from tests.support import FakeClock, ctx, registration, store_settings

EVENTS_KEY = base64.b64encode(os.urandom(32)).decode()
CONSENT = {"channel": "portal", "text_version": "v7", "language": "fr"}


NUMBERS = ("4012888888881881", "5105105105105100")  # hers, and the other profile's


def her_values(n: int) -> dict[str, str]:
    """Values no other test uses, each one she holds at some point (some changed away from)."""
    tag = uuid4().hex[:6]
    return {
        "first_name": f"Zéphyrine{tag}", "last_name": f"Quaglietti{tag}",
        "email": f"zephyrine.{tag}@example.com", "old_email": f"zq.first.{tag}@example.org",
        "line1": f"{tag} rue des Hirondelles", "old_line1": f"{tag} chemin du Vieux-Moulin",
        "city": f"Rimouski{tag}", "phone": f"+1418555018{n}", "old_phone": f"+1418555017{n}",
        "company": f"Ateliers Zéphyr {tag}", "job_title": f"Doreuse {tag}",
        "contact": f"Anatole Brisebois {tag}", "contact_email": f"anatole.{tag}@example.com",
        "holder": f"Zephyrine Q {tag}", "number": NUMBERS[n],
        "url": f"https://www.linkedin.com/in/zq-{tag}",
    }


def her_history(container: Container, v: dict[str, str]) -> UUID:
    s = container.service
    address = {"line1": v["old_line1"], "city": v["city"], "region": "QC",
               "postal_code": "G5L 1A1", "country": "CA"}
    pid = UUID(s.register(registration(first_name=v["first_name"], last_name=v["last_name"],
                                       email=v["old_email"], phone=v["old_phone"],
                                       address=address), ctx()).profile_id)
    s.change_contact(pid, {"email": v["email"], "phone": v["phone"],
                           "address": {"line1": v["line1"]}}, ctx())
    s.change_additional_info(pid, {"company": v["company"], "job_title": v["job_title"]}, ctx())
    s.add_contact(pid, {"name": v["contact"], "email": v["contact_email"]}, ctx())
    s.register_card(pid, {"holder_name": v["holder"], "number": v["number"], "exp_month": 8,
                          "exp_year": 2031}, ctx(idempotency_key=f"card-{uuid4()}"))
    s.link_social(pid, "linkedin", v["url"], ctx())
    s.subscribe_newsletters(pid, {"categories": ["news"], "consent": CONSENT}, ctx())
    for _ in range(9):  # past a snapshot
        s.change_preferences(pid, {"pdf_invoices": True}, ctx())
        s.change_preferences(pid, {"pdf_invoices": False}, ctx())
    return pid


def texts(value: str) -> list[bytes]:
    """A value as it may be written: UTF-8, and JSON's ASCII escapes."""
    escaped = json.dumps(value)[1:-1]
    return list(dict.fromkeys([value.encode(), escaped.encode()]))


def found_in(blobs: list[bytes], values: dict[str, str]) -> list[str]:
    return [name for name, value in values.items()
            if any(text in blob for blob in blobs for text in texts(value))]


def decrypted_rows(container: Container) -> list[bytes]:
    """Every row of every table, and what every key the service holds makes of its bytes."""
    cipher = container.service.mapper.cipher
    masters = [container.keyring.master(kid) for kid in container.keyring.known()]
    vault_keys = [AESGCM(container.keyring.vault_key(kid)) for kid in container.keyring.known()]
    blobs: list[bytes] = []
    for table in container.sql.tables():
        for row in container.sql.dump(table):
            blobs.append(repr(row).encode())
            for value in row.values():
                if isinstance(value, bytes | memoryview):
                    raw = bytes(value)
                    if cipher is not None:
                        with suppress(ValueError):
                            blobs.append(cipher.decrypt(raw))
                    if table == "card_vault":
                        for aes in vault_keys:
                            with suppress(InvalidTag):
                                blobs.append(aes.decrypt(bytes(row["nonce"]), raw,
                                                         str(row["token"]).encode()))
    assert masters  # the test holds every master key the service does
    return blobs


def store_files(container: Container, url: str) -> list[bytes]:
    if container.settings.is_postgres:
        dump = subprocess.run(["pg_dump", "--no-owner", url], capture_output=True, check=True)
        return [dump.stdout]
    database = Path(container.settings.sqlite_path)
    return [path.read_bytes() for path in database.parent.iterdir() if path.is_file()]


@pytest.fixture
def settings(store: str, tmp_path: Path, private_url: str) -> Settings:
    base = store_settings(store, tmp_path, events_key=EVENTS_KEY)
    return Settings(**{**base.model_dump(), "database_url": private_url})


@pytest.mark.slow
def test_after_erasure_nothing_of_her_is_left_anywhere_and_others_are_untouched(
    settings: Settings, private_url: str
):
    logs = io.StringIO()
    configure_logging("json", stream=logs, force=True)
    try:
        container = build(settings, clock=FakeClock())
        read_side = container.read_side()
        read_side.start()
        try:
            mine, theirs = her_values(0), her_values(1)
            her, other = her_history(container, mine), her_history(container, theirs)
            read_side.wait_for_position(read_side.head(), timeout=30)
            before = found_in(store_files(container, private_url), mine)
            container.service.erase(her, "customer_request", ctx())
            read_side.wait_for_position(read_side.head(), timeout=30)
            cli = Cli(settings)
            outputs = [
                cli("history", str(her), "--format", "json").output,
                cli("audit", "export", "--format", "jsonl").output,
                cli("audit", "export", "--format", "csv").output,
            ]
            blobs = [*store_files(container, private_url), *decrypted_rows(container),
                     *(o.encode() for o in outputs), logs.getvalue().encode()]
            still = found_in(blobs, mine)
            kept = found_in(blobs, theirs)
            other_state = container.service.get_profile(other).state
        finally:
            read_side.stop()
            container.close()
    finally:
        reset_logging()
        logging.getLogger().handlers.clear()
    assert before, "the check can see her values while she is not erased"
    assert still == [], f"still readable after erasure: {still}"
    assert {"email", "old_email", "company", "contact", "holder", "url"} <= set(kept)
    assert (other_state["email"], other_state["social"]["linkedin"]) == (
        theirs["email"], theirs["url"]
    )
