"""The stateless helpers: password strength and generation, card brand (scope profiles:read)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter

from adapters.http import examples as ex
from adapters.http.deps import Reader, Service
from adapters.http.examples import example
from adapters.http.problems import COMMON, responses
from adapters.http.schemas import (
    BrandAnswer,
    BrandRequest,
    GeneratedPassword,
    StrengthAnswer,
    StrengthRequest,
)

router = APIRouter(prefix="/v1", tags=["helpers"], responses=responses(*COMMON))


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


@router.post(
    "/cards/brand",
    summary="Detect a (partial) card number's brand",
    description="Scope `profiles:read`. Nothing is recorded.",
)
def card_brand(
    body: Annotated[BrandRequest, example(ex.BRAND)], _caller: Reader, service: Service
) -> BrandAnswer:
    brand, complete, luhn_valid = service.card_brand(body.number)
    return BrandAnswer(brand=brand, complete=complete, luhn_valid=luhn_valid)
