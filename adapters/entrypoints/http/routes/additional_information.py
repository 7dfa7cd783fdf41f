"""Section B, additional information."""

from __future__ import annotations

from typing import Annotated

from fastapi import Response

from adapters.entrypoints.http import examples as ex
from adapters.entrypoints.http.blocking import Router
from adapters.entrypoints.http.deps import Service, Write
from adapters.entrypoints.http.examples import example
from adapters.entrypoints.http.problems import COMMON, responses
from adapters.entrypoints.http.routes.common import ProfileId, answer, answered
from adapters.entrypoints.http.schemas import CommandAnswer
from domain.inputs import AdditionalInfoInput

router = Router(prefix="/v1", responses=responses(*COMMON), tags=["additional information"])


@router.put(
    "/profiles/{profile_id}/additional-info",
    response_model=CommandAnswer,
    summary="B: set additional information",
    responses=answered(),
)
def change_additional_info(
    profile_id: ProfileId,
    body: Annotated[AdditionalInfoInput, example(ex.ADDITIONAL_INFO)],
    ctx: Write,
    service: Service,
    response: Response,
) -> Response:
    return answer(service.change_additional_info(profile_id, body, ctx), response)
