"""The integrity API served by uvicorn on both stores: a signed checkpoint, proofs an auditor
checks with nothing but the public key, and refusals as problems."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from eventsourcing.persistence import OperationalError

from adapters.bootstrap import Container
from adapters.entrypoints.http.app import create_app
from adapters.integrity import merkle
from adapters.integrity.model import Integrity
from adapters.integrity.proofs import NodesMissing
from adapters.security.tokens import TokenStore
from tests.e2e.support import serve_in_thread
from tests.integration.integrity_support import own_store, record_events


@dataclass
class Served:
    container: Container
    client: httpx.Client
    integrity: Integrity
    auditor: dict[str, str]


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def served(request, tmp_path_factory) -> Iterator[Served]:
    with own_store(str(request.param), tmp_path_factory.mktemp("integrity")) as container:
        read_side = container.read_side()
        integrity = container.integrity(every=0.0)  # a checkpoint after every batch
        read_side.start()
        integrity.start()
        tokens = TokenStore(container.sql)
        app = create_app(container, read_side, tokens=tokens)
        app.state.integrity = integrity
        auditor = {"Authorization": f"Bearer {tokens.create('auditor', ['audit:read'])}"}
        try:
            with serve_in_thread(app) as url, httpx.Client(base_url=url, timeout=30) as client:
                yield Served(container, client, integrity, auditor)
        finally:
            integrity.stop()
            read_side.stop()


@pytest.fixture(scope="module")
def recorded(served) -> int:
    """Two batches of events, each signed: the tree size of the first checkpoint."""
    record_events(served.container, 2)
    first = served.integrity.wait_for_checkpoint(6).tree_size
    record_events(served.container, 1)
    served.integrity.wait_for_checkpoint(9)
    return first


def get(served: Served, path: str, **params: object) -> httpx.Response:
    return served.client.get(path, params=params, headers=served.auditor)


def test_the_checkpoint_is_signed_by_the_public_key_over_the_specified_text(served, recorded):
    checkpoint = get(served, "/v1/integrity/checkpoint").json()
    key = get(served, "/v1/integrity/public-key").json()
    assert set(checkpoint) == {"tree_size", "root_hash", "timestamp", "key_id", "signature"}
    assert key["algorithm"] == "ed25519" and key["key_id"] == checkpoint["key_id"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", checkpoint["timestamp"])
    message = (f"profile-service checkpoint v1\n{checkpoint['tree_size']}\n"
               f"{checkpoint['root_hash']}\n{checkpoint['timestamp']}").encode()
    public = Ed25519PublicKey.from_public_bytes(base64.b64decode(key["public_key"]))
    public.verify(base64.b64decode(checkpoint["signature"]), message)


def test_an_audit_entrys_inclusion_proof_leads_to_the_signed_root(served, recorded):
    checkpoint = get(served, "/v1/integrity/checkpoint").json()
    entry = served.integrity.events.recorder.select_notifications(start=5, limit=1)[0]
    proof = get(served, "/v1/integrity/inclusion", position=5).json()
    data = base64.b64decode(proof["leaf_input"])
    assert data.decode().split("\n")[:4] == [
        "5", str(entry.originator_id), str(entry.originator_version), entry.topic]
    assert proof["leaf_hash"] == merkle.leaf_hash(data).hex()
    assert (proof["position"], proof["leaf_index"], proof["tree_size"]) == (5, 4, 9)
    assert proof["root_hash"] == checkpoint["root_hash"]
    path = [bytes.fromhex(h) for h in proof["audit_path"]]
    assert merkle.verify_inclusion(4, 9, merkle.leaf_hash(data), path,
                                   bytes.fromhex(checkpoint["root_hash"]))


def test_a_consistency_proof_shows_the_first_checkpoint_is_a_prefix_of_the_latest(
    served, recorded
):
    first_root = served.integrity.store.checkpoints(upto=recorded)[-1].root_hash
    latest = get(served, "/v1/integrity/checkpoint").json()
    answer = get(served, "/v1/integrity/consistency", first=recorded).json()
    assert (answer["first"], answer["second"]) == (recorded, latest["tree_size"])
    assert merkle.verify_consistency(recorded, latest["tree_size"], bytes.fromhex(first_root),
                                     bytes.fromhex(latest["root_hash"]),
                                     [bytes.fromhex(h) for h in answer["proof"]])


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/v1/integrity/inclusion", {"position": 1, "tree_size": 10_000}, "tree_size"),
        ("/v1/integrity/inclusion", {"position": 10_000}, "position"),
        ("/v1/integrity/inclusion", {"position": 0}, "position"),
        ("/v1/integrity/consistency", {"first": 1, "second": 10_000}, "second"),
        ("/v1/integrity/consistency", {"first": 0}, "first"),
    ],
)
def test_a_size_beyond_the_latest_checkpoint_or_a_position_outside_it_is_a_422(
    served, recorded, path, params, field
):
    response = get(served, path, **params)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == "invalid_tree_size" and body["errors"][0]["field"] == field


@pytest.mark.parametrize("params", [{"position": "x"}, {}, {"position": 1, "tree_size": -1}])
def test_malformed_parameters_are_a_400(served, recorded, params):
    response = get(served, "/v1/integrity/inclusion", **params)
    assert response.status_code == 400 and response.json()["code"] == "validation_error"


def test_a_busy_store_is_a_503_with_retry_after(served, recorded, monkeypatch):
    def busy(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(served.integrity.store, "latest_checkpoint", busy)
    response = get(served, "/v1/integrity/checkpoint")
    assert response.status_code == 503 and response.headers["Retry-After"] == "1"
    assert response.json()["code"] == "store_unavailable"


def test_readiness_shows_the_trees_lag_beside_the_views(served, recorded):
    served.integrity.wait_for_position(served.integrity.head())
    rows = {row["name"]: row for row in served.client.get("/readyz").json()["projections"]}
    assert rows["integrity_tree"]["lag"] == 0
    assert rows["integrity_tree"]["head"] == rows["profile_view"]["head"]


def test_the_openapi_document_describes_every_route_with_examples(served):
    paths = served.client.get("/openapi.json").json()["paths"]
    for name in ("checkpoint", "public-key", "inclusion", "consistency"):
        operation = paths[f"/v1/integrity/{name}"]["get"]
        assert {"200", "401", "403", "503"} <= set(operation["responses"])
    schemas = served.client.get("/openapi.json").json()["components"]["schemas"]
    assert schemas["CheckpointAnswer"]["examples"][0]["tree_size"] == 1042
    assert "422" in paths["/v1/integrity/inclusion"]["get"]["responses"]


def test_before_any_checkpoint_the_checkpoint_is_a_404_and_proofs_a_422(tmp_path):
    with own_store("sqlite", tmp_path) as container:
        tokens = TokenStore(container.sql)
        app = create_app(container, container.read_side(), tokens=tokens)
        auth = {"Authorization": f"Bearer {tokens.create('a', ['audit:read'])}"}
        with serve_in_thread(app) as url, httpx.Client(base_url=url, headers=auth) as client:
            missing = client.get("/v1/integrity/checkpoint")
            early = client.get("/v1/integrity/inclusion", params={"position": 1})
    assert missing.status_code == 404 and missing.json()["code"] == "checkpoint_not_found"
    assert early.status_code == 422 and early.json()["code"] == "invalid_tree_size"


def test_a_proof_while_the_tree_is_rebuilt_is_a_503_tree_unavailable(served, recorded,
                                                                     monkeypatch):
    def rebuilding(*args, **kwargs):
        raise NodesMissing("3 of 5 nodes are missing")

    monkeypatch.setattr(served.integrity.proofs, "inclusion", rebuilding)
    response = get(served, "/v1/integrity/inclusion", position=1)
    assert response.status_code == 503 and response.headers["Retry-After"] == "1"
    assert response.json()["code"] == "tree_unavailable"
