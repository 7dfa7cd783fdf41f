"""Erasure (privacy.md): forget a person; their profile answers 410 ever after."""

from __future__ import annotations

from typing import Annotated

from fastapi import Body, Response

from adapters.entrypoints.http.blocking import Router
from adapters.entrypoints.http.deps import Eraser, Service
from adapters.entrypoints.http.problems import COMMON, responses
from adapters.entrypoints.http.routes.common import ProfileId, answer, answered
from adapters.entrypoints.http.schemas import CommandAnswer
from domain.inputs import Erasure

router = Router(prefix="/v1", responses=responses(*COMMON), tags=["erasure"])
ERASURE_EXAMPLE = {"basis": "customer_request"}


@router.delete(
    "/profiles/{profile_id}",
    response_model=CommandAnswer,
    summary="Erase the person: crypto-shredding, the history kept as a skeleton",
    description="Scope `privacy:erase`. Records ProfileErased (the basis, no personal value), "
    "destroys the profile's data key, snapshots, card number and e-mail claim; every view "
    'keeps only the skeleton ("[erased]"). Then every read and command answers 410 '
    "profile_erased.",
    responses=answered(),
)
def erase(
    profile_id: ProfileId,
    body: Annotated[Erasure, Body(examples=[ERASURE_EXAMPLE])],
    ctx: Eraser,
    service: Service,
    response: Response,
) -> Response:
    return answer(service.erase(profile_id, body.basis, ctx), response)
