"""No password, argon2 hash or full card number in any table of either store, nor in logs."""

from __future__ import annotations

import base64
import logging
import os
import secrets
from pathlib import Path
from uuid import uuid4

import pytest
import structlog
from stdnum import luhn

from adapters.bootstrap import Container, build
from adapters.settings import Settings
from domain.errors import DomainError
from tests.support import FakeClock, ctx, registration, store_settings

EVENTS_KEY = base64.b64encode(os.urandom(32)).decode()


def random_visa() -> str:
    partial = "4" + "".join(secrets.choice("0123456789") for _ in range(14))
    return partial + luhn.calc_check_digit(partial)


def random_password() -> str:
    return "leak " + secrets.token_urlsafe(18) + " test"


def open_store(store: str, tmp_path: Path, url: str, **overrides: object) -> Container:
    base = store_settings(store, tmp_path)
    settings = Settings(**{**base.model_dump(), "database_url": url, **overrides})
    return build(settings, clock=FakeClock())


def exercise(container: Container, card_numbers: list[str], passwords: list[str]) -> None:
    """Register, change the password, try a wrong one, register and replace cards."""
    service = container.service
    first, second, wrong = passwords
    profile_id = service.register(registration(password=first), ctx()).profile_id
    service.change_password(
        profile_id, {"current_password": first, "new_password": second}, ctx()
    )
    with pytest.raises(DomainError):
        service.change_password(
            profile_id, {"current_password": wrong, "new_password": first}, ctx()
        )
    with pytest.raises(DomainError):
        service.change_password(
            profile_id, {"current_password": second, "new_password": second}, ctx()
        )
    number, other = card_numbers
    card = {"holder_name": "Marie Tremblay", "exp_month": 8, "exp_year": 2030}
    keyed = ctx(idempotency_key=f"k{uuid4()}")
    service.register_card(profile_id, {**card, "number": number}, keyed)
    service.register_card(profile_id, {**card, "number": " ".join([other[:4], other[4:]])}, ctx())
    bad = number[:-1] + str((int(number[-1]) + 1) % 10)
    with pytest.raises(DomainError) as caught:
        service.register_card(profile_id, {**card, "number": bad}, ctx())
    assert bad not in str(caught.value)
    service.remove_card(profile_id, True, ctx())
    service.get_profile(profile_id)


def dump(container: Container) -> dict[str, list[bytes]]:
    """Every value of every table, as bytes."""
    tables: dict[str, list[bytes]] = {}
    for table in container.sql.tables():
        values: list[bytes] = []
        for row in container.sql.dump(table):
            for value in row.values():
                if isinstance(value, (bytes, bytearray, memoryview)):
                    values.append(bytes(value))
                elif value is not None:
                    values.append(str(value).encode())
        tables[table] = values
    return tables


def leaks(tables: dict[str, list[bytes]], secrets_: list[str]) -> list[tuple[str, str]]:
    return [
        (table, secret)
        for table, values in tables.items()
        for secret in secrets_
        if any(secret.encode() in value for value in values)
    ]


@pytest.mark.parametrize("events_key", [EVENTS_KEY, None], ids=["events-key", "no-events-key"])
def test_no_table_and_no_log_line_holds_a_password_or_a_card_number(
    store, tmp_path, private_url, caplog, events_key
):
    numbers = [random_visa(), random_visa()]
    passwords = [random_password(), random_password(), random_password()]
    container = open_store(store, tmp_path, private_url, events_key=events_key)
    caplog.set_level(logging.DEBUG)
    try:
        with structlog.testing.capture_logs() as structured:
            exercise(container, numbers, passwords)
        tables = dump(container)
    finally:
        container.close()

    events_table = "stored_events" if store == "sqlite" else "profiles_events"
    assert {events_table, "idempotency_keys", "card_vault"} <= set(tables)
    assert len(tables[events_table]) >= 6 * 4  # six events dumped, not an empty store
    formatted = [f"{n[:4]} {n[4:8]} {n[8:12]} {n[12:]}" for n in numbers]
    forbidden = [*numbers, *formatted, *passwords]
    if events_key is not None:
        forbidden.append("$argon2")  # the hashes are only in the encrypted events
    assert leaks(tables, forbidden) == []

    logged = caplog.text + repr(structured)
    for secret in [*forbidden, "$argon2"]:
        assert secret not in logged


def test_without_the_events_key_the_argon2_hashes_are_sealed_in_the_events_too(
    store, tmp_path, private_url
):
    container = open_store(store, tmp_path, private_url)
    try:
        exercise(container, [random_visa(), random_visa()], [random_password() for _ in range(3)])
        tables = dump(container)
    finally:
        container.close()
    assert leaks(tables, ["$argon2"]) == []  # under each profile's data key (privacy.md)
