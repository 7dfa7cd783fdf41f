"""Section D, password: changing it, and the strength and generation helpers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Response

from adapters.entrypoints.http import examples as ex
from adapters.entrypoints.http.deps import Reader, Service, Write
from adapters.entrypoints.http.examples import example
from adapters.entrypoints.http.problems import COMMON, responses
from adapters.entrypoints.http.routes.common import ProfileId, answer, answered
from adapters.entrypoints.http.schemas import (
    CommandAnswer,
    GeneratedPassword,
    StrengthAnswer,
    StrengthRequest,
)
from domain.inputs import PasswordChange

router = APIRouter(prefix="/v1", responses=responses(*COMMON), tags=["password"])


@router.post(
    "/profiles/{profile_id}/password", summary="D: change the password", responses=answered()
)
def change_password(
    profile_id: ProfileId,
    body: Annotated[PasswordChange, example(ex.PASSWORD)],
    ctx: Write,
    service: Service,
    response: Response,
) -> CommandAnswer:
    return answer(service.change_password(profile_id, body, ctx), response)


@router.post(
    "/password/strength",
    summary="Estimate a password's strength",
    description="Scope `profiles:read`. Nothing is recorded.",
)
def password_strength(
    body: Annotated[StrengthRequest, example(ex.STRENGTH)], _caller: Reader, service: Service
) -> StrengthAnswer:
    strength = service.password_strength(body.password, body.user_inputs)
    return StrengthAnswer(
        score=strength.score, strong=strength.strong, feedback=list(strength.feedback)
    )


@router.post(
    "/password/generate",
    summary="Generate a random strong password",
    description="Scope `profiles:read`. Nothing is recorded.",
)
def generate_password(_caller: Reader, service: Service) -> GeneratedPassword:
    return GeneratedPassword(password=service.generate_password())
