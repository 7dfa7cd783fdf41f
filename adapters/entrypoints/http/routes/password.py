"""Section D, password: changing it, and the strength and generation helpers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Request, Response

from adapters.entrypoints.http import examples as ex
from adapters.entrypoints.http.blocking import Router
from adapters.entrypoints.http.deps import Service, Write
from adapters.entrypoints.http.examples import example
from adapters.entrypoints.http.helpers import LIMITED, Helper, limits_of
from adapters.entrypoints.http.problems import BODY, COMMON, responses
from adapters.entrypoints.http.routes.common import ProfileId, answer, answered
from adapters.entrypoints.http.schemas import (
    CommandAnswer,
    GeneratedPassword,
    StrengthAnswer,
    StrengthRequest,
)
from domain.inputs import PasswordChange

router = Router(prefix="/v1", responses=responses(*COMMON), tags=["password"])


@router.post(
    "/profiles/{profile_id}/password",
    response_model=CommandAnswer,
    summary="D: change the password",
    responses=answered(),
)
def change_password(
    profile_id: ProfileId,
    body: Annotated[PasswordChange, example(ex.PASSWORD)],
    ctx: Write,
    service: Service,
    response: Response,
) -> Response:
    return answer(service.change_password(profile_id, body, ctx), response)


@router.post(
    "/password/strength",
    summary="Estimate a password's strength",
    description=LIMITED,
    responses=responses(*BODY, 429),
)
async def password_strength(
    body: Annotated[StrengthRequest, example(ex.STRENGTH)],
    _caller: Helper,
    service: Service,
    request: Request,
) -> StrengthAnswer:
    strength = await limits_of(request).run(
        service.password_strength, body.password, body.user_inputs
    )
    return StrengthAnswer(
        score=strength.score, strong=strength.strong, feedback=list(strength.feedback)
    )


@router.post(
    "/password/generate",
    summary="Generate a random strong password",
    description=LIMITED,
    responses=responses(429),
)
async def generate_password(
    _caller: Helper, service: Service, request: Request
) -> GeneratedPassword:
    return GeneratedPassword(password=await limits_of(request).run(service.generate_password))
