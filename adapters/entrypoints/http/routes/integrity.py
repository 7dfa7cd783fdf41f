"""The tamper-evident log for auditors (integrity.md): the latest signed checkpoint, the public
key, inclusion and consistency proofs (RFC 9162); scope `audit:read`."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from eventsourcing.persistence import (
    ConnectionUnavailableError,
    InterfaceError,
    OperationalError,
)
from fastapi import Depends, Query, Request
from pydantic import ConfigDict, Field

from adapters.bootstrap import Container
from adapters.entrypoints.http.blocking import Router
from adapters.entrypoints.http.deps import Auditor
from adapters.entrypoints.http.problems import COMMON, ApiError, documented, responses
from adapters.entrypoints.http.schemas import Out
from adapters.integrity.model import Integrity
from adapters.integrity.proofs import EventMissing, InvalidTreeSize, NoCheckpoint, NodesMissing

RETRY = {"Retry-After": "1"}
Size = Annotated[int, Query(ge=0, le=2**62)]
EXAMPLE_CHECKPOINT: dict[str, Any] = {
    "tree_size": 1042,
    "root_hash": "b567c0cbb2e85c295e6ade930e5bb349a4b9bee9489caa7d6b679dd46e82a711",
    "timestamp": "2026-03-01T12:00:05.123Z",
    "key_id": "9cffcfa23133b882",
    "signature": "t7+Tu2n+gN8vK+IiFx5mBRJ1d4ZilAHnaql4y35LoJd2xj1ScqT9xuZ3AMAd1+zFZMVhRp0bGB88"
                 "lNPnHTnUBA==",
}  # signed by the example key below (not the service's)
_PATH = ["ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb",
         "3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d"]
_lock = threading.Lock()


def _examples(example: dict[str, Any]) -> ConfigDict:
    return ConfigDict(extra="ignore", json_schema_extra={"examples": [example]})


UNAVAILABLE = documented(503, "The store is busy or unreachable (store_unavailable), or the "
                         "tree is behind its checkpoint while it is rebuilt (tree_unavailable); "
                         "see Retry-After.")
INVALID_SIZE = documented(422, "A tree size larger than the latest checkpoint's, or a position "
                          "outside the tree of that size (invalid_tree_size).")


class CheckpointAnswer(Out):
    model_config = _examples(EXAMPLE_CHECKPOINT)
    tree_size: int = Field(description="Events in the tree signed (leaves).")
    root_hash: str = Field(description="The tree's root, hex.")
    timestamp: str = Field(description="When it was signed: ISO 8601 UTC, exactly as signed.")
    key_id: str = Field(description="The signing key's id (see /public-key).")
    signature: str = Field(description="Ed25519 over `profile-service checkpoint v1\\n"
                           "{tree_size}\\n{root_hash}\\n{timestamp}`, base64.")


class PublicKeyAnswer(Out):
    model_config = _examples({"key_id": EXAMPLE_CHECKPOINT["key_id"], "algorithm": "ed25519",
                              "public_key": "iwg3Ei3w3zbMOMlSlVO7cHe/edwg6ZtWofzEgbPmne8="})
    key_id: str
    algorithm: str
    public_key: str = Field(description="The raw 32 bytes of the Ed25519 public key, base64.")


class InclusionAnswer(Out):
    model_config = _examples({
        "position": 17, "leaf_index": 16, "tree_size": 1042,
        "leaf_input": "MTcKMzc5MDQzOGYtYWNlNy00MjUyLTg0NTItMGU4N2MyMGJlNTFlCjIKZG9tYWluLmV2ZW50czp"
                      "Db250YWN0Q2hhbmdlZAo0OWE2ZDA1YjhlNGI1MTY2NTZlNDY0MjcxZDlkZDM4ZDBhN2UwMTQy"
                      "ZjdmNDk1NDZmNGRhYmQyNzIwY2FmYzM0",
        "leaf_hash": "b3a6d8a65bf08b55fa0b4cc3eecaa377c2f0f005e7edd758e4e4127bd0fa9fe3",
        "audit_path": _PATH, "root_hash": EXAMPLE_CHECKPOINT["root_hash"]})
    position: int
    leaf_index: int
    tree_size: int
    leaf_input: str = Field(description="The leaf's input, base64: `{position}\\n{profile_id}"
                            "\\n{version}\\n{topic}\\n{sha256 hex of the stored state}`.")
    leaf_hash: str = Field(description="SHA-256(0x00 || leaf input), hex.")
    audit_path: list[str] = Field(description="RFC 9162 §2.1.3, hex, the leaf's sibling first.")
    root_hash: str = Field(description="The root of the tree of tree_size, hex.")


class ConsistencyAnswer(Out):
    model_config = _examples({"first": 1000, "second": 1042, "proof": _PATH})
    first: int
    second: int
    proof: list[str] = Field(description="RFC 9162 §2.1.4, hex.")


def integrity_of(request: Request) -> Integrity:
    """The app's integrity log: the one `serve` attached, else one made on first use."""
    state = request.app.state
    with _lock:
        found: Integrity | None = getattr(state, "integrity", None)
        if found is None:
            with answering():
                found = state.integrity = _container(request).integrity()
    return found


