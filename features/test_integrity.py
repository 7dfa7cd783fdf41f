"""Steps of integrity.feature."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pytest_bdd import given, scenarios, then, when

from adapters.bootstrap import Container
from adapters.integrity import merkle
from adapters.integrity.model import Integrity
from features.drivers import Driver, Outcome
from features.integrity_auditors import Auditor, auditor_for
from features.support import Customer

scenarios("integrity.feature")


@pytest.fixture(scope="session")
def integrity(container: Container) -> Iterator[Integrity]:
    """The tree kept up to date in the background, a checkpoint signed after each batch."""
    running = container.integrity(every=0.0)
    running.start()
    yield running
    running.stop()


@pytest.fixture
def auditor(driver: Driver, integrity: Integrity) -> Auditor:
    return auditor_for(driver, integrity)


@given("the service signed a checkpoint of the log", target_fixture="checkpoint")
def signed(driver: Driver, integrity: Integrity) -> dict[str, Any]:
    return integrity.wait_for_checkpoint(driver.head()).as_json()


@given("the service signed another checkpoint of the log", target_fixture="later_checkpoint")
def signed_again(driver: Driver, integrity: Integrity) -> dict[str, Any]:
    return integrity.wait_for_checkpoint(driver.head()).as_json()


@when("an auditor asks for the proof that her latest audit entry is in the log",
      target_fixture="outcome")
def asks_inclusion(driver: Driver, auditor: Auditor, customer: Customer) -> Outcome:
    entry = driver.audit(customer.profile_id)[-1]
    checkpoint = auditor.checkpoint()
    proof = auditor.inclusion(entry.position or 0, checkpoint["tree_size"])
    return Outcome(answer={"entry": entry, "checkpoint": checkpoint, "proof": proof.answer})


@when("an auditor asks for the proof that the first checkpoint's log is the start of the "
      "second's", target_fixture="outcome")
def asks_consistency(auditor: Auditor, checkpoint: dict[str, Any],
                     later_checkpoint: dict[str, Any]) -> Outcome:
    return auditor.consistency(checkpoint["tree_size"], later_checkpoint["tree_size"])


@when("an auditor asks for a proof in a tree larger than the latest checkpoint",
      target_fixture="outcome")
def asks_beyond(driver: Driver, auditor: Auditor, customer: Customer) -> Outcome:
    first = driver.audit(customer.profile_id)[0]
    return auditor.inclusion(first.position or 0, auditor.checkpoint()["tree_size"] + 1)


@then("the proof leads from that entry to the root of the checkpoint")
def leads_to_root(outcome: Outcome) -> None:
    entry, checkpoint, proof = (outcome.answer[k] for k in ("entry", "checkpoint", "proof"))
    data = base64.b64decode(proof["leaf_input"])
    position, profile_id, version, topic, _ = data.decode().split("\n")
    assert (int(position), profile_id, int(version)) == (entry.position, entry.profile_id,
                                                          entry.version)
    assert topic.endswith(":" + entry.name)
    path = [bytes.fromhex(h) for h in proof["audit_path"]]
    assert merkle.verify_inclusion(proof["leaf_index"], checkpoint["tree_size"],
                                   merkle.leaf_hash(data), path,
                                   bytes.fromhex(checkpoint["root_hash"]))


@then("the checkpoint's signature verifies with the service's public key")
def signature_verifies(auditor: Auditor, outcome: Outcome) -> None:
    checkpoint = outcome.answer["checkpoint"]
    key = Ed25519PublicKey.from_public_bytes(base64.b64decode(auditor.public_key()["public_key"]))
    message = (f"profile-service checkpoint v1\n{checkpoint['tree_size']}\n"
               f"{checkpoint['root_hash']}\n{checkpoint['timestamp']}")
    key.verify(base64.b64decode(checkpoint["signature"]), message.encode())  # raises if forged


@then("the proof shows that the earlier log is the start of the later one, unchanged")
def prefix(outcome: Outcome, checkpoint: dict[str, Any], later_checkpoint: dict[str, Any]) -> None:
    assert not outcome.refused, outcome.message
    assert later_checkpoint["tree_size"] > checkpoint["tree_size"]
    assert merkle.verify_consistency(
        checkpoint["tree_size"], later_checkpoint["tree_size"],
        bytes.fromhex(checkpoint["root_hash"]), bytes.fromhex(later_checkpoint["root_hash"]),
        [bytes.fromhex(h) for h in outcome.answer["proof"]])
