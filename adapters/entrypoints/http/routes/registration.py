"""Registration: a new profile."""

from __future__ import annotations

from typing import Annotated

from fastapi import Response

from adapters.entrypoints.http import examples as ex
from adapters.entrypoints.http.blocking import Router
from adapters.entrypoints.http.deps import Service, Write
from adapters.entrypoints.http.examples import example
from adapters.entrypoints.http.problems import BODY, COMMON, responses
from adapters.entrypoints.http.routes.common import answer
from adapters.entrypoints.http.schemas import ETAG_HEADER, CommandAnswer
from domain.inputs import Registration

router = Router(prefix="/v1", responses=responses(*COMMON), tags=["registration"])


@router.post(
    "/profiles",
    response_model=CommandAnswer,
    status_code=201,
    summary="Register a profile",
    responses={**responses(*COMMON, *BODY, 422), 201: {"headers": ETAG_HEADER}},
)
def register(
    body: Annotated[Registration, example(ex.REGISTRATION)],
    ctx: Write,
    service: Service,
    response: Response,
) -> Response:
    result = service.register(body, ctx)
    response.headers["Location"] = f"/v1/profiles/{result.profile_id}"
    return answer(result, response, 201)