def _container(request: Request) -> Container:
    container: Container = request.app.state.container
    return container


def integrity_status(request: Request) -> list[dict[str, Any]]:
    """The tree's row for /readyz (beside the views')."""
    return [integrity_of(request).status()]


@contextmanager
def answering() -> Iterator[None]:
    """The integrity log's refusals as problems."""
    try:
        yield
    except InvalidTreeSize as error:
        raise ApiError(422, error.code, str(error), error.field) from None
    except NoCheckpoint as error:
        raise ApiError(404, "checkpoint_not_found", str(error)) from None
    except EventMissing as error:
        raise ApiError(404, "event_not_found", str(error), "position") from None
    except NodesMissing:
        raise ApiError(503, "tree_unavailable", "The tree is behind its latest checkpoint "
                       "(being rebuilt); try again shortly.", headers=RETRY) from None
    except (OperationalError, InterfaceError, ConnectionUnavailableError):
        raise ApiError(503, "store_unavailable", "The store is busy or unreachable; try again "
                       "shortly.", headers=RETRY) from None


Log = Annotated[Integrity, Depends(integrity_of)]
router = Router(prefix="/v1/integrity", tags=["integrity"],
                   responses={**responses(*COMMON), 503: UNAVAILABLE})


@router.get("/checkpoint", summary="The latest signed checkpoint (tree head)",
            description="Scope `audit:read`. Signed at least every 10 s while events arrive.",
            responses={404: documented(404, "No checkpoint signed yet (checkpoint_not_found).")})
def integrity_checkpoint(_caller: Auditor, log: Log) -> CheckpointAnswer:
    with answering():
        return CheckpointAnswer.model_validate(log.proofs.checkpoint().as_json())


@router.get("/public-key", summary="The key that signs the checkpoints",
            description="Scope `audit:read`. Pin it: a checkpoint proves nothing under a key "
            "fetched from the same place.")
def integrity_public_key(_caller: Auditor, log: Log) -> PublicKeyAnswer:
    return PublicKeyAnswer.model_validate(log.signer.public_json())


@router.get("/inclusion", summary="Proof that the event at a position is in the tree",
            description="Scope `audit:read`. `tree_size` defaults to the latest checkpoint's.",
            responses={
                422: INVALID_SIZE,
                404: documented(404, "The tree has the event but the store lost it "
                                "(event_not_found)."),
            })
def inclusion_proof(_caller: Auditor, log: Log, position: Size,
              tree_size: Size | None = None) -> InclusionAnswer:
    with answering():
        return InclusionAnswer.model_validate(log.proofs.inclusion(position, tree_size).as_json())


@router.get("/consistency", summary="Proof that a tree of `first` events is a prefix of `second`",
            description="Scope `audit:read`. `second` defaults to the latest checkpoint's size.",
            responses={422: INVALID_SIZE})
def consistency_proof(_caller: Auditor, log: Log, first: Size,
                second: Size | None = None) -> ConsistencyAnswer:
    with answering():
        return ConsistencyAnswer.model_validate(log.proofs.consistency(first, second).as_json())
