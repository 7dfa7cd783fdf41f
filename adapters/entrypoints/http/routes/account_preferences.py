"""Section C, account preferences."""

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
from domain.inputs import PreferencesPatch

router = Router(prefix="/v1", responses=responses(*COMMON), tags=["account preferences"])


@router.patch(
    "/profiles/{profile_id}/preferences",
    response_model=CommandAnswer,
    summary="C: change account preferences",
    responses=answered(),
)
def change_preferences(
    profile_id: ProfileId,
    body: Annotated[PreferencesPatch, example(ex.PREFERENCES)],
    ctx: Write,
    service: Service,
    response: Response,
) -> Response:
    return answer(service.change_preferences(profile_id, body, ctx), response)
