"""Section F, social media accounts."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Response

from adapters.entrypoints.http import examples as ex
from adapters.entrypoints.http.blocking import Router
from adapters.entrypoints.http.deps import Service, Write
from adapters.entrypoints.http.examples import example
from adapters.entrypoints.http.problems import COMMON, responses
from adapters.entrypoints.http.routes.common import ProfileId, answer, answered
from adapters.entrypoints.http.schemas import CommandAnswer
from domain.inputs import SocialLink

router = Router(prefix="/v1", responses=responses(*COMMON), tags=["social media"])

Network = Annotated[
    str,
    Path(
        max_length=50,
        description="facebook, twitter, whatsapp, skype, signal or linkedin.",
        examples=["linkedin"],
    ),
]


@router.put(
    "/profiles/{profile_id}/social/{network}",
    response_model=CommandAnswer,
    summary="F: link a social account",
    responses=answered(),
)
def link_social(
    profile_id: ProfileId,
    network: Network,
    body: Annotated[SocialLink, example(ex.SOCIAL)],
    ctx: Write,
    service: Service,
    response: Response,
) -> Response:
    return answer(service.link_social(profile_id, network, body.url, ctx), response)


@router.delete(
    "/profiles/{profile_id}/social/{network}",
    response_model=CommandAnswer,
    summary="F: unlink a social account",
    responses=answered(body=False),
)
def unlink_social(
    profile_id: ProfileId,
    network: Network,
    ctx: Write,
    service: Service,
    response: Response,
) -> Response:
    return answer(service.unlink_social(profile_id, network, ctx), response)
